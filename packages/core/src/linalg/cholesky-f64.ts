// Cholesky-Banachiewicz (row-by-row) factorisation A = L L^T, Golub & Van Loan, "Matrix
// Computations" (4th ed.), section 4.2, with a 2x2 register block (two rows of L against two rows).
import { type ArrayF64, checkArrayF64, checkSquareShape, notPositiveDefiniteError } from './array-f64.js';

/** Where a factorisation failed: the row and the value of the non-positive (or NaN) pivot. */
export interface PivotFailure {
  row: number;
  pivot: number;
}

function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let k = 0;
  for (; k + 1 < len; k += 2) {
    s0 += x[xo + k] * y[yo + k];
    s1 += x[xo + k + 1] * y[yo + k + 1];
  }
  if (k < len) s0 += x[xo + k] * y[yo + k];
  return s0 + s1;
}

/**
 * Factorises the n x n matrix at `a[aOff..]` (only its lower triangle is read) into the lower
 * factor at `l[lOff..]`, whose strictly upper triangle must already be zero. Returns null on
 * success, or the first failing pivot (`!(pivot > 0)`, which also catches NaN).
 * Internal kernel shared by the F64 functions.
 */
export function choleskyKernel(
  a: Float64Array,
  aOff: number,
  l: Float64Array,
  lOff: number,
  n: number,
): PivotFailure | null {
  let i = 0;
  // Two rows (i, i + 1) at a time: every load of L[j, k] serves two rows.
  for (; i + 1 < n; i += 2) {
    const ri = lOff + i * n;
    const ri1 = ri + n;
    const ai = aOff + i * n;
    const ai1 = ai + n;
    let j = 0;
    // Two columns (j, j + 1) at a time: a 2x2 block of dot products over k < j.
    for (; j + 1 < i; j += 2) {
      const rj = lOff + j * n;
      const rj1 = rj + n;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < j; k++) {
        const x0 = l[ri + k];
        const x1 = l[ri1 + k];
        const y0 = l[rj + k];
        const y1 = l[rj1 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      const djj = l[rj + j];
      const dj1 = l[rj1 + j + 1];
      const lj1j = l[rj1 + j];
      const v00 = (a[ai + j] - s00) / djj;
      const v10 = (a[ai1 + j] - s10) / djj;
      l[ri + j] = v00;
      l[ri1 + j] = v10;
      // Column j + 1 also needs the k = j term, known only now.
      l[ri + j + 1] = (a[ai + j + 1] - s01 - v00 * lj1j) / dj1;
      l[ri1 + j + 1] = (a[ai1 + j + 1] - s11 - v10 * lj1j) / dj1;
    }
    for (; j < i; j++) {
      const rj = lOff + j * n;
      const djj = l[rj + j];
      l[ri + j] = (a[ai + j] - dot(l, ri, l, rj, j)) / djj;
      l[ri1 + j] = (a[ai1 + j] - dot(l, ri1, l, rj, j)) / djj;
    }
    // The 2x2 diagonal block.
    const p0 = a[ai + i] - dot(l, ri, l, ri, i);
    if (!(p0 > 0)) return { row: i, pivot: p0 };
    const d0 = Math.sqrt(p0);
    l[ri + i] = d0;
    const off = (a[ai1 + i] - dot(l, ri1, l, ri, i)) / d0;
    l[ri1 + i] = off;
    const p1 = a[ai1 + i + 1] - dot(l, ri1, l, ri1, i + 1);
    if (!(p1 > 0)) return { row: i + 1, pivot: p1 };
    l[ri1 + i + 1] = Math.sqrt(p1);
  }
  if (i < n) {
    // Last row when n is odd.
    const ri = lOff + i * n;
    const ai = aOff + i * n;
    for (let j = 0; j < i; j++) {
      const rj = lOff + j * n;
      l[ri + j] = (a[ai + j] - dot(l, ri, l, rj, j)) / l[rj + j];
    }
    const p = a[ai + i] - dot(l, ri, l, ri, i);
    if (!(p > 0)) return { row: i, pivot: p };
    l[ri + i] = Math.sqrt(p);
  }
  return null;
}

/**
 * Cholesky factor of symmetric positive definite matrices, in float64: the lower-triangular `L`
 * with positive diagonal such that `A = L L^T`. Batched over leading dimensions.
 *
 * Only the lower triangle of `a` is read (as in LAPACK `potrf`); the upper triangle of the result
 * is zero. A matrix that is not positive definite (a pivot `<= 0` or NaN) raises
 * `InvalidArgumentError` naming the failing row, never returns NaN.
 *
 * @param a `[...batch, n, n]`, row-major.
 * @returns `L`, `[...batch, n, n]`, a fresh array owned by the caller.
 * @throws ShapeError if `a` is not a batch of square matrices.
 * @throws InvalidArgumentError if a matrix is not positive definite.
 *
 * @example
 * const l = choleskyF64({ data: new Float64Array([4, 2, 2, 3]), shape: [2, 2] });
 * // l.data = [2, 0, 1, 1.4142135623730951]
 */
export function choleskyF64(a: ArrayF64): ArrayF64 {
  const fn = 'choleskyF64';
  const shape = checkArrayF64(fn, 'a', a);
  const { batch, n, count } = checkSquareShape(fn, 'a', shape);
  const out = new Float64Array(a.data.length);
  const nn = n * n;
  for (let m = 0; m < count; m++) {
    const failure = choleskyKernel(a.data, m * nn, out, m * nn, n);
    if (failure) throw notPositiveDefiniteError(fn, 'a', batch, m, failure.row, failure.pivot);
  }
  return { data: out, shape };
}
