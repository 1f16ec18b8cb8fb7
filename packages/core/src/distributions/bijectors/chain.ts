// Composition of bijectors, applied in list order (torch.distributions.transforms.ComposeTransform;
// note that TensorFlow Probability's Chain applies its list in the reverse order).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../../errors.js';
import { Bijector } from './bijector.js';

/** The composition bijectors[n-1] o ... o bijectors[0]: the first bijector is applied first. */
export class ChainBijector extends Bijector {
  readonly name = 'Chain';
  /** The bijectors, in the order they are applied by `forward`. Borrowed, not disposed. */
  readonly bijectors: readonly Bijector[];

  constructor(bijectors: readonly Bijector[]) {
    super();
    if (!Array.isArray(bijectors) || !bijectors.every((b) => b instanceof Bijector)) {
      throw new InvalidArgumentError(
        `Argument 'bijectors' passed to 'chainBijector' must be an array of Bijectors, but got ${describeValue(bijectors)}.`,
      );
    }
    this.bijectors = Object.freeze([...bijectors]);
  }

  override forwardShape(shape: readonly number[]): number[] | undefined {
    let current: number[] | undefined = [...shape];
    for (const b of this.bijectors) {
      if (current === undefined) return undefined;
      current = b.forwardShape(current);
    }
    return current;
  }

  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    let y = x;
    for (const b of this.bijectors) y = b.forward(y);
    return y === x ? tf.clone(x) : y;
  }

  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    let x = y;
    for (let i = this.bijectors.length - 1; i >= 0; i--) x = this.bijectors[i].inverse(x);
    return x === y ? tf.clone(y) : x;
  }

  protected forwardLogDetJacobianImpl(x: tf.Tensor): tf.Tensor {
    // sum_k fldj_k(x_k), with x_0 = x and x_{k+1} = b_k(x_k)
    let total: tf.Tensor = tf.zerosLike(x);
    let current = x;
    for (const b of this.bijectors) {
      total = tf.add(total, b.forwardLogDetJacobian(current));
      current = b.forward(current);
    }
    return total;
  }

  protected override inverseLogDetJacobianImpl(y: tf.Tensor): tf.Tensor {
    let total: tf.Tensor = tf.zerosLike(y);
    let current = y;
    for (let i = this.bijectors.length - 1; i >= 0; i--) {
      total = tf.add(total, this.bijectors[i].inverseLogDetJacobian(current));
      current = this.bijectors[i].inverse(current);
    }
    return total;
  }
}

/**
 * Composes bijectors, applying them in array order: `chainBijector([a, b]).forward(x)` is
 * `b.forward(a.forward(x))` (as torch's ComposeTransform; TFP's Chain uses the reverse order).
 * The log-det-Jacobians add up along the way. The bijectors are borrowed: disposing the chain
 * does not dispose them. An empty chain is the identity.
 *
 * @example
 * const b = chainBijector([affineBijector(0, 2), tanhBijector()]); // y = tanh(2x)
 */
export function chainBijector(bijectors: readonly Bijector[]): ChainBijector {
  return new ChainBijector(bijectors);
}
