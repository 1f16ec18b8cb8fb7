// One-hot categorical distribution: a Categorical whose events are one-hot vectors of length K.
import * as tf from '@tensorflow/tfjs-core';
import { mask } from '../math/mask.js';
import type { Seed } from '../random/key.js';
import { CategoricalBase, categoricalKl } from './categorical.js';
import { registerKl } from './kl.js';

/**
 * One-hot categorical distribution: events are float32 one-hot vectors, event shape [K], from
 * `logits` or `probs` of shape `[...batchShape, K]`.
 *
 * @example
 * const d = new OneHotCategorical({ logits: tf.tensor2d([[0, 1, 2]]) });
 * const x = d.sample([5], 0);  // [5, 1, 3]
 * const lp = d.logProb(x);     // [5, 1]
 */
export class OneHotCategorical extends CategoricalBase {
  get eventShape(): readonly number[] {
    return [this.numCategories];
  }

  override sample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('sample');
    this.checkSampleShape('sample', sampleShape);
    return tf.tidy(() => tf.cast(tf.oneHot(this.sampleIndices(sampleShape, seed), this.numCategories), 'float32'));
  }

  /** log p(x) = sum_k x_k log p_k for one-hot x (terms with x_k = 0 are skipped, even at p_k = 0). */
  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    return tf.tidy(() => {
      const x = tf.cast(value, 'float32');
      const t = tf.mul(x, this.logits);
      const off = mask((v) => tf.equal(v, 0), x);
      return tf.sum(tf.where(tf.broadcastTo(off, t.shape), tf.zerosLike(t), t), -1);
    });
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

registerKl(OneHotCategorical, OneHotCategorical, categoricalKl);
