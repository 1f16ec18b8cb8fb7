// Finite mixtures whose components are one batched distribution, as in
// torch.distributions.MixtureSameFamily: p(x) = sum_k pi_k p_k(x), evaluated in log space.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { logSumExp } from '../math/log-space.js';
import { type Seed, split } from '../random/key.js';
import { Categorical } from './categorical.js';
import { Distribution, type DistributionOptions } from './distribution.js';
import { ParametricDistribution, broadcastShapesOrUndefined } from './parametric.js';

/**
 * A mixture of K components from one family: `mixtureDistribution` is a `Categorical` with batch
 * shape B over K categories (the weights pi), and `componentDistribution` has batch shape
 * `[...B, K]` (the last batch dimension indexes components). Batch shape B, event shape the
 * component's.
 *
 * - `logProb(x)` = logSumExp_k(log pi_k + log p_k(x)).
 * - `sample` draws a component index per draw from the Categorical, draws from every component
 *   and keeps the chosen one (no `rsample`: the discrete choice is not reparameterisable).
 * - `mean` = sum_k pi_k mu_k; `variance` by the law of total variance:
 *   sum_k pi_k sigma_k^2 + sum_k pi_k (mu_k - mean)^2 (elementwise over the event).
 *
 * Memory: both distributions are borrowed (not disposed by `dispose()`); methods return new
 * tensors that belong to the caller.
 *
 * @example
 * const gmm = new MixtureSameFamily(
 *   new Categorical({ logits: tf.zeros([3]) }),
 *   new Normal(tf.tensor1d([-2, 0, 2]), tf.tensor1d([0.5, 0.5, 0.5])),
 * );
 * gmm.logProb(tf.tensor1d([0.1, 1.9])); // [2]
 */
export class MixtureSameFamily extends ParametricDistribution {
  readonly mixtureDistribution: Categorical;
  readonly componentDistribution: Distribution;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  /** The number of components K. */
  readonly numComponents: number;

  constructor(mixtureDistribution: Categorical, componentDistribution: Distribution, options: DistributionOptions = {}) {
    super(options);
    const cls = 'MixtureSameFamily';
    if (!(mixtureDistribution instanceof Categorical)) {
      throw new InvalidArgumentError(
        `Argument 'mixtureDistribution' passed to '${cls}' must be a Categorical, but got ${describeValue(mixtureDistribution)}.`,
      );
    }
    if (!(componentDistribution instanceof Distribution)) {
      throw new InvalidArgumentError(
        `Argument 'componentDistribution' passed to '${cls}' must be a Distribution, but got ${describeValue(componentDistribution)}.`,
      );
    }
    const componentBatch = componentDistribution.batchShape;
    const k = mixtureDistribution.numCategories;
    const batch = componentBatch.slice(0, -1);
    const compatible =
      componentBatch.length >= 1 &&
      componentBatch[componentBatch.length - 1] === k &&
      broadcastShapesOrUndefined(mixtureDistribution.batchShape, batch)?.join(',') === batch.join(',');
    if (!compatible) {
      throw new ShapeError(
        `Argument 'componentDistribution' passed to '${cls}' must have batch shape [${[...mixtureDistribution.batchShape, k].join(', ')}] ([...mixture batch, number of categories]), but got ${describeValue([...componentBatch])}.`,
      );
    }
    this.mixtureDistribution = mixtureDistribution;
    this.componentDistribution = componentDistribution;
    this.numComponents = k;
    this.batchShape = batch;
    this.eventShape = componentDistribution.eventShape;
  }

  /** log p(x), `value` `[...sample, ...batchShape, ...eventShape]` -> `[...sample, ...batchShape]`. */
  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    const eventRank = this.eventShape.length;
    if (value.rank < eventRank) {
      throw new ShapeError(
        `Argument 'value' passed to 'MixtureSameFamily.logProb' must have shape [...sample, ...batch, ${this.eventShape.join(', ')}], but got ${describeValue([...value.shape])}.`,
      );
    }
    return tf.tidy(() => {
      // [...sample, ...batch, 1, ...event]: the same point under every component
      const x = tf.expandDims(value, value.rank - eventRank);
      const componentLogProb = this.componentDistribution.logProb(x); // [...sample, ...batch, K]
      return logSumExp(tf.add(componentLogProb, this.mixtureDistribution.logits), -1);
    });
  }

  /** Samples `[...sampleShape, ...batchShape, ...eventShape]` (no gradient). */
  override sample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('sample');
    this.checkSampleShape('sample', sampleShape);
    const [indexKey, componentKey] = split(seed, 2);
    return tf.tidy(() => {
      const index = this.mixtureDistribution.sample(sampleShape, indexKey); // [...sample, ...batch]
      const draws = this.componentDistribution.sample(sampleShape, componentKey); // [..., K, ...event]
      // (oneHot is built as int32 and cast: the wasm backend's float32 OneHot writes integer bits.)
      const chosen = this.expandToEvent(tf.cast(tf.oneHot(tf.reshape(index, [-1]), this.numComponents), 'float32'), [
        ...sampleShape,
        ...this.batchShape,
      ]);
      return tf.sum(tf.mul(draws, chosen), sampleShape.length + this.batchShape.length);
    });
  }

  /** sum_k pi_k mu_k, `[...batchShape, ...eventShape]`. */
  override get mean(): tf.Tensor {
    this.assertLive('mean');
    return tf.tidy(() => {
      const weights = this.weights();
      return tf.sum(tf.mul(weights, this.componentDistribution.mean), this.batchShape.length);
    });
  }

  /** sum_k pi_k sigma_k^2 + sum_k pi_k (mu_k - mean)^2, `[...batchShape, ...eventShape]`. */
  override get variance(): tf.Tensor {
    this.assertLive('variance');
    return tf.tidy(() => {
      const axis = this.batchShape.length;
      const weights = this.weights();
      const means = this.componentDistribution.mean; // [...batch, K, ...event]
      const mean = tf.sum(tf.mul(weights, means), axis, true);
      const within = tf.sum(tf.mul(weights, this.componentDistribution.variance), axis);
      const between = tf.sum(tf.mul(weights, tf.square(tf.sub(means, mean))), axis);
      return tf.add(within, between);
    });
  }

  /** Mixture probabilities as `[...batch, K, 1, ..., 1]` (one 1 per event axis). Call in tidy. */
  private weights(): tf.Tensor {
    const probs = tf.broadcastTo(this.mixtureDistribution.probs, [...this.batchShape, this.numComponents]);
    return this.expandToEvent(probs, this.batchShape);
  }

  /** Reshapes `[..., K]` values (leading shape `lead`) to `[...lead, K, 1, ..., 1]`. Call in tidy. */
  private expandToEvent(t: tf.Tensor, lead: readonly number[]): tf.Tensor {
    return tf.reshape(t, [...lead, this.numComponents, ...this.eventShape.map(() => 1)]);
  }
}
