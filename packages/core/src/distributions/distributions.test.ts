import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  Bernoulli,
  Beta,
  Categorical,
  ContinuousBernoulli,
  Dirichlet,
  Gamma,
  Normal,
  Uniform,
  digammaF64,
} from '@gen/core';
import { expectTensorsClose } from '@gen/core/testing';
import { factories, fixtures, valueTensor } from './fixtures.test-util.js';

// Golden values from scipy.stats (torch / mpmath for ContinuousBernoulli), float64; our
// float32 tensors must agree to 1e-4 relative (atol 1e-6 for values that cross zero).
const TOL = { rtol: 1e-4, atol: 1e-6 };
const cases = Object.entries(fixtures.distributions) as Array<[string, Record<string, unknown>]>;

describe.each(cases)('%s agrees with the reference', (name, fx) => {
  const make = () => factories[name](fx.params);

  it('logProb', async () => {
    const d = make();
    const v = valueTensor(name, fx.value as number[]);
    await expectTensorsClose(d.logProb(v), fx.logProb as number[], TOL);
    d.dispose();
    v.dispose();
  });

  it.runIf('cdf' in fx)('cdf and icdf', async () => {
    const d = make();
    const x = tf.tensor(fx.cdfValue as number[]);
    const p = tf.tensor(fx.icdfValue as number[]);
    await expectTensorsClose(d.cdf(x), fx.cdf as number[], TOL);
    await expectTensorsClose(d.icdf(p), fx.icdf as number[], TOL);
    d.dispose();
    tf.dispose([x, p]);
  });

  it('entropy, mean, variance, stddev', async () => {
    const d = make();
    if ('entropy' in fx) await expectTensorsClose(d.entropy(), fx.entropy as number[], TOL);
    else expect(() => d.entropy()).toThrow(`${d.constructor.name} does not implement entropy().`);
    if ('mean' in fx) {
      await expectTensorsClose(d.mean, fx.mean as number[], TOL);
      await expectTensorsClose(d.variance, fx.variance as number[], TOL);
      await expectTensorsClose(d.stddev, (fx.variance as number[]).flat().map(Math.sqrt), TOL);
    }
    d.dispose();
  });
});

describe('shapes and broadcasting', () => {
  it('batch shape broadcasts parameters; samples are [...sample, ...batch, ...event]', async () => {
    const d = new Normal(tf.tensor2d([[0], [10]]), tf.tensor1d([1, 2, 3]));
    expect(d.batchShape).toEqual([2, 3]);
    expect(d.eventShape).toEqual([]);
    const x = d.rsample([7], 1);
    expect(x.shape).toEqual([7, 2, 3]);
    expect(d.logProb(x).shape).toEqual([7, 2, 3]);
    expect(d.entropy().shape).toEqual([2, 3]);
    expect(d.mean.shape).toEqual([2, 3]);
    // logProb of a broadcast value equals the elementwise formula
    const lp = await d.logProb(tf.scalar(1)).data();
    const want = [0, 10].flatMap((m) => [1, 2, 3].map((s) => -0.5 * ((1 - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI)));
    await expectTensorsClose(Array.from(lp), want, 1e-5);
    tf.dispose([d.loc, d.scale, x]);
  });

  it('categorical batch and event shapes', () => {
    const c = new Categorical({ logits: tf.zeros([2, 3, 5]) });
    expect(c.batchShape).toEqual([2, 3]);
    expect(c.eventShape).toEqual([]);
    const k = c.sample([4], 0);
    expect(k.shape).toEqual([4, 2, 3]);
    expect(k.dtype).toBe('int32');
    c.dispose();
    k.dispose();
  });

  it('Uniform logProb is -Infinity outside [low, high); Categorical out-of-range index is -Infinity', async () => {
    const u = new Uniform(0, 2);
    expect(Array.from(await u.logProb(tf.tensor1d([-0.1, 0, 1, 2, 3])).data())).toEqual([
      -Infinity, -Math.fround(Math.log(2)), -Math.fround(Math.log(2)), -Infinity, -Infinity,
    ]);
    const c = new Categorical({ probs: [0.5, 0.5] });
    const lp = Array.from(await c.logProb(tf.tensor1d([0, 2, -1], 'int32')).data());
    expect(lp[0]).toBeCloseTo(Math.log(0.5), 6);
    expect(lp.slice(1)).toEqual([-Infinity, -Infinity]);
  });

  it('ContinuousBernoulli is smooth across probs = 1/2 (series and closed form meet)', async () => {
    // Logits just inside and outside the series region |eta| < 1 give nearly equal values.
    const d = new ContinuousBernoulli({ logits: tf.tensor1d([0.999999, 1.000001]) });
    for (const t of [d.mean, d.variance, d.entropy(), d.logProb(tf.scalar(0.3))]) {
      const [a, b] = await t.data();
      expect(Math.abs(a - b)).toBeLessThan(1e-5 * Math.max(1, Math.abs(a)));
    }
  });
});

describe('logProb gradients with respect to parameters', () => {
  it('Gamma: d/da log p(x) = log(rate) + log(x) - digamma(a); d/drate = a / rate - x', async () => {
    const [a, r, x] = [2.5, 1.5, 0.8];
    const [ga, gr] = tf.grads((c: tf.Tensor, b: tf.Tensor) => new Gamma(c, b).logProb(tf.scalar(x)))([tf.scalar(a), tf.scalar(r)]);
    await expectTensorsClose(ga, [Math.log(r) + Math.log(x) - digammaF64(a)], 1e-5);
    await expectTensorsClose(gr, [a / r - x], 1e-5);
  });

  it('Beta and Dirichlet: d/da log p(x) = log(x) - digamma(a) + digamma(a + b)', async () => {
    const [a, b, x] = [0.7, 3, 0.25];
    const g = tf.grad((c: tf.Tensor) => new Beta(c, b).logProb(tf.scalar(x)))(tf.scalar(a));
    await expectTensorsClose(g, [Math.log(x) - digammaF64(a) + digammaF64(a + b)], 1e-5);
    const gd = tf.grad((c: tf.Tensor) => new Dirichlet(c).logProb(tf.tensor1d([x, 1 - x])))(tf.tensor1d([a, b]));
    await expectTensorsClose(
      gd,
      [Math.log(x) - digammaF64(a) + digammaF64(a + b), Math.log(1 - x) - digammaF64(b) + digammaF64(a + b)],
      1e-5,
    );
  });

  it('Bernoulli and Categorical: d/dlogits log p = onehot - probs', async () => {
    const g = tf.grad((l: tf.Tensor) => new Bernoulli({ logits: l }).logProb(tf.scalar(1)))(tf.scalar(0.4));
    await expectTensorsClose(g, [1 - 1 / (1 + Math.exp(-0.4))], 1e-6);
    const logits = [0.1, -1, 2];
    const z = logits.reduce((s, v) => s + Math.exp(v), 0);
    const gc = tf.grad((l: tf.Tensor) => new Categorical({ logits: l }).logProb(tf.scalar(2, 'int32')))(tf.tensor1d(logits));
    await expectTensorsClose(gc, logits.map((v, k) => (k === 2 ? 1 : 0) - Math.exp(v) / z), 1e-6);
  });
});
