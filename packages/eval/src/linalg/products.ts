// The congruence L^T S L (lower-triangular L, symmetric S) behind the Cholesky route of the
// Frechet distance, with 4x4 register tiles that skip the zero half of L: about 4/3 n^3 flops.

/**
 * `C = L^T S L` (full symmetric result) for `L` lower-triangular and `S` symmetric, `n x n`
 * row-major. With Lt = L^T (rows = columns of L, zero before the diagonal):
 * N^T = (S L)^T, N[i, j] = sum_{k >= j} S[i, k] Lt[j, k]; C[i, j] = sum_{k >= max(i, j)} Lt[i, k] N^T[j, k].
 */
export function congruenceLowerF64(l: Float64Array, s: Float64Array, n: number): Float64Array {
  const np = (n + 3) & ~3; // padded size: padding rows and columns are 0
  const lt = new Float64Array(np * np);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) lt[j * np + i] = l[i * n + j];
  const sp = new Float64Array(np * np);
  for (let i = 0; i < n; i++) sp.set(s.subarray(i * n, i * n + n), i * np);
  // Nt[j, i] = N[i, j] = sum_{k >= j} Lt[j, k] S[i, k]: rows of Lt against rows of S.
  const nt = new Float64Array(np * np);
  tileProduct(lt, sp, nt, np, false);
  // C[i, j] = sum_{k >= i} Lt[i, k] Nt[j, k], lower triangle j <= i (tiles with j0 <= i0).
  const c = new Float64Array(np * np);
  tileProduct(lt, nt, c, np, true);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = c[i * np + j];
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/**
 * out[i, j] = sum_{k >= i0} a[i, k] b[j, k] for 4x4 tiles (i0 = first row of the tile), where
 * `a` is upper-triangular (zero before the diagonal, so starting at i0 loses nothing).
 * `lowerOnly` computes only tiles with j0 <= i0. `np` is a multiple of 4.
 */
function tileProduct(a: Float64Array, b: Float64Array, out: Float64Array, np: number, lowerOnly: boolean): void {
  for (let i = 0; i < np; i += 4) {
    const a0 = i * np, a1 = a0 + np, a2 = a1 + np, a3 = a2 + np;
    const jEnd = lowerOnly ? i + 4 : np;
    for (let j = 0; j < jEnd; j += 4) {
      const b0 = j * np, b1 = b0 + np, b2 = b1 + np, b3 = b2 + np;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = i; k < np; k++) {
        const x0 = a[a0 + k], x1 = a[a1 + k], x2 = a[a2 + k], x3 = a[a3 + k];
        const y0 = b[b0 + k], y1 = b[b1 + k], y2 = b[b2 + k], y3 = b[b3 + k];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      const o0 = i * np + j, o1 = o0 + np, o2 = o1 + np, o3 = o2 + np;
      out[o0] = s00; out[o0 + 1] = s01; out[o0 + 2] = s02; out[o0 + 3] = s03;
      out[o1] = s10; out[o1 + 1] = s11; out[o1 + 2] = s12; out[o1 + 3] = s13;
      out[o2] = s20; out[o2 + 1] = s21; out[o2 + 2] = s22; out[o2 + 3] = s23;
      out[o3] = s30; out[o3 + 1] = s31; out[o3 + 2] = s32; out[o3 + 3] = s33;
    }
  }
}
