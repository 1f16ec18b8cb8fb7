import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, triangularSolveF64 } from '@gen/core';
import { matmul, relErr, sizesOf, stack, transpose, triangle, triCases } from './test-fixtures.js';

const VARIANTS = [
  ['lower', { lower: true, adjoint: false }],
  ['upper', { lower: false, adjoint: false }],
  ['lower_trans', { lower: true, adjoint: true }],
  ['upper_trans', { lower: false, adjoint: true }],
] as const;

describe('triangularSolveF64', () => {
  // The fixture matrices are full (both triangles hold data), so agreeing with
  // scipy.linalg.solve_triangular also shows that only the named triangle is read.
  describe.each(VARIANTS)('%s', (key, options) => {
    it.each(triCases.map((c, i) => [i, c.n, c] as const))('case %i (n = %i) matches SciPy to 1e-8', (_i, n, c) => {
      const x = triangularSolveF64({ data: c.t, shape: [n, n] }, { data: c.b, shape: [n, 3] }, options);
      expect(x.shape).toEqual([n, 3]);
      expect(relErr(x.data, c.solutions[key])).toBeLessThan(1e-8);
      // One right-hand side (the k = 1 code path) gives the first column.
      const b0 = Float64Array.from({ length: n }, (_, r) => c.b[r * 3]);
      const x0 = triangularSolveF64({ data: c.t, shape: [n, n] }, { data: b0, shape: [n, 1] }, options);
      const ref0 = Float64Array.from({ length: n }, (_, r) => c.solutions[key][r * 3]);
      expect(relErr(x0.data, ref0)).toBeLessThan(1e-8);
    });
  });

  it('residual op(T) X - B is at rounding level', () => {
    const c = triCases.find((x) => x.n === 256)!;
    for (const [, options] of VARIANTS) {
      const x = triangularSolveF64({ data: c.t, shape: [256, 256] }, { data: c.b, shape: [256, 3] }, options);
      let t = triangle(c.t, 256, options.lower);
      if (options.adjoint) t = transpose(t, 256, 256);
      expect(relErr(matmul(t, x.data, 256, 256, 3), c.b)).toBeLessThan(1e-13);
    }
  });

  it.each(sizesOf(triCases).map((n) => [n]))('batches of n = %i agree with single solves', (n) => {
    const cases = triCases.filter((c) => c.n === n);
    const a = stack(cases.map((c) => c.t), [n, n]);
    const b = stack(cases.map((c) => c.b), [n, 3]);
    for (const [key, options] of VARIANTS) {
      const x = triangularSolveF64(a, b, options);
      expect(x.shape).toEqual([cases.length, n, 3]);
      cases.forEach((c, i) => expect(relErr(x.data.subarray(i * n * 3, (i + 1) * n * 3), c.solutions[key])).toBeLessThan(1e-8));
    }
  });

  it('does not modify its inputs', () => {
    const c = triCases[4];
    const t = Float64Array.from(c.t);
    const b = Float64Array.from(c.b);
    triangularSolveF64({ data: t, shape: [c.n, c.n] }, { data: b, shape: [c.n, 3] }, { lower: false, adjoint: true });
    expect(Array.from(t)).toEqual(Array.from(c.t));
    expect(Array.from(b)).toEqual(Array.from(c.b));
  });

  it('rejects mismatched shapes, singular triangles and bad options', () => {
    const a = { data: new Float64Array([2, 0, 1, 1]), shape: [2, 2] };
    expect(() => triangularSolveF64(a, { data: new Float64Array(3), shape: [3, 1] })).toThrow(ShapeError);
    expect(() => triangularSolveF64(a, { data: new Float64Array(3), shape: [3, 1] })).toThrow(
      "Argument 'b' passed to 'triangularSolveF64' must have shape [2, k] (a has shape [2, 2]), but got [3, 1].",
    );
    const a2 = { data: new Float64Array(8), shape: [2, 2, 2] };
    expect(() => triangularSolveF64(a2, { data: new Float64Array(6), shape: [3, 2, 1] })).toThrow(
      "Argument 'b' passed to 'triangularSolveF64' must have shape [2, 2, k] (a has shape [2, 2, 2]), but got [3, 2, 1].",
    );
    expect(() => triangularSolveF64({ data: new Float64Array(6), shape: [2, 3] }, { data: new Float64Array(2), shape: [2, 1] })).toThrow(
      "Argument 'a' passed to 'triangularSolveF64' must have shape [...batch, n, n], but got [2, 3].",
    );
    const singular = { data: new Float64Array([1, 0, 0, 0, 1, 5, 7, 0]), shape: [2, 2, 2] };
    expect(() => triangularSolveF64(singular, { data: new Float64Array(4), shape: [2, 2, 1] })).toThrow(InvalidArgumentError);
    expect(() => triangularSolveF64(singular, { data: new Float64Array(4), shape: [2, 2, 1] })).toThrow(
      "Argument 'a' passed to 'triangularSolveF64' must be a non-singular triangular matrix, but in matrix [0] the diagonal entry at row 1 is 0.",
    );
    expect(() => triangularSolveF64(a, { data: new Float64Array(2), shape: [2, 1] }, { lower: 'yes' as never })).toThrow(
      "Argument 'options.lower' passed to 'triangularSolveF64' must be a boolean, but got 'yes'.",
    );
  });
});
