// Eigenvalues (only) of a real symmetric matrix: Householder reduction to tridiagonal form
// (Golub & Van Loan, "Matrix Computations" 4th ed., Alg. 8.3.1) on the lower triangle, then the
// implicit QL algorithm with Wilkinson shifts (Bowdler, Martin, Reinsch & Wilkinson 1968) without
// eigenvectors: about 4/3 n^3 flops instead of eighF64's 9 n^3.
import { GenError } from '@gen/core';

/**
 * Eigenvalues of the symmetric `n x n` row-major matrix `a` (only its lower triangle is read; `a`
 * is overwritten). Returns them ascending.
 */
export function eigvalshInPlace(a: Float64Array, n: number): Float64Array {
  const diag = new Float64Array(n);
  const off = new Float64Array(n); // off[i] couples i and i + 1
  let v = new Float64Array(n);
  let p = new Float64Array(n);
  let vNext = new Float64Array(n);
  let pNext = new Float64Array(n);
  /**
   * Householder vector of column k below the diagonal (rows k+1..n-1, read from the lower
   * triangle) into `out`; records diag[k], off[k]; returns beta = 2 / v^T v (0: nothing to do).
   */
  const reflector = (k: number, out: Float64Array): number => {
    diag[k] = a[k * n + k];
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale += Math.abs(a[i * n + k]);
    if (scale === 0) {
      off[k] = 0;
      return 0;
    }
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) {
      out[i] = a[i * n + k] / scale;
      norm2 += out[i] * out[i];
    }
    const x0 = out[k + 1];
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    off[k] = alpha * scale;
    out[k + 1] = x0 - alpha;
    const vtv = norm2 - x0 * x0 + out[k + 1] * out[k + 1];
    return vtv === 0 ? 0 : 2 / vtv;
  };
  if (n >= 3) {
    let beta = reflector(0, v);
    // p = A22 v for step 0 (rows/cols 1..n-1, lower triangle).
    p.fill(0);
    if (beta !== 0) symvLower(a, n, 1, v, p);
    for (let k = 0; k < n - 2; k++) {
      const m0 = k + 1;
      if (beta !== 0) {
        // w = beta p - (beta^2 v^T p / 2) v, stored in p.
        let vtp = 0;
        for (let i = m0; i < n; i++) {
          p[i] *= beta;
          vtp += v[i] * p[i];
        }
        const half = (beta * vtp) / 2;
        for (let i = m0; i < n; i++) p[i] -= half * v[i];
        // Column m0 of A22 -= v w^T + w v^T first: it defines the next reflector.
        for (let i = m0; i < n; i++) a[i * n + m0] -= v[i] * p[m0] + p[i] * v[m0];
      }
      if (k === n - 3) {
        if (beta !== 0) {
          const i = n - 1;
          a[i * n + i] -= 2 * v[i] * p[i];
        }
        break;
      }
      const betaNext = reflector(m0, vNext);
      // One pass over the rest of the lower triangle: finish step k's update, accumulate the
      // next step's p = A22 vNext.
      const m1 = m0 + 1;
      for (let i = m1; i < n; i++) pNext[i] = 0;
      for (let i = m1; i < n; i++) {
        const row = i * n;
        const vi = v[i];
        const wi = p[i];
        const ui = vNext[i];
        let sum = 0;
        if (beta !== 0) {
          for (let j = m1; j < i; j++) {
            const aij = a[row + j] - (vi * p[j] + wi * v[j]);
            a[row + j] = aij;
            sum += aij * vNext[j];
            pNext[j] += aij * ui;
          }
          a[row + i] -= 2 * vi * wi;
        } else {
          for (let j = m1; j < i; j++) {
            const aij = a[row + j];
            sum += aij * vNext[j];
            pNext[j] += aij * ui;
          }
        }
        pNext[i] += sum + a[row + i] * ui;
      }
      [v, vNext] = [vNext, v];
      [p, pNext] = [pNext, p];
      beta = betaNext;
      if (beta === 0) p.fill(0);
    }
  }
  if (n >= 2) {
    diag[n - 2] = a[(n - 2) * n + n - 2];
    off[n - 2] = a[(n - 1) * n + n - 2];
  }
  if (n >= 1) diag[n - 1] = a[(n - 1) * n + n - 1];
  off[n - 1] = 0;
  tridiagonalQl(diag, off, n);
  return diag.sort();
}

/** p += A[m0.., m0..] v using the lower triangle. */
function symvLower(a: Float64Array, n: number, m0: number, v: Float64Array, p: Float64Array): void {
  for (let i = m0; i < n; i++) {
    const row = i * n;
    const vi = v[i];
    let sum = 0;
    for (let j = m0; j < i; j++) {
      const aij = a[row + j];
      sum += aij * v[j];
      p[j] += aij * vi;
    }
    p[i] += sum + a[row + i] * vi;
  }
}

/** Implicit QL with Wilkinson shifts on (d, e); d receives the eigenvalues (unsorted). */
function tridiagonalQl(d: Float64Array, e: Float64Array, n: number): void {
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (++iterations > 60) throw new GenError('eigvalsh: the QL iteration did not converge.');
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let pp = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        let f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= pp;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - pp;
        r = (d[i] - g) * s + 2 * c * b;
        pp = s * r;
        d[i + 1] = g + pp;
        g = c * r - b;
        f = 0;
        void f;
      }
      if (underflow) continue;
      d[l] -= pp;
      e[l] = g;
      e[m] = 0;
    }
  }
}
