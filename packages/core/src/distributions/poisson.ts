// Poisson distribution; sampling by sequential inversion (rate < 10) and Hormann's PTRS
// (rate >= 10) on the CPU; KL in closed form.
import * as tf from '@tensorflow/tfjs-core';
import { lgamma } from '../math/gamma-functions.js';
import { mask } from '../math/mask.js';
import { RandomStream } from '../random/arrays.js';
import type { Seed } from '../random/key.js';
import type { DistributionOptions } from './distribution.js';
import { registerKl } from './kl.js';
import { ParametricDistribution, type ParamValue } from './parametric.js';
import { readSync } from './read-back.js';
import { samplePoisson } from './samplers.js';

/** x log y with 0 log 0 = 0. */
function xlogy(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const t = tf.mul(x, tf.log(y));
  const zero = mask((v, w) => tf.logicalAnd(tf.equal(v, 0), tf.equal(w, 0)), x, y);
  return tf.where(tf.broadcastTo(zero, t.shape), tf.zerosLike(t), t);
}

/**
 * Poisson distribution with `rate` >= 0, over non-negative integers. Samples are float32
 * counts; `logProb` accepts float32 or int32 counts. Entropy, cdf and icdf are not implemented
 * (no closed forms; the cdf needs the incomplete gamma function).
 *
 * @example
 * const d = new Poisson(tf.tensor1d([0.5, 40]));
 * const k = d.sample([1000], 0); // [1000, 2]
 */
export class Poisson extends ParametricDistribution {
  readonly rate: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];

  constructor(rate: ParamValue, options: DistributionOptions = {}) {
    super(options);
    this.rate = this.param('rate', rate);
    this.batchShape = [...this.rate.shape];
    this.checkValues('rate', this.rate, '>= 0 and finite', (v) => v >= 0 && v < Infinity);
  }

  override sample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('sample');
    this.checkSampleShape('sample', sampleShape);
    const rates = readSync(this.rate);
    const n = sampleShape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(n * rates.length);
    const stream = new RandomStream(seed);
    for (let s = 0, o = 0; s < n; s++) {
      for (let i = 0; i < rates.length; i++, o++) out[o] = samplePoisson(stream, rates[i]);
    }
    return tf.tensor(out, [...sampleShape, ...this.batchShape], 'float32');
  }

  /** log p(k) = k log(rate) - rate - lgamma(k + 1). */
  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    return tf.tidy(() => {
      const k = tf.cast(value, 'float32');
      return tf.sub(tf.sub(xlogy(k, this.rate), this.rate), lgamma(tf.add(k, 1)));
    });
  }

  override get mean(): tf.Tensor {
    this.assertLive('mean');
    return tf.clone(this.rate);
  }

  override get variance(): tf.Tensor {
    this.assertLive('variance');
    return tf.clone(this.rate);
  }
}

/** KL(p || q) = rp log(rp / rq) - (rp - rq). */
registerKl(Poisson, Poisson, (p, q) =>
  tf.tidy(() => tf.sub(xlogy(p.rate, tf.div(p.rate, q.rate)), tf.sub(p.rate, q.rate))),
);
