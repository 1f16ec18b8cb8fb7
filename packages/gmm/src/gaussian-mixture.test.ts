// GaussianMixture: API behaviour, bad input, sampling, online EM, tensor path, Distribution, leaks.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, normalFloat64 } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { describe, expect, it } from 'vitest';
import { GaussianMixture } from './gaussian-mixture.js';
import { type GmmDataset, decode, loadFixture } from './fixtures.test-util.js';

/** Three Gaussian blobs in 2-D (seeded): centres (0,0), (6,0), (0,6), unit-ish spread. */
function blobs(n: number, seed = 1): { data: Float64Array; shape: [number, number] } {
  const z = normalFloat64(seed, 2 * n);
  const centres = [[0, 0], [6, 0], [0, 6]];
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = centres[i % 3];
    data[2 * i] = c[0] + z[2 * i];
    data[2 * i + 1] = c[1] + 0.5 * z[2 * i + 1];
  }
  return { data, shape: [n, 2] };
}

const iris = loadFixture<GmmDataset>('iris.json');
const irisX = { data: decode(iris.X), shape: iris.X.shape };

describe('GaussianMixture inputs', () => {
  it('accepts number[][], Float32Array with shape and tf.Tensor2D alike', async () => {
    const x = blobs(300);
    const rows = Array.from({ length: 300 }, (_, i) => [x.data[2 * i], x.data[2 * i + 1]]);
    const a = await new GaussianMixture({ nComponents: 3, seed: 3 }).fit(rows);
    const b = await new GaussianMixture({ nComponents: 3, seed: 3 }).fit(x);
    const t = tf.tensor2d(Float32Array.from(x.data), [300, 2]);
    const c = await new GaussianMixture({ nComponents: 3, seed: 3 }).fit(t);
    t.dispose();
    expect(Array.from(a.means.data)).toEqual(Array.from(b.means.data));
    // float32-rounded data: close, not equal.
    const diff = Math.max(...Array.from(c.means.data, (v, i) => Math.abs(v - b.means.data[i])));
    expect(diff).toBeLessThan(1e-5);
    expect(diff).toBeGreaterThan(0);
  });

  it('rejects NaN / Infinity, too few samples, wrong feature count, unknown options', async () => {
    await expect(new GaussianMixture().fit([[1, 2], [NaN, 3]])).rejects.toThrow(
      new InvalidArgumentError("Argument 'x' passed to 'GaussianMixture.fit' must hold only finite values, but row 1, column 0 is NaN."),
    );
    await expect(new GaussianMixture().fit([[1, Infinity], [2, 3]])).rejects.toThrow(InvalidArgumentError);
    await expect(new GaussianMixture({ nComponents: 3 }).fit([[1, 2], [2, 3]])).rejects.toThrow(
      "Argument 'x' passed to 'GaussianMixture.fit' must have at least nComponents = 3 samples (rows), but got 2.",
    );
    await expect(new GaussianMixture().fit([[1, 2], [2]])).rejects.toThrow(ShapeError);
    const gmm = await new GaussianMixture({ nComponents: 2 }).fit(blobs(60));
    await expect(gmm.predict([[1, 2, 3]])).rejects.toThrow(
      new ShapeError("Argument 'x' passed to 'GaussianMixture.predict' must have shape [numSamples, 2], but got [1, 3]."),
    );
    expect(() => new GaussianMixture({ covarianceType: 'dense' as never })).toThrow(
      new InvalidArgumentError(
        "Argument 'covarianceType' passed to 'GaussianMixture' must be one of 'full', 'tied', 'diag', 'spherical', but got 'dense'.",
      ),
    );
    expect(() => new GaussianMixture({ initParams: 'kmeans++' as never })).toThrow(/must be one of 'kmeans', 'k-means\+\+', 'random', 'random_from_data'/);
    expect(() => new GaussianMixture({ nComponents: 0 })).toThrow(InvalidArgumentError);
    await expect(new GaussianMixture().predict([[1, 2]])).rejects.toThrow("'GaussianMixture.predict' needs a fitted model");
    await expect(new GaussianMixture({ nComponents: 2, weightsInit: [0.3, 0.3] }).fit(blobs(60))).rejects.toThrow('must sum to 1');
    await expect(new GaussianMixture({ nComponents: 2, meansInit: [[0, 0]] }).fit(blobs(60))).rejects.toThrow(ShapeError);
  });
});

describe('GaussianMixture behaviour', () => {
  it('recovers three blobs from k-means, k-means++ and random_from_data starts', async () => {
    const x = blobs(600);
    for (const initParams of ['kmeans', 'k-means++', 'random', 'random_from_data'] as const) {
      for (const covarianceType of ['full', 'tied', 'diag', 'spherical'] as const) {
        const gmm = await new GaussianMixture({ nComponents: 3, covarianceType, initParams, nInit: 2, seed: 5 }).fit(x);
        expect(gmm.history).toHaveLength(2);
        expect(gmm.lowerBound).toBe(Math.max(...gmm.history.map((h) => h.lowerBound)));
        // As in sklearn: 'random' responsibilities are nearly uniform, and single-sample inits give
        // the tied covariance X^T X / k (huge), so these starts stall near the data mean within tol.
        if (initParams === 'random' || (covarianceType === 'tied' && initParams !== 'kmeans')) continue;
        const means = Array.from({ length: 3 }, (_, c) => [gmm.means.data[2 * c], gmm.means.data[2 * c + 1]]).sort((a, b) => a[0] + 2 * a[1] - (b[0] + 2 * b[1]));
        expect(means[0][0]).toBeCloseTo(0, 0);
        expect(means[1][0]).toBeCloseTo(6, 0);
        expect(means[2][1]).toBeCloseTo(6, 0);
      }
    }
  });

  it('predictProba rows sum to 1 and agree with predict; fitPredict equals fit + predict', async () => {
    const x = blobs(300);
    const gmm = new GaussianMixture({ nComponents: 3, seed: 2 });
    const labels = await gmm.fitPredict(x);
    expect(Array.from(await gmm.predict(x))).toEqual(Array.from(labels));
    const p = await gmm.predictProba(x);
    for (let i = 0; i < 300; i++) {
      const row = Array.from(p.data.subarray(3 * i, 3 * i + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(row.indexOf(Math.max(...row))).toBe(labels[i]);
    }
  });

  it('sample: counts follow the weights, points have the fitted moments, same seed same draws', async () => {
    const gmm = await new GaussianMixture({ nComponents: 3, covarianceType: 'full', seed: 0 }).fit(irisX);
    const a = gmm.sample(20000, { seed: 7 });
    const b = gmm.sample(20000, { seed: 7 });
    expect(Array.from(a.points.data.subarray(0, 20))).toEqual(Array.from(b.points.data.subarray(0, 20)));
    expect(a.points.shape).toEqual([20000, 4]);
    const w = gmm.weights;
    for (let c = 0; c < 3; c++) {
      const idx = Array.from(a.components).flatMap((v, i) => (v === c ? [i] : []));
      expect(Math.abs(idx.length / 20000 - w[c])).toBeLessThan(0.015);
      // Sample mean of component c within 4 standard errors of the fitted mean (first feature).
      const mean = idx.reduce((s, i) => s + a.points.data[4 * i], 0) / idx.length;
      const sd = Math.sqrt(gmm.covariances.data[c * 16]);
      expect(Math.abs(mean - gmm.means.data[4 * c])).toBeLessThan((4 * sd) / Math.sqrt(idx.length));
      // Variance of the first feature within 10%.
      const v = idx.reduce((s, i) => s + (a.points.data[4 * i] - mean) ** 2, 0) / idx.length;
      expect(v / gmm.covariances.data[c * 16]).toBeGreaterThan(0.9);
      expect(v / gmm.covariances.data[c * 16]).toBeLessThan(1.1);
    }
  });

  it('warmStart continues from the fitted parameters with a single initialisation', async () => {
    const x = blobs(300);
    const gmm = new GaussianMixture({ nComponents: 3, maxIter: 2, tol: 0, warmStart: true, nInit: 3, seed: 1 });
    await gmm.fit(x);
    expect(gmm.history).toHaveLength(3);
    const lb1 = gmm.lowerBound;
    await gmm.fit(x);
    expect(gmm.history).toHaveLength(1);
    expect(gmm.lowerBound).toBeGreaterThanOrEqual(lb1 - 1e-12);
  });

  it('a collapsed component raises an error naming it, or is reinitialised on request', async () => {
    // 6 distinct points, 2 of them duplicated many times: with regCovar 0 a component collapses.
    const rows: number[][] = [];
    for (let i = 0; i < 50; i++) rows.push([0, 0]);
    for (let i = 0; i < 50; i++) rows.push([5, 5 + (i % 7)]);
    const make = (onCollapse: 'error' | 'reinitialize') =>
      new GaussianMixture({ nComponents: 2, regCovar: 0, onCollapse, seed: 0, meansInit: [[0, 0], [5, 8]], weightsInit: [0.5, 0.5] });
    await expect(make('error').fit(rows)).rejects.toThrow(/component 0 has an ill-defined empirical covariance.*larger regCovar \(now 0\)/);
    const gmm = make('reinitialize');
    await expect(gmm.fit(rows)).resolves.toBe(gmm);
    expect(gmm.numReinitialized).toBeGreaterThan(0);
  });
});

describe('GaussianMixture online EM', () => {
  it('partialFit over minibatches reaches nearly the batch-EM likelihood', async () => {
    const x = blobs(6000, 11);
    const batch = await new GaussianMixture({ nComponents: 3, seed: 0 }).fit(x);
    const online = new GaussianMixture({ nComponents: 3, seed: 0 });
    for (let start = 0; start < 6000; start += 200) {
      await online.partialFit({ data: x.data.subarray(2 * start, 2 * (start + 200)), shape: [200, 2] });
    }
    const lb = await batch.score(x);
    const lo = await online.score(x);
    expect(lo).toBeLessThanOrEqual(lb + 1e-9);
    expect(lb - lo).toBeLessThan(0.01 * Math.abs(lb));
  });

  it('fitStream consumes an async iterable; partialFit after fit starts from the fitted model', async () => {
    const x = blobs(3000, 4);
    async function* batches() {
      for (let s = 0; s < 3000; s += 500) yield { data: x.data.subarray(2 * s, 2 * (s + 500)), shape: [500, 2] };
    }
    const gmm = await new GaussianMixture({ nComponents: 3, covarianceType: 'diag', seed: 0 }).fitStream(batches());
    expect(gmm.nIter).toBe(6);
    const fitted = await new GaussianMixture({ nComponents: 3, seed: 0 }).fit(x);
    const before = await fitted.score(x);
    await fitted.partialFit({ data: x.data.subarray(0, 1000), shape: [500, 2] });
    expect(Math.abs((await fitted.score(x)) - before)).toBeLessThan(0.02 * Math.abs(before));
    await expect(gmm.fitStream(42 as never)).rejects.toThrow(InvalidArgumentError);
    await expect(gmm.partialFit([[1, 2, 3]])).rejects.toThrow(ShapeError);
  });
});

describe('GaussianMixture online EM with a reused batch buffer', () => {
  it('refilling one Float64Array gives the same model as fresh arrays (data is re-read every call)', async () => {
    const x = blobs(2000, 8);
    const fresh = new GaussianMixture({ nComponents: 3, covarianceType: 'full', seed: 0 });
    const reused = new GaussianMixture({ nComponents: 3, covarianceType: 'full', seed: 0 });
    const buffer = new Float64Array(2 * 250);
    for (let s = 0; s < 2000; s += 250) {
      await fresh.partialFit({ data: x.data.slice(2 * s, 2 * (s + 250)), shape: [250, 2] });
      buffer.set(x.data.subarray(2 * s, 2 * (s + 250)));
      await reused.partialFit({ data: buffer, shape: [250, 2] });
    }
    expect(Array.from(reused.means.data)).toEqual(Array.from(fresh.means.data));
    expect(Array.from(reused.covariances.data)).toEqual(Array.from(fresh.covariances.data));
  });
});

describe('GaussianMixture tensor path and Distribution', () => {
  for (const covarianceType of ['full', 'tied', 'diag', 'spherical'] as const) {
    it(`backend 'tensor' agrees with float64 to float32 tolerance (${covarianceType})`, async () => {
      const init = { weightsInit: decode(iris.types[0].init.weightsInit), meansInit: decode(iris.types[0].init.meansInit) };
      const cfg = { nComponents: 3, covarianceType, tol: 0, maxIter: 5, ...init };
      const a = await new GaussianMixture(cfg).fit(irisX);
      const before = tf.memory().numTensors;
      const b = await new GaussianMixture({ ...cfg, backend: 'tensor' }).fit(irisX);
      expect(tf.memory().numTensors).toBe(before);
      expect(Math.abs(a.lowerBound - b.lowerBound)).toBeLessThan(1e-4 * Math.abs(a.lowerBound));
      const worst = Math.max(...Array.from(a.means.data, (v, i) => Math.abs(v - b.means.data[i]) / (1 + Math.abs(v))));
      expect(worst).toBeLessThan(1e-4);
      const x = tf.tensor2d(Float32Array.from(irisX.data), [150, 4]);
      const t = a.scoreSamplesTensor(x);
      const f64 = await a.scoreSamples(irisX);
      const f32 = await t.data();
      for (let i = 0; i < 150; i++) expect(Math.abs(f32[i] - f64[i])).toBeLessThan(1e-4 * (1 + Math.abs(f64[i])));
      tf.dispose([t, x]);
    });
  }

  it('toDistribution: logProb equals scoreSamples, sample has the mixture mean, leak-free', async () => {
    const gmm = await new GaussianMixture({ nComponents: 3, covarianceType: 'full', seed: 0 }).fit(irisX);
    const dist = gmm.toDistribution();
    expect(dist.eventShape).toEqual([4]);
    const x = tf.tensor2d(Float32Array.from(irisX.data), [150, 4]);
    const beforeFirst = tf.memory().numTensors;
    tf.dispose(dist.logProb(x)); // the first call builds 3 constant tensors the distribution owns
    expect(tf.memory().numTensors).toBe(beforeFirst + 3);
    await expectNoLeak(() => dist.logProb(x), 'logProb');
    const lp = dist.logProb(x);
    const ref = await gmm.scoreSamples(irisX);
    const got = await lp.data();
    for (let i = 0; i < 150; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThan(1e-4 * (1 + Math.abs(ref[i])));
    const s = dist.sample([5000], 3);
    expect(s.shape).toEqual([5000, 4]);
    const m = await tf.mean(s, 0).data();
    const mixMean = await dist.mean.data();
    for (let j = 0; j < 4; j++) expect(Math.abs(m[j] - mixMean[j])).toBeLessThan(0.1);
    // Gradient of logProb w.r.t. the value flows (VAE prior use).
    const g = tf.grad((z: tf.Tensor) => tf.sum(dist.logProb(z)))(tf.slice(x, [0, 0], [2, 4]));
    expect(g.shape).toEqual([2, 4]);
    await expectNoLeak(() => dist.sample([3], 1), 'sample');
    tf.dispose([lp, s, x, g]);
    const count = tf.memory().numTensors;
    dist.dispose();
    dist.dispose();
    expect(tf.memory().numTensors).toBe(count - 3);
    expect(() => dist.logProb(tf.zeros([1, 4]))).toThrow('disposed');
  });

  for (const covarianceType of ['full', 'tied', 'diag', 'spherical'] as const) {
    it(`toMixtureSameFamily (core's MixtureSameFamily + MultivariateNormal) matches scoreSamples (${covarianceType})`, async () => {
      const gmm = await new GaussianMixture({ nComponents: 3, covarianceType, seed: 0 }).fit(irisX);
      const before = tf.memory().numTensors;
      const dist = gmm.toMixtureSameFamily();
      expect(dist.eventShape).toEqual([4]);
      const x = tf.tensor2d(Float32Array.from(irisX.data), [150, 4]);
      const lp = dist.logProb(x);
      const got = await lp.data();
      const ref = await gmm.scoreSamples(irisX);
      for (let i = 0; i < 150; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThan(1e-4 * (1 + Math.abs(ref[i])));
      tf.dispose([lp, x]);
      dist.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('tensor-consuming and tensor-returning methods leave no tensors behind', async () => {
    const x = tf.tensor2d(Float32Array.from(irisX.data), [150, 4]);
    const gmm = new GaussianMixture({ nComponents: 3, covarianceType: 'diag', seed: 0 });
    await expectNoLeak(async () => { await gmm.fit(x); }, 'fit(tensor)');
    await expectNoLeak(async () => { await gmm.partialFit(x); }, 'partialFit(tensor)');
    await expectNoLeak(async () => { await gmm.predict(x); await gmm.predictProba(x); await gmm.scoreSamples(x); await gmm.bic(x); }, 'predict/score(tensor)');
    await expectNoLeak(() => gmm.scoreSamplesTensor(x), 'scoreSamplesTensor');
    await expectNoLeak(async () => { await new GaussianMixture({ nComponents: 3, backend: 'tensor', maxIter: 3 }).fit(x); }, 'fit backend tensor');
    expect(() => gmm.scoreSamplesTensor(tf.zeros([2, 3]) as tf.Tensor2D)).toThrow("must be a tf.Tensor2D of shape [n, 4], but got [2, 3]");
    x.dispose();
  });
});

describe('GaussianMixture WebAssembly SIMD kernels', () => {
  it('are available in Node and give the same fits as the JS kernels (all covariance types, odd sizes)', async () => {
    const { setWasmKernelsEnabled, wasmKernelsAvailable } = await import('./wasm-kernels.js');
    expect(wasmKernelsAvailable()).toBe(true);
    // 5 features, 7 components, 301 samples: remainders in every blocked loop.
    const z = normalFloat64(9, 301 * 5);
    for (let i = 0; i < 301; i++) for (let j = 0; j < 5; j++) z[i * 5 + j] += 4 * ((i * (j + 1)) % 7);
    const x = { data: z, shape: [301, 5] };
    try {
      for (const covarianceType of ['full', 'tied', 'diag', 'spherical'] as const) {
        const cfg = { nComponents: 7, covarianceType, tol: 0, maxIter: 8, seed: 2 };
        setWasmKernelsEnabled(true);
        const a = await new GaussianMixture(cfg).fit(x);
        setWasmKernelsEnabled(false);
        const b = await new GaussianMixture(cfg).fit(x);
        expect(Math.abs(a.lowerBound - b.lowerBound)).toBeLessThan(1e-12 * Math.abs(b.lowerBound));
        const worst = Math.max(...Array.from(a.covariances.data, (v, i) => Math.abs(v - b.covariances.data[i]) / (1e-12 + Math.abs(b.covariances.data[i]))));
        expect(worst).toBeLessThan(1e-9);
      }
    } finally {
      setWasmKernelsEnabled(true);
    }
  });
});
