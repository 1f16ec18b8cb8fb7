// Normal (Gaussian) distribution N(loc, scale^2); KL from the closed form for two Gaussians.
import * as tf from '@tensorflow/tfjs-core';
import { ndtr, ndtri } from '../math/erf.js';
import { randomNormal } from '../random/tensors.js';
import type { Seed } from '../random/key.js';
import type { DistributionOptions } from './distribution.js';
import { registerKl } from './kl.js';
import { ParametricDistribution, type ParamValue, extendedShape } from './parametric.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Normal distribution with mean `loc` and standard deviation `scale` (> 0), batch shape
 * broadcast(loc, scale), scalar events. Reparameterised: `rsample` = loc + scale * eps.
 *
 * @example
 * const d = new Normal(tf.zeros([3]), 2);
 * const x = d.rsample([100], 0);   // [100, 3]
 * const lp = d.logProb(x);         // [100, 3]
 * d.dispose();
 */
export class Normal extends ParametricDistribution {
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

  /** Samples `[...sampleShape, ...batchShape]` through which gradients reach loc and scale. */
  override rsample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('rsample');
    this.checkSampleShape('rsample', sampleShape);
    return tf.tidy(() => {
      const eps = randomNormal(seed, extendedShape(sampleShape, [...this.batchShape]));
      return tf.add(this.loc, tf.mul(this.scale, eps));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    return tf.tidy(() => {
      const z = tf.div(tf.sub(tf.cast(value, 'float32'), this.loc), this.scale);
      return tf.sub(tf.mul(tf.square(z), -0.5), tf.add(tf.log(this.scale), HALF_LOG_2PI));
    });
  }

  override cdf(value: tf.Tensor): tf.Tensor {
    this.assertLive('cdf');
    this.checkValue('cdf', value);
    return tf.tidy(() => ndtr(tf.div(tf.sub(tf.cast(value, 'float32'), this.loc), this.scale)));
  }

  override icdf(value: tf.Tensor): tf.Tensor {
    this.assertLive('icdf');
    this.checkValue('icdf', value);
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, ndtri(tf.cast(value, 'float32')))));
  }

  override entropy(): tf.Tensor {
    this.assertLive('entropy');
    return tf.tidy(() =>
      tf.broadcastTo(tf.add(tf.log(this.scale), 0.5 + HALF_LOG_2PI), [...this.batchShape]),
    );
  }

  override get mean(): tf.Tensor {
    this.assertLive('mean');
    return tf.tidy(() => tf.broadcastTo(tf.clone(this.loc), [...this.batchShape]));
  }

  override get variance(): tf.Tensor {
    this.assertLive('variance');
    return tf.tidy(() => tf.broadcastTo(tf.square(this.scale), [...this.batchShape]));
  }

  override get stddev(): tf.Tensor {
    this.assertLive('stddev');
    return tf.tidy(() => tf.broadcastTo(tf.clone(this.scale), [...this.batchShape]));
  }
}

/** KL(p || q) = log(sq / sp) + (sp^2 + (mp - mq)^2) / (2 sq^2) - 1/2. */
registerKl(Normal, Normal, (p, q) =>
  tf.tidy(() => {
    const varRatio = tf.square(tf.div(p.scale, q.scale));
    const t1 = tf.square(tf.div(tf.sub(p.loc, q.loc), q.scale));
    return tf.mul(tf.sub(tf.sub(tf.add(varRatio, t1), 1), tf.log(varRatio)), 0.5);
  }),
);
