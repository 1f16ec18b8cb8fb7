// A B^T for row-major float64 matrices with 4x4 register tiles (the products behind KID kernels
// and pairwise distances), and squared Euclidean distances from it.

/** `A B^T` for `a [m, d]`, `b [p, d]`: `[m, p]` row-major. */
export function gramTiled(a: Float64Array, m: number, b: Float64Array, p: number, d: number): Float64Array {
  const out = new Float64Array(m * p);
  const m4 = m - (m % 4);
  const p4 = p - (p % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * d, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
    for (let j = 0; j < p4; j += 4) {
      const b0 = j * d, b1 = b0 + d, b2 = b1 + d, b3 = b2 + d;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = 0; k < d; k++) {
        const x0 = a[a0 + k], x1 = a[a1 + k], x2 = a[a2 + k], x3 = a[a3 + k];
        const y0 = b[b0 + k], y1 = b[b1 + k], y2 = b[b2 + k], y3 = b[b3 + k];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      const o0 = i * p + j, o1 = o0 + p, o2 = o1 + p, o3 = o2 + p;
      out[o0] = s00; out[o0 + 1] = s01; out[o0 + 2] = s02; out[o0 + 3] = s03;
      out[o1] = s10; out[o1 + 1] = s11; out[o1 + 2] = s12; out[o1 + 3] = s13;
      out[o2] = s20; out[o2 + 1] = s21; out[o2 + 2] = s22; out[o2 + 3] = s23;
      out[o3] = s30; out[o3 + 1] = s31; out[o3 + 2] = s32; out[o3 + 3] = s33;
    }
  }
  // Edges: plain dot products.
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? p4 : 0; j < p; j++) {
      let s = 0;
      const ra = i * d, rb = j * d;
      for (let k = 0; k < d; k++) s += a[ra + k] * b[rb + k];
      out[i * p + j] = s;
    }
  }
  return out;
}

/** Squared Euclidean distances `[m, p]` between the rows of `a [m, d]` and `b [p, d]` (>= 0). */
export function squaredDistances(a: Float64Array, m: number, b: Float64Array, p: number, d: number): Float64Array {
  const g = gramTiled(a, m, b, p, d);
  const na = rowNorms2(a, m, d);
  const nb = a === b ? na : rowNorms2(b, p, d);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < p; j++) {
      const v = na[i] + nb[j] - 2 * g[i * p + j];
      g[i * p + j] = v > 0 ? v : 0;
    }
  }
  if (a === b && m === p) for (let i = 0; i < m; i++) g[i * p + i] = 0;
  return g;
}

function rowNorms2(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k] * x[i * d + k];
    out[i] = s;
  }
  return out;
}

/** Copies rows `index` of `x [n, d]` into a new `[index.length, d]` matrix. */
export function takeRows(x: Float64Array, d: number, index: ArrayLike<number>, count = index.length): Float64Array {
  const out = new Float64Array(count * d);
  for (let i = 0; i < count; i++) out.set(x.subarray(index[i] * d, index[i] * d + d), i * d);
  return out;
}
