import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, sqrtmPsd } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { relErr, spdCases, stack } from './test-fixtures.js';

const F32 = 2 ** -23;

describe('sqrtmPsd (tensor)', () => {
  it.each(spdCases.filter((c) => c.sqrtm).map((c, i) => [i, c.n, c] as const))(
    'case %i (n = %i) matches scipy.linalg.sqrtm to float32 accuracy',
    async (_i, n, c) => {
      const a = tf.tensor(Float32Array.from(c.a), [n, n]);
      const s = await sqrtmPsd(a);
      // Float64 computation from float32 input: error ~ eps32 cond(A) / 2, cond(A) < 10.
      expect(relErr(await s.data(), c.sqrtm!)).toBeLessThan(10 * F32);
      tf.dispose([a, s]);
    },
  );

  it('batches over leading dimensions', async () => {
    const cases = spdCases.filter((c) => c.n === 17);
    const a = tf.tensor(Float32Array.from(stack(cases.map((c) => c.a), [17, 17]).data), [3, 17, 17]);
    const s = await sqrtmPsd(a);
    const data = await s.data();
    cases.forEach((c, i) => expect(relErr(data.subarray(i * 289, (i + 1) * 289), c.sqrtm!)).toBeLessThan(10 * F32));
    tf.dispose([a, s]);
  });

  it('leaks nothing', async () => {
    const a = tf.tensor2d([[5, 4], [4, 5]]);
    await expectNoLeak(() => sqrtmPsd(a), 'sqrtmPsd');
    a.dispose();
  });

  it('rejects indefinite matrices and bad shapes', async () => {
    const a = tf.tensor2d([[1, 2], [2, 1]]);
    await expect(sqrtmPsd(a)).rejects.toThrow(InvalidArgumentError);
    await expect(sqrtmPsd(a)).rejects.toThrow(
      "Argument 'a' passed to 'sqrtmPsd' must be symmetric positive semi-definite, but it has eigenvalue -1",
    );
    const b = tf.zeros([2]);
    await expect(sqrtmPsd(b)).rejects.toThrow(ShapeError);
    tf.dispose([a, b]);
  });
});
