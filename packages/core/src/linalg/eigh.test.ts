import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, eigh } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { identity, matmul, relErr, spdCases, stack, transpose } from './test-fixtures.js';

const F32 = 2 ** -23;

describe('eigh (tensor)', () => {
  it.each(spdCases.filter((c) => c.n <= 64).map((c, i) => [i, c.n, c] as const))(
    'case %i (n = %i): values match numpy, vectors orthonormal and reconstruct A, all to float32 accuracy',
    async (_i, n, c) => {
      const a = tf.tensor(Float32Array.from(c.a), [n, n]);
      const { values, vectors } = await eigh(a);
      expect(values.shape).toEqual([n]);
      expect(vectors.shape).toEqual([n, n]);
      // Computed in float64 from float32 input, then rounded: errors ~ eps32 ||A||.
      const w = await values.data();
      const scale = Math.max(...c.eigvals.map(Math.abs));
      for (let i = 0; i < n; i++) expect(Math.abs(w[i] - c.eigvals[i])).toBeLessThan(4 * F32 * scale);
      const v = Float64Array.from(await vectors.data());
      expect(relErr(matmul(transpose(v, n, n), v, n, n, n), identity(n)) * Math.sqrt(n)).toBeLessThan(10 * n * F32);
      const vw = v.map((x, idx) => x * w[idx % n]);
      expect(relErr(matmul(vw, transpose(v, n, n), n, n, n), c.a)).toBeLessThan(10 * n * F32);
      tf.dispose([a, values, vectors]);
    },
  );

  it('batches over leading dimensions', async () => {
    const cases = spdCases.filter((c) => c.n === 3);
    const a = tf.tensor(Float32Array.from(stack(cases.map((c) => c.a), [3, 3]).data), [3, 1, 3, 3]);
    const { values, vectors } = await eigh(a);
    expect(values.shape).toEqual([3, 1, 3]);
    expect(vectors.shape).toEqual([3, 1, 3, 3]);
    const w = await values.data();
    cases.forEach((c, i) => expect(relErr(w.subarray(i * 3, i * 3 + 3), c.eigvals)).toBeLessThan(4 * F32));
    tf.dispose([a, values, vectors]);
  });

  it('leaks nothing', async () => {
    const a = tf.tensor2d([[2, 1], [1, 2]]);
    await expectNoLeak(() => eigh(a), 'eigh');
    a.dispose();
  });

  it('rejects bad shapes and non-finite values', async () => {
    const a = tf.zeros([2, 3]);
    await expect(eigh(a)).rejects.toThrow(ShapeError);
    const b = tf.tensor2d([[1, NaN], [NaN, 1]]);
    await expect(eigh(b)).rejects.toThrow(InvalidArgumentError);
    await expect(eigh(b)).rejects.toThrow("Argument 'a' passed to 'eigh' must hold only finite values, but element 1 is NaN.");
    tf.dispose([a, b]);
  });
});
