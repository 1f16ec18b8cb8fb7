// Gamma distribution with concentration (shape) and rate; sampling by Marsaglia & Tsang (2000)
// on the CPU; KL in closed form (e.g. Penny 2001, "KL-divergences of Normal, Gamma, Dirichlet and
// Wishart densities").
import * as tf from '@tensorflow/tfjs-core';
import { digamma, lgamma } from '../math/gamma-functions.js';
import { RandomStream } from '../random/arrays.js';
import type { Seed } from '../random/key.js';
import type { DistributionOptions } from './distribution.js';
import { registerKl } from './kl.js';
import { ParametricDistribution, type ParamValue, extendedShape } from './parametric.js';
import { readSync } from './read-back.js';
import { sampleStandardGamma } from './samplers.js';

/**
 * (internal) Standard gamma draws of shape `[...sampleShape, ...concentration.shape]` on the CPU
 * from a RandomStream (deterministic for a seed). Reads `concentration` back (see read-back.ts).
 */
export function standardGammaTensor(concentration: tf.Tensor, sampleShape: readonly number[], seed: Seed): tf.Tensor {
  const alphas = readSync(concentration);
  const n = sampleShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * alphas.length);
  const stream = new RandomStream(seed);
  for (let s = 0, o = 0; s < n; s++) {
    for (let i = 0; i < alphas.length; i++, o++) out[o] = sampleStandardGamma(stream, alphas[i]);
  }
  return tf.tensor(out, [...sampleShape, ...concentration.shape], 'float32');
}

/**
 * Gamma distribution with density rate^a x^(a-1) e^(-rate x) / Gamma(a) on x > 0
 * (concentration a > 0, rate > 0). Sampled on the CPU (not reparameterised); cdf/icdf are not
 * implemented (they need the incomplete gamma function).
 *
 * @example
 * const d = new Gamma(tf.tensor1d([0.5, 3]), 2);
 * const x = d.sample([1000], 0); // [1000, 2]
 */
export class Gamma extends ParametricDistribution {
  readonly concentration: tf.Tensor;
  readonly rate: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];

  constructor(concentration: ParamValue, rate: ParamValue, options: DistributionOptions = {}) {
    super(options);
    this.concentration = this.param('concentration', concentration);
    this.rate = this.param('rate', rate);
    this.batchShape = this.broadcastParams({ concentration: this.concentration.shape, rate: this.rate.shape });
    this.checkValues('concentration', this.concentration, '> 0', (v) => v > 0);
    this.checkValues('rate', this.rate, '> 0', (v) => v > 0);
  }

  override sample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('sample');
    this.checkSampleShape('sample', sampleShape);
    return tf.tidy(() => {
      const alpha = tf.broadcastTo(this.concentration, [...this.batchShape]);
      const g = standardGammaTensor(alpha, sampleShape, seed);
      return tf.div(g, tf.broadcastTo(this.rate, extendedShape(sampleShape, [...this.batchShape])));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    return tf.tidy(() => {
      const x = tf.cast(value, 'float32');
      const a = this.concentration;
      // a log(rate) + (a - 1) log x - rate x - lgamma(a)
      return tf.sub(
        tf.add(tf.mul(a, tf.log(this.rate)), tf.mul(tf.sub(a, 1), tf.log(x))),
        tf.add(tf.mul(this.rate, x), lgamma(a)),
      );
    });
  }

  override entropy(): tf.Tensor {
    this.assertLive('entropy');
    return tf.tidy(() => {
      const a = this.concentration;
      // a - log(rate) + lgamma(a) + (1 - a) digamma(a)
      const h = tf.add(tf.sub(a, tf.log(this.rate)), tf.add(lgamma(a), tf.mul(tf.sub(1, a), digamma(a))));
      return tf.broadcastTo(h, [...this.batchShape]);
    });
  }

  override get mean(): tf.Tensor {
    this.assertLive('mean');
    return tf.tidy(() => tf.broadcastTo(tf.div(this.concentration, this.rate), [...this.batchShape]));
  }

  override get variance(): tf.Tensor {
    this.assertLive('variance');
    return tf.tidy(() => tf.broadcastTo(tf.div(this.concentration, tf.square(this.rate)), [...this.batchShape]));
  }
}

/**
 * KL(p || q) = (ap - aq) digamma(ap) - lgamma(ap) + lgamma(aq) + aq (log bp - log bq)
 *              + ap (bq - bp) / bp.
 */
registerKl(Gamma, Gamma, (p, q) =>
  tf.tidy(() => {
    const t1 = tf.mul(q.concentration, tf.log(tf.div(p.rate, q.rate)));
    const t2 = tf.sub(lgamma(q.concentration), lgamma(p.concentration));
    const t3 = tf.mul(tf.sub(p.concentration, q.concentration), digamma(p.concentration));
    const t4 = tf.mul(tf.sub(q.rate, p.rate), tf.div(p.concentration, p.rate));
    return tf.add(tf.add(t1, t2), tf.add(t3, t4));
  }),
);
