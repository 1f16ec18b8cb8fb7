// Solving A X = B from the Cholesky factor A = L L^T: L Y = B, then L^T X = Y (Golub & Van Loan,
// "Matrix Computations" 4th ed., section 4.2).
import * as tf from '@tensorflow/tfjs-core';
import { checkFloatTensor } from '../validate.js';
import { checkRhsShape } from './array-f64.js';
import { checkSquareTensor } from './tensor-utils.js';
import { triangularSolveOp } from './triangular-solve.js';

/**
 * Solves `A X = B` for float32 tensors given the lower Cholesky factor `L` of `A` (from
 * `cholesky`), like `tf.linalg.cholesky_solve` / `scipy.linalg.cho_solve`; batched over leading
 * dimensions. Differentiable with respect to `l` and `b` (through `triangularSolve`). Synchronous,
 * tfjs ops only. Only the lower triangle of `l` is read.
 *
 * @param l `[...batch, n, n]` lower Cholesky factors.
 * @param b `[...batch, n, k]` right-hand sides.
 * @returns `X = A^{-1} B`, `[...batch, n, k]`, owned by the caller.
 * @throws ShapeError on mismatched shapes.
 *
 * @example
 * const l = cholesky(covariance);
 * const x = choleskySolve(l, tf.reshape(residual, [d, 1])); // covariance^{-1} residual
 */
export function choleskySolve(l: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const fn = 'choleskySolve';
  const { n, count } = checkSquareTensor(fn, 'l', l);
  checkFloatTensor(fn, 'b', b);
  const k = checkRhsShape(fn, 'b', b.shape, 'l', l.shape);
  if (n === 0 || k === 0 || count === 0) return tf.zeros(b.shape);
  return tf.tidy(() => {
    const l3 = tf.reshape(l, [count, n, n]) as tf.Tensor3D;
    const y = triangularSolveOp(l3, tf.reshape(b, [count, n, k]), true, false);
    return tf.reshape(triangularSolveOp(l3, y, true, true), b.shape);
  });
}
