import { eighF64, uniformFloat64 } from '@gen/core';
import { describe, expect, it } from 'vitest';
import { columnMeans, covarianceF64 } from './covariance.js';
import { eigvalshInPlace } from './eigvalsh.js';
import { gramTiled } from './gram.js';
import { congruenceLowerF64 } from './products.js';

function randomSymmetric(seed: number, n: number): Float64Array {
  const u = uniformFloat64(seed, n * n);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = u[i * n + j] - 0.5;
  return a;
}

describe('eigvalshInPlace', () => {
  for (const n of [1, 2, 3, 4, 7, 33]) {
    it(`matches eighF64 on a random symmetric ${n}x${n}`, () => {
      const a = randomSymmetric(n, n);
      const want = eighF64({ data: a, shape: [n, n] }).values.data;
      const got = eigvalshInPlace(a.slice(), n);
      for (let i = 0; i < n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-12);
    });
  }

  it('handles already-tridiagonal and diagonal matrices (zero Householder columns)', () => {
    const n = 6;
    const diag = new Float64Array(n * n);
    [3, -1, 2, 2, 0, 5].forEach((v, i) => (diag[i * n + i] = v));
    expect([...eigvalshInPlace(diag.slice(), n)]).toEqual([-1, 0, 2, 2, 3, 5]);
    const tri = diag.slice();
    for (let i = 0; i + 1 < n; i++) tri[i * n + i + 1] = tri[(i + 1) * n + i] = 0.5;
    const want = eighF64({ data: tri, shape: [n, n] }).values.data;
    const got = eigvalshInPlace(tri.slice(), n);
    for (let i = 0; i < n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-13);
  });
});

describe('float64 kernels', () => {
  it('gramTiled equals naive A B^T at sizes off the 4x4 tile', () => {
    const [m, p, d] = [7, 5, 3];
    const a = uniformFloat64(1, m * d);
    const b = uniformFloat64(2, p * d);
    const g = gramTiled(a, m, b, p, d);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += a[i * d + k] * b[j * d + k];
        expect(g[i * p + j]).toBeCloseTo(s, 14);
      }
    }
  });

  it('congruenceLowerF64 equals L^T S L computed naively', () => {
    const n = 6;
    const s = randomSymmetric(3, n);
    const u = uniformFloat64(4, n * n);
    const l = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) l[i * n + j] = u[i * n + j];
    const c = congruenceLowerF64(l, s, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let v = 0;
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) v += l[a * n + i] * s[a * n + b] * l[b * n + j];
        expect(c[i * n + j]).toBeCloseTo(v, 13);
      }
    }
  });

  it('covarianceF64 handles n below the row chunk and d off the tile', () => {
    const [n, d] = [3, 5];
    const x = uniformFloat64(5, n * d);
    const mean = columnMeans(x, n, d);
    const c = covarianceF64(x, n, d, mean);
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[i * d + 4] - mean[4]) * (x[i * d + 2] - mean[2]);
    expect(c[4 * d + 2]).toBeCloseTo(v / (n - 1), 15);
    expect(c[2 * d + 4]).toBe(c[4 * d + 2]);
  });
});
