import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  Bijector,
  DisposedError,
  Independent,
  InvalidArgumentError,
  MultivariateNormal,
  Normal,
  ShapeError,
  TransformedDistribution,
  affineBijector,
  chainBijector,
  expBijector,
  prngKey,
  sigmoidBijector,
  softplusBijector,
  tanhBijector,
} from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { extraFixtures } from './fixtures-extra.test-util.js';

const fx = extraFixtures.transformed;
const TOL = { rtol: 1e-4, atol: 1e-5 };

const bijectors: Record<string, () => Bijector> = {
  affineScalar: () => affineBijector(0.5, -2),
  exp: () => expBijector(),
  sigmoid: () => sigmoidBijector(),
  tanh: () => tanhBijector(),
  softplus: () => softplusBijector(),
  chain: () => chainBijector([affineBijector(0.3, 1.5), tanhBijector()]),
};

describe('TransformedDistribution', () => {
  it.each(Object.keys(fx.cases))('with %s, logProb matches torch TransformedDistribution', async (name) => {
    const base = new Normal(fx.loc, fx.scale);
    const bijector = bijectors[name]();
    const d = new TransformedDistribution(base, bijector);
    expect(d.batchShape).toEqual([3]);
    const y = tf.tensor(fx.cases[name].y);
    const lp = d.logProb(y);
    await expectTensorsClose(lp, fx.cases[name].logProb, TOL);
    tf.dispose([y, lp]);
    base.dispose();
    bijector.dispose();
  });

  it('sums the log-det-Jacobian over event axes (MultivariateNormal base)', async () => {
    // y = exp(x), x ~ MVN: log p(y) = log N(log y) - sum(log y)
    const mvn = new MultivariateNormal([0.1, -0.2], { covarianceMatrix: [[1, 0.3], [0.3, 0.5]] });
    const d = new TransformedDistribution(mvn, expBijector());
    expect(d.eventShape).toEqual([2]);
    const y = tf.tensor2d([[0.5, 1.2], [2.0, 0.3]]);
    const lp = d.logProb(y);
    const expected = tf.tidy(() => tf.sub(mvn.logProb(tf.log(y)), tf.sum(tf.log(y), -1)));
    await expectTensorsClose(lp, expected, 1e-5);
    tf.dispose([y, lp, expected]);
    mvn.dispose();
  });

  it('100k samples of exp(Normal) have the log-normal mean and variance within 4 standard errors', async () => {
    const mu = 0.2;
    const sigma = 0.4;
    const base = new Normal(mu, sigma);
    const d = new TransformedDistribution(base, expBijector());
    const n = 100_000;
    const draws = d.sample([n], prngKey(3));
    const x = await draws.data();
    draws.dispose();
    const mean = Math.exp(mu + sigma ** 2 / 2);
    const variance = (Math.exp(sigma ** 2) - 1) * Math.exp(2 * mu + sigma ** 2);
    let s = 0;
    for (const v of x) s += v;
    const m = s / n;
    let m2 = 0;
    for (const v of x) m2 += (v - m) ** 2;
    m2 /= n - 1;
    // 4th central moment of the log-normal for the SE of the variance
    const w = Math.exp(sigma ** 2);
    const mu4 = variance ** 2 * (w ** 4 + 2 * w ** 3 + 3 * w ** 2 - 3);
    expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(variance / n));
    expect(Math.abs(m2 - variance)).toBeLessThan(4 * Math.sqrt((mu4 - variance ** 2) / n));
    base.dispose();
  });

  it('rsample gradients reach the base parameters and the bijector parameters', async () => {
    const loc = tf.tensor1d([0.3, -0.1]);
    const shift = tf.tensor1d([1, 2]);
    const [gLoc, gShift] = tf.grads((l: tf.Tensor, s: tf.Tensor) =>
      tf.sum(new TransformedDistribution(new Normal(l, 1), affineBijector(s, 3)).rsample([10], 4)),
    )([loc, shift]);
    await expectTensorsClose(gLoc, [30, 30], 1e-6); // d/dloc of 3 (loc + eps) + s, 10 draws
    await expectTensorsClose(gShift, [10, 10], 1e-6);
    tf.dispose([loc, shift, gLoc, gShift]);
  });

  it('leaks nothing', async () => {
    const base = new Independent(new Normal(fx.loc, fx.scale), 1);
    const bijector = chainBijector([affineBijector(0.3, 1.5), tanhBijector()]);
    const d = new TransformedDistribution(base, bijector);
    const y = tf.tensor(fx.cases.chain.y);
    await expectNoLeak(() => d.logProb(y), 'logProb');
    await expectNoLeak(() => d.sample([3], 0), 'sample');
    await expectNoLeak(() => d.rsample([3], 0), 'rsample');
    await expectNoLeak(() => new TransformedDistribution(base, bijector).dispose(), 'construct');
    d.dispose();
    expect(() => d.logProb(y)).toThrow(DisposedError);
    y.dispose();
    (base.base as Normal).dispose();
    bijector.bijectors.forEach((b) => b.dispose());
  });

  it('rejects bijectors that change the shape and non-bijectors', () => {
    const base = new Normal([0, 1, 2], 1);
    const scale = tf.ones([2, 3]);
    const wide = affineBijector(0, scale);
    expect(() => new TransformedDistribution(base, wide)).toThrow(ShapeError);
    expect(() => new TransformedDistribution(base, wide)).toThrow(
      "Argument 'bijector' passed to 'TransformedDistribution' must keep the base's shape [3] (its parameters must broadcast into it), but it maps it to [2, 3].",
    );
    expect(() => new TransformedDistribution(base, 'exp' as never)).toThrow(InvalidArgumentError);
    base.dispose();
    scale.dispose();
  });
});
