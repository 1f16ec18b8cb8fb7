import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, choleskyF64 } from '@gen/core';
import { matmul, relErr, sizesOf, spdCases, stack, transpose } from './test-fixtures.js';

const EPS = Number.EPSILON;

describe('choleskyF64', () => {
  it.each(spdCases.map((c, i) => [i, c.n, c] as const))(
    'case %i (n = %i) matches numpy.linalg.cholesky to 1e-8 and reconstructs A to O(n eps)',
    (_i, n, c) => {
      const l = choleskyF64({ data: c.a, shape: [n, n] });
      expect(l.shape).toEqual([n, n]);
      expect(relErr(l.data, c.chol)).toBeLessThan(1e-8);
      // Backward error of Cholesky is O(n eps ||A||).
      expect(relErr(matmul(l.data, transpose(l.data, n, n), n, n, n), c.a)).toBeLessThan(10 * n * EPS);
      for (let i = 0; i < n; i++) {
        expect(l.data[i * n + i]).toBeGreaterThan(0);
        for (let j = i + 1; j < n; j++) expect(l.data[i * n + j]).toBe(0);
      }
    },
  );

  it.each(sizesOf(spdCases).map((n) => [n]))('a batch of n = %i matrices equals the matrices one by one', (n) => {
    const cases = spdCases.filter((c) => c.n === n);
    const batched = choleskyF64(stack(cases.map((c) => c.a), [n, n]));
    expect(batched.shape).toEqual([cases.length, n, n]);
    cases.forEach((c, i) => {
      const single = choleskyF64({ data: c.a, shape: [n, n] }).data;
      expect(Array.from(batched.data.subarray(i * n * n, (i + 1) * n * n))).toEqual(Array.from(single));
    });
    // Two leading dimensions.
    const twoDims = choleskyF64({ data: stack(cases.map((c) => c.a), [n, n]).data, shape: [1, cases.length, n, n] });
    expect(Array.from(twoDims.data)).toEqual(Array.from(batched.data));
  });

  it('reads only the lower triangle and does not modify its input', () => {
    const c = spdCases.find((x) => x.n === 17)!;
    const garbage = Float64Array.from(c.a);
    for (let i = 0; i < 17; i++) for (let j = i + 1; j < 17; j++) garbage[i * 17 + j] = 1e6 * (i - j);
    const copy = Float64Array.from(garbage);
    const l = choleskyF64({ data: garbage, shape: [17, 17] });
    expect(Array.from(l.data)).toEqual(Array.from(choleskyF64({ data: c.a, shape: [17, 17] }).data));
    expect(Array.from(garbage)).toEqual(Array.from(copy));
  });

  it('names the failing pivot of a matrix that is not positive definite', () => {
    const a = new Float64Array(16);
    [1, 1, 1, -0.25].forEach((v, i) => (a[i * 4 + i] = v));
    expect(() => choleskyF64({ data: a, shape: [4, 4] })).toThrow(InvalidArgumentError);
    expect(() => choleskyF64({ data: a, shape: [4, 4] })).toThrow(
      "Argument 'a' passed to 'choleskyF64' must be symmetric positive definite, but the pivot at row 3 is -0.25 (leading minor 4 is not positive).",
    );
    // [[1, 2], [2, 1]]: pivot 1 - 4 = -3 at row 1; in the second matrix of a batch.
    const batch = new Float64Array([4, 0, 0, 4, 1, 2, 2, 1]);
    expect(() => choleskyF64({ data: batch, shape: [2, 2, 2] })).toThrow(
      "Argument 'a' passed to 'choleskyF64' must be symmetric positive definite, but in matrix [1] the pivot at row 1 is -3 (leading minor 2 is not positive).",
    );
    // Singular (a zero pivot) and NaN.
    expect(() => choleskyF64({ data: new Float64Array([1, 1, 1, 1]), shape: [2, 2] })).toThrow(
      'the pivot at row 1 is 0 (leading minor 2 is not positive)',
    );
    expect(() => choleskyF64({ data: new Float64Array([1, 0, NaN, 1]), shape: [2, 2] })).toThrow(
      'the pivot at row 1 is NaN (the input holds non-finite values)',
    );
  });

  it('rejects bad shapes and non-Float64Array data', () => {
    expect(() => choleskyF64({ data: new Float64Array(12), shape: [3, 4] })).toThrow(ShapeError);
    expect(() => choleskyF64({ data: new Float64Array(12), shape: [3, 4] })).toThrow(
      "Argument 'a' passed to 'choleskyF64' must have shape [...batch, n, n], but got [3, 4].",
    );
    expect(() => choleskyF64({ data: new Float64Array(3), shape: [3] })).toThrow(ShapeError);
    expect(() => choleskyF64({ data: new Float64Array(8), shape: [3, 3] })).toThrow(
      "Argument 'a' passed to 'choleskyF64' has shape [3, 3] (9 values), but its data holds 8 values.",
    );
    expect(() => choleskyF64({ data: [1] as unknown as Float64Array, shape: [1, 1] })).toThrow(InvalidArgumentError);
  });

  it('handles empty matrices and empty batches', () => {
    expect(choleskyF64({ data: new Float64Array(0), shape: [0, 0] }).shape).toEqual([0, 0]);
    expect(choleskyF64({ data: new Float64Array(0), shape: [0, 3, 3] }).data.length).toBe(0);
  });
});
