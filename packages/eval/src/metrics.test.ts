import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { describe, expect, it } from 'vitest';
import { featureSet, golden, relErr } from './fixtures.test-util.js';
import { inceptionScore } from './inception-score.js';
import { kernelInceptionDistance } from './kid.js';
import { mmd } from './mmd.js';
import { densityCoverage, precisionRecall } from './precision-recall.js';
import { energyDistance, mixtureModeCoverage, slicedWasserstein } from './two-sample.js';

describe('kernelInceptionDistance', () => {
  for (const c of golden.kid as { d: number; n: number; seed1: number; seed2: number; shift: number; kid: number }[]) {
    it(`equals the torchmetrics poly-MMD formula to 1e-6 (d = ${c.d}, one subset of all ${c.n})`, async () => {
      const r = await kernelInceptionDistance(featureSet(c.seed1, c.n, c.d), featureSet(c.seed2, c.n, c.d, c.shift), { subsets: 1 });
      expect(r.subsetSize).toBe(c.n);
      expect(relErr(r.mean, c.kid)).toBeLessThan(1e-6);
      expect(r.n1).toBe(c.n);
    });
  }

  it('averages subsets: mean and std (ddof 1) of the per-subset values; near 0 for one distribution', async () => {
    const x = featureSet(1, 200, 8);
    const y = featureSet(2, 200, 8);
    const z = featureSet(3, 200, 8, 1);
    const same = await kernelInceptionDistance(x, y, { subsets: 5, subsetSize: 50, seed: 3 });
    expect(same.values).toHaveLength(5);
    const m = same.values.reduce((a, b) => a + b, 0) / 5;
    expect(same.mean).toBeCloseTo(m, 15);
    const sd = Math.sqrt(same.values.reduce((a, v) => a + (v - m) ** 2, 0) / 4);
    expect(same.std).toBeCloseTo(sd, 15);
    const diff = await kernelInceptionDistance(x, z, { subsets: 5, subsetSize: 50, seed: 3 });
    expect(diff.mean).toBeGreaterThan(10 * Math.abs(same.mean) + 5 * same.std);
    // Same seed, same subsets.
    expect((await kernelInceptionDistance(x, z, { subsets: 5, subsetSize: 50, seed: 3 })).values).toEqual(diff.values);
  });

  it('does not leak and rejects bad input', async () => {
    const a = tf.randomNormal([30, 4], 0, 1, 'float32', 1);
    const b = tf.randomNormal([30, 4], 0, 1, 'float32', 2);
    await expectNoLeak(async () => {
      await kernelInceptionDistance(a, b, { subsets: 2, subsetSize: 10 });
    });
    await expect(kernelInceptionDistance(a, b, { subsetSize: 31 })).rejects.toThrow(
      "Argument 'subsetSize' passed to 'kernelInceptionDistance' must be an integer >= 2 and <= 30, but got 31.",
    );
    await expect(kernelInceptionDistance(a, featureSet(1, 30, 5))).rejects.toThrow(ShapeError);
    tf.dispose([a, b]);
  });
});

describe('precisionRecall and densityCoverage', () => {
  for (const c of golden.prdc as { d: number; n1: number; n2: number; k: number; seed1: number; seed2: number; shift: number; precision: number; recall: number; density: number; coverage: number }[]) {
    it(`equal a direct NumPy implementation of the papers (d = ${c.d}, k = ${c.k})`, async () => {
      const real = featureSet(c.seed1, c.n1, c.d);
      const fake = featureSet(c.seed2, c.n2, c.d, c.shift);
      const pr = await precisionRecall(real, fake, { k: c.k });
      expect(pr.precision).toBe(c.precision);
      expect(pr.recall).toBe(c.recall);
      expect([pr.nReal, pr.nFake]).toEqual([c.n1, c.n2]);
      const dc = await densityCoverage(real, fake, { k: c.k });
      expect(dc.density).toBeCloseTo(c.density, 12);
      expect(dc.coverage).toBe(c.coverage);
    });
  }

  it('gives 1 for a set against itself and reacts to a shift', async () => {
    const x = featureSet(5, 60, 3);
    expect((await precisionRecall(x, x)).precision).toBe(1);
    const far = await precisionRecall(x, featureSet(6, 60, 3, 30));
    expect(far.precision).toBe(0);
    expect(far.recall).toBe(0);
  });

  it('does not leak and rejects bad input', async () => {
    const a = tf.randomNormal([20, 3], 0, 1, 'float32', 1);
    await expectNoLeak(async () => {
      await precisionRecall(a, a);
      await densityCoverage(a, a);
    });
    await expect(precisionRecall(a, a, { k: 0 })).rejects.toThrow("Argument 'k' passed to 'precisionRecall' must be an integer >= 1");
    await expect(densityCoverage(featureSet(1, 5, 3), a, { k: 5 })).rejects.toThrow(
      "Argument 'real' passed to 'densityCoverage' must have at least 6 rows, but got shape [5, 3].",
    );
    a.dispose();
  });
});

describe('mmd', () => {
  it('matches NumPy: unbiased with the median heuristic, biased with a fixed bandwidth', async () => {
    const c = golden.mmd;
    const x = featureSet(c.seed1, c.n1, c.d);
    const y = featureSet(c.seed2, c.n2, c.d, c.shift);
    const u = await mmd(x, y);
    expect(relErr(u.bandwidth, c.median)).toBeLessThan(1e-12);
    expect(relErr(u.value, c.unbiasedMedian)).toBeLessThan(1e-9);
    const b = await mmd(x, y, { bandwidth: 1, unbiased: false });
    expect(relErr(b.value, c.biasedBandwidth1)).toBeLessThan(1e-9);
    expect([b.n1, b.n2]).toEqual([c.n1, c.n2]);
  });

  it('does not leak and rejects bad input', async () => {
    const a = tf.randomNormal([10, 2], 0, 1, 'float32', 1);
    await expectNoLeak(async () => {
      await mmd(a, a);
    });
    await expect(mmd(a, a, { bandwidth: -1 })).rejects.toThrow(InvalidArgumentError);
    a.dispose();
  });
});

describe('inceptionScore', () => {
  it('matches NumPy with splits (std ddof 1) and its limits', async () => {
    const c = golden.inceptionScore;
    const logits = featureSet(c.seed, c.n, c.classes);
    const probs = tf.tidy(() => tf.softmax(tf.mul(tf.tensor2d(Float32Array.from(logits.data), [c.n, c.classes]), c.scale)));
    // Recompute the softmax in float64 to compare with NumPy's float64 probabilities.
    const p = new Float64Array(c.n * c.classes);
    for (let i = 0; i < c.n; i++) {
      let max = -Infinity;
      for (let j = 0; j < c.classes; j++) max = Math.max(max, c.scale * logits.data[i * c.classes + j]);
      let s = 0;
      for (let j = 0; j < c.classes; j++) s += (p[i * c.classes + j] = Math.exp(c.scale * logits.data[i * c.classes + j] - max));
      for (let j = 0; j < c.classes; j++) p[i * c.classes + j] /= s;
    }
    const r = await inceptionScore({ data: p, shape: [c.n, c.classes] }, { splits: c.splits });
    expect(relErr(r.mean, c.mean)).toBeLessThan(1e-12);
    expect(relErr(r.std, c.std)).toBeLessThan(1e-9);
    await expectNoLeak(async () => {
      await inceptionScore(probs, { splits: 2 });
    });
    probs.dispose();
    const oneHot = Array.from({ length: 20 }, (_, i) => Array.from({ length: 10 }, (_, j) => (j === i % 10 ? 1 : 0)));
    expect((await inceptionScore(oneHot, { splits: 1 })).mean).toBeCloseTo(10, 12);
    await expect(inceptionScore([[0.5, 0.6]], { splits: 1 })).rejects.toThrow("row 0 sums to 1.1");
  });
});

describe('two-sample metrics', () => {
  it('1-d sliced Wasserstein and energy distance equal SciPy; 2-d energy equals NumPy', async () => {
    const t = golden.twoSample;
    const x1 = featureSet(51, 70, 1);
    const y1 = featureSet(52, 90, 1);
    const y1s = { data: y1.data.map((v) => v * 1.5 + 0.2), shape: [90, 1] };
    expect(relErr((await slicedWasserstein(x1, y1s)).value, t.wasserstein1d)).toBeLessThan(1e-12);
    expect(relErr((await energyDistance(x1, y1s)).value, t.energy1d)).toBeLessThan(1e-9);
    const e2 = await energyDistance(featureSet(53, 60, 2), featureSet(54, 50, 2, 0.5));
    expect(relErr(e2.value, t.energy2d)).toBeLessThan(1e-9);
    expect([e2.n1, e2.n2]).toEqual([60, 50]);
  });

  it('sliced Wasserstein of a translated set is close to the projected shift', async () => {
    const x = featureSet(1, 400, 2);
    const y = { data: x.data.map((v, i) => v + (i % 2 === 0 ? 1 : 0)), shape: [400, 2] };
    const r = await slicedWasserstein(x, y, { projections: 2000, seed: 1 });
    expect(r.value).toBeCloseTo(2 / Math.PI, 1); // E|cos theta| = 2 / pi
  });

  it('mode coverage counts modes hit and high-quality samples', async () => {
    const centers = [[0, 0], [10, 0], [0, 10]];
    const samples = [[0.1, 0], [0, -0.2], [10.2, 0], [5, 5], [0, 13]];
    const r = await mixtureModeCoverage(samples, centers, { std: 0.5 });
    expect(r.counts).toEqual([2, 1, 0]);
    expect(r.modesHit).toBe(2);
    expect(r.highQuality).toBeCloseTo(3 / 5, 15);
    expect((await mixtureModeCoverage(samples, centers, { std: 0.5, minSamples: 2 })).modesHit).toBe(1);
    await expect(mixtureModeCoverage(samples, [[0, 0, 0]], { std: 1 })).rejects.toThrow(
      "Arguments 'samples' and 'centers' passed to 'mixtureModeCoverage' must have the same feature dimension, but got 2 and 3.",
    );
    await expect(mixtureModeCoverage(samples, centers, { std: 0 })).rejects.toThrow("Argument 'std' passed to 'mixtureModeCoverage'");
  });

  it('do not leak', async () => {
    const a = tf.randomNormal([15, 2], 0, 1, 'float32', 1);
    await expectNoLeak(async () => {
      await slicedWasserstein(a, a);
      await energyDistance(a, a);
      await mixtureModeCoverage(a, a, { std: 1 });
    });
    await expect(energyDistance(a, [[1, Number.NaN]])).rejects.toThrow("Argument 'y' passed to 'energyDistance' must hold only finite values, but element [0, 1] is NaN.");
    a.dispose();
  });
});
