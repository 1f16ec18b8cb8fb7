// The base class of gen's distributions, with torch.distributions' vocabulary in camelCase.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import { stopGradient } from '../ops/stop-gradient.js';
import type { Seed } from '../random/key.js';

/** Options every distribution accepts. */
export interface DistributionOptions {
  /**
   * Check parameter values (negative scale, probabilities outside [0, 1], ...) when constructed.
   * Checking tensor parameters reads them back to the CPU; pass `false` in hot loops. Default true.
   */
  validateArgs?: boolean;
}

/**
 * A probability distribution over tensors of shape `[...sampleShape, ...batchShape, ...eventShape]`.
 *
 * Memory: tensors passed in are borrowed (never disposed by the distribution); numbers passed in
 * become tensors the distribution owns and frees in `dispose()`. Every method returns new tensors
 * that belong to the caller. Build distributions inside `tf.tidy` where convenient.
 */
export abstract class Distribution {
  /** Shape of independent (not necessarily identical) distributions in the batch. */
  abstract readonly batchShape: readonly number[];
  /** Shape of a single draw from one distribution of the batch. */
  abstract readonly eventShape: readonly number[];
  /** True when `rsample` is available (reparameterised, differentiable samples). */
  readonly hasRsample: boolean = false;

  /** Draws samples of shape `[...sampleShape, ...batchShape, ...eventShape]` (no gradient). */
  sample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    if (!this.hasRsample) throw this.notImplemented('sample');
    return tf.tidy(() => stopGradient(this.rsample(sampleShape, seed)));
  }

  /** Reparameterised samples through which gradients flow to the parameters. */
  rsample(_sampleShape: readonly number[], _seed: Seed): tf.Tensor {
    throw new InvalidArgumentError(`${this.constructor.name} has no rsample: it is not reparameterisable; use sample().`);
  }

  /** Log density (or mass) of `value`, shape `[...sampleShape, ...batchShape]`. */
  abstract logProb(value: tf.Tensor): tf.Tensor;

  /** Differential entropy in nats, shape `batchShape`. */
  entropy(): tf.Tensor {
    throw this.notImplemented('entropy');
  }

  /** Mean, shape `[...batchShape, ...eventShape]`. */
  get mean(): tf.Tensor {
    throw this.notImplemented('mean');
  }

  /** Variance, shape `[...batchShape, ...eventShape]`. */
  get variance(): tf.Tensor {
    throw this.notImplemented('variance');
  }

  /** Standard deviation, shape `[...batchShape, ...eventShape]`. */
  get stddev(): tf.Tensor {
    return tf.tidy(() => tf.sqrt(this.variance));
  }

  /** Cumulative distribution function, where a closed form exists. */
  cdf(_value: tf.Tensor): tf.Tensor {
    throw this.notImplemented('cdf');
  }

  /** Inverse cdf (quantile function), where a closed form exists. */
  icdf(_value: tf.Tensor): tf.Tensor {
    throw this.notImplemented('icdf');
  }

  /** Frees tensors this distribution created from plain-number parameters. Idempotent. */
  dispose(): void {}

  [Symbol.dispose](): void {
    this.dispose();
  }

  protected notImplemented(method: string): InvalidArgumentError {
    return new InvalidArgumentError(`${this.constructor.name} does not implement ${method}().`);
  }
}
