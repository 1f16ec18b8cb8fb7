import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, eighF64, sqrtmPsdF64 } from '@gen/core';
import { matmul, psdCases, relErr, sizesOf, spdCases, stack } from './test-fixtures.js';

describe('sqrtmPsdF64', () => {
  it.each(spdCases.map((c, i) => [i, c.n, c] as const))('case %i (n = %i) matches scipy.linalg.sqrtm to 1e-8', (_i, n, c) => {
    const s = sqrtmPsdF64({ data: c.a, shape: [n, n] });
    expect(s.shape).toEqual([n, n]);
    if (c.sqrtm) expect(relErr(s.data, c.sqrtm)).toBeLessThan(1e-8);
    expect(relErr(matmul(s.data, c.probe, n, n, 3), c.sqrtmProbe)).toBeLessThan(1e-8);
    expect(relErr(matmul(s.data, s.data, n, n, n), c.a)).toBeLessThan(10 * n * Number.EPSILON);
    let asymmetric = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) if (s.data[i * n + j] !== s.data[j * n + i]) asymmetric++;
    expect(asymmetric).toBe(0);
  });

  it.each(psdCases.map((c) => [c.n, c.rank, c] as const))(
    'rank-deficient PSD (n = %i, rank %i): S S = A, S PSD with the same rank',
    (n, rank, c) => {
      // Half of the zero eigenvalues come out slightly negative in floating point; they are clamped.
      const s = sqrtmPsdF64({ data: c.a, shape: [n, n] });
      expect(relErr(matmul(s.data, s.data, n, n, n), c.a)).toBeLessThan(10 * n * Number.EPSILON);
      const w = eighF64(s).values.data;
      const top = w[n - 1];
      expect(w[0]).toBeGreaterThan(-1e-6 * top);
      // sqrt of a rounding-level eigenvalue (~1e-14 ||A||) is ~1e-7 ||S||: count the rest.
      expect(w.filter((x) => x > 1e-5 * top).length).toBe(rank);
    },
  );

  it.each(sizesOf(spdCases).map((n) => [n]))('batches of n = %i equal single square roots', (n) => {
    const cases = spdCases.filter((c) => c.n === n);
    const s = sqrtmPsdF64(stack(cases.map((c) => c.a), [n, n]));
    cases.forEach((c, i) => {
      expect(Array.from(s.data.subarray(i * n * n, (i + 1) * n * n))).toEqual(Array.from(sqrtmPsdF64({ data: c.a, shape: [n, n] }).data));
    });
  });

  it('is exact on a small example and handles zero', () => {
    const s = sqrtmPsdF64({ data: new Float64Array([5, 4, 4, 5]), shape: [2, 2] }).data;
    [2, 1, 1, 2].forEach((e, i) => expect(Math.abs(s[i] - e)).toBeLessThan(1e-14));
    expect(Array.from(sqrtmPsdF64({ data: new Float64Array(4), shape: [2, 2] }).data)).toEqual([0, 0, 0, 0]);
  });

  it('rejects indefinite matrices unless told to clamp, and bad options', () => {
    const a = { data: new Float64Array([1, 2, 2, 1]), shape: [2, 2] }; // eigenvalues -1, 3
    expect(() => sqrtmPsdF64(a)).toThrow(InvalidArgumentError);
    expect(() => sqrtmPsdF64(a)).toThrow(
      "Argument 'a' passed to 'sqrtmPsdF64' must be symmetric positive semi-definite, but it has eigenvalue -1 (largest magnitude 3, tolerance 1e-8).",
    );
    const clamped = sqrtmPsdF64(a, { tolerance: Infinity }).data;
    // Only the eigenvalue 3 (eigenvector [1, 1] / sqrt 2) survives: sqrt(3) / 2 * ones.
    clamped.forEach((x) => expect(Math.abs(x - Math.sqrt(3) / 2)).toBeLessThan(1e-14));
    expect(() => sqrtmPsdF64(a, { tolerance: -1 })).toThrow(
      "Argument 'options.tolerance' passed to 'sqrtmPsdF64' must be a number >= 0 (Infinity allowed), but got -1.",
    );
    expect(() => sqrtmPsdF64({ data: new Float64Array(2), shape: [2] })).toThrow(ShapeError);
  });
});
