// The tanh bijector (torch.distributions.transforms.TanhTransform; the squashing of SAC, Haarnoja
// et al. 2018, appendix C): log|dy/dx| = log(1 - tanh(x)^2) = 2 (log 2 - x - softplus(-2x)).
import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '../../math/log-space.js';
import { Bijector } from './bijector.js';

/** y = tanh(x); maps the real line onto (-1, 1). */
export class TanhBijector extends Bijector {
  readonly name = 'Tanh';

  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return tf.tanh(x);
  }

  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    return tf.atanh(y);
  }

  protected forwardLogDetJacobianImpl(x: tf.Tensor): tf.Tensor {
    // Stable for large |x|, where 1 - tanh(x)^2 underflows to 0.
    return tf.mul(tf.sub(tf.sub(Math.LN2, x), softplus(tf.mul(x, -2))), 2);
  }
}

/**
 * The bijector y = tanh(x), log|dy/dx| = 2 (log 2 - x - softplus(-2x)), accurate for all x.
 * Elementwise. Its inverse is infinite at y = +-1.
 *
 * @example
 * const squashed = new TransformedDistribution(new Normal(mu, sigma), tanhBijector());
 */
export function tanhBijector(): TanhBijector {
  return new TanhBijector();
}
