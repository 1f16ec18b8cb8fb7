// Forward and back substitution with tfjs ops, one row of X per step (Golub & Van Loan, "Matrix
// Computations" 4th ed., section 3.1); gradient dB = op(A)^{-T} dY, dA = -dB X^T (or -X dB^T for
// the transposed system) restricted to the triangle (Giles, "An extended collection of matrix
// derivative results for forward and reverse mode AD", 2008).
import * as tf from '@tensorflow/tfjs-core';
import { checkFloatTensor } from '../validate.js';
import { checkRhsShape } from './array-f64.js';
import { type TriangularSolveOptions, triangularOptions } from './triangular-solve-f64.js';
import { checkSquareTensor, transpose3, triangleMask } from './tensor-utils.js';

/**
 * Solves L X = B for lower-triangular L ([B, n, n]) and B ([B, n, k]), reading only L's lower
 * triangle. Column-oriented: after row i of X is known, its contribution is removed from the rows
 * below (an outer product), so no step concatenates earlier rows. n steps of ~7 small ops;
 * each step's temporaries are freed at once, so memory stays O(B n k) beyond the inputs.
 */
function solveLower3(l: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const n = l.shape[1];
  const k = b.shape[2];
  const rows: tf.Tensor3D[] = [];
  let rest = b; // [B, n - i, k]: right-hand sides of the rows still to solve
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    const [row, next] = tf.tidy(() => {
      const pivot = tf.slice(l, [0, i, i], [-1, 1, 1]); // [B, 1, 1]
      const x = tf.div(tf.slice(rest, [0, 0, 0], [-1, 1, k]), pivot) as tf.Tensor3D; // [B, 1, k]
      if (last) return [x];
      const below = tf.slice(l, [0, i + 1, i], [-1, n - i - 1, 1]); // [B, n - i - 1, 1]
      const updated = tf.sub(tf.slice(rest, [0, 1, 0], [-1, n - i - 1, k]), tf.mul(below, x)) as tf.Tensor3D;
      return [x, updated];
    });
    rows.push(row);
    if (rest !== b) rest.dispose();
    if (next) rest = next;
  }
  const x = tf.concat(rows, 1);
  tf.dispose(rows);
  return x;
}

/** Solves op(A) X = B for [B, n, n] A and [B, n, k] B; reduces every case to `solveLower3`. */
export function triangularSolve3(
  a: tf.Tensor3D,
  b: tf.Tensor3D,
  lower: boolean,
  adjoint: boolean,
): tf.Tensor3D {
  return tf.tidy(() => {
    // A^T of a lower (upper) triangle is upper (lower).
    const m = adjoint ? transpose3(a) : a;
    const isLower = adjoint ? !lower : lower;
    if (isLower) return solveLower3(m, b);
    // U X = B  <=>  (J U J)(J X) = J B, with J the reversal permutation; J U J is lower.
    const x = solveLower3(tf.reverse(m, [1, 2]), tf.reverse(b, [1]));
    return tf.reverse(x, [1]);
  });
}

function makeSolveOp(lower: boolean, adjoint: boolean) {
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [a, b, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
    const x = triangularSolve3(a, b, lower, adjoint);
    save([a, x]);
    return {
      value: x,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sx] = saved as [tf.Tensor3D, tf.Tensor3D];
        const db = triangularSolve3(sa, dy as tf.Tensor3D, lower, !adjoint);
        // op(A) = A: dA = -dB X^T; op(A) = A^T: dA = -(dB X^T)^T = -X dB^T. Only the triangle
        // that was read gets a gradient.
        const outer = adjoint ? tf.matMul(sx, db, false, true) : tf.matMul(db, sx, false, true);
        const da = tf.mul(tf.neg(outer), triangleMask(sa.shape[1], lower));
        return [da, db];
      },
    };
  });
}

const solveOps = new Map<string, ReturnType<typeof makeSolveOp>>();

/** The differentiable [B, n, n] x [B, n, k] solve (shared with `choleskySolve`, `inverse`, `cholesky`'s gradient). */
export function triangularSolveOp(a: tf.Tensor3D, b: tf.Tensor3D, lower: boolean, adjoint: boolean): tf.Tensor3D {
  const key = `${lower}-${adjoint}`;
  let op = solveOps.get(key);
  if (!op) {
    op = makeSolveOp(lower, adjoint);
    solveOps.set(key, op);
  }
  return op(a, b) as tf.Tensor3D;
}

/**
 * Solves the triangular systems `op(A) X = B` for float32 tensors, where `op(A)` is `A` or (with
 * `adjoint: true`) `A^T`; batched over leading dimensions (matrix i of `a` pairs with matrix i of
 * `b`). Differentiable with respect to `a` (its read triangle) and `b`. Runs synchronously with
 * tfjs ops only, so it works inside `tf.tidy` and `tf.grad` on every backend.
 *
 * Only the triangle named by `lower` is read. A zero on the diagonal gives Inf/NaN (no value
 * check, which would need a download; use `triangularSolveF64` for checked float64 solves).
 * Cost: n steps of ~7 small ops (forward and back substitution, one row per step).
 *
 * @param a `[...batch, n, n]` triangular matrices.
 * @param b `[...batch, n, k]` right-hand sides.
 * @param options `{lower = true, adjoint = false}`.
 * @returns `X`, `[...batch, n, k]`, owned by the caller.
 * @throws ShapeError if `a` is not square or `b`'s batch dimensions or n differ from `a`'s.
 *
 * @example
 * const l = tf.tensor2d([[2, 0], [1, 1]]);
 * const x = triangularSolve(l, tf.tensor2d([[2], [3]])); // [[1], [2]]
 * const y = triangularSolve(l, tf.tensor2d([[2], [3]]), { adjoint: true }); // solves L^T y = b
 */
export function triangularSolve(a: tf.Tensor, b: tf.Tensor, options: TriangularSolveOptions = {}): tf.Tensor {
  const fn = 'triangularSolve';
  const { lower, adjoint } = triangularOptions(fn, options);
  const { n, count } = checkSquareTensor(fn, 'a', a);
  checkFloatTensor(fn, 'b', b);
  const k = checkRhsShape(fn, 'b', b.shape, 'a', a.shape);
  if (n === 0 || k === 0 || count === 0) return tf.zeros(b.shape);
  return tf.tidy(() => {
    const x = triangularSolveOp(tf.reshape(a, [count, n, n]), tf.reshape(b, [count, n, k]), lower, adjoint);
    return tf.reshape(x, b.shape);
  });
}
