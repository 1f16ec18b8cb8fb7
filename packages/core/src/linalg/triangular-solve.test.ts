import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, normalFloat64, triangularSolve, triangularSolveF64 } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import {
  directionalDerivatives,
  projections,
  relErr,
  stack,
  triCases,
  unitDirections,
  weightedSum,
} from './test-fixtures.js';

const F32 = 2 ** -23;
const VARIANTS = [
  ['lower', { lower: true, adjoint: false }],
  ['upper', { lower: false, adjoint: false }],
  ['lower_trans', { lower: true, adjoint: true }],
  ['upper_trans', { lower: false, adjoint: true }],
] as const;
const small = triCases.filter((c) => c.n <= 64);

describe('triangularSolve (tensor)', () => {
  // Fixture triangles are full matrices: agreeing with SciPy shows only the named triangle is read.
  describe.each(VARIANTS)('%s', (key, options) => {
    it.each(small.map((c, i) => [i, c.n, c] as const))('case %i (n = %i) matches SciPy to float32 accuracy', async (_i, n, c) => {
      const a = tf.tensor(Float32Array.from(c.t), [n, n]);
      const b = tf.tensor(Float32Array.from(c.b), [n, 3]);
      const x = triangularSolve(a, b, options);
      expect(x.shape).toEqual([n, 3]);
      // Forward error ~ n eps32 cond(T); the fixture triangles have cond(T) < 3.
      expect(relErr(await x.data(), c.solutions[key])).toBeLessThan(10 * n * F32);
      tf.dispose([a, b, x]);
    });
  });

  it('batches over leading dimensions', async () => {
    const cases = triCases.filter((c) => c.n === 17);
    const a = tf.tensor(Float32Array.from(stack(cases.map((c) => c.t), [17, 17]).data), [3, 1, 17, 17]);
    const b = tf.tensor(Float32Array.from(stack(cases.map((c) => c.b), [17, 3]).data), [3, 1, 17, 3]);
    for (const [key, options] of VARIANTS) {
      const x = triangularSolve(a, b, options);
      expect(x.shape).toEqual([3, 1, 17, 3]);
      const data = await x.data();
      cases.forEach((c, i) => expect(relErr(data.subarray(i * 51, (i + 1) * 51), c.solutions[key])).toBeLessThan(200 * F32));
      x.dispose();
    }
    tf.dispose([a, b]);
  });

  // dB = op(A)^{-T} dY and dA = -dB X^T (or -X dB^T) on the read triangle, checked against float64
  // central differences of every entry of the triangle and of B; entries outside the triangle get
  // exactly zero gradient.
  describe.each(VARIANTS)('gradient (%s)', (_key, options) => {
    it('matches float64 finite differences for a batch of two 5x5 systems', async () => {
      const n = 5;
      const k = 2;
      const cases = triCases.filter((c) => c.n === 17).slice(0, 2);
      // Leading 5x5 blocks of the fixture triangles (still well conditioned), first 2 columns of B.
      const t64 = new Float64Array(2 * n * n);
      const b64 = new Float64Array(2 * n * k);
      cases.forEach((c, m) => {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) t64[m * n * n + i * n + j] = c.t[i * 17 + j];
          for (let j = 0; j < k; j++) b64[m * n * k + i * k + j] = c.b[i * 3 + j];
        }
      });
      const weights = normalFloat64(9, 2 * n * k);
      const a = tf.tensor(Float32Array.from(t64), [2, n, n]);
      const b = tf.tensor(Float32Array.from(b64), [2, n, k]);
      const w = tf.tensor(Float32Array.from(weights), [2, n, k]);
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(triangularSolve(x, y, options), w)))([a, b]);
      const gaData = await ga.data();
      const inTriangle = (index: number) => {
        const i = Math.floor((index % (n * n)) / n);
        const j = index % n;
        return options.lower ? j <= i : j >= i;
      };
      for (let index = 0; index < 2 * n * n; index++) if (!inTriangle(index)) expect(Math.abs(gaData[index])).toBe(0);
      const fa = (x: Float64Array) =>
        weightedSum(triangularSolveF64({ data: x, shape: [2, n, n] }, { data: b64, shape: [2, n, k] }, options).data, weights);
      const dirA = unitDirections(2 * n * n, inTriangle);
      expect(relErr(projections(gaData, dirA), directionalDerivatives(fa, t64, dirA, 1e-5))).toBeLessThan(1e-4);
      const fb = (y: Float64Array) =>
        weightedSum(triangularSolveF64({ data: t64, shape: [2, n, n] }, { data: y, shape: [2, n, k] }, options).data, weights);
      const dirB = unitDirections(2 * n * k);
      expect(relErr(projections(await gb.data(), dirB), directionalDerivatives(fb, b64, dirB, 1e-5))).toBeLessThan(1e-4);
      tf.dispose([a, b, w, ga, gb]);
    });
  });

  it('leaks nothing, forward or backward', async () => {
    const c = triCases[4];
    const a = tf.tensor(Float32Array.from(c.t), [17, 17]);
    const b = tf.tensor(Float32Array.from(c.b), [17, 3]);
    for (const [, options] of VARIANTS) {
      await expectNoLeak(() => triangularSolve(a, b, options), 'triangularSolve');
      await expectNoLeak(
        () => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(triangularSolve(x, y, options)))([a, b]),
        'triangularSolve gradient',
      );
    }
    tf.dispose([a, b]);
  });

  it('rejects mismatched shapes and bad options', () => {
    const a = tf.zeros([2, 4, 4]);
    const b = tf.zeros([3, 4, 1]);
    expect(() => triangularSolve(a, b)).toThrow(ShapeError);
    expect(() => triangularSolve(a, b)).toThrow(
      "Argument 'b' passed to 'triangularSolve' must have shape [2, 4, k] (a has shape [2, 4, 4]), but got [3, 4, 1].",
    );
    const v = tf.zeros([4]);
    expect(() => triangularSolve(tf.zeros([4, 4]), v)).toThrow(ShapeError);
    expect(() => triangularSolve(a, tf.zeros([2, 4, 1]), { adjoint: 1 as never })).toThrow(InvalidArgumentError);
    tf.dispose([a, b, v]);
  });
});
