import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  Categorical,
  DisposedError,
  InvalidArgumentError,
  MixtureSameFamily,
  MultivariateNormal,
  Normal,
  ShapeError,
  prngKey,
} from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { extraFixtures } from './fixtures-extra.test-util.js';

const fx = extraFixtures.mixture;
const TOL = { rtol: 1e-4, atol: 1e-5 };

function normalMixture() {
  const mix = new Categorical({ logits: fx.normal.logits });
  const comp = new Normal(fx.normal.loc, fx.normal.scale);
  return { d: new MixtureSameFamily(mix, comp), parts: [mix, comp] };
}

function mvnMixture() {
  const mix = new Categorical({ logits: fx.mvn.logits });
  const comp = new MultivariateNormal(fx.mvn.loc, { scaleTril: fx.mvn.scaleTril });
  return { d: new MixtureSameFamily(mix, comp), parts: [mix, comp] };
}

describe('MixtureSameFamily', () => {
  it.each([
    ['Normal', normalMixture, fx.normal, [2], []],
    ['MultivariateNormal', mvnMixture, fx.mvn, [], [2]],
  ] as const)('of %s: shapes, logProb, mean and variance match torch', async (_name, make, ref, batch, event) => {
    const { d, parts } = make();
    expect(d.batchShape).toEqual(batch);
    expect(d.eventShape).toEqual(event);
    const x = tf.tensor(ref.x);
    const lp = d.logProb(x);
    const mean = d.mean;
    const variance = d.variance;
    await expectTensorsClose(lp, ref.logProb, TOL);
    await expectTensorsClose(mean, ref.mean, TOL);
    await expectTensorsClose(variance, ref.variance, TOL);
    tf.dispose([x, lp, mean, variance]);
    parts.forEach((p) => p.dispose());
  });

  it('100k samples have the mixture mean and variance within 4 standard errors', async () => {
    const { d, parts } = normalMixture();
    const n = 100_000;
    const x = d.sample([n], prngKey(77));
    expect(x.shape).toEqual([n, 2]);
    const values = await x.data();
    const meanT = d.mean;
    const varianceT = d.variance;
    const mean = await meanT.data();
    const variance = await varianceT.data();
    tf.dispose([meanT, varianceT]);
    // Mixture kurtosis for the SE of the variance: use the sample fourth central moment.
    for (let b = 0; b < 2; b++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += values[k * 2 + b];
      const m = s / n;
      let m2 = 0;
      let m4 = 0;
      for (let k = 0; k < n; k++) {
        const c = values[k * 2 + b] - m;
        m2 += c * c;
        m4 += c ** 4;
      }
      m2 /= n - 1;
      m4 /= n;
      expect(Math.abs(m - mean[b])).toBeLessThan(4 * Math.sqrt(variance[b] / n));
      expect(Math.abs(m2 - variance[b])).toBeLessThan(4 * Math.sqrt((m4 - m2 * m2) / n));
    }
    x.dispose();
    parts.forEach((p) => p.dispose());
  });

  it('samples of a mixture of MVNs have events of the right shape and are reproducible', async () => {
    const { d, parts } = mvnMixture();
    const a = d.sample([7, 3], 1);
    const b = d.sample([7, 3], 1);
    expect(a.shape).toEqual([7, 3, 2]);
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    expect(d.hasRsample).toBe(false);
    expect(() => d.rsample([1], 0)).toThrow(InvalidArgumentError);
    tf.dispose([a, b]);
    parts.forEach((p) => p.dispose());
  });

  it('logProb is differentiable with respect to the mixture logits and component locations', async () => {
    const logits = tf.tensor2d(fx.normal.logits);
    const loc = tf.tensor2d(fx.normal.loc);
    const x = tf.tensor(fx.normal.x);
    const [gLogits, gLoc] = tf.grads((l: tf.Tensor, m: tf.Tensor) =>
      tf.sum(new MixtureSameFamily(new Categorical({ logits: l }), new Normal(m, fx.normal.scale)).logProb(x)),
    )([logits, loc]);
    for (const g of [gLogits, gLoc]) {
      const v = Array.from(await g.data());
      expect(v.every(Number.isFinite)).toBe(true);
      expect(v.some((e) => e !== 0)).toBe(true);
    }
    // The gradient with respect to the logits sums to zero per batch member (softmax invariance).
    const total = tf.sum(gLogits, -1);
    await expectTensorsClose(total, [0, 0], { rtol: 0, atol: 1e-5 });
    tf.dispose([logits, loc, x, gLogits, gLoc, total]);
  });

  it('leaks nothing', async () => {
    const { d, parts } = mvnMixture();
    const x = tf.tensor(fx.mvn.x);
    await expectNoLeak(() => d.logProb(x), 'logProb');
    await expectNoLeak(() => d.mean, 'mean');
    await expectNoLeak(() => d.variance, 'variance');
    await expectNoLeak(() => d.stddev, 'stddev');
    await expectNoLeak(() => d.sample([4], 0), 'sample');
    await expectNoLeak(() => new MixtureSameFamily(parts[0] as Categorical, parts[1]).dispose(), 'construct');
    d.dispose();
    expect(() => d.logProb(x)).toThrow(DisposedError);
    x.dispose();
    parts.forEach((p) => p.dispose());
  });

  it('rejects mismatched batch shapes and non-Categorical mixtures', () => {
    const mix = new Categorical({ logits: [0, 0] });
    const comp = new Normal([0, 1, 2], 1);
    expect(() => new MixtureSameFamily(mix, comp)).toThrow(ShapeError);
    expect(() => new MixtureSameFamily(mix, comp)).toThrow(
      "Argument 'componentDistribution' passed to 'MixtureSameFamily' must have batch shape [2] ([...mixture batch, number of categories]), but got [3].",
    );
    expect(() => new MixtureSameFamily(comp as never, comp)).toThrow(
      "Argument 'mixtureDistribution' passed to 'MixtureSameFamily' must be a Categorical, but got a Normal.",
    );
    mix.dispose();
    comp.dispose();
  });
});
