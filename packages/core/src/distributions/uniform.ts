// Continuous uniform distribution on [low, high); KL in closed form (infinite unless the support
// of p lies inside that of q).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import { mask } from '../math/mask.js';
import { randomUniform } from '../random/tensors.js';
import type { Seed } from '../random/key.js';
import type { DistributionOptions } from './distribution.js';
import { registerKl } from './kl.js';
import { ParametricDistribution, type ParamValue, extendedShape } from './parametric.js';
import { readSync } from './read-back.js';

/**
 * Uniform distribution on [low, high) (low < high), batch shape broadcast(low, high).
 * Reparameterised: `rsample` = low + (high - low) * u. `logProb` is -Infinity outside the support.
 *
 * @example
 * const d = new Uniform(-1, [1, 2]);
 * const x = d.rsample([10], 0); // [10, 2]
 */
export class Uniform extends ParametricDistribution {
  readonly low: tf.Tensor;
  readonly high: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  override readonly hasRsample = true;

  constructor(low: ParamValue, high: ParamValue, options: DistributionOptions = {}) {
    super(options);
    this.low = this.param('low', low);
    this.high = this.param('high', high);
    this.batchShape = this.broadcastParams({ low: this.low.shape, high: this.high.shape });
    this.checkValues('low', this.low, 'finite', Number.isFinite);
    this.checkValues('high', this.high, 'finite', Number.isFinite);
    if (this.validateArgs) {
      const width = tf.tidy(() => tf.broadcastTo(tf.sub(this.high, this.low), [...this.batchShape]));
      const values = readSync(width);
      width.dispose();
      for (let i = 0; i < values.length; i++) {
        if (!(values[i] > 0)) {
          throw new InvalidArgumentError(
            `Argument 'high' passed to 'Uniform' must be > low, but got high - low = ${values[i]} at index ${i}.`,
          );
        }
      }
    }
  }

  override rsample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('rsample');
    this.checkSampleShape('rsample', sampleShape);
    return tf.tidy(() => {
      const u = randomUniform(seed, extendedShape(sampleShape, [...this.batchShape]));
      return tf.add(this.low, tf.mul(tf.sub(this.high, this.low), u));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    return tf.tidy(() => {
      const x = tf.cast(value, 'float32');
      const inside = mask(
        (v, lo, hi) => tf.logicalAnd(tf.greaterEqual(v, lo), tf.less(v, hi)),
        x,
        this.low,
        this.high,
      );
      const lp = tf.neg(tf.log(tf.sub(this.high, this.low)));
      const full = tf.add(lp, tf.zerosLike(x));
      return tf.where(tf.broadcastTo(inside, full.shape), full, tf.fill(full.shape, -Infinity));
    });
  }

  override cdf(value: tf.Tensor): tf.Tensor {
    this.assertLive('cdf');
    this.checkValue('cdf', value);
    return tf.tidy(() =>
      tf.clipByValue(
        tf.div(tf.sub(tf.cast(value, 'float32'), this.low), tf.sub(this.high, this.low)),
        0,
        1,
      ),
    );
  }

  override icdf(value: tf.Tensor): tf.Tensor {
    this.assertLive('icdf');
    this.checkValue('icdf', value);
    return tf.tidy(() =>
      tf.add(this.low, tf.mul(tf.cast(value, 'float32'), tf.sub(this.high, this.low))),
    );
  }

  override entropy(): tf.Tensor {
    this.assertLive('entropy');
    return tf.tidy(() => tf.broadcastTo(tf.log(tf.sub(this.high, this.low)), [...this.batchShape]));
  }

  override get mean(): tf.Tensor {
    this.assertLive('mean');
    return tf.tidy(() => tf.broadcastTo(tf.mul(tf.add(this.low, this.high), 0.5), [...this.batchShape]));
  }

  override get variance(): tf.Tensor {
    this.assertLive('variance');
    return tf.tidy(() =>
      tf.broadcastTo(tf.div(tf.square(tf.sub(this.high, this.low)), 12), [...this.batchShape]),
    );
  }
}

/** KL(p || q) = log((hq - lq) / (hp - lp)) if [lp, hp] is inside [lq, hq], else +Infinity. */
registerKl(Uniform, Uniform, (p, q) =>
  tf.tidy(() => {
    const kl = tf.log(tf.div(tf.sub(q.high, q.low), tf.sub(p.high, p.low)));
    const outside = mask(
      (pl, ph, ql, qh) => tf.logicalOr(tf.less(pl, ql), tf.greater(ph, qh)),
      p.low,
      p.high,
      q.low,
      q.high,
    );
    return tf.where(tf.broadcastTo(outside, kl.shape), tf.fill(kl.shape, Infinity), kl);
  }),
);
