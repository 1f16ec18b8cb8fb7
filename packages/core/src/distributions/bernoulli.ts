// Bernoulli distribution over {0, 1}, parameterised by logits or probs; KL in closed form.
import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '../math/log-space.js';
import { log1pUnchecked } from '../math/log1p.js';
import { mask } from '../math/mask.js';
import { randomUniform } from '../random/tensors.js';
import type { Seed } from '../random/key.js';
import type { DistributionOptions } from './distribution.js';
import { registerKl } from './kl.js';
import { type LogitsOrProbs, PROB_EPS, whichParam } from './logits-or-probs.js';
import { ParametricDistribution, extendedShape } from './parametric.js';

/**
 * Bernoulli distribution: P(x = 1) = probs = sigmoid(logits). Give exactly one of `logits` or
 * `probs` (in [0, 1]). Samples are float32 zeros and ones. Not reparameterisable.
 *
 * @example
 * const d = new Bernoulli({ logits: tf.tensor1d([-1, 0, 2]) });
 * const x = d.sample([4], 0);   // [4, 3]
 * const lp = d.logProb(x);      // [4, 3]
 */
export class Bernoulli extends ParametricDistribution {
  /** Logits (given, or log(p) - log1p(-p) from probs clamped to [eps, 1 - eps]). */
  readonly logits: tf.Tensor;
  /** Probabilities of 1 (given, or sigmoid(logits)). */
  readonly probs: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];

  constructor(params: LogitsOrProbs, options: DistributionOptions = {}) {
    super(options);
    const which = whichParam(this.constructor.name, params);
    if (which === 'logits') {
      this.logits = this.param('logits', params.logits!);
      this.checkValues('logits', this.logits, 'not NaN', () => true);
      this.probs = this.own(tf.sigmoid(this.logits));
    } else {
      this.probs = this.param('probs', params.probs!);
      this.checkValues('probs', this.probs, 'in [0, 1]', (v) => v >= 0 && v <= 1);
      this.logits = this.own(
        tf.tidy(() => {
          const p = tf.clipByValue(this.probs, PROB_EPS, 1 - PROB_EPS);
          return tf.sub(tf.log(p), log1pUnchecked(tf.neg(p)));
        }),
      );
    }
    this.batchShape = [...this.logits.shape];
  }

  /** Draws float32 zeros and ones, shape `[...sampleShape, ...batchShape]`. */
  override sample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('sample');
    this.checkSampleShape('sample', sampleShape);
    return tf.tidy(() => {
      const u = randomUniform(seed, extendedShape(sampleShape, this.batchShape));
      return tf.cast(mask((a, b) => tf.less(a, b), u, this.probs), 'float32');
    });
  }

  /** log p(x) = x * logits - softplus(logits), for x in {0, 1} (float32 or int32). */
  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    return tf.tidy(() => tf.sub(tf.mul(tf.cast(value, 'float32'), this.logits), softplus(this.logits)));
  }

  override entropy(): tf.Tensor {
    this.assertLive('entropy');
    // softplus(logits) - p * logits
    return tf.tidy(() => tf.sub(softplus(this.logits), tf.mul(this.probs, this.logits)));
  }

  override get mean(): tf.Tensor {
    this.assertLive('mean');
    return tf.clone(this.probs);
  }

  override get variance(): tf.Tensor {
    this.assertLive('variance');
    return tf.tidy(() => tf.mul(this.probs, tf.sub(1, this.probs)));
  }
}

/** KL(p || q) = p (softplus(-lq) - softplus(-lp)) + (1 - p) (softplus(lq) - softplus(lp)). */
registerKl(Bernoulli, Bernoulli, (p, q) =>
  tf.tidy(() => {
    const t1 = tf.mul(p.probs, tf.sub(softplus(tf.neg(q.logits)), softplus(tf.neg(p.logits))));
    const t2 = tf.mul(tf.sub(1, p.probs), tf.sub(softplus(q.logits), softplus(p.logits)));
    return tf.add(t1, t2);
  }),
);
