import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, cholesky, choleskyChecked } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { spdCases } from './test-fixtures.js';

describe('choleskyChecked', () => {
  it('returns the same factor as cholesky for SPD input', async () => {
    const a = tf.tensor(Float32Array.from(spdCases[4].a), [17, 17]);
    const l = await choleskyChecked(a);
    const ref = cholesky(a);
    expect(Array.from(await l.data())).toEqual(Array.from(await ref.data()));
    tf.dispose([a, l, ref]);
  });

  it('names the failing pivot instead of returning NaN', async () => {
    const a = tf.tensor2d([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, -0.25],
    ]);
    await expect(choleskyChecked(a)).rejects.toThrow(InvalidArgumentError);
    await expect(choleskyChecked(a)).rejects.toThrow(
      "Argument 'a' passed to 'choleskyChecked' must be symmetric positive definite, but the pivot at row 3 is -0.25 (leading minor 4 is not positive).",
    );
    const batch = tf.tensor3d([[[4, 0], [0, 4]], [[1, 2], [2, 1]]]);
    await expect(choleskyChecked(batch)).rejects.toThrow(
      'but in matrix [1] the pivot at row 1 is -3 (leading minor 2 is not positive).',
    );
    const nan = tf.tensor2d([[1, 0], [NaN, 1]]);
    await expect(choleskyChecked(nan)).rejects.toThrow('the pivot at row 1 is NaN (the input holds non-finite values).');
    tf.dispose([a, batch, nan]);
  });

  it('leaks nothing, on success or failure', async () => {
    const good = tf.tensor2d([[4, 2], [2, 3]]);
    const bad = tf.tensor2d([[1, 2], [2, 1]]);
    await expectNoLeak(() => choleskyChecked(good), 'choleskyChecked');
    await expectNoLeak(async () => {
      await choleskyChecked(bad).catch(() => undefined);
    }, 'choleskyChecked failing');
    tf.dispose([good, bad]);
  });

  it('rejects bad shapes', async () => {
    const a = tf.zeros([3]);
    await expect(choleskyChecked(a)).rejects.toThrow(ShapeError);
    await expect(choleskyChecked(a)).rejects.toThrow(
      "Argument 'a' passed to 'choleskyChecked' must have shape [...batch, n, n], but got [3].",
    );
    a.dispose();
  });
});
