import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  Bernoulli,
  Beta,
  Categorical,
  ContinuousBernoulli,
  Dirichlet,
  Gamma,
  Laplace,
  Normal,
  OneHotCategorical,
  Poisson,
  Uniform,
  prngKey,
} from '@gen/core';
import { expectMoments, fixtures, meanVar } from './fixtures.test-util.js';

// 100k draws: sample mean and variance within 4 standard errors of the true values (scipy.stats
// moments, or quadrature for ContinuousBernoulli); the variance SE uses the 4th central moment.
const N = 100_000;
const fx = fixtures.distributions;
const first = (p: Record<string, number[]>) =>
  Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v[0]])) as Record<string, number>;

async function draws(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

describe('sampling moments (100k draws, 4 standard errors)', () => {
  it('Normal, Uniform, Laplace (rsample and sample)', async () => {
    const n = first(fx.Normal.params);
    const d1 = new Normal(n.loc, n.scale);
    expectMoments('Normal.rsample', await draws(d1.rsample([N], 1)), fx.Normal.sampling);
    expectMoments('Normal.sample', await draws(d1.sample([N], 2)), fx.Normal.sampling);
    const u = first(fx.Uniform.params);
    const d2 = new Uniform(u.low, u.high);
    expectMoments('Uniform', await draws(d2.sample([N], 3)), fx.Uniform.sampling);
    const l = first(fx.Laplace.params);
    const d3 = new Laplace(l.loc, l.scale);
    expectMoments('Laplace', await draws(d3.sample([N], 4)), fx.Laplace.sampling);
    [d1, d2, d3].forEach((d) => d.dispose());
  });

  it('Bernoulli and ContinuousBernoulli', async () => {
    const b = new Bernoulli({ probs: fx.Bernoulli.params.probs[0] });
    expectMoments('Bernoulli', await draws(b.sample([N], 5)), fx.Bernoulli.sampling);
    const lam = fx.ContinuousBernoulli.params.probs;
    const c = new ContinuousBernoulli({ probs: lam });
    const x = await draws(c.sample([N], 6)); // [N, 6]
    expectMoments('ContinuousBernoulli', x, fx.ContinuousBernoulli.sampling, lam.length, fx.ContinuousBernoulli.samplingIndex);
    expect(x.every((v) => v >= 0 && v <= 1)).toBe(true);
    b.dispose();
    c.dispose();
  });

  it('Categorical and OneHotCategorical frequencies', async () => {
    const probs: number[] = fx.Categorical.params.probs[0];
    const c = new Categorical({ probs });
    const k = await draws(c.sample([N], 7));
    const o = new OneHotCategorical({ probs });
    const oh = await draws(o.sample([N], 8)); // [N, K]
    probs.forEach((p, j) => {
      const truth = { mean: p, variance: p * (1 - p), mu4: p * (1 - p) * (1 - 3 * p * (1 - p)) };
      expectMoments(`Categorical[${j}]`, Array.from(k, (v) => (v === j ? 1 : 0)), truth);
      expectMoments(`OneHotCategorical[${j}]`, oh, truth, probs.length, j);
    });
    c.dispose();
    o.dispose();
  });

  it('Gamma (a < 1 and a > 1), Beta, Dirichlet', async () => {
    const g = new Gamma(fx.Gamma.params.concentration, fx.Gamma.params.rate);
    const x = await draws(g.sample([N], 9)); // [N, 4]
    expectMoments('Gamma(a<1)', x, fx.Gamma.sampling, 4, 0);
    expectMoments('Gamma(a>1)', x, fx.Gamma.samplingBig, 4, 1);
    expect(x.every((v) => v > 0)).toBe(true);
    const be = new Beta(fx.Beta.params.concentration1[0], fx.Beta.params.concentration0[0]);
    expectMoments('Beta', await draws(be.sample([N], 10)), fx.Beta.sampling);
    const alpha: number[] = fx.Dirichlet.params.concentration[0];
    const di = new Dirichlet(alpha);
    const y = await draws(di.sample([N], 11)); // [N, K]
    alpha.forEach((_, j) => expectMoments(`Dirichlet[${j}]`, y, fx.Dirichlet.sampling[j], alpha.length, j));
    [g, be, di].forEach((d) => d.dispose());
  });

  it('Poisson (inversion below rate 10, PTRS above)', async () => {
    const p = new Poisson([fx.Poisson.params.rate[0], fx.Poisson.params.rate[1]]);
    const k = await draws(p.sample([N], 12)); // [N, 2]
    expectMoments('Poisson(3.5)', k, fx.Poisson.sampling, 2, 0);
    expectMoments('Poisson(42)', k, fx.Poisson.samplingBig, 2, 1);
    expect(k.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    p.dispose();
  });

  it('the moment check can fail: a wrong variance is rejected', async () => {
    const d = new Normal(0, 1.02);
    const x = await draws(d.sample([N], 13));
    expect(() => expectMoments('Normal', x, { mean: 0, variance: 1, mu4: 3 })).toThrow(/standard errors/);
    d.dispose();
  });
});

describe('seeding', () => {
  it('the same seed gives identical samples, another seed different ones, for every class', async () => {
    const makers = [
      () => new Normal(0, 1),
      () => new Uniform(0, 1),
      () => new Laplace(0, 1),
      () => new Bernoulli({ probs: 0.3 }),
      () => new ContinuousBernoulli({ probs: 0.3 }),
      () => new Categorical({ probs: [0.2, 0.3, 0.5] }),
      () => new OneHotCategorical({ probs: [0.2, 0.3, 0.5] }),
      () => new Gamma(0.7, 1),
      () => new Beta(2, 3),
      () => new Dirichlet([1, 2, 3]),
      () => new Poisson(20),
    ];
    for (const make of makers) {
      const d = make();
      const a = Array.from(await draws(d.sample([64], prngKey(5))));
      const b = Array.from(await draws(d.sample([64], 5)));
      const c = Array.from(await draws(d.sample([64], 6)));
      expect(a, d.constructor.name).toEqual(b);
      expect(a, d.constructor.name).not.toEqual(c);
      d.dispose();
    }
  });
});

// Gradients of sum(x) (not mean(x)) so that d/dparam is a float32 sum of exact values; divided by
// N in float64. (A float32 mean back-propagates N copies of 1/N, which wasm sums to 1 +- 1e-3.)
describe('rsample gradients', () => {
  it('Normal: d mean(x) / d loc = 1 and d mean(x) / d scale = mean(eps) ~ 0', async () => {
    const loc = tf.scalar(1.5);
    const scale = tf.scalar(0.7);
    const [gLoc, gScale] = tf.grads((m: tf.Tensor, s: tf.Tensor) => tf.sum(new Normal(m, s).rsample([N], 21)))([loc, scale]);
    expect((await gLoc.data())[0] / N).toBe(1);
    // Per-sample d x / d scale = eps; its mean has SE 1 / sqrt(N).
    const x = await draws(new Normal(1.5, 0.7).rsample([N], 21));
    const eps = Array.from(x, (v) => (v - 1.5) / 0.7);
    const meanEps = meanVar(eps).mean;
    // Same quantity summed in a different order in float32: agree to 1e-4.
    expect(Math.abs((await gScale.data())[0] / N - meanEps)).toBeLessThan(1e-4);
    expect(Math.abs(meanEps)).toBeLessThan(4 / Math.sqrt(N));
    tf.dispose([loc, scale, gLoc, gScale]);
  });

  it('Uniform: gradients of mean(x) reach low and high (expected 1/2 each)', async () => {
    const low = tf.scalar(-1);
    const high = tf.scalar(3);
    const [gl, gh] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(new Uniform(a, b).rsample([N], 22)))([low, high]);
    const se = Math.sqrt(1 / 12 / N);
    expect(Math.abs((await gh.data())[0] / N - 0.5)).toBeLessThan(4 * se);
    expect(Math.abs(((await gl.data())[0] + (await gh.data())[0]) / N - 1)).toBeLessThan(1e-4);
    tf.dispose([low, high, gl, gh]);
  });

  it('Laplace: d mean(x) / d loc = 1, d / d scale has expectation 0', async () => {
    const loc = tf.scalar(0.3);
    const scale = tf.scalar(2);
    const [gl, gs] = tf.grads((m: tf.Tensor, s: tf.Tensor) => tf.sum(new Laplace(m, s).rsample([N], 23)))([loc, scale]);
    expect((await gl.data())[0] / N).toBe(1);
    // d x / d scale = (x - loc) / scale ~ Laplace(0, 1): variance 2.
    expect(Math.abs((await gs.data())[0] / N)).toBeLessThan(4 * Math.sqrt(2 / N));
    tf.dispose([loc, scale, gl, gs]);
  });

  it('ContinuousBernoulli: E[d x / d eta] = d E[x] / d eta = Var[x] (exponential family)', async () => {
    for (const eta of [-3, 0.4, 5]) {
      const logits = tf.fill([N], eta);
      const g = tf.grad((l: tf.Tensor) => tf.sum(new ContinuousBernoulli({ logits: l }, { validateArgs: false }).rsample([], 24)))(logits);
      const per = await g.data();
      const { mean, variance } = meanVar(per);
      const d = new ContinuousBernoulli({ logits: eta });
      const want = (await d.variance.data())[0];
      expect(Math.abs(mean - want), `eta ${eta}`).toBeLessThan(4 * Math.sqrt(variance / N));
      tf.dispose([logits, g]);
      d.dispose();
    }
  });
});

describe('ContinuousBernoulli gradients stay finite in every branch', () => {
  it('rsample, logProb, entropy, mean, variance, cdf, icdf at extreme and central logits', async () => {
    const logits = tf.tensor1d([-40, -12, -3, 0, 1e-4, 0.5, 3, 12, 60]);
    const u = tf.fill([9], 0.3);
    const fns: Array<(d: ContinuousBernoulli) => tf.Tensor> = [
      (d) => d.rsample([4], 1),
      (d) => d.logProb(u),
      (d) => d.entropy(),
      (d) => d.mean,
      (d) => d.variance,
      (d) => d.cdf(u),
      (d) => d.icdf(u),
    ];
    for (const [i, fn] of fns.entries()) {
      const g = tf.grad((l: tf.Tensor) => tf.sum(fn(new ContinuousBernoulli({ logits: l }))))(logits);
      const values = Array.from(await g.data());
      expect(values.every(Number.isFinite), `method ${i}: ${values}`).toBe(true);
      g.dispose();
    }
    tf.dispose([logits, u]);
  });
});
