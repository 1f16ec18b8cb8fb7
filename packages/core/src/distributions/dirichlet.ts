// Dirichlet distribution over the simplex; samples as normalised gamma draws; KL in closed form
// (Penny 2001, "KL-divergences of Normal, Gamma, Dirichlet and Wishart densities").
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, describeValue } from '../errors.js';
import { digamma, lgamma } from '../math/gamma-functions.js';
import type { Seed } from '../random/key.js';
import type { DistributionOptions } from './distribution.js';
import { standardGammaTensor } from './gamma.js';
import { registerKl } from './kl.js';
import { ParametricDistribution, type ParamValue } from './parametric.js';

/**
 * Dirichlet distribution with `concentration` of shape `[...batchShape, K]` (all > 0, K >= 1);
 * events are points of the K-simplex (event shape [K]). Sampled on the CPU (not
 * reparameterised).
 *
 * @example
 * const d = new Dirichlet([1, 2, 3]);
 * const x = d.sample([10], 0); // [10, 3], rows sum to 1
 */
export class Dirichlet extends ParametricDistribution {
  readonly concentration: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];

  constructor(concentration: ParamValue, options: DistributionOptions = {}) {
    super(options);
    this.concentration = this.param('concentration', concentration);
    if (this.concentration.rank < 1 || this.concentration.shape[this.concentration.rank - 1] < 1) {
      throw new ShapeError(
        `Argument 'concentration' passed to 'Dirichlet' must have shape [...batch, K] with K >= 1, but got ${describeValue([...this.concentration.shape])}.`,
      );
    }
    this.batchShape = this.concentration.shape.slice(0, -1);
    this.eventShape = this.concentration.shape.slice(-1);
    this.checkValues('concentration', this.concentration, '> 0', (v) => v > 0);
  }

  override sample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('sample');
    this.checkSampleShape('sample', sampleShape);
    return tf.tidy(() => {
      const g = standardGammaTensor(this.concentration, sampleShape, seed); // [...sample, ...batch, K]
      return tf.div(g, tf.sum(g, -1, true));
    });
  }

  /** log p(x) = sum (a - 1) log x + lgamma(sum a) - sum lgamma(a), shape [...sample, ...batch]. */
  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    return tf.tidy(() => {
      const a = this.concentration;
      const x = tf.cast(value, 'float32');
      const t = tf.sum(tf.mul(tf.sub(a, 1), tf.log(x)), -1);
      return tf.add(t, tf.sub(lgamma(tf.sum(a, -1)), tf.sum(lgamma(a), -1)));
    });
  }

  override entropy(): tf.Tensor {
    this.assertLive('entropy');
    return tf.tidy(() => {
      const a = this.concentration;
      const k = this.eventShape[0];
      const a0 = tf.sum(a, -1);
      // sum lgamma(a) - lgamma(a0) + (a0 - K) psi(a0) - sum (a - 1) psi(a)
      return tf.sub(
        tf.add(tf.sub(tf.sum(lgamma(a), -1), lgamma(a0)), tf.mul(tf.sub(a0, k), digamma(a0))),
        tf.sum(tf.mul(tf.sub(a, 1), digamma(a)), -1),
      );
    });
  }

  override get mean(): tf.Tensor {
    this.assertLive('mean');
    return tf.tidy(() => tf.div(this.concentration, tf.sum(this.concentration, -1, true)));
  }

  override get variance(): tf.Tensor {
    this.assertLive('variance');
    return tf.tidy(() => {
      const a = this.concentration;
      const a0 = tf.sum(a, -1, true);
      return tf.div(tf.mul(a, tf.sub(a0, a)), tf.mul(tf.square(a0), tf.add(a0, 1)));
    });
  }
}

/**
 * KL(p || q) = lgamma(sum a) - lgamma(sum b) - sum lgamma(a) + sum lgamma(b)
 *              + sum (a - b)(psi(a) - psi(sum a)).
 */
registerKl(Dirichlet, Dirichlet, (p, q) =>
  tf.tidy(() => {
    const a = p.concentration;
    const b = q.concentration;
    const a0 = tf.sum(a, -1);
    const t1 = tf.sub(lgamma(a0), lgamma(tf.sum(b, -1)));
    const t2 = tf.sub(tf.sum(lgamma(b), -1), tf.sum(lgamma(a), -1));
    const t3 = tf.sum(tf.mul(tf.sub(a, b), tf.sub(digamma(a), tf.expandDims(digamma(a0), -1))), -1);
    return tf.add(tf.add(t1, t2), t3);
  }),
);
