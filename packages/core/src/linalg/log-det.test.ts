import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ShapeError, logDet, logDetF64 } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { directionalDerivatives, projections, relErr, spdCases, stack, symmetricDirections } from './test-fixtures.js';

const F32 = 2 ** -23;

describe('logDet (tensor)', () => {
  it.each(spdCases.filter((c) => c.n <= 64).map((c, i) => [i, c.n, c] as const))(
    'case %i (n = %i) matches numpy slogdet to float32 accuracy',
    async (_i, n, c) => {
      const a = tf.tensor(Float32Array.from(c.a), [n, n]);
      const ld = logDet(a);
      expect(ld.shape).toEqual([]);
      // Each log L_ii carries a relative error ~ n eps32.
      expect(Math.abs((await ld.data())[0] - c.logdet)).toBeLessThan(10 * n * n * F32);
      tf.dispose([a, ld]);
    },
  );

  it('gradient equals A^{-1} and matches float64 finite differences (batch of three 3x3, one 17x17)', async () => {
    for (const [cases, n] of [[spdCases.filter((c) => c.n === 3), 3], [spdCases.filter((c) => c.n === 17).slice(1, 2), 17]] as const) {
      const count = cases.length;
      const a64 = stack(cases.map((c) => c.a), [n, n]).data;
      const a = tf.tensor(Float32Array.from(a64), [count, n, n]);
      const g = tf.grad((x: tf.Tensor) => tf.sum(logDet(x)))(a);
      expect(g.shape).toEqual([count, n, n]);
      const gData = await g.data();
      const directions = symmetricDirections(count, n);
      const f = (x: Float64Array) => logDetF64({ data: x, shape: [count, n, n] }).data.reduce((p, q) => p + q, 0);
      expect(relErr(projections(gData, directions), directionalDerivatives(f, a64, directions, 1e-5))).toBeLessThan(1e-4);
      tf.dispose([a, g]);
    }
  });

  it('returns one value per matrix of a batch', async () => {
    const cases = spdCases.filter((c) => c.n === 17);
    const a = tf.tensor(Float32Array.from(stack(cases.map((c) => c.a), [17, 17]).data), [3, 17, 17]);
    const ld = logDet(a);
    expect(ld.shape).toEqual([3]);
    const v = await ld.data();
    cases.forEach((c, i) => expect(Math.abs(v[i] - c.logdet)).toBeLessThan(10 * 17 * 17 * F32));
    tf.dispose([a, ld]);
  });

  it('leaks nothing, forward or backward', async () => {
    const a = tf.tensor2d([[4, 2], [2, 3]]);
    await expectNoLeak(() => logDet(a), 'logDet');
    await expectNoLeak(() => tf.grad((x: tf.Tensor) => logDet(x))(a), 'logDet gradient');
    a.dispose();
  });

  it('rejects bad shapes', () => {
    const a = tf.zeros([2, 3, 4]);
    expect(() => logDet(a)).toThrow(ShapeError);
    expect(() => logDet(a)).toThrow("Argument 'a' passed to 'logDet' must have shape [...batch, n, n], but got [2, 3, 4].");
    a.dispose();
  });
});
