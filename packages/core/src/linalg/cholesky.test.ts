import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, cholesky, choleskyF64, normalFloat64 } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import {
  directionalDerivatives,
  projections,
  relErr,
  spdCases,
  stack,
  symmetricDirections,
  weightedSum,
} from './test-fixtures.js';

const F32 = 2 ** -23;
const small = spdCases.filter((c) => c.n <= 64);

describe('cholesky (tensor)', () => {
  // Float32 forward error of Cholesky is ~ n eps32 cond(A); the fixture matrices have cond < 10.
  it.each(small.map((c, i) => [i, c.n, c] as const))('case %i (n = %i) matches numpy to float32 accuracy', async (_i, n, c) => {
    const a = tf.tensor(Float32Array.from(c.a), [n, n]);
    const l = cholesky(a);
    expect(l.shape).toEqual([n, n]);
    expect(relErr(await l.data(), c.chol)).toBeLessThan(10 * n * F32);
    tf.dispose([a, l]);
  });

  it('batches over one and two leading dimensions', async () => {
    const cases = spdCases.filter((c) => c.n === 3);
    const batch = stack(cases.map((c) => c.a), [3, 3]);
    const a = tf.tensor(Float32Array.from(batch.data), [1, 3, 3, 3]);
    const l = cholesky(a);
    expect(l.shape).toEqual([1, 3, 3, 3]);
    const data = await l.data();
    cases.forEach((c, i) => expect(relErr(data.subarray(i * 9, (i + 1) * 9), c.chol)).toBeLessThan(30 * F32));
    tf.dispose([a, l]);
  });

  it('reads only the lower triangle and gives NaN (not garbage) past a non-positive pivot', async () => {
    const l = cholesky(tf.tensor2d([[4, 100], [2, 3]]));
    expect(Array.from(await l.data())).toEqual(Array.from(Float32Array.from([2, 0, 1, Math.sqrt(2)])));
    const bad = cholesky(tf.tensor2d([[1, 0, 0], [0, -1, 0], [0, 0, 1]]));
    const v = await bad.data();
    expect(v[0]).toBe(1);
    expect(Number.isNaN(v[4]) && Number.isNaN(v[8])).toBe(true);
    tf.dispose([l, bad]);
  });

  // The gradient is the symmetric one, so it is checked along symmetric perturbations
  // E_ij + E_ji, against central differences of the float64 factorisation.
  it.each([
    ['a batch of three 3x3', spdCases.filter((c) => c.n === 3), 3],
    ['one 17x17', spdCases.filter((c) => c.n === 17).slice(0, 1), 17],
  ] as const)('gradient matches float64 finite differences (%s)', async (_label, cases, n) => {
    const count = cases.length;
    const a64 = stack(cases.map((c) => c.a), [n, n]).data;
    const weights = normalFloat64(5, count * n * n);
    const a = tf.tensor(Float32Array.from(a64), [count, n, n]);
    const w = tf.tensor(Float32Array.from(weights), [count, n, n]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(cholesky(x), w)))(a);
    const gData = await g.data();
    // Symmetric: the gradient for symmetric perturbations.
    for (let m = 0; m < count; m++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) expect(gData[m * n * n + i * n + j]).toBeCloseTo(gData[m * n * n + j * n + i], 6);
      }
    }
    const directions = symmetricDirections(count, n);
    const f = (x: Float64Array) => weightedSum(choleskyF64({ data: x, shape: [count, n, n] }).data, weights);
    const fd = directionalDerivatives(f, a64, directions, 1e-5);
    expect(relErr(projections(gData, directions), fd)).toBeLessThan(1e-4);
    tf.dispose([a, w, g]);
  });

  it('leaks nothing, forward or backward', async () => {
    const a = tf.tensor(Float32Array.from(spdCases[4].a), [17, 17]);
    await expectNoLeak(() => cholesky(a), 'cholesky');
    await expectNoLeak(() => tf.grad((x: tf.Tensor) => tf.sum(cholesky(x)))(a), 'cholesky gradient');
    await expectNoLeak(() => tf.tidy(() => tf.sum(cholesky(a))), 'cholesky in tidy');
    a.dispose();
  });

  it('rejects bad shapes and dtypes', () => {
    const a = tf.zeros([2, 3]);
    expect(() => cholesky(a)).toThrow(ShapeError);
    expect(() => cholesky(a)).toThrow("Argument 'a' passed to 'cholesky' must have shape [...batch, n, n], but got [2, 3].");
    const i = tf.zeros([2, 2], 'int32');
    expect(() => cholesky(i)).toThrow(InvalidArgumentError);
    expect(() => cholesky(i)).toThrow("Argument 'a' passed to 'cholesky' must have dtype float32, but got int32.");
    tf.dispose([a, i]);
  });
});
