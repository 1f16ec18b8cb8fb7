// log det A = 2 sum_i log L_ii for A = L L^T (Cholesky), Golub & Van Loan, "Matrix Computations"
// (4th ed.), section 4.2.
import { type ArrayF64, checkArrayF64, checkSquareShape, notPositiveDefiniteError } from './array-f64.js';
import { choleskyKernel } from './cholesky-f64.js';

/**
 * Log-determinant of symmetric positive definite matrices, in float64, via Cholesky (only the
 * lower triangle is read). Batched over leading dimensions.
 *
 * @param a `[...batch, n, n]` SPD matrices.
 * @returns `[...batch]` log-determinants (shape `[]` and `data[0]` for a single matrix), owned by
 *   the caller. An empty (0 x 0) matrix has log-determinant 0.
 * @throws ShapeError on a non-square `a`; InvalidArgumentError (naming the failing pivot) if a
 *   matrix is not positive definite.
 *
 * @example
 * logDetF64({ data: new Float64Array([4, 2, 2, 3]), shape: [2, 2] }).data[0]; // Math.log(8)
 */
export function logDetF64(a: ArrayF64): ArrayF64 {
  const fn = 'logDetF64';
  const shape = checkArrayF64(fn, 'a', a);
  const { batch, n, count } = checkSquareShape(fn, 'a', shape);
  const out = new Float64Array(count);
  const l = new Float64Array(n * n);
  for (let m = 0; m < count; m++) {
    // The kernel writes every lower entry and never the upper ones, so `l` needs no reset.
    const failure = choleskyKernel(a.data, m * n * n, l, 0, n);
    if (failure) throw notPositiveDefiniteError(fn, 'a', batch, m, failure.row, failure.pivot);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.log(l[i * n + i]);
    out[m] = 2 * sum;
  }
  return { data: out, shape: batch };
}
