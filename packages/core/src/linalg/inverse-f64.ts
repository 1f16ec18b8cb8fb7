// Matrix inverse: general matrices by LU with partial pivoting (PA = LU), SPD matrices by Cholesky
// (A^{-1} = L^{-T} L^{-1}); Golub & Van Loan, "Matrix Computations" (4th ed.), sections 3.4, 4.2.
import { InvalidArgumentError } from '../errors.js';
import { checkOneOf } from '../validate.js';
import {
  type ArrayF64,
  batchLocation,
  checkArrayF64,
  checkFiniteMatrices,
  checkSquareShape,
  notPositiveDefiniteError,
} from './array-f64.js';
import { choleskyKernel } from './cholesky-f64.js';

/** Options of `inverseF64` and `inverse`. */
export interface InverseOptions {
  /**
   * 'general' (default): LU with partial pivoting, any non-singular matrix. 'spd': Cholesky, for
   * symmetric positive definite matrices (about 3x fewer flops, symmetric result; only the lower
   * triangle is read).
   */
  assume?: 'general' | 'spd';
}

/**
 * LU factorisation with partial pivoting of the n x n matrix in `lu` (in place, row-major): on
 * return `lu` holds the unit lower factor L below the diagonal and U on and above it, and
 * `perm[i]` is the original row now at row i. Returns -1 on success, or the column whose pivot
 * candidates were all zero (singular; also returned for a NaN pivot).
 */
export function luKernel(lu: Float64Array, n: number, perm: Int32Array): number {
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > 0) || !Number.isFinite(best)) return k;
    if (p !== k) {
      const rk = k * n;
      const rp = p * n;
      for (let j = 0; j < n; j++) {
        const t = lu[rk + j];
        lu[rk + j] = lu[rp + j];
        lu[rp + j] = t;
      }
      const t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
    }
    const rk = k * n;
    const pivot = lu[rk + k];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const f = lu[ri + k] / pivot;
      lu[ri + k] = f;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[ri + j] -= f * lu[rk + j];
    }
  }
  return -1;
}

/** Inverse from an LU factorisation: solves L U X = P into `out[off..]` (n x n, row-major). */
function luInverse(lu: Float64Array, perm: Int32Array, n: number, out: Float64Array, off: number): void {
  // X starts as P (row i is e_{perm[i]}), then forward substitution with unit L, row-oriented.
  for (let i = 0; i < n; i++) out[off + i * n + perm[i]] = 1;
  for (let i = 0; i < n; i++) {
    const xi = off + i * n;
    for (let j = 0; j < i; j++) {
      const f = lu[i * n + j];
      if (f === 0) continue;
      const xj = off + j * n;
      for (let c = 0; c < n; c++) out[xi + c] -= f * out[xj + c];
    }
  }
  // Back substitution with U.
  for (let i = n - 1; i >= 0; i--) {
    const xi = off + i * n;
    for (let j = i + 1; j < n; j++) {
      const f = lu[i * n + j];
      if (f === 0) continue;
      const xj = off + j * n;
      for (let c = 0; c < n; c++) out[xi + c] -= f * out[xj + c];
    }
    const d = lu[i * n + i];
    for (let c = 0; c < n; c++) out[xi + c] /= d;
  }
}

/**
 * SPD inverse from the Cholesky factor `l` (n x n): W = L^{-1} (lower, by forward substitution
 * on the identity, touching only the lower triangle), then A^{-1} = W^T W accumulated as a sum of
 * outer products of W's rows (lower triangle, then mirrored). n^3 / 3 multiply-adds in all.
 */
function spdInverseFromFactor(l: Float64Array, w: Float64Array, n: number, out: Float64Array, off: number): void {
  w.fill(0);
  for (let i = 0; i < n; i++) {
    const wi = i * n;
    w[wi + i] = 1;
    for (let j = 0; j < i; j++) {
      const f = l[i * n + j];
      if (f === 0) continue;
      const wj = j * n;
      for (let c = 0; c <= j; c++) w[wi + c] -= f * w[wj + c];
    }
    const d = l[i * n + i];
    for (let c = 0; c <= i; c++) w[wi + c] /= d;
  }
  // out[r, c] = sum_{k >= max(r, c)} W[k, r] W[k, c]
  for (let k = 0; k < n; k++) {
    const wk = k * n;
    for (let r = 0; r <= k; r++) {
      const t = w[wk + r];
      if (t === 0) continue;
      const or = off + r * n;
      for (let c = 0; c <= r; c++) out[or + c] += t * w[wk + c];
    }
  }
  for (let r = 0; r < n; r++) {
    for (let c = r + 1; c < n; c++) out[off + r * n + c] = out[off + c * n + r];
  }
}

/**
 * Inverse of square matrices in float64, batched over leading dimensions. General matrices use
 * LU with partial pivoting (like `numpy.linalg.inv`); `assume: 'spd'` uses Cholesky and reads only
 * the lower triangle. Prefer `choleskySolveF64` / `triangularSolveF64` to multiplying by an inverse.
 *
 * @param a `[...batch, n, n]`.
 * @param options `{assume: 'general' | 'spd'}` (default 'general').
 * @returns `A^{-1}`, `[...batch, n, n]`, a fresh array owned by the caller.
 * @throws ShapeError on a non-square `a`.
 * @throws InvalidArgumentError if a matrix holds non-finite values or is exactly singular in
 *   the LU path, or is not positive definite in the 'spd' path (naming the failing pivot).
 *
 * @example
 * inverseF64({ data: new Float64Array([0, 2, 1, 0]), shape: [2, 2] }).data; // [0, 1, 0.5, 0]
 */
export function inverseF64(a: ArrayF64, options: InverseOptions = {}): ArrayF64 {
  const fn = 'inverseF64';
  const { assume = 'general' } = options ?? {};
  checkOneOf(fn, 'options.assume', assume, ['general', 'spd'] as const);
  const shape = checkArrayF64(fn, 'a', a);
  const { batch, n, count } = checkSquareShape(fn, 'a', shape);
  const nn = n * n;
  const out = new Float64Array(a.data.length);
  const work = new Float64Array(nn);
  if (assume === 'spd') {
    const l = new Float64Array(nn);
    for (let m = 0; m < count; m++) {
      // The kernel overwrites the lower triangle and never writes the upper, so `l` is reusable.
      const failure = choleskyKernel(a.data, m * nn, l, 0, n);
      if (failure) throw notPositiveDefiniteError(fn, 'a', batch, m, failure.row, failure.pivot);
      spdInverseFromFactor(l, work, n, out, m * nn);
    }
  } else {
    checkFiniteMatrices(fn, 'a', a.data, batch, nn);
    const perm = new Int32Array(n);
    for (let m = 0; m < count; m++) {
      work.set(a.data.subarray(m * nn, (m + 1) * nn));
      const column = luKernel(work, n, perm);
      if (column >= 0) {
        throw new InvalidArgumentError(
          `Argument 'a' passed to '${fn}' must be invertible, but${batchLocation(batch, m)} LU elimination found no non-zero pivot in column ${column} (the matrix is singular).`,
        );
      }
      luInverse(work, perm, n, out, m * nn);
    }
  }
  return { data: out, shape };
}
