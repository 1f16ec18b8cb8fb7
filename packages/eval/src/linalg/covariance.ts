// Mean and unbiased covariance (np.cov(x, rowvar=False), ddof 1) of an [n, d] float64 matrix with a
// cache-blocked, register-tiled (4x4) syrk-style kernel on transposed row chunks.

/** Column means of `x [n, d]`. */
export function columnMeans(x: Float64Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) mean[j] += x[row + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  return mean;
}

const CHUNK = 64; // rows per chunk: CHUNK * d * 8 bytes of transposed data (1 MB at d = 2048) stay in L2

/**
 * Returns `sum_i (x_i - mean)(x_i - mean)^T / (n - ddof)` as a full `d x d` row-major matrix.
 * Rows are centred and transposed CHUNK at a time into `t [d, CHUNK]`, then every 4x4 tile of the
 * lower triangle accumulates 16 dot products over the chunk in registers.
 */
export function covarianceF64(x: Float64Array, n: number, d: number, mean: Float64Array, ddof = 1): Float64Array {
  const dp = (d + 3) & ~3; // padded to a multiple of 4 (padding rows of t stay 0)
  const c = new Float64Array(dp * dp);
  const t = new Float64Array(dp * CHUNK);
  for (let start = 0; start < n; start += CHUNK) {
    const rows = Math.min(CHUNK, n - start);
    if (rows < CHUNK) t.fill(0);
    for (let r = 0; r < rows; r++) {
      const src = (start + r) * d;
      for (let j = 0; j < d; j++) t[j * CHUNK + r] = x[src + j] - mean[j];
    }
    for (let j = 0; j < dp; j += 4) {
      const a0 = j * CHUNK;
      const a1 = a0 + CHUNK;
      const a2 = a1 + CHUNK;
      const a3 = a2 + CHUNK;
      for (let k = 0; k <= j; k += 4) {
        const b0 = k * CHUNK;
        const b1 = b0 + CHUNK;
        const b2 = b1 + CHUNK;
        const b3 = b2 + CHUNK;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
        let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
        let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let r = 0; r < CHUNK; r++) {
          const x0 = t[a0 + r], x1 = t[a1 + r], x2 = t[a2 + r], x3 = t[a3 + r];
          const y0 = t[b0 + r], y1 = t[b1 + r], y2 = t[b2 + r], y3 = t[b3 + r];
          s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
          s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
          s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
          s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
        }
        const c0 = j * dp + k;
        const c1 = c0 + dp;
        const c2 = c1 + dp;
        const c3 = c2 + dp;
        c[c0] += s00; c[c0 + 1] += s01; c[c0 + 2] += s02; c[c0 + 3] += s03;
        c[c1] += s10; c[c1 + 1] += s11; c[c1 + 2] += s12; c[c1 + 3] += s13;
        c[c2] += s20; c[c2 + 1] += s21; c[c2 + 2] += s22; c[c2 + 3] += s23;
        c[c3] += s30; c[c3 + 1] += s31; c[c3 + 2] += s32; c[c3 + 3] += s33;
      }
    }
  }
  // Scale, mirror the lower triangle, drop the padding.
  const scale = 1 / (n - ddof);
  const out = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    for (let k = 0; k <= j; k++) {
      const v = c[j * dp + k] * scale;
      out[j * d + k] = v;
      out[k * d + j] = v;
    }
  }
  return out;
}
