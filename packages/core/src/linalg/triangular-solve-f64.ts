// Forward and back substitution for triangular systems with many right-hand sides, Golub & Van
// Loan, "Matrix Computations" (4th ed.), section 3.1 (row- and column-oriented variants).
import { InvalidArgumentError, describeValue } from '../errors.js';
import {
  type ArrayF64,
  batchLocation,
  checkArrayF64,
  checkRhsShape,
  checkSquareShape,
  formatValue,
} from './array-f64.js';

/** Options of `triangularSolveF64` and `triangularSolve`. */
export interface TriangularSolveOptions {
  /** Whether `a` is lower triangular (true, the default) or upper triangular. Only that triangle is read. */
  lower?: boolean;
  /** Solve `A^T X = B` instead of `A X = B` (the adjoint of a real matrix is its transpose). Default false. */
  adjoint?: boolean;
}

/** Validates the boolean options; returns them with defaults filled in. */
export function triangularOptions(
  fn: string,
  options: TriangularSolveOptions | undefined,
): { lower: boolean; adjoint: boolean } {
  const { lower = true, adjoint = false } = options ?? {};
  for (const [name, value] of [['lower', lower], ['adjoint', adjoint]] as const) {
    if (typeof value !== 'boolean') {
      throw new InvalidArgumentError(
        `Argument 'options.${name}' passed to '${fn}' must be a boolean, but got ${describeValue(value)}.`,
      );
    }
  }
  return { lower, adjoint };
}

/**
 * Solves op(A) X = B in place: `x[xOff..]` holds B (n x k, row-major) on entry and X on exit;
 * A is the n x n triangle at `a[aOff..]`. Every variant runs its inner loop along rows (contiguous
 * memory) of both A and X: the non-transposed ones are row-oriented ("dot" form: row i of X is
 * B[i] minus a combination of finished rows), the transposed ones column-oriented (each finished
 * row of X is subtracted from the rows still to do, using row i of A, which is column i of A^T).
 * Internal kernel shared by the F64 functions; it does not check the diagonal.
 */
export function triangularSolveKernel(
  a: Float64Array,
  aOff: number,
  n: number,
  x: Float64Array,
  xOff: number,
  k: number,
  lower: boolean,
  adjoint: boolean,
): void {
  if (!adjoint) {
    // Row-oriented substitution: X[i] = (B[i] - sum_j A[i, j] X[j]) / A[i, i] over the finished rows j.
    const start = lower ? 0 : n - 1;
    const stop = lower ? n : -1;
    const step = lower ? 1 : -1;
    for (let i = start; i !== stop; i += step) {
      const ai = aOff + i * n;
      const xi = xOff + i * k;
      const jFrom = lower ? 0 : i + 1;
      const jTo = lower ? i : n;
      if (k === 1) {
        let s0 = 0;
        let s1 = 0;
        let j = jFrom;
        for (; j + 1 < jTo; j += 2) {
          s0 += a[ai + j] * x[xOff + j];
          s1 += a[ai + j + 1] * x[xOff + j + 1];
        }
        if (j < jTo) s0 += a[ai + j] * x[xOff + j];
        x[xi] = (x[xi] - s0 - s1) / a[ai + i];
      } else {
        for (let j = jFrom; j < jTo; j++) {
          const f = a[ai + j];
          if (f === 0) continue;
          const xj = xOff + j * k;
          for (let c = 0; c < k; c++) x[xi + c] -= f * x[xj + c];
        }
        const d = a[ai + i];
        for (let c = 0; c < k; c++) x[xi + c] /= d;
      }
    }
  } else {
    // A^T X = B. For lower A, A^T is upper: finish rows from the bottom; row i of A holds the
    // coefficients A[i, j] = A^T[j, i] (j < i) of X[i] in the equations of the rows j still to do.
    const start = lower ? n - 1 : 0;
    const stop = lower ? -1 : n;
    const step = lower ? -1 : 1;
    for (let i = start; i !== stop; i += step) {
      const ai = aOff + i * n;
      const xi = xOff + i * k;
      const d = a[ai + i];
      const jFrom = lower ? 0 : i + 1;
      const jTo = lower ? i : n;
      if (k === 1) {
        const v = x[xi] / d;
        x[xi] = v;
        for (let j = jFrom; j < jTo; j++) x[xOff + j] -= a[ai + j] * v;
      } else {
        for (let c = 0; c < k; c++) x[xi + c] /= d;
        for (let j = jFrom; j < jTo; j++) {
          const f = a[ai + j];
          if (f === 0) continue;
          const xj = xOff + j * k;
          for (let c = 0; c < k; c++) x[xj + c] -= f * x[xi + c];
        }
      }
    }
  }
}

/** Throws unless every diagonal entry of every matrix is non-zero and finite. */
export function checkTriangularDiagonal(
  fn: string,
  arg: string,
  a: Float64Array,
  batch: readonly number[],
  n: number,
): void {
  const count = a.length / Math.max(1, n * n);
  for (let m = 0; m < count; m++) {
    for (let i = 0; i < n; i++) {
      const d = a[m * n * n + i * n + i];
      if (d === 0 || !Number.isFinite(d)) {
        throw new InvalidArgumentError(
          `Argument '${arg}' passed to '${fn}' must be a non-singular triangular matrix, but${batchLocation(batch, m)} the diagonal entry at row ${i} is ${formatValue(d)}.`,
        );
      }
    }
  }
}

/**
 * Solves the triangular systems `op(A) X = B` in float64, where `op(A)` is `A` or (with
 * `adjoint: true`) `A^T`. Batched: matrix `b` of `a` pairs with matrix `b` of `b`.
 *
 * Only the triangle named by `lower` is read; the other may hold anything (e.g. the full
 * symmetric matrix whose Cholesky factor was computed in place elsewhere).
 *
 * @param a `[...batch, n, n]` triangular matrices.
 * @param b `[...batch, n, k]` right-hand sides (k columns; use k = 1 for a vector).
 * @param options `{lower = true, adjoint = false}`.
 * @returns `X`, `[...batch, n, k]`, a fresh array owned by the caller.
 * @throws ShapeError on a non-square `a` or a `b` whose batch dimensions or n differ from `a`'s.
 * @throws InvalidArgumentError if a diagonal entry is zero or non-finite (singular system).
 *
 * @example
 * const l = { data: new Float64Array([2, 0, 1, 1]), shape: [2, 2] };
 * const x = triangularSolveF64(l, { data: new Float64Array([2, 3]), shape: [2, 1] });
 * // x.data = [1, 2]   (2 * 1 = 2, 1 * 1 + 1 * 2 = 3)
 */
export function triangularSolveF64(a: ArrayF64, b: ArrayF64, options: TriangularSolveOptions = {}): ArrayF64 {
  const fn = 'triangularSolveF64';
  const { lower, adjoint } = triangularOptions(fn, options);
  const aShape = checkArrayF64(fn, 'a', a);
  const bShape = checkArrayF64(fn, 'b', b);
  const { batch, n, count } = checkSquareShape(fn, 'a', aShape);
  const k = checkRhsShape(fn, 'b', bShape, 'a', aShape);
  checkTriangularDiagonal(fn, 'a', a.data, batch, n);
  const x = Float64Array.from(b.data);
  for (let m = 0; m < count; m++) {
    triangularSolveKernel(a.data, m * n * n, n, x, m * n * k, k, lower, adjoint);
  }
  return { data: x, shape: bShape };
}
