// log det A = 2 sum_i log L_ii for A = L L^T; gradient A^{-1} through the Cholesky gradient
// (Murray, "Differentiation of the Cholesky decomposition", 2016).
import * as tf from '@tensorflow/tfjs-core';
import { choleskyOp } from './cholesky.js';
import { checkSquareTensor, diagonal3 } from './tensor-utils.js';

/**
 * Log-determinant of symmetric positive definite float32 matrices via Cholesky, batched over
 * leading dimensions. Differentiable (gradient `A^{-1}`, through `cholesky`'s gradient).
 * Synchronous, tfjs ops only. Only the lower triangle is read; a matrix that is not positive
 * definite gives NaN (no value check; see `choleskyChecked` or `logDetF64`).
 *
 * @param a `[...batch, n, n]` SPD matrices.
 * @returns `[...batch]` log-determinants (a scalar for one matrix), owned by the caller.
 * @throws ShapeError if `a` is not a batch of square matrices.
 *
 * @example
 * const ld = logDet(tf.tensor2d([[4, 2], [2, 3]])); // log 8
 * // Gaussian log-density: -0.5 * (d log 2 pi + logDet(cov) + mahalanobis)
 */
export function logDet(a: tf.Tensor): tf.Tensor {
  const { batch, n, count } = checkSquareTensor('logDet', 'a', a);
  if (n === 0 || count === 0) return tf.zeros(batch);
  return tf.tidy(() => {
    const l = choleskyOp(tf.reshape(a, [count, n, n]) as tf.Tensor3D);
    const logDiag = tf.log(diagonal3(l)); // [B, n]
    return tf.reshape(tf.mul(tf.sum(logDiag, 1), 2), batch);
  });
}
