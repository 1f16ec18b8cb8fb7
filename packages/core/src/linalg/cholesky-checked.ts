// Cholesky factorisation with a pivot check (the float32 tensor factorisation of cholesky.ts plus
// one download of the n pivots per matrix).
import * as tf from '@tensorflow/tfjs-core';
import { notPositiveDefiniteError } from './array-f64.js';
import { choleskyForward3 } from './cholesky.js';
import { checkSquareTensor } from './tensor-utils.js';

/**
 * Like `cholesky`, but checks positive definiteness: downloads the pivots and raises
 * `InvalidArgumentError` naming the first failing one (e.g. "... but the pivot at row 3 is -0.25
 * (leading minor 4 is not positive).") instead of returning NaN. Asynchronous because the check
 * reads values back from the backend; not differentiable (call `cholesky` inside `tf.grad`).
 *
 * @param a `[...batch, n, n]` SPD matrices (only the lower triangle is read).
 * @returns A promise of `L`, `[...batch, n, n]`, owned by the caller (nothing is left allocated
 *   when it throws).
 * @throws ShapeError on bad shapes; InvalidArgumentError on a pivot that is <= 0 or NaN.
 *
 * @example
 * const l = await choleskyChecked(covariance); // throws on a singular covariance
 */
export async function choleskyChecked(a: tf.Tensor): Promise<tf.Tensor> {
  const fn = 'choleskyChecked';
  const { batch, n, count } = checkSquareTensor(fn, 'a', a);
  if (n === 0 || count === 0) return tf.zeros(a.shape);
  const { l, pivots } = tf.tidy(() => {
    const result = choleskyForward3(tf.reshape(a, [count, n, n]));
    return { l: tf.reshape(result.l, a.shape), pivots: result.pivots };
  });
  const values = await pivots.data();
  pivots.dispose();
  for (let m = 0; m < count; m++) {
    for (let i = 0; i < n; i++) {
      const p = values[m * n + i];
      if (!(p > 0)) {
        l.dispose();
        throw notPositiveDefiniteError(fn, 'a', batch, m, i, p);
      }
    }
  }
  return l;
}
