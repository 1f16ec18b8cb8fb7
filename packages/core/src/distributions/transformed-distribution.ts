// A distribution pushed through a bijector, y = f(x) with x ~ base: change of variables,
// log p(y) = log p_base(f^-1(y)) - log|det J_f(f^-1(y))| (torch.distributions.TransformedDistribution).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import type { Seed } from '../random/key.js';
import { Bijector } from './bijectors/bijector.js';
import { Distribution, type DistributionOptions } from './distribution.js';
import { ParametricDistribution } from './parametric.js';

/**
 * The distribution of y = bijector.forward(x) for x ~ base. Same batch and event shapes as the
 * base (the bijector's parameters must broadcast into `[...batchShape, ...eventShape]` without
 * enlarging it). The bijectors here are elementwise, so the log-det-Jacobian is summed over the
 * base's event axes:
 *
 *   log p(y) = base.logProb(x) - sum_event forwardLogDetJacobian(x),  x = bijector.inverse(y).
 *
 * `rsample` exists when the base has it (gradients flow through the bijector's parameters too).
 * Mean, variance and entropy have no general closed form and throw.
 *
 * Memory: `base` and `bijector` are borrowed (not disposed by `dispose()`); methods return new
 * tensors that belong to the caller.
 *
 * @example
 * const logNormal = new TransformedDistribution(new Normal(0, 0.5), expBijector());
 * const squashed = new TransformedDistribution(new Normal(mu, sigma), tanhBijector());
 * squashed.logProb(tf.tensor1d([0.3])); // log density on (-1, 1)
 */
export class TransformedDistribution extends ParametricDistribution {
  readonly base: Distribution;
  readonly bijector: Bijector;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  override readonly hasRsample: boolean;

  constructor(base: Distribution, bijector: Bijector, options: DistributionOptions = {}) {
    super(options);
    const cls = 'TransformedDistribution';
    if (!(base instanceof Distribution)) {
      throw new InvalidArgumentError(
        `Argument 'base' passed to '${cls}' must be a Distribution, but got ${describeValue(base)}.`,
      );
    }
    if (!(bijector instanceof Bijector)) {
      throw new InvalidArgumentError(
        `Argument 'bijector' passed to '${cls}' must be a Bijector, but got ${describeValue(bijector)}.`,
      );
    }
    const shape = [...base.batchShape, ...base.eventShape];
    const out = bijector.forwardShape(shape);
    if (out === undefined || out.join(',') !== shape.join(',')) {
      throw new ShapeError(
        `Argument 'bijector' passed to '${cls}' must keep the base's shape ${describeValue(shape)} (its parameters must broadcast into it), but it maps it to ${describeValue(out)}.`,
      );
    }
    this.base = base;
    this.bijector = bijector;
    this.batchShape = base.batchShape;
    this.eventShape = base.eventShape;
    this.hasRsample = base.hasRsample;
  }

  /** forward(base.sample(...)), `[...sampleShape, ...batchShape, ...eventShape]`, no gradient. */
  override sample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('sample');
    return tf.tidy(() => this.bijector.forward(this.base.sample(sampleShape, seed)));
  }

  /** forward(base.rsample(...)); gradients reach the base's and the bijector's parameters. */
  override rsample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('rsample');
    if (!this.base.hasRsample) {
      throw new InvalidArgumentError(
        `TransformedDistribution has no rsample: its base ${this.base.constructor.name} is not reparameterisable; use sample().`,
      );
    }
    return tf.tidy(() => this.bijector.forward(this.base.rsample(sampleShape, seed)));
  }

  /** log p(y) by change of variables, `[...sample, ...batchShape]`. */
  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    return tf.tidy(() => {
      const y = tf.cast(value, 'float32');
      const x = this.bijector.inverse(y);
      const ldj = this.bijector.forwardLogDetJacobian(x); // elementwise, shape of x
      const eventRank = this.eventShape.length;
      const summed =
        eventRank === 0 ? ldj : tf.sum(ldj, Array.from({ length: eventRank }, (_, i) => ldj.rank - eventRank + i));
      return tf.sub(this.base.logProb(x), summed);
    });
  }
}
