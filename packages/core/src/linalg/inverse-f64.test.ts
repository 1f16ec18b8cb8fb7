import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, inverseF64 } from '@gen/core';
import { generalCases, identity, matmul, relErr, sizesOf, spdCases, stack } from './test-fixtures.js';

describe('inverseF64', () => {
  describe("assume: 'general' (LU with partial pivoting)", () => {
    it.each(generalCases.map((c, i) => [i, c.n, c] as const))('case %i (n = %i) matches numpy.linalg.inv to 1e-8', (_i, n, c) => {
      const inv = inverseF64({ data: c.g, shape: [n, n] });
      if (c.inv) expect(relErr(inv.data, c.inv)).toBeLessThan(1e-8);
      // inv(G) applied to a probe, for every size (the only reference stored at n = 256).
      expect(relErr(matmul(inv.data, c.probe, n, n, 3), c.invProbe)).toBeLessThan(1e-8);
      expect(relErr(matmul(c.g, inv.data, n, n, n), identity(n))).toBeLessThan(100 * n * Number.EPSILON * c.cond);
    });

    it('needs pivoting: a zero leading entry is fine', () => {
      const inv = inverseF64({ data: new Float64Array([0, 2, 1, 0]), shape: [2, 2] });
      expect(Array.from(inv.data)).toEqual([0, 1, 0.5, 0]);
    });

    it('reports singular and non-finite matrices', () => {
      const singular = new Float64Array([1, 2, 3, 2, 4, 6, 1, 0, 1]);
      expect(() => inverseF64({ data: singular, shape: [3, 3] })).toThrow(InvalidArgumentError);
      expect(() => inverseF64({ data: singular, shape: [3, 3] })).toThrow(
        "Argument 'a' passed to 'inverseF64' must be invertible, but LU elimination found no non-zero pivot in column 2 (the matrix is singular).",
      );
      expect(() => inverseF64({ data: new Float64Array([1, 0, 0, 1, 1, Infinity, 0, 1]), shape: [2, 2, 2] })).toThrow(
        "Argument 'a' passed to 'inverseF64' must hold only finite values, but in matrix [1] element 1 is Infinity.",
      );
    });
  });

  describe("assume: 'spd' (Cholesky)", () => {
    it.each(spdCases.map((c, i) => [i, c.n, c] as const))('case %i (n = %i) matches numpy.linalg.inv to 1e-8', (_i, n, c) => {
      const inv = inverseF64({ data: c.a, shape: [n, n] }, { assume: 'spd' });
      if (c.inv) expect(relErr(inv.data, c.inv)).toBeLessThan(1e-8);
      expect(relErr(matmul(inv.data, c.probe, n, n, 3), c.invProbe)).toBeLessThan(1e-8);
      let asymmetric = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) if (inv.data[i * n + j] !== inv.data[j * n + i]) asymmetric++;
      expect(asymmetric).toBe(0);
    });

    it('names the failing pivot of a non-SPD matrix', () => {
      expect(() => inverseF64({ data: new Float64Array([1, 2, 2, 1]), shape: [2, 2] }, { assume: 'spd' })).toThrow(
        "Argument 'a' passed to 'inverseF64' must be symmetric positive definite, but the pivot at row 1 is -3 (leading minor 2 is not positive).",
      );
    });
  });

  it.each(sizesOf(generalCases).map((n) => [n]))('batches of n = %i agree with single inverses', (n) => {
    const cases = generalCases.filter((c) => c.n === n);
    const inv = inverseF64(stack(cases.map((c) => c.g), [n, n]));
    cases.forEach((c, i) => {
      const single = inverseF64({ data: c.g, shape: [n, n] }).data;
      expect(Array.from(inv.data.subarray(i * n * n, (i + 1) * n * n))).toEqual(Array.from(single));
    });
    const spd = spdCases.filter((c) => c.n === n);
    const invSpd = inverseF64(stack(spd.map((c) => c.a), [n, n]), { assume: 'spd' });
    spd.forEach((c, i) => expect(relErr(matmul(invSpd.data.subarray(i * n * n, (i + 1) * n * n), c.probe, n, n, 3), c.invProbe)).toBeLessThan(1e-8));
  });

  it('rejects bad options and shapes', () => {
    const a = { data: new Float64Array([1, 0, 0, 1]), shape: [2, 2] };
    expect(() => inverseF64(a, { assume: 'symmetric' as never })).toThrow(
      "Argument 'options.assume' passed to 'inverseF64' must be one of 'general', 'spd', but got 'symmetric'.",
    );
    expect(() => inverseF64({ data: new Float64Array(6), shape: [3, 2] })).toThrow(ShapeError);
  });
});
