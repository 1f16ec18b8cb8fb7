// Symmetric eigendecomposition: Householder tridiagonalisation (Golub & Van Loan, "Matrix
// Computations" 4th ed., Algorithm 8.3.1) and the implicit QL algorithm with Wilkinson shifts
// (Bowdler, Martin, Reinsch & Wilkinson, "The QR and QL algorithms for symmetric matrices",
// Numer. Math. 11, 1968), on row-major storage.
import { GenError } from '../errors.js';
import { type ArrayF64, checkArrayF64, checkFiniteMatrices, checkSquareShape } from './array-f64.js';

/** Scratch buffers for `eighKernel`, reusable across the matrices of a batch. */
export interface EighWorkspace {
  n: number;
  /** Upper triangle of the matrix being reduced; row k then holds Householder vector k. */
  u: Float64Array;
  e: Float64Array;
  p: Float64Array;
  beta: Float64Array;
  /** Cosines and sines of one QL sweep's plane rotations. */
  cosines: Float64Array;
  sines: Float64Array;
}

export function eighWorkspace(n: number): EighWorkspace {
  return {
    n,
    u: new Float64Array(n * n),
    e: new Float64Array(n),
    p: new Float64Array(n),
    beta: new Float64Array(n),
    cosines: new Float64Array(n),
    sines: new Float64Array(n),
  };
}

/** sqrt(x^2 + y^2) without overflow or underflow (Math.hypot is slow in V8). */
function hypot(x: number, y: number): number {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const big = ax > ay ? ax : ay;
  if (big === 0) return 0;
  const small = ax > ay ? ay : ax;
  const ratio = small / big;
  return big * Math.sqrt(1 + ratio * ratio);
}

const MAX_QL_ITERATIONS = 60;

/**
 * Applies one QL sweep's rotations to the rows of W (n x n): for i = hi down to lo, rows (i, i+1)
 * become (c_i w_i - s_i w_{i+1}, s_i w_i + c_i w_{i+1}). Rotation i's new row i is the input of
 * rotation i - 1, so three consecutive rotations are applied in one pass over four contiguous
 * rows, the carried row staying in a register: 4 loads and 4 stores per element for 3 rotations
 * instead of 12.
 */
function applyRotations(
  w: Float64Array,
  n: number,
  lo: number,
  hi: number,
  cosines: Float64Array,
  sines: Float64Array,
): void {
  let i = hi;
  for (; i - 2 >= lo; i -= 3) {
    const c1 = cosines[i];
    const s1 = sines[i];
    const c2 = cosines[i - 1];
    const s2 = sines[i - 1];
    const c3 = cosines[i - 2];
    const s3 = sines[i - 2];
    const r3 = (i + 1) * n;
    const r2 = i * n;
    const r1 = r2 - n;
    const r0 = r1 - n;
    for (let col = 0; col < n; col++) {
      let a = w[r3 + col];
      const y = w[r2 + col];
      w[r3 + col] = s1 * y + c1 * a;
      a = c1 * y - s1 * a;
      const z = w[r1 + col];
      w[r2 + col] = s2 * z + c2 * a;
      a = c2 * z - s2 * a;
      const v = w[r0 + col];
      w[r1 + col] = s3 * v + c3 * a;
      w[r0 + col] = c3 * v - s3 * a;
    }
  }
  for (; i >= lo; i--) {
    const c = cosines[i];
    const s = sines[i];
    const wi = i * n;
    const wj = wi + n;
    for (let col = 0; col < n; col++) {
      const x = w[wj + col];
      const y = w[wi + col];
      w[wj + col] = s * y + c * x;
      w[wi + col] = c * y - s * x;
    }
  }
}

/**
 * Eigen-decomposes the symmetric n x n matrix at `a[aOff..]` (only its lower triangle is read).
 * On return `d[0..n)` holds the eigenvalues, unsorted, and row i of `w` (n x n) the unit
 * eigenvector of `d[i]`. Rows (not columns) keep every rotation on contiguous memory.
 * Internal kernel shared by `eighF64` and `sqrtmPsdF64`.
 */
export function eighKernel(
  a: Float64Array,
  aOff: number,
  d: Float64Array,
  w: Float64Array,
  ws: EighWorkspace,
): void {
  const { n, u, e, p, beta, cosines, sines } = ws;
  if (n === 0) return;
  // Upper-triangle storage of A: u[i, j] = A[j, i] for j >= i. Column k below the diagonal is then
  // row k right of the diagonal, contiguous.
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) u[i * n + j] = a[aOff + j * n + i];
  }

  // 1. Householder reduction to tridiagonal T = Q^T A Q, Q = H_0 H_1 ... H_{n-3}.
  for (let k = 0; k + 2 < n; k++) {
    const rk = k * n;
    d[k] = u[rk + k];
    // x = A[k+1:, k], stored at u[k, k+1:].
    let tail = 0;
    for (let j = k + 2; j < n; j++) tail += Math.abs(u[rk + j]);
    if (tail === 0) {
      // Already tridiagonal in this column: H_k = I.
      e[k] = u[rk + k + 1];
      beta[k] = 0;
      continue;
    }
    const scale = tail + Math.abs(u[rk + k + 1]);
    let h = 0;
    for (let j = k + 1; j < n; j++) {
      const v = u[rk + j] / scale;
      u[rk + j] = v;
      h += v * v;
    }
    const x0 = u[rk + k + 1];
    const alpha = x0 >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
    e[k] = scale * alpha;
    const b = 1 / (h - x0 * alpha); // 2 / (v^T v), with v = x / scale - alpha e_1
    beta[k] = b;
    u[rk + k + 1] = x0 - alpha; // u[k, k+1:] is now v

    // p = b * B v for the trailing block B = A[k+1:, k+1:], from its upper triangle.
    for (let r = k + 1; r < n; r++) p[r] = 0;
    for (let r = k + 1; r < n; r++) {
      const rr = r * n;
      const vr = u[rk + r];
      let s = u[rr + r] * vr;
      for (let c = r + 1; c < n; c++) {
        const t = u[rr + c];
        s += t * u[rk + c];
        p[c] += t * vr;
      }
      p[r] += s;
    }
    let pv = 0;
    for (let r = k + 1; r < n; r++) {
      p[r] *= b;
      pv += p[r] * u[rk + r];
    }
    // w = p - (b p^T v / 2) v, kept in p; then B <- B - v w^T - w v^T (upper triangle).
    const half = (b * pv) / 2;
    for (let r = k + 1; r < n; r++) p[r] -= half * u[rk + r];
    for (let r = k + 1; r < n; r++) {
      const rr = r * n;
      const vr = u[rk + r];
      const wr = p[r];
      for (let c = r; c < n; c++) u[rr + c] -= vr * p[c] + wr * u[rk + c];
    }
  }
  if (n >= 2) {
    d[n - 2] = u[(n - 2) * n + n - 2];
    e[n - 2] = u[(n - 2) * n + n - 1];
  }
  d[n - 1] = u[n * n - 1];
  e[n - 1] = 0;

  // 2. W = Q^T = H_{n-3} ... H_1 H_0, accumulated right to left: W <- W H_k for k = n-3 .. 0.
  // W = H_{n-3} ... H_{k+1} is the identity outside rows/columns k+2.., so only rows and columns
  // k+1.. change. Reflectors go in pairs (k, k-1) so that each pass over W applies two:
  // with t1 = b_k (w . v_k), (W H_k H_{k-1}) row = w - t1 v_k - t0 v_{k-1},
  // t0 = b_{k-1} (w . v_{k-1} - t1 (v_k . v_{k-1})).
  w.fill(0);
  for (let i = 0; i < n; i++) w[i * n + i] = 1;
  let k = n - 3;
  for (; k >= 1; k -= 2) {
    const b1 = beta[k];
    const b0 = beta[k - 1];
    if (b1 === 0 && b0 === 0) continue;
    const r1 = k * n; // v_k at u[k, k+1:]
    const r0 = r1 - n; // v_{k-1} at u[k-1, k:]
    let v10 = 0;
    for (let c = k + 1; c < n; c++) v10 += u[r1 + c] * u[r0 + c];
    const v0k = u[r0 + k];
    for (let r = k; r < n; r++) {
      const rr = r * n;
      let d1 = 0;
      let d0 = w[rr + k] * v0k;
      for (let c = k + 1; c < n; c++) {
        const x = w[rr + c];
        d1 += x * u[r1 + c];
        d0 += x * u[r0 + c];
      }
      const t1 = b1 * d1;
      const t0 = b0 * (d0 - t1 * v10);
      if (t1 === 0 && t0 === 0) continue;
      w[rr + k] -= t0 * v0k;
      for (let c = k + 1; c < n; c++) w[rr + c] -= t1 * u[r1 + c] + t0 * u[r0 + c];
    }
  }
  if (k === 0 && beta[0] !== 0) {
    const b = beta[0];
    for (let r = 1; r < n; r++) {
      const rr = r * n;
      let s = 0;
      for (let c = 1; c < n; c++) s += w[rr + c] * u[c];
      s *= b;
      if (s === 0) continue;
      for (let c = 1; c < n; c++) w[rr + c] -= s * u[c];
    }
  }

  // 3. Implicit QL with Wilkinson shifts on (d, e). With T = S diag(d) S^T, the eigenvectors of A
  // are the columns of Q S, i.e. the rows of S^T Q^T = S^T W: each plane rotation of S's columns
  // (i, i+1) becomes the same rotation of W's rows (i, i+1).
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    for (;;) {
      // Find the first negligible off-diagonal e[m], m >= l: T splits there.
      let m = l;
      for (; m < n - 1; m++) {
        if (Math.abs(e[m]) <= eps * (Math.abs(d[m]) + Math.abs(d[m + 1]))) break;
      }
      if (m === l) break;
      if (++iterations > MAX_QL_ITERATIONS) {
        throw new GenError(`eigh: the QL iteration did not converge for eigenvalue ${l} after ${MAX_QL_ITERATIONS} sweeps.`);
      }
      // Wilkinson shift from the leading 2x2 block of the unreduced part.
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let shiftSum = 0;
      let i = m - 1;
      // Chase the bulge from the bottom (row m) up to row l with plane rotations.
      for (; i >= l; i--) {
        const f = s * e[i];
        const bb = c * e[i];
        r = hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Underflow: the matrix split at i + 1; deflate and restart.
          d[i + 1] -= shiftSum;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - shiftSum;
        r = (d[i] - g) * s + 2 * c * bb;
        shiftSum = s * r;
        d[i + 1] = g + shiftSum;
        g = c * r - bb;
        // Rotation i acts on rows i and i + 1 of W; applied below, all of the sweep at once.
        cosines[i] = c;
        sines[i] = s;
      }
      if (i + 1 <= m - 1) applyRotations(w, n, i + 1, m - 1, cosines, sines);
      if (i >= l) continue; // split by underflow
      d[l] -= shiftSum;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/** Indices that sort `d[0..n)` ascending. */
export function ascendingOrder(d: Float64Array, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((x, y) => d[x] - d[y]);
  return order;
}

/** Result of `eighF64`. */
export interface EighF64Result {
  /** Eigenvalues in ascending order, `[...batch, n]`. */
  values: ArrayF64;
  /** Unit eigenvectors as columns, `[...batch, n, n]`: column i belongs to `values[i]`. */
  vectors: ArrayF64;
}

/**
 * Eigenvalues and eigenvectors of real symmetric matrices, in float64, like `numpy.linalg.eigh`:
 * eigenvalues ascending, orthonormal eigenvectors as columns, `A = V diag(w) V^T`. Batched over
 * leading dimensions. Only the lower triangle of `a` is read.
 *
 * Eigenvectors are unique only up to sign (and, for repeated eigenvalues, up to a rotation within
 * the eigenspace); do not rely on a particular sign.
 *
 * Cost: about 9 n^3 flops per matrix (reduction 4/3 n^3, forming Q 4/3 n^3, QL with vectors ~6 n^3).
 *
 * @param a `[...batch, n, n]` symmetric matrices.
 * @returns `{values: [...batch, n], vectors: [...batch, n, n]}`, fresh arrays owned by the caller.
 * @throws ShapeError on a non-square `a`; InvalidArgumentError on non-finite values.
 *
 * @example
 * const { values, vectors } = eighF64({ data: new Float64Array([2, 1, 1, 2]), shape: [2, 2] });
 * // values.data = [1, 3]; vectors' columns are ±[1, -1]/√2 and ±[1, 1]/√2
 */
export function eighF64(a: ArrayF64): EighF64Result {
  const fn = 'eighF64';
  const shape = checkArrayF64(fn, 'a', a);
  const { batch, n, count } = checkSquareShape(fn, 'a', shape);
  checkFiniteMatrices(fn, 'a', a.data, batch, n * n);
  const { values, vectors } = eighBatch(a.data, n, count);
  return { values: { data: values, shape: [...batch, n] }, vectors: { data: vectors, shape } };
}

/**
 * Decomposes `count` matrices of `a` (checked by the caller): eigenvalues ascending
 * (`[count, n]`) and eigenvectors as columns (`[count, n, n]`). Shared with the tensor `eigh`.
 */
export function eighBatch(a: Float64Array, n: number, count: number): { values: Float64Array; vectors: Float64Array } {
  const nn = n * n;
  const values = new Float64Array(count * n);
  const vectors = new Float64Array(count * nn);
  const ws = eighWorkspace(n);
  const d = new Float64Array(n);
  const w = new Float64Array(nn);
  for (let m = 0; m < count; m++) {
    eighKernel(a, m * nn, d, w, ws);
    const order = ascendingOrder(d, n);
    const vOff = m * nn;
    for (let col = 0; col < n; col++) {
      const src = order[col];
      values[m * n + col] = d[src];
      // Row `src` of W becomes column `col` of V.
      const ws0 = src * n;
      for (let r = 0; r < n; r++) vectors[vOff + r * n + col] = w[ws0 + r];
    }
  }
  return { values, vectors };
}
