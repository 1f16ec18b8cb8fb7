// Laplace distribution with location and scale; KL in closed form (e.g. Gil, Alajaji & Linder
// 2013, "Renyi divergence measures for commonly used univariate continuous distributions").
import * as tf from '@tensorflow/tfjs-core';
import { log1pUnchecked } from '../math/log1p.js';
import { randomUniform } from '../random/tensors.js';
import type { Seed } from '../random/key.js';
import type { DistributionOptions } from './distribution.js';
import { registerKl } from './kl.js';
import { ParametricDistribution, type ParamValue, extendedShape } from './parametric.js';

/**
 * Laplace distribution with density exp(-|x - loc| / scale) / (2 scale) (scale > 0).
 * Reparameterised through the inverse cdf.
 *
 * @example
 * const d = new Laplace(0, 1);
 * const x = d.rsample([5], 0); // [5]
 */
export class Laplace extends ParametricDistribution {
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  override readonly hasRsample = true;

  constructor(loc: ParamValue, scale: ParamValue, options: DistributionOptions = {}) {
    super(options);
    this.loc = this.param('loc', loc);
    this.scale = this.param('scale', scale);
    this.batchShape = this.broadcastParams({ loc: this.loc.shape, scale: this.scale.shape });
    this.checkValues('loc', this.loc, 'finite', Number.isFinite);
    this.checkValues('scale', this.scale, '> 0', (v) => v > 0);
  }

  override rsample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('rsample');
    this.checkSampleShape('rsample', sampleShape);
    return tf.tidy(() => {
      // u in (-1, 1): x = loc - scale * sign(u) * log1p(-|u|). Uniforms are multiples of 2^-24
      // in [0, 1), so 2u - 1 is in [-1, 1) exactly; map -1 to 0 to keep the log finite.
      const u0 = tf.sub(tf.mul(randomUniform(seed, extendedShape(sampleShape, [...this.batchShape])), 2), 1);
      const u = tf.where(tf.equal(u0, -1), tf.zerosLike(u0), u0);
      const e = tf.mul(tf.sign(u), log1pUnchecked(tf.neg(tf.abs(u))));
      return tf.sub(this.loc, tf.mul(this.scale, e));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    return tf.tidy(() =>
      tf.neg(
        tf.add(
          tf.log(tf.mul(this.scale, 2)),
          tf.div(tf.abs(tf.sub(tf.cast(value, 'float32'), this.loc)), this.scale),
        ),
      ),
    );
  }

  override cdf(value: tf.Tensor): tf.Tensor {
    this.assertLive('cdf');
    this.checkValue('cdf', value);
    return tf.tidy(() => {
      const d = tf.sub(tf.cast(value, 'float32'), this.loc);
      // 1/2 - sign(d)/2 * expm1(-|d| / scale)
      return tf.sub(0.5, tf.mul(tf.mul(tf.sign(d), 0.5), tf.expm1(tf.neg(tf.div(tf.abs(d), this.scale)))));
    });
  }

  override icdf(value: tf.Tensor): tf.Tensor {
    this.assertLive('icdf');
    this.checkValue('icdf', value);
    return tf.tidy(() => {
      const t = tf.sub(tf.cast(value, 'float32'), 0.5);
      // loc - scale * sign(p - 1/2) * log1p(-2 |p - 1/2|)
      return tf.sub(this.loc, tf.mul(tf.mul(this.scale, tf.sign(t)), log1pUnchecked(tf.mul(tf.abs(t), -2))));
    });
  }

  override entropy(): tf.Tensor {
    this.assertLive('entropy');
    return tf.tidy(() => tf.broadcastTo(tf.add(tf.log(tf.mul(this.scale, 2)), 1), [...this.batchShape]));
  }

  override get mean(): tf.Tensor {
    this.assertLive('mean');
    return tf.tidy(() => tf.broadcastTo(tf.clone(this.loc), [...this.batchShape]));
  }

  override get variance(): tf.Tensor {
    this.assertLive('variance');
    return tf.tidy(() => tf.broadcastTo(tf.mul(tf.square(this.scale), 2), [...this.batchShape]));
  }
}

/** KL(p || q) = log(bq / bp) + |mp - mq| / bq + (bp / bq) exp(-|mp - mq| / bp) - 1. */
registerKl(Laplace, Laplace, (p, q) =>
  tf.tidy(() => {
    const ratio = tf.div(p.scale, q.scale);
    const diff = tf.abs(tf.sub(p.loc, q.loc));
    const t3 = tf.mul(ratio, tf.exp(tf.neg(tf.div(diff, p.scale))));
    return tf.sub(tf.add(tf.sub(tf.div(diff, q.scale), tf.log(ratio)), t3), 1);
  }),
);
