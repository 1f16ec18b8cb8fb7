// Principal square root of a symmetric PSD matrix from its eigendecomposition,
// A^{1/2} = V diag(sqrt(w)) V^T (Higham, "Functions of Matrices", 2008, section 6.1).
import { InvalidArgumentError, describeValue } from '../errors.js';
import {
  type ArrayF64,
  batchLocation,
  checkArrayF64,
  checkFiniteMatrices,
  checkSquareShape,
  formatValue,
} from './array-f64.js';
import { eighKernel, eighWorkspace } from './eigh-f64.js';

/** Options of `sqrtmPsdF64` and `sqrtmPsd`. */
export interface SqrtmPsdOptions {
  /**
   * Negative eigenvalues down to `-tolerance * max(|eigenvalue|)` are rounding error and are
   * clamped to 0; more negative ones mean the matrix is not PSD and raise InvalidArgumentError.
   * Default 1e-8. Pass `Infinity` to clamp every negative eigenvalue silently.
   */
  tolerance?: number;
}

/** Checks the tolerance option; returns it with the default filled in. */
export function sqrtmTolerance(fn: string, options: SqrtmPsdOptions | undefined): number {
  const { tolerance = 1e-8 } = options ?? {};
  if (typeof tolerance !== 'number' || !(tolerance >= 0)) {
    throw new InvalidArgumentError(
      `Argument 'options.tolerance' passed to '${fn}' must be a number >= 0 (Infinity allowed), but got ${describeValue(tolerance)}.`,
    );
  }
  return tolerance;
}

/**
 * Square roots into `out` for `count` matrices of `a` (shared with the tensor version).
 * S = sum_k sqrt(w_k) v_k v_k^T, accumulated from the eigenvector rows (lower triangle, mirrored).
 */
export function sqrtmPsdInto(
  fn: string,
  a: Float64Array,
  batch: readonly number[],
  n: number,
  count: number,
  tolerance: number,
  out: Float64Array,
): void {
  const nn = n * n;
  const ws = eighWorkspace(n);
  const d = new Float64Array(n);
  const w = new Float64Array(nn);
  for (let m = 0; m < count; m++) {
    eighKernel(a, m * nn, d, w, ws);
    let largest = 0;
    for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(d[i]));
    const off = m * nn;
    for (let k = 0; k < n; k++) {
      const lambda = d[k];
      if (lambda < -tolerance * largest) {
        throw new InvalidArgumentError(
          `Argument 'a' passed to '${fn}' must be symmetric positive semi-definite, but${batchLocation(batch, m)} it has eigenvalue ${formatValue(lambda)} (largest magnitude ${formatValue(largest)}, tolerance ${tolerance}).`,
        );
      }
      if (lambda <= 0) continue;
      const root = Math.sqrt(lambda);
      const wk = k * n;
      for (let r = 0; r < n; r++) {
        const t = root * w[wk + r];
        if (t === 0) continue;
        const or = off + r * n;
        for (let c = 0; c <= r; c++) out[or + c] += t * w[wk + c];
      }
    }
    for (let r = 0; r < n; r++) {
      for (let c = r + 1; c < n; c++) out[off + r * n + c] = out[off + c * n + r];
    }
  }
}

/**
 * Principal square root of symmetric positive semi-definite matrices, in float64: the symmetric
 * PSD `S` with `S S = A`, via `eighF64`, clamping eigenvalues that are negative only by rounding
 * error to 0. Batched over leading dimensions; only the lower triangle of `a` is read.
 *
 * For PSD input this agrees with `scipy.linalg.sqrtm` (which handles general matrices by Schur
 * decomposition) and is exactly symmetric. Useful for Fréchet distances:
 * `tr sqrt(S1 S2) = tr sqrtm(sqrtm(S1) S2 sqrtm(S1))`.
 *
 * @param a `[...batch, n, n]` symmetric PSD matrices.
 * @param options `{tolerance = 1e-8}`: relative size of negative eigenvalues that are clamped.
 * @returns `S`, `[...batch, n, n]`, a fresh array owned by the caller.
 * @throws ShapeError on a non-square `a`; InvalidArgumentError on non-finite values or an
 *   eigenvalue below `-tolerance * max|eigenvalue|`.
 *
 * @example
 * sqrtmPsdF64({ data: new Float64Array([5, 4, 4, 5]), shape: [2, 2] }).data; // [2, 1, 1, 2]
 */
export function sqrtmPsdF64(a: ArrayF64, options: SqrtmPsdOptions = {}): ArrayF64 {
  const fn = 'sqrtmPsdF64';
  const tolerance = sqrtmTolerance(fn, options);
  const shape = checkArrayF64(fn, 'a', a);
  const { batch, n, count } = checkSquareShape(fn, 'a', shape);
  checkFiniteMatrices(fn, 'a', a.data, batch, n * n);
  const out = new Float64Array(a.data.length);
  sqrtmPsdInto(fn, a.data, batch, n, count, tolerance, out);
  return { data: out, shape };
}
