// The exponential bijector y = exp(x), log|dy/dx| = x (torch.distributions.transforms.ExpTransform).
import * as tf from '@tensorflow/tfjs-core';
import { Bijector } from './bijector.js';

/** y = exp(x); maps the real line onto (0, inf). */
export class ExpBijector extends Bijector {
  readonly name = 'Exp';

  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return tf.exp(x);
  }

  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    return tf.log(y);
  }

  protected forwardLogDetJacobianImpl(x: tf.Tensor): tf.Tensor {
    return tf.clone(x);
  }

  protected override inverseLogDetJacobianImpl(y: tf.Tensor): tf.Tensor {
    return tf.neg(tf.log(y));
  }
}

/**
 * The bijector y = exp(x), log|dy/dx| = x. Elementwise.
 *
 * @example
 * const logNormal = new TransformedDistribution(new Normal(0, 1), expBijector());
 */
export function expBijector(): ExpBijector {
  return new ExpBijector();
}
