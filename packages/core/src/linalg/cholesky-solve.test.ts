import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ShapeError, cholesky, choleskySolve, normalFloat64 } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { relErr, spdCases, stack } from './test-fixtures.js';

const F32 = 2 ** -23;

describe('choleskySolve (tensor)', () => {
  it.each(spdCases.filter((c) => c.n <= 64).map((c, i) => [i, c.n, c] as const))(
    'case %i (n = %i) matches scipy cho_solve to float32 accuracy',
    async (_i, n, c) => {
      const a = tf.tensor(Float32Array.from(c.a), [n, n]);
      const b = tf.tensor(Float32Array.from(c.b), [n, 3]);
      const x = tf.tidy(() => choleskySolve(cholesky(a), b));
      expect(relErr(await x.data(), c.choSolve)).toBeLessThan(20 * n * F32);
      tf.dispose([a, b, x]);
    },
  );

  it('batches, and its gradient with respect to b is A^{-1} applied to the cotangent', async () => {
    const cases = spdCases.filter((c) => c.n === 3);
    const a = tf.tensor(Float32Array.from(stack(cases.map((c) => c.a), [3, 3]).data), [3, 3, 3]);
    const b = tf.tensor(Float32Array.from(stack(cases.map((c) => c.b), [3, 3]).data), [3, 3, 3]);
    const l = cholesky(a);
    const x = choleskySolve(l, b);
    const data = await x.data();
    cases.forEach((c, i) => expect(relErr(data.subarray(i * 9, (i + 1) * 9), c.choSolve)).toBeLessThan(100 * F32));
    // d/dB sum(W * A^{-1} B) = A^{-T} W = A^{-1} W.
    const w = tf.tensor(Float32Array.from(normalFloat64(3, 27)), [3, 3, 3]);
    const g = tf.grad((y: tf.Tensor) => tf.sum(tf.mul(choleskySolve(l, y), w)))(b);
    const expected = choleskySolve(l, w);
    expect(relErr(await g.data(), await expected.data())).toBeLessThan(100 * F32);
    tf.dispose([a, b, l, x, w, g, expected]);
  });

  it('leaks nothing, forward or backward', async () => {
    const l = tf.tensor2d([[2, 0], [1, 1]]);
    const b = tf.tensor2d([[1], [2]]);
    await expectNoLeak(() => choleskySolve(l, b), 'choleskySolve');
    await expectNoLeak(() => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(choleskySolve(p, q)))([l, b]), 'choleskySolve gradient');
    tf.dispose([l, b]);
  });

  it('rejects mismatched shapes', () => {
    const l = tf.zeros([3, 3]);
    const b = tf.zeros([2, 1]);
    expect(() => choleskySolve(l, b)).toThrow(ShapeError);
    expect(() => choleskySolve(l, b)).toThrow(
      "Argument 'b' passed to 'choleskySolve' must have shape [3, k] (l has shape [3, 3]), but got [2, 1].",
    );
    tf.dispose([l, b]);
  });
});
