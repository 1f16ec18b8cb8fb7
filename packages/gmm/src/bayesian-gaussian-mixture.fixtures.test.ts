// Agreement with scikit-learn 1.2 BayesianGaussianMixture from the same initial responsibilities.
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { describe, expect, it } from 'vitest';
import { BayesianGaussianMixture } from './bayesian-gaussian-mixture.js';
import { type Encoded, type GmmDataset, decode, loadFixture, worstError } from './fixtures.test-util.js';

interface BayesFixture {
  labels: number[];
  nComponents: number;
  rows: number[];
  cases: {
    covarianceType: 'full' | 'tied' | 'diag' | 'spherical';
    weightConcentrationPriorType: 'dirichlet_process' | 'dirichlet_distribution';
    weights: Encoded;
    means: Encoded;
    covariances: Encoded;
    lowerBound: number;
    nIter: number;
    converged: boolean;
    scoreSamples: Encoded;
    weightConcentration: Encoded;
    degreesOfFreedom: Encoded;
    meanPrecision: Encoded;
  }[];
}

const fx = loadFixture<BayesFixture>('bayesian.json');
const iris = loadFixture<GmmDataset>('iris.json');
const x = decode(iris.X);
const [n, d] = iris.X.shape;
const k = fx.nComponents;
const resp = new Float64Array(n * k);
fx.labels.forEach((label, i) => (resp[i * k + label] = 1));

describe(`BayesianGaussianMixture vs sklearn on iris, k=${k}, same initial responsibilities`, () => {
  for (const c of fx.cases) {
    it(`${c.weightConcentrationPriorType}, ${c.covarianceType}`, async () => {
      const model = new BayesianGaussianMixture({
        nComponents: k,
        covarianceType: c.covarianceType,
        weightConcentrationPriorType: c.weightConcentrationPriorType,
        maxIter: 200,
        respInit: resp,
      });
      await model.fit({ data: x, shape: [n, d] });
      expect(model.nIter).toBe(c.nIter);
      expect(model.converged).toBe(c.converged);
      expect(Math.abs(model.lowerBound - c.lowerBound), `lower bound ${model.lowerBound} vs ${c.lowerBound}`).toBeLessThanOrEqual(1e-8 * Math.abs(c.lowerBound));
      for (const [label, ours, ref] of [
        ['weights', model.weights, c.weights],
        ['means', model.means.data, c.means],
        ['covariances', model.covariances.data, c.covariances],
        ['weightConcentration', model.weightConcentration, c.weightConcentration],
        ['degreesOfFreedom', model.degreesOfFreedom, c.degreesOfFreedom],
        ['meanPrecision', model.meanPrecision, c.meanPrecision],
      ] as const) {
        const w = worstError(ours, decode(ref), 1e-6, 1e-6);
        expect(w.excess, `${label}: max relative error ${w.rel}`).toBeLessThanOrEqual(0);
      }
      const rows = fx.rows.map((r) => Array.from(x.subarray(r * d, r * d + d)));
      const ss = worstError(await model.scoreSamples(rows), decode(c.scoreSamples), 1e-8);
      expect(ss.excess, `scoreSamples max relative error ${ss.rel}`).toBeLessThanOrEqual(0);
    });
  }

  it('switches off unneeded components (weights below 1%) on well-separated data', async () => {
    // 3 tight clusters in 2-D, 8 components, small concentration prior.
    const pts: number[][] = [];
    const centres = [[0, 0], [10, 0], [0, 10]];
    for (let i = 0; i < 300; i++) {
      const c = centres[i % 3];
      pts.push([c[0] + Math.sin(i * 1.7) * 0.5, c[1] + Math.cos(i * 2.3) * 0.5]);
    }
    const model = new BayesianGaussianMixture({ nComponents: 8, covarianceType: 'diag', weightConcentrationPrior: 1e-3, maxIter: 500, seed: 0 });
    await model.fit(pts);
    const active = Array.from(model.weights).filter((w) => w > 0.01).length;
    expect(active).toBe(3);
  });

  it('rejects a bad prior type and a degrees-of-freedom prior below d - 1', async () => {
    expect(() => new BayesianGaussianMixture({ weightConcentrationPriorType: 'beta' as never })).toThrow(
      "Argument 'weightConcentrationPriorType' passed to 'BayesianGaussianMixture' must be one of 'dirichlet_process', 'dirichlet_distribution', but got 'beta'.",
    );
    await expect(new BayesianGaussianMixture({ nComponents: 2, degreesOfFreedomPrior: 1 }).fit({ data: x, shape: [n, d] })).rejects.toThrow(
      "must be greater than numFeatures - 1 = 3, but got 1",
    );
  });

  it('predict/sample/scoreSamplesTensor work on a fitted model; tensor inputs leave no tensors; bad respInit is rejected', async () => {
    const model = new BayesianGaussianMixture({ nComponents: 4, covarianceType: 'diag', seed: 0 });
    const xt = tf.tensor2d(Float32Array.from(x), [n, d]);
    await expectNoLeak(async () => {
      await model.fit(xt);
      await model.predict(xt);
      await model.scoreSamples(xt);
    }, 'BayesianGaussianMixture with tensors');
    await expectNoLeak(() => model.scoreSamplesTensor(xt), 'scoreSamplesTensor');
    const f64 = await model.scoreSamples({ data: x, shape: [n, d] });
    const t = model.scoreSamplesTensor(xt);
    const f32 = await t.data();
    for (let i = 0; i < n; i++) expect(Math.abs(f32[i] - f64[i])).toBeLessThan(1e-4 * (1 + Math.abs(f64[i])));
    tf.dispose([t, xt]);
    const { points, components } = model.sample(50, { seed: 1 });
    expect(points.shape).toEqual([50, d]);
    expect(components.length).toBe(50);
    const labels = await model.fitPredict({ data: x, shape: [n, d] });
    expect(Array.from(labels)).toEqual(Array.from(await model.predict({ data: x, shape: [n, d] })));
    await expect(new BayesianGaussianMixture({ nComponents: 2, respInit: [[1, 0]] }).fit({ data: x, shape: [n, d] })).rejects.toThrow(ShapeError);
  });
});
