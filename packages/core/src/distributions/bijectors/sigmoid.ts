// The logistic bijector y = 1 / (1 + exp(-x)) (torch.distributions.transforms.SigmoidTransform);
// log|dy/dx| = log sigmoid(x) + log sigmoid(-x) = -softplus(-x) - softplus(x).
import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '../../math/log-space.js';
import { Bijector } from './bijector.js';

/** y = sigmoid(x); maps the real line onto (0, 1). */
export class SigmoidBijector extends Bijector {
  readonly name = 'Sigmoid';

  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(x);
  }

  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    // logit(y) = log y - log(1 - y)
    return tf.sub(tf.log(y), tf.log1p(tf.neg(y)));
  }

  protected forwardLogDetJacobianImpl(x: tf.Tensor): tf.Tensor {
    return tf.neg(tf.add(softplus(tf.neg(x)), softplus(x)));
  }

  protected override inverseLogDetJacobianImpl(y: tf.Tensor): tf.Tensor {
    // -log(y (1 - y))
    return tf.neg(tf.add(tf.log(y), tf.log1p(tf.neg(y))));
  }
}

/**
 * The bijector y = sigmoid(x), log|dy/dx| = -softplus(-x) - softplus(x) (finite for all x).
 * Elementwise.
 *
 * @example
 * const logitNormal = new TransformedDistribution(new Normal(0, 1), sigmoidBijector());
 */
export function sigmoidBijector(): SigmoidBijector {
  return new SigmoidBijector();
}
