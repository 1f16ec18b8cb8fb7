import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, choleskyF64, choleskySolveF64 } from '@gen/core';
import { matmul, relErr, sizesOf, spdCases, stack } from './test-fixtures.js';

describe('choleskySolveF64', () => {
  it.each(spdCases.map((c, i) => [i, c.n, c] as const))('case %i (n = %i) matches scipy cho_solve to 1e-8', (_i, n, c) => {
    const l = choleskyF64({ data: c.a, shape: [n, n] });
    const x = choleskySolveF64(l, { data: c.b, shape: [n, 3] });
    expect(x.shape).toEqual([n, 3]);
    expect(relErr(x.data, c.choSolve)).toBeLessThan(1e-8);
    expect(relErr(matmul(c.a, x.data, n, n, 3), c.b)).toBeLessThan(1e-13);
  });

  it.each(sizesOf(spdCases).map((n) => [n]))('batches of n = %i agree with the reference', (n) => {
    const cases = spdCases.filter((c) => c.n === n);
    const l = choleskyF64(stack(cases.map((c) => c.a), [n, n]));
    const x = choleskySolveF64(l, stack(cases.map((c) => c.b), [n, 3]));
    cases.forEach((c, i) => expect(relErr(x.data.subarray(i * n * 3, (i + 1) * n * 3), c.choSolve)).toBeLessThan(1e-8));
  });

  it('rejects mismatched shapes and a zero diagonal', () => {
    const l = { data: new Float64Array([2, 0, 1, 1]), shape: [2, 2] };
    expect(() => choleskySolveF64(l, { data: new Float64Array(4), shape: [1, 2, 2] })).toThrow(ShapeError);
    expect(() => choleskySolveF64(l, { data: new Float64Array(4), shape: [1, 2, 2] })).toThrow(
      "Argument 'b' passed to 'choleskySolveF64' must have shape [2, k] (l has shape [2, 2]), but got [1, 2, 2].",
    );
    expect(() => choleskySolveF64({ data: new Float64Array([0, 0, 1, 1]), shape: [2, 2] }, { data: new Float64Array(2), shape: [2, 1] })).toThrow(
      InvalidArgumentError,
    );
  });
});
