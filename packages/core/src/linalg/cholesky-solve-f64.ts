// Solving A X = B from the Cholesky factor A = L L^T: L Y = B, then L^T X = Y (Golub & Van Loan,
// "Matrix Computations" (4th ed.), section 4.2).
import { type ArrayF64, checkArrayF64, checkRhsShape, checkSquareShape } from './array-f64.js';
import { checkTriangularDiagonal, triangularSolveKernel } from './triangular-solve-f64.js';

/**
 * Solves `A X = B` in float64 given the lower Cholesky factor `L` of `A` (as returned by
 * `choleskyF64`), like `scipy.linalg.cho_solve((L, True), B)`. Batched over leading dimensions.
 * Factor once, then solve for many right-hand sides cheaply (2 n^2 k flops per matrix).
 *
 * Only the lower triangle of `l` is read.
 *
 * @param l `[...batch, n, n]` lower Cholesky factors.
 * @param b `[...batch, n, k]` right-hand sides.
 * @returns `X = A^{-1} B`, `[...batch, n, k]`, a fresh array owned by the caller.
 * @throws ShapeError on mismatched shapes; InvalidArgumentError on a zero or non-finite diagonal.
 *
 * @example
 * const a = { data: new Float64Array([4, 2, 2, 3]), shape: [2, 2] };
 * const x = choleskySolveF64(choleskyF64(a), { data: new Float64Array([6, 5]), shape: [2, 1] });
 * // x.data = [1, 1]
 */
export function choleskySolveF64(l: ArrayF64, b: ArrayF64): ArrayF64 {
  const fn = 'choleskySolveF64';
  const lShape = checkArrayF64(fn, 'l', l);
  const bShape = checkArrayF64(fn, 'b', b);
  const { batch, n, count } = checkSquareShape(fn, 'l', lShape);
  const k = checkRhsShape(fn, 'b', bShape, 'l', lShape);
  checkTriangularDiagonal(fn, 'l', l.data, batch, n);
  const x = Float64Array.from(b.data);
  for (let m = 0; m < count; m++) {
    triangularSolveKernel(l.data, m * n * n, n, x, m * n * k, k, true, false);
    triangularSolveKernel(l.data, m * n * n, n, x, m * n * k, k, true, true);
  }
  return { data: x, shape: bShape };
}
