import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { featureSet, golden, hashUniform, relErr } from './fixtures.test-util.js';
import { frechetDistance, frechetDistanceFromStatistics } from './frechet.js';
import { decodeFeatureStatistics, encodeFeatureStatistics, featureStatistics } from './statistics.js';

interface FrechetCase {
  name: string; d: number; n1: number; n2: number; seed1: number; seed2: number; shift: number;
  pytorchFid: number; exact: number; usedOffset: boolean; maxImag: number; checksum: number; constant: number;
}

describe('frechetDistance', () => {
  it('generates the fixture data bit for bit', () => {
    expect([...hashUniform(7, 4)]).toEqual(golden.hashCheck);
  });

  for (const c of golden.frechet as FrechetCase[]) {
    it(`matches pytorch-fid (scipy sqrtm) to 1e-6 relative: ${c.name}`, async () => {
      const x = featureSet(c.seed1, c.n1, c.d);
      const y = featureSet(c.seed2, c.n2, c.d, c.shift);
      for (let i = 0; i < c.n1; i++) for (let j = 0; j < c.constant; j++) x.data[i * c.d + j] = 0.25;
      for (let i = 0; i < c.n2; i++) for (let j = 0; j < c.constant; j++) y.data[i * c.d + j] = -0.5;
      let sum = 0;
      for (const v of [x.data, y.data]) for (let i = 0; i < v.length; i++) sum += v[i];
      expect(relErr(sum, c.checksum)).toBeLessThan(1e-12);
      const result = await frechetDistance(x, y, { smallSample: 'ignore' });
      expect(result.n1).toBe(c.n1);
      expect(result.n2).toBe(c.n2);
      expect(result.dim).toBe(c.d);
      expect(relErr(result.value, c.pytorchFid)).toBeLessThan(1e-6);
      // The eigenvalue route agrees with SciPy's eigh route more tightly than with sqrtm.
      expect(relErr(result.value, c.exact)).toBeLessThan(1e-9);
      if (c.d <= 64) {
        // Same number from statistics (Cholesky or eigh route).
        const fromStats = frechetDistanceFromStatistics(
          await featureStatistics(x, { smallSample: 'ignore' }),
          await featureStatistics(y, { smallSample: 'ignore' }),
        );
        expect(relErr(fromStats.value, c.exact)).toBeLessThan(1e-8);
        if (c.constant > 0) expect(fromStats.route).toBe('eigh');
      }
    });
  }

  it('is zero for identical sets and symmetric', async () => {
    const x = featureSet(1, 100, 8);
    const y = featureSet(2, 90, 8, 1);
    expect(Math.abs((await frechetDistance(x, x)).value)).toBeLessThan(1e-12);
    const ab = (await frechetDistance(x, y)).value;
    const ba = (await frechetDistance(y, x)).value;
    expect(relErr(ab, ba)).toBeLessThan(1e-10);
    expect(ab).toBeGreaterThan(0.1);
  });

  it('matches the closed form for 1-d Gaussians: (m1-m2)^2 + (s1-s2)^2', () => {
    const a = { n: 10, dim: 1, mean: new Float64Array([1]), cov: new Float64Array([4]) };
    const b = { n: 10, dim: 1, mean: new Float64Array([3]), cov: new Float64Array([9]) };
    expect(frechetDistanceFromStatistics(a, b).value).toBeCloseTo(4 + 1, 12);
  });

  it('accepts tensors without leaking and reads them like float64 arrays', async () => {
    const x = featureSet(1, 50, 4);
    const y = featureSet(2, 60, 4, 0.5);
    const tx = tf.tensor2d(Float32Array.from(x.data), [50, 4]);
    const ty = tf.tensor2d(Float32Array.from(y.data), [60, 4]);
    await expectNoLeak(async () => {
      await frechetDistance(tx, ty);
    });
    const fromTensor = (await frechetDistance(tx, ty)).value;
    const fromF32 = (await frechetDistance(
      { data: Float64Array.from(Float32Array.from(x.data)), shape: [50, 4] },
      { data: Float64Array.from(Float32Array.from(y.data)), shape: [60, 4] },
    )).value;
    expect(fromTensor).toBe(fromF32);
    tf.dispose([tx, ty]);
  });

  it('warns, or throws by option, when n < d, and reports n', async () => {
    const x = featureSet(1, 10, 20);
    const y = featureSet(2, 12, 20);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const r = await frechetDistance(x, y);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('n = 10 samples for d = 20'));
    warn.mockRestore();
    expect(r.n1).toBe(10);
    await expect(frechetDistance(x, y, { smallSample: 'error' })).rejects.toThrow(InvalidArgumentError);
  });

  it('rejects bad shapes, NaN and mismatched dimensions with clear errors', async () => {
    const x = featureSet(1, 10, 3);
    await expect(frechetDistance(x, featureSet(2, 10, 4))).rejects.toThrow(
      "Arguments 'a' and 'b' passed to 'frechetDistance' must have the same feature dimension, but got 3 and 4.",
    );
    const nan = featureSet(1, 10, 3);
    nan.data[7] = NaN;
    await expect(frechetDistance(x, nan)).rejects.toThrow(
      "Argument 'b' passed to 'frechetDistance' must hold only finite values, but element [2, 1] is NaN.",
    );
    const t3 = tf.zeros([2, 3, 4]);
    await expect(frechetDistance(t3, x)).rejects.toThrow(ShapeError);
    await expect(frechetDistance(t3, x)).rejects.toThrow("Argument 'a' passed to 'frechetDistance' must have shape [n, d], but got [2, 3, 4].");
    t3.dispose();
    await expect(frechetDistance({ data: new Float64Array(3), shape: [1, 3] }, x)).rejects.toThrow(ShapeError);
    await expect(frechetDistance('x' as never, x)).rejects.toThrow(InvalidArgumentError);
    await expect(frechetDistance(x, x, { smallSample: 'loud' as never })).rejects.toThrow("must be one of 'warn', 'error', 'ignore'");
  });
});

describe('featureStatistics', () => {
  it('matches mean and np.cov definitions and round-trips through safetensors', async () => {
    const x = featureSet(9, 37, 6);
    const s = await featureStatistics(x);
    for (let j = 0; j < 6; j++) {
      let m = 0;
      for (let i = 0; i < 37; i++) m += x.data[i * 6 + j];
      m /= 37;
      expect(s.mean[j]).toBeCloseTo(m, 14);
      for (let k = 0; k < 6; k++) {
        let mk = 0;
        for (let i = 0; i < 37; i++) mk += x.data[i * 6 + k];
        mk /= 37;
        let c = 0;
        for (let i = 0; i < 37; i++) c += (x.data[i * 6 + j] - m) * (x.data[i * 6 + k] - mk);
        expect(s.cov[j * 6 + k]).toBeCloseTo(c / 36, 14);
      }
    }
    const back = decodeFeatureStatistics(encodeFeatureStatistics(s));
    expect(back.n).toBe(37);
    expect(back.dim).toBe(6);
    expect([...back.mean]).toEqual([...s.mean]);
    expect([...back.cov]).toEqual([...s.cov]);
    expect(() => decodeFeatureStatistics(new Uint8Array(5))).toThrow("'decodeFeatureStatistics' could not read feature statistics");
  });

  it('handles sizes that are not multiples of the kernel tile', async () => {
    for (const [n, d] of [[2, 1], [67, 5], [130, 9]]) {
      const x = featureSet(n, n, d);
      const s = await featureStatistics(x, { smallSample: 'ignore' });
      let c01 = 0;
      const j = d - 1;
      for (let i = 0; i < n; i++) c01 += (x.data[i * d] - s.mean[0]) * (x.data[i * d + j] - s.mean[j]);
      expect(s.cov[j]).toBeCloseTo(c01 / (n - 1), 13);
      expect(s.cov[j * d]).toBe(s.cov[j]);
    }
  });

  it('does not leak and validates', async () => {
    const t = tf.randomNormal([20, 3], 0, 1, 'float32', 1);
    await expectNoLeak(async () => {
      await featureStatistics(t);
    });
    t.dispose();
    await expect(featureStatistics(featureSet(1, 1, 3))).rejects.toThrow(
      "Argument 'features' passed to 'featureStatistics' must have at least 2 rows, but got shape [1, 3].",
    );
  });
});
