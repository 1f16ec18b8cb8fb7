import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, eighF64 } from '@gen/core';
import { identity, matmul, norm, relErr, sizesOf, spdCases, stack, transpose } from './test-fixtures.js';

/** ||A V - V diag(w)||_F / ||A||_F and ||V^T V - I||_F. */
function residuals(a: Float64Array, w: Float64Array, v: Float64Array, n: number): { residual: number; orthogonality: number } {
  const av = matmul(a, v, n, n, n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) av[r * n + c] -= v[r * n + c] * w[c];
  const gram = matmul(transpose(v, n, n), v, n, n, n);
  return { residual: norm(av) / (norm(a) || 1), orthogonality: relErr(gram, identity(n)) * Math.sqrt(n) };
}

describe('eighF64', () => {
  it.each(spdCases.map((c, i) => [i, c.n, c] as const))(
    'case %i (n = %i): eigenvalues match numpy.linalg.eigh to 1e-8, A V = V diag(w), V orthonormal',
    (_i, n, c) => {
      const { values, vectors } = eighF64({ data: c.a, shape: [n, n] });
      expect(values.shape).toEqual([n]);
      expect(vectors.shape).toEqual([n, n]);
      for (let i = 1; i < n; i++) expect(values.data[i]).toBeGreaterThanOrEqual(values.data[i - 1]);
      // Eigenvalues are determined to eps ||A||: compare each one against the largest magnitude.
      const scale = Math.max(...c.eigvals.map(Math.abs));
      for (let i = 0; i < n; i++) expect(Math.abs(values.data[i] - c.eigvals[i])).toBeLessThan(1e-8 * scale);
      // A backward-stable method gives residual and loss of orthogonality O(n eps).
      const { residual, orthogonality } = residuals(c.a, values.data, vectors.data, n);
      expect(residual).toBeLessThan(10 * Math.max(n, 2) * Number.EPSILON);
      expect(orthogonality).toBeLessThan(10 * Math.max(n, 2) * Number.EPSILON);
    },
  );

  // Eigenvectors are unique only up to sign (the fixture's eigenvalues are simple: its smallest
  // relative gap is stored and > 1e-4 for n <= 64). The perturbation bound for a unit eigenvector
  // is ~ eps ||A|| / gap, about 1e-12 here, so each sign-aligned column must match to 1e-8; and
  // |V^T V_ref| must be the identity to 1e-8, which also rules out mixing between columns.
  it.each(spdCases.filter((c) => c.eigvecs).map((c) => [c.n, c] as const))(
    'n = %i: eigenvectors match numpy up to sign',
    (n, c) => {
      expect(c.minRelGap).toBeGreaterThan(1e-4);
      const { vectors } = eighF64({ data: c.a, shape: [n, n] });
      const v = vectors.data;
      const ref = c.eigvecs!;
      for (let col = 0; col < n; col++) {
        let dot = 0;
        for (let r = 0; r < n; r++) dot += v[r * n + col] * ref[r * n + col];
        const sign = dot >= 0 ? 1 : -1;
        let diff = 0;
        for (let r = 0; r < n; r++) diff += (v[r * n + col] - sign * ref[r * n + col]) ** 2;
        expect(Math.sqrt(diff)).toBeLessThan(1e-8);
      }
      const cross = matmul(transpose(v, n, n), ref, n, n, n).map(Math.abs);
      expect(relErr(cross, identity(n)) * Math.sqrt(n)).toBeLessThan(1e-8);
    },
  );

  it.each(sizesOf(spdCases).map((n) => [n]))('batches of n = %i equal single decompositions', (n) => {
    const cases = spdCases.filter((c) => c.n === n);
    const { values, vectors } = eighF64(stack(cases.map((c) => c.a), [n, n]));
    expect(values.shape).toEqual([cases.length, n]);
    cases.forEach((c, i) => {
      const single = eighF64({ data: c.a, shape: [n, n] });
      expect(Array.from(values.data.subarray(i * n, (i + 1) * n))).toEqual(Array.from(single.values.data));
      expect(Array.from(vectors.data.subarray(i * n * n, (i + 1) * n * n))).toEqual(Array.from(single.vectors.data));
    });
  });

  it('handles repeated eigenvalues, diagonal, already-tridiagonal and tiny/huge matrices', () => {
    const check = (a: Float64Array, n: number, expected?: number[]) => {
      const { values, vectors } = eighF64({ data: a, shape: [n, n] });
      const { residual, orthogonality } = residuals(a, values.data, vectors.data, n);
      expect(residual).toBeLessThan(100 * n * Number.EPSILON);
      expect(orthogonality).toBeLessThan(100 * n * Number.EPSILON);
      if (expected) expected.forEach((e, i) => expect(Math.abs(values.data[i] - e)).toBeLessThan(1e-13 * Math.max(1, ...expected.map(Math.abs))));
    };
    check(identity(5), 5, [1, 1, 1, 1, 1]);
    check(new Float64Array([3, 0, 0, 0, -1, 0, 0, 0, 2]), 3, [-1, 2, 3]);
    // 2 on the diagonal, -1 off it: eigenvalues 2 - 2 cos(k pi / (n + 1)).
    const n = 12;
    const t = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      t[i * n + i] = 2;
      if (i > 0) t[i * n + i - 1] = t[(i - 1) * n + i] = -1;
    }
    check(t, n, Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))));
    // All-ones (rank one): eigenvalues 0 (n - 1 times) and n.
    check(new Float64Array(36).fill(1), 6, [0, 0, 0, 0, 0, 6]);
    // Scale invariance far from 1 (no overflow or underflow in the Householder or QL steps).
    const c = spdCases.find((x) => x.n === 17)!;
    for (const s of [1e-150, 1e150]) {
      const { values } = eighF64({ data: c.a.map((x) => x * s), shape: [17, 17] });
      for (let i = 0; i < 17; i++) expect(Math.abs(values.data[i] / s - c.eigvals[i])).toBeLessThan(1e-12 * c.eigvals[16]);
    }
    check(new Float64Array([0]), 1, [0]);
    check(new Float64Array([1, 2, 2, -3]), 2);
  });

  it('reads only the lower triangle', () => {
    const c = spdCases.find((x) => x.n === 17)!;
    const garbage = Float64Array.from(c.a);
    for (let i = 0; i < 17; i++) for (let j = i + 1; j < 17; j++) garbage[i * 17 + j] = 99;
    expect(Array.from(eighF64({ data: garbage, shape: [17, 17] }).values.data)).toEqual(
      Array.from(eighF64({ data: c.a, shape: [17, 17] }).values.data),
    );
  });

  it('rejects non-square and non-finite input', () => {
    expect(() => eighF64({ data: new Float64Array(6), shape: [2, 3] })).toThrow(ShapeError);
    expect(() => eighF64({ data: new Float64Array([1, NaN, NaN, 1]), shape: [2, 2] })).toThrow(InvalidArgumentError);
    expect(() => eighF64({ data: new Float64Array([1, NaN, NaN, 1]), shape: [2, 2] })).toThrow(
      "Argument 'a' passed to 'eighF64' must hold only finite values, but element 1 is NaN.",
    );
  });
});
