// Cholesky factorisation with tfjs ops (outer-product form, Golub & Van Loan, "Matrix
// Computations" 4th ed., Algorithm 4.2.2) and its reverse-mode gradient
// A_bar = Phi-sym(L^{-T} Phi(L^T L_bar) L^{-1}) (Murray, "Differentiation of the Cholesky
// decomposition", arXiv:1602.07527, 2016).
import * as tf from '@tensorflow/tfjs-core';
import { checkSquareTensor, transpose3, triangleMask } from './tensor-utils.js';
import { triangularSolve3 } from './triangular-solve.js';

/**
 * L and the pivots (the values whose square roots form L's diagonal) for a [B, n, n] batch,
 * reading only the lower triangle. Right-looking: step j takes column j of the trailing matrix,
 * scales it by 1/sqrt(pivot), and subtracts its outer product from the trailing matrix, which
 * shrinks by one row and column; ~10 small ops per column, temporaries freed each step.
 * A pivot <= 0 gives NaN from there on (no download to check it; see `choleskyChecked`).
 */
export function choleskyForward3(a: tf.Tensor3D): { l: tf.Tensor3D; pivots: tf.Tensor2D } {
  const [count, n] = a.shape;
  const columns: tf.Tensor3D[] = [];
  const pivots: tf.Tensor3D[] = [];
  let rest = a; // [B, m, m], m = n - j: the trailing matrix still to factor
  for (let j = 0; j < n; j++) {
    const m = n - j;
    const last = m === 1;
    const [column, pivot, next] = tf.tidy(() => {
      const col = tf.slice(rest, [0, 0, 0], [-1, m, 1]); // [B, m, 1]
      const p = tf.slice(col, [0, 0, 0], [-1, 1, 1]) as tf.Tensor3D; // [B, 1, 1]
      const scaled = tf.div(col, tf.sqrt(p)); // column j of L from row j down
      const padded = (j === 0 ? scaled : tf.pad(scaled, [[0, 0], [j, 0], [0, 0]])) as tf.Tensor3D; // [B, n, 1]
      if (last) return [padded, p];
      const below = tf.slice(scaled, [0, 1, 0], [-1, m - 1, 1]); // [B, m - 1, 1]
      const outer = tf.mul(below, tf.reshape(below, [count, 1, m - 1])); // [B, m - 1, m - 1]
      const trailing = tf.sub(tf.slice(rest, [0, 1, 1], [-1, m - 1, m - 1]), outer) as tf.Tensor3D;
      return [padded, p, trailing];
    });
    columns.push(column);
    pivots.push(pivot);
    if (rest !== a) rest.dispose();
    if (next) rest = next;
  }
  const l = tf.concat(columns, 2);
  const p = tf.reshape(tf.concat(pivots, 1), [count, n]) as tf.Tensor2D;
  tf.dispose([...columns, ...pivots]);
  return { l, pivots: p };
}

/** The symmetric gradient of A = L L^T given L_bar (Murray 2016, eq. 10). */
function choleskyBackward3(l: tf.Tensor3D, dl: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const n = l.shape[1];
    // P = Phi(L^T L_bar): lower triangle with the diagonal halved.
    const p = tf.mul(tf.matMul(l, dl, true, false), triangleMask(n, true, 0.5)) as tf.Tensor3D;
    // S = L^{-T} P L^{-1}: Y = L^{-T} P, then S = (L^{-T} Y^T)^T.
    const y = triangularSolve3(l, p, true, true);
    const s = transpose3(triangularSolve3(l, transpose3(y), true, true));
    // Symmetrise: the gradient for symmetric perturbations of A.
    return tf.mul(tf.add(s, transpose3(s)), 0.5);
  });
}

/** The differentiable [B, n, n] Cholesky factorisation (shared with `logDet`, `inverse`). */
export const choleskyOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, save] = args as [tf.Tensor3D, tf.GradSaveFunc];
  const { l, pivots } = choleskyForward3(a);
  pivots.dispose();
  save([l]);
  return {
    value: l,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => choleskyBackward3(saved[0] as tf.Tensor3D, dy as tf.Tensor3D),
  };
}) as (a: tf.Tensor3D) => tf.Tensor3D;

/**
 * Cholesky factor of symmetric positive definite float32 matrices: lower-triangular `L` with
 * `A = L L^T`, batched over leading dimensions. Differentiable: the gradient is the symmetric one
 * (Murray 2016), i.e. the gradient for perturbations that keep `A` symmetric, as in PyTorch and
 * JAX. Runs synchronously with tfjs ops only (works inside `tf.tidy` / `tf.grad`, on every backend).
 *
 * Only the lower triangle of `a` is read. Trade-off: checking the pivots needs a download, so this
 * function does NOT check positive definiteness: a non-positive pivot makes that column and all
 * later ones NaN. Use `await choleskyChecked(a)` where invalid input must raise an error naming
 * the pivot, or `choleskyF64` for float64.
 *
 * Cost: n steps of ~10 small ops (outer-product form); fine for n up to a few hundred.
 *
 * @param a `[...batch, n, n]` SPD matrices.
 * @returns `L`, `[...batch, n, n]`, zero above the diagonal; owned by the caller.
 * @throws ShapeError if `a` is not a batch of square matrices; InvalidArgumentError if not float32.
 *
 * @example
 * const l = cholesky(tf.tensor2d([[4, 2], [2, 3]])); // [[2, 0], [1, 1.4142]]
 * const g = tf.grad((a) => tf.sum(cholesky(a)))(tf.tensor2d([[4, 2], [2, 3]]));
 */
export function cholesky(a: tf.Tensor): tf.Tensor {
  const { n, count } = checkSquareTensor('cholesky', 'a', a);
  if (n === 0 || count === 0) return tf.zeros(a.shape);
  return tf.tidy(() => tf.reshape(choleskyOp(tf.reshape(a, [count, n, n])), a.shape));
}
