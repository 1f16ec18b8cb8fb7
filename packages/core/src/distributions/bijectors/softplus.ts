// The softplus bijector y = log(1 + exp(x)) (torch.distributions.transforms.SoftplusTransform):
// log|dy/dx| = log sigmoid(x) = -softplus(-x); inverse x = y + log(-expm1(-y)).
import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '../../math/log-space.js';
import { Bijector } from './bijector.js';

/** y = softplus(x); maps the real line onto (0, inf). */
export class SoftplusBijector extends Bijector {
  readonly name = 'Softplus';

  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return softplus(x);
  }

  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    // log(exp(y) - 1) = y + log(1 - exp(-y)), without overflow for large y.
    return tf.add(y, tf.log(tf.neg(tf.expm1(tf.neg(y)))));
  }

  protected forwardLogDetJacobianImpl(x: tf.Tensor): tf.Tensor {
    return tf.neg(softplus(tf.neg(x)));
  }
}

/**
 * The bijector y = softplus(x) = log(1 + exp(x)), log|dy/dx| = -softplus(-x). Elementwise.
 *
 * @example
 * const positive = new TransformedDistribution(new Normal(0, 1), softplusBijector());
 */
export function softplusBijector(): SoftplusBijector {
  return new SoftplusBijector();
}
