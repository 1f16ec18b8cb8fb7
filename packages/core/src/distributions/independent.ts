// Reinterprets batch dimensions of a distribution as event dimensions, as in
// torch.distributions.Independent (log densities and entropies sum over those dimensions).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import type { Seed } from '../random/key.js';
import { Distribution, type DistributionOptions } from './distribution.js';
import { klDivergence, registerKl } from './kl.js';
import { ParametricDistribution } from './parametric.js';

/**
 * Treats the rightmost `reinterpretedBatchNdims` batch dimensions of `base` as event dimensions:
 * batch shape `base.batchShape[:-n]`, event shape `[...base.batchShape[-n:], ...base.eventShape]`.
 * `logProb` and `entropy` sum the base's over those dimensions; samples, mean and variance are
 * the base's. A diagonal Gaussian over vectors is `new Independent(new Normal(mu, sigma), 1)`.
 *
 * Memory: `base` is borrowed (not disposed by `dispose()`); methods return new tensors that
 * belong to the caller.
 *
 * @example
 * const diag = new Independent(new Normal(tf.zeros([8, 2]), 1), 1); // batch [8], event [2]
 * diag.logProb(tf.zeros([8, 2])); // [8]
 */
export class Independent extends ParametricDistribution {
  readonly base: Distribution;
  readonly reinterpretedBatchNdims: number;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  override readonly hasRsample: boolean;

  constructor(base: Distribution, reinterpretedBatchNdims: number, options: DistributionOptions = {}) {
    super(options);
    if (!(base instanceof Distribution)) {
      throw new InvalidArgumentError(
        `Argument 'base' passed to 'Independent' must be a Distribution, but got ${describeValue(base)}.`,
      );
    }
    const rank = base.batchShape.length;
    if (!Number.isInteger(reinterpretedBatchNdims) || reinterpretedBatchNdims < 0 || reinterpretedBatchNdims > rank) {
      throw new InvalidArgumentError(
        `Argument 'reinterpretedBatchNdims' passed to 'Independent' must be an integer in [0, ${rank}] (the rank of the base's batch shape ${describeValue([...base.batchShape])}), but got ${describeValue(reinterpretedBatchNdims)}.`,
      );
    }
    this.base = base;
    this.reinterpretedBatchNdims = reinterpretedBatchNdims;
    this.batchShape = base.batchShape.slice(0, rank - reinterpretedBatchNdims);
    this.eventShape = [...base.batchShape.slice(rank - reinterpretedBatchNdims), ...base.eventShape];
    this.hasRsample = base.hasRsample;
  }

  override sample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('sample');
    return this.base.sample(sampleShape, seed);
  }

  override rsample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('rsample');
    return this.base.rsample(sampleShape, seed);
  }

  /** The base's log density summed over the reinterpreted dimensions: `[...sample, ...batchShape]`. */
  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    return tf.tidy(() => this.sumRightmost(this.base.logProb(value)));
  }

  /** The base's entropy summed over the reinterpreted dimensions: `batchShape`. */
  override entropy(): tf.Tensor {
    this.assertLive('entropy');
    return tf.tidy(() => this.sumRightmost(this.base.entropy()));
  }

  override get mean(): tf.Tensor {
    this.assertLive('mean');
    return this.base.mean;
  }

  override get variance(): tf.Tensor {
    this.assertLive('variance');
    return this.base.variance;
  }

  override get stddev(): tf.Tensor {
    this.assertLive('stddev');
    return this.base.stddev;
  }

  /** Sums the last `reinterpretedBatchNdims` axes. Call inside tidy. */
  private sumRightmost(t: tf.Tensor): tf.Tensor {
    const n = this.reinterpretedBatchNdims;
    if (n === 0) return tf.clone(t);
    const axes = Array.from({ length: n }, (_, i) => t.rank - n + i);
    return tf.sum(t, axes);
  }
}

/**
 * KL(p || q) for Independent distributions reinterpreting the same number of dimensions: the
 * base KL summed over them (torch's _kl_independent_independent).
 */
export function independentKl(p: Independent, q: Independent): tf.Tensor {
  if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) {
    throw new InvalidArgumentError(
      `KL divergence between Independent distributions needs equal reinterpretedBatchNdims, but got ${p.reinterpretedBatchNdims} and ${q.reinterpretedBatchNdims}.`,
    );
  }
  const n = p.reinterpretedBatchNdims;
  return tf.tidy(() => {
    const kl = klDivergence(p.base, q.base);
    if (n === 0) return kl;
    const axes = Array.from({ length: n }, (_, i) => kl.rank - n + i);
    return tf.sum(kl, axes);
  });
}

registerKl(Independent, Independent, independentKl);
