import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, logDetF64 } from '@gen/core';
import { sizesOf, spdCases, stack } from './test-fixtures.js';

describe('logDetF64', () => {
  it.each(spdCases.map((c, i) => [i, c.n, c] as const))('case %i (n = %i) matches numpy slogdet to 1e-8', (_i, n, c) => {
    const out = logDetF64({ data: c.a, shape: [n, n] });
    expect(out.shape).toEqual([]);
    expect(Math.abs(out.data[0] - c.logdet)).toBeLessThan(1e-8 * Math.max(1, Math.abs(c.logdet)));
  });

  it.each(sizesOf(spdCases).map((n) => [n]))('returns [batch] values for a batch of n = %i', (n) => {
    const cases = spdCases.filter((c) => c.n === n);
    const out = logDetF64(stack(cases.map((c) => c.a), [n, n]));
    expect(out.shape).toEqual([cases.length]);
    cases.forEach((c, i) => expect(Math.abs(out.data[i] - c.logdet)).toBeLessThan(1e-8 * Math.max(1, Math.abs(c.logdet))));
  });

  it('is exact on a diagonal matrix and 0 for an empty one', () => {
    expect(logDetF64({ data: new Float64Array([2, 0, 0, 8]), shape: [2, 2] }).data[0]).toBeCloseTo(Math.log(16), 14);
    expect(Array.from(logDetF64({ data: new Float64Array(0), shape: [2, 0, 0] }).data)).toEqual([0, 0]);
  });

  it('rejects non-SPD and non-square input', () => {
    expect(() => logDetF64({ data: new Float64Array([1, 2, 2, 1]), shape: [2, 2] })).toThrow(InvalidArgumentError);
    expect(() => logDetF64({ data: new Float64Array([1, 2, 2, 1]), shape: [2, 2] })).toThrow(
      "Argument 'a' passed to 'logDetF64' must be symmetric positive definite, but the pivot at row 1 is -3 (leading minor 2 is not positive).",
    );
    expect(() => logDetF64({ data: new Float64Array(2), shape: [1, 2] })).toThrow(ShapeError);
  });
});
