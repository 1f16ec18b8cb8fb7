// Matrix inverse with tfjs ops: Gauss-Jordan elimination with partial pivoting for general
// matrices (Golub & Van Loan, "Matrix Computations" 4th ed., sections 3.4, 3.2.11), Cholesky for
// SPD ones; gradient d(A^{-1}) = -A^{-T} dY A^{-T} (Giles, "An extended collection of matrix
// derivative results for forward and reverse mode AD", 2008).
import * as tf from '@tensorflow/tfjs-core';
import { checkOneOf } from '../validate.js';
import type { InverseOptions } from './inverse-f64.js';
import { choleskyOp } from './cholesky.js';
import { checkSquareTensor, identity3 } from './tensor-utils.js';
import { triangularSolveOp } from './triangular-solve.js';

/**
 * Gauss-Jordan on [A | I] ([B, n, 2n]) with partial pivoting, all on the backend: at step k the
 * pivot row p = argmax_{i >= k} |M[i, k]| is found with argMax, rows k and p are swapped with a
 * one-hot matMul (no download), row k is scaled to a unit pivot, and column k is eliminated from
 * every other row with one outer product. ~15 small ops and O(n^2) work per step.
 */
function gaussJordanInverse3(a: tf.Tensor3D): tf.Tensor3D {
  const [count, n] = a.shape;
  let m = tf.concat([a, identity3(count, n)], 2); // [B, n, 2n]
  for (let k = 0; k < n; k++) {
    const next = tf.tidy(() => {
      // Rows above k are finished: give them a score below any |entry|.
      const before = new Float32Array(n);
      before.fill(2, 0, k);
      const column = tf.reshape(tf.slice(m, [0, 0, k], [-1, n, 1]), [count, n]); // [B, n]
      const pivotRow = tf.argMax(tf.sub(tf.abs(column), tf.tensor1d(before)), 1); // [B]
      // One-hot of the pivot row (tf.oneHot needs depth >= 2).
      const ep = tf.cast(tf.equal(tf.reshape(pivotRow, [count, 1]), tf.range(0, n, 1, 'int32')), 'float32'); // [B, n]
      const ekValues = new Float32Array(n);
      ekValues[k] = 1;
      const ek = tf.tensor3d(ekValues, [1, n, 1]);
      // Swap rows k and p: M + (e_k - e_p) (row_p - row_k).
      const rowP = tf.matMul(tf.reshape(ep, [count, 1, n]), m); // [B, 1, 2n]
      const rowK = tf.slice(m, [0, k, 0], [-1, 1, 2 * n]);
      const swapped = tf.add(m, tf.mul(tf.sub(ek, tf.reshape(ep, [count, n, 1])), tf.sub(rowP, rowK)));
      // Scale the pivot row, then clear column k elsewhere: M - (M[:, k] - e_k) row.
      const row = tf.div(rowP, tf.slice(rowP, [0, 0, k], [-1, 1, 1])); // [B, 1, 2n]
      const factors = tf.sub(tf.slice(swapped, [0, 0, k], [-1, n, 1]), ek); // [B, n, 1]
      return tf.sub(swapped, tf.mul(factors, row)) as tf.Tensor3D;
    });
    m.dispose();
    m = next;
  }
  const inverse = tf.slice(m, [0, 0, n], [-1, n, n]);
  m.dispose();
  return inverse;
}

const generalInverseOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, save] = args as [tf.Tensor3D, tf.GradSaveFunc];
  const inv = gaussJordanInverse3(a);
  save([inv]);
  return {
    value: inv,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const s = saved[0] as tf.Tensor3D;
      return tf.neg(tf.matMul(tf.matMul(s, dy as tf.Tensor3D, true, false), s, false, true));
    },
  };
}) as (a: tf.Tensor3D) => tf.Tensor3D;

/**
 * Inverse of square float32 matrices, batched over leading dimensions; differentiable
 * (`-A^{-T} dY A^{-T}`). Synchronous, tfjs ops only.
 *
 * - `assume: 'general'` (default): Gauss-Jordan elimination with partial pivoting on the backend.
 *   A singular matrix gives Inf/NaN (no value check; use `inverseF64` for a checked float64 inverse).
 * - `assume: 'spd'`: Cholesky, `A^{-1} = L^{-T} L^{-1}`, reading only the lower triangle; NaN if
 *   not positive definite. Gradient through `cholesky` and `triangularSolve`.
 *
 * Prefer `choleskySolve` / `triangularSolve` to multiplying by an inverse.
 *
 * @param a `[...batch, n, n]`.
 * @param options `{assume: 'general' | 'spd'}`.
 * @returns `A^{-1}`, `[...batch, n, n]`, owned by the caller.
 * @throws ShapeError if `a` is not a batch of square matrices; InvalidArgumentError on a bad option.
 *
 * @example
 * const inv = inverse(tf.tensor2d([[0, 2], [1, 0]])); // [[0, 1], [0.5, 0]]
 * const precision = inverse(covariance, { assume: 'spd' });
 */
export function inverse(a: tf.Tensor, options: InverseOptions = {}): tf.Tensor {
  const fn = 'inverse';
  const { assume = 'general' } = options ?? {};
  checkOneOf(fn, 'options.assume', assume, ['general', 'spd'] as const);
  const { n, count } = checkSquareTensor(fn, 'a', a);
  if (n === 0 || count === 0) return tf.zeros(a.shape);
  return tf.tidy(() => {
    const a3 = tf.reshape(a, [count, n, n]) as tf.Tensor3D;
    if (assume === 'general') return tf.reshape(generalInverseOp(a3), a.shape);
    const l = choleskyOp(a3);
    const lInv = triangularSolveOp(l, identity3(count, n), true, false); // L^{-1}
    return tf.reshape(tf.matMul(lInv, lInv, true, false), a.shape); // L^{-T} L^{-1}
  });
}
