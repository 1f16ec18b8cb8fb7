// Beta distribution Beta(concentration1, concentration0); samples as X / (X + Y) with gamma X, Y;
// KL in closed form (e.g. Penny 2001; torch.distributions.kl).
import * as tf from '@tensorflow/tfjs-core';
import { digamma, lbeta } from '../math/gamma-functions.js';
import { log1pUnchecked } from '../math/log1p.js';
import { split } from '../random/key.js';
import type { Seed } from '../random/key.js';
import type { DistributionOptions } from './distribution.js';
import { standardGammaTensor } from './gamma.js';
import { registerKl } from './kl.js';
import { ParametricDistribution, type ParamValue } from './parametric.js';

/**
 * Beta distribution on (0, 1) with density x^(c1-1) (1-x)^(c0-1) / B(c1, c0), where
 * `concentration1` (c1, alpha) and `concentration0` (c0, beta) are > 0. Sampled on the CPU via two
 * gamma draws (not reparameterised). cdf/icdf are not implemented (regularised incomplete beta).
 *
 * @example
 * const d = new Beta(2, tf.tensor1d([1, 5]));
 * const x = d.sample([100], 0); // [100, 2]
 */
export class Beta extends ParametricDistribution {
  readonly concentration1: tf.Tensor;
  readonly concentration0: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];

  constructor(concentration1: ParamValue, concentration0: ParamValue, options: DistributionOptions = {}) {
    super(options);
    this.concentration1 = this.param('concentration1', concentration1);
    this.concentration0 = this.param('concentration0', concentration0);
    this.batchShape = this.broadcastParams({
      concentration1: this.concentration1.shape,
      concentration0: this.concentration0.shape,
    });
    this.checkValues('concentration1', this.concentration1, '> 0', (v) => v > 0);
    this.checkValues('concentration0', this.concentration0, '> 0', (v) => v > 0);
  }

  override sample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('sample');
    this.checkSampleShape('sample', sampleShape);
    return tf.tidy(() => {
      const [k1, k0] = split(seed);
      const x = standardGammaTensor(tf.broadcastTo(this.concentration1, [...this.batchShape]), sampleShape, k1);
      const y = standardGammaTensor(tf.broadcastTo(this.concentration0, [...this.batchShape]), sampleShape, k0);
      return tf.div(x, tf.add(x, y));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    return tf.tidy(() => {
      const x = tf.cast(value, 'float32');
      const a = this.concentration1;
      const b = this.concentration0;
      return tf.sub(
        tf.add(tf.mul(tf.sub(a, 1), tf.log(x)), tf.mul(tf.sub(b, 1), log1pUnchecked(tf.neg(x)))),
        lbeta(a, b),
      );
    });
  }

  override entropy(): tf.Tensor {
    this.assertLive('entropy');
    return tf.tidy(() => {
      const a = this.concentration1;
      const b = this.concentration0;
      const s = tf.add(a, b);
      // lbeta(a, b) - (a - 1) psi(a) - (b - 1) psi(b) + (a + b - 2) psi(a + b)
      const h = tf.add(
        tf.sub(tf.sub(lbeta(a, b), tf.mul(tf.sub(a, 1), digamma(a))), tf.mul(tf.sub(b, 1), digamma(b))),
        tf.mul(tf.sub(s, 2), digamma(s)),
      );
      return tf.broadcastTo(h, [...this.batchShape]);
    });
  }

  override get mean(): tf.Tensor {
    this.assertLive('mean');
    return tf.tidy(() =>
      tf.broadcastTo(tf.div(this.concentration1, tf.add(this.concentration1, this.concentration0)), [...this.batchShape]),
    );
  }

  override get variance(): tf.Tensor {
    this.assertLive('variance');
    return tf.tidy(() => {
      const a = this.concentration1;
      const b = this.concentration0;
      const s = tf.add(a, b);
      return tf.broadcastTo(tf.div(tf.mul(a, b), tf.mul(tf.square(s), tf.add(s, 1))), [...this.batchShape]);
    });
  }
}

/**
 * KL(p || q) = lbeta(aq, bq) - lbeta(ap, bp) + (ap - aq) psi(ap) + (bp - bq) psi(bp)
 *              + (aq - ap + bq - bp) psi(ap + bp).
 */
registerKl(Beta, Beta, (p, q) =>
  tf.tidy(() => {
    const [ap, bp, aq, bq] = [p.concentration1, p.concentration0, q.concentration1, q.concentration0];
    const t1 = tf.sub(lbeta(aq, bq), lbeta(ap, bp));
    const t2 = tf.add(tf.mul(tf.sub(ap, aq), digamma(ap)), tf.mul(tf.sub(bp, bq), digamma(bp)));
    const t3 = tf.mul(tf.sub(tf.add(aq, bq), tf.add(ap, bp)), digamma(tf.add(ap, bp)));
    return tf.add(t1, tf.add(t2, t3));
  }),
);
