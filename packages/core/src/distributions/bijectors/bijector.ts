// The base class of gen's bijectors: invertible, differentiable maps y = f(x) with a tractable
// log |det df/dx|, after torch.distributions.transforms and TensorFlow Probability's bijectors.
import * as tf from '@tensorflow/tfjs-core';
import { DisposedError } from '../../errors.js';
import { checkFloatTensor } from '../../validate.js';

/**
 * An invertible map y = f(x) with its log-Jacobian. Every bijector here acts elementwise
 * (`eventNdims` 0): the log-det-Jacobians have the shape of their input, and
 * `TransformedDistribution` sums them over the event axes.
 *
 * Memory: tensors passed to factories are borrowed; numbers become tensors the bijector owns and
 * frees in `dispose()` (idempotent; later calls throw `DisposedError`). Every method returns new
 * tensors that belong to the caller.
 */
export abstract class Bijector {
  /** Short name used in error messages, e.g. 'Tanh'. */
  abstract readonly name: string;
  /** Number of rightmost axes the Jacobian couples; 0 for elementwise bijectors. */
  readonly eventNdims: number = 0;
  private disposed = false;

  /** y = f(x), same shape as x (broadcast with the bijector's parameters). */
  forward(x: tf.Tensor): tf.Tensor {
    this.checkUsable('forward', 'x', x);
    return tf.tidy(() => this.forwardImpl(x));
  }

  /** x = f^-1(y). */
  inverse(y: tf.Tensor): tf.Tensor {
    this.checkUsable('inverse', 'y', y);
    return tf.tidy(() => this.inverseImpl(y));
  }

  /** log |df/dx| at x, elementwise. */
  forwardLogDetJacobian(x: tf.Tensor): tf.Tensor {
    this.checkUsable('forwardLogDetJacobian', 'x', x);
    return tf.tidy(() => this.forwardLogDetJacobianImpl(x));
  }

  /** log |df^-1/dy| at y = -forwardLogDetJacobian(f^-1(y)), elementwise. */
  inverseLogDetJacobian(y: tf.Tensor): tf.Tensor {
    this.checkUsable('inverseLogDetJacobian', 'y', y);
    return tf.tidy(() => this.inverseLogDetJacobianImpl(y));
  }

  /**
   * The shape of forward(x) for x of shape `shape` (bijectors with tensor parameters broadcast
   * against them); undefined when they do not broadcast.
   */
  forwardShape(shape: readonly number[]): number[] | undefined {
    return [...shape];
  }

  /** Frees tensors this bijector created from numbers. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeOwned();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** True once `dispose()` has run. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  protected abstract forwardImpl(x: tf.Tensor): tf.Tensor;
  protected abstract inverseImpl(y: tf.Tensor): tf.Tensor;
  protected abstract forwardLogDetJacobianImpl(x: tf.Tensor): tf.Tensor;

  /** Override where a direct form is more accurate than -fldj(f^-1(y)). */
  protected inverseLogDetJacobianImpl(y: tf.Tensor): tf.Tensor {
    return tf.neg(this.forwardLogDetJacobianImpl(this.inverseImpl(y)));
  }

  /** Frees owned tensors; called once by `dispose()`. */
  protected disposeOwned(): void {}

  private checkUsable(method: string, arg: string, value: tf.Tensor): void {
    if (this.disposed) {
      throw new DisposedError(`${this.name} bijector was used in '${method}' after dispose().`);
    }
    checkFloatTensor(`${this.name}.${method}`, arg, value);
  }
}
