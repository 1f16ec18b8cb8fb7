// The affine bijector y = loc + scale * x (torch.distributions.transforms.AffineTransform with
// event_dim 0): log|dy/dx| = log|scale|.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../../errors.js';
import { checkFloatTensor } from '../../validate.js';
import { Bijector } from './bijector.js';

/** y = loc + scale * x elementwise, with loc and scale broadcasting against x. */
export class AffineBijector extends Bijector {
  readonly name = 'Affine';
  /** Shift, any shape broadcastable with x. */
  readonly loc: tf.Tensor;
  /** Elementwise scale (non-zero), any shape broadcastable with x. */
  readonly scale: tf.Tensor;
  private readonly owned: tf.Tensor[] = [];

  constructor(loc: tf.Tensor | number, scale: tf.Tensor | number) {
    super();
    this.loc = this.toTensor('loc', loc);
    this.scale = this.toTensor('scale', scale);
    if (typeof scale === 'number' && scale === 0) {
      this.disposeOwned();
      throw new InvalidArgumentError(`Argument 'scale' passed to 'affineBijector' must be non-zero, but got 0.`);
    }
    try {
      tf.backend_util.assertAndGetBroadcastShape(this.loc.shape, this.scale.shape);
    } catch {
      this.disposeOwned();
      throw new ShapeError(
        `Arguments 'loc' and 'scale' passed to 'affineBijector' must have broadcastable shapes, but got ${describeValue(this.loc.shape)} and ${describeValue(this.scale.shape)}.`,
      );
    }
  }

  override forwardShape(shape: readonly number[]): number[] | undefined {
    try {
      return this.outputShape([...shape]);
    } catch {
      return undefined;
    }
  }

  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return tf.add(this.loc, tf.mul(this.scale, x));
  }

  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    return tf.div(tf.sub(y, this.loc), this.scale);
  }

  protected forwardLogDetJacobianImpl(x: tf.Tensor): tf.Tensor {
    const shape = this.outputShape(x.shape);
    return tf.add(tf.zeros(shape), tf.log(tf.abs(this.scale)));
  }

  protected override inverseLogDetJacobianImpl(y: tf.Tensor): tf.Tensor {
    const shape = this.outputShape(y.shape);
    return tf.sub(tf.zeros(shape), tf.log(tf.abs(this.scale)));
  }

  protected override disposeOwned(): void {
    tf.dispose(this.owned);
    this.owned.length = 0;
  }

  private outputShape(shape: number[]): number[] {
    const params = tf.backend_util.assertAndGetBroadcastShape(this.loc.shape, this.scale.shape);
    return tf.backend_util.assertAndGetBroadcastShape(shape, params);
  }

  private toTensor(arg: string, value: tf.Tensor | number): tf.Tensor {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        this.disposeOwned();
        throw new InvalidArgumentError(
          `Argument '${arg}' passed to 'affineBijector' must be a finite number or a tf.Tensor, but got ${describeValue(value)}.`,
        );
      }
      const t = tf.scalar(value);
      this.owned.push(t);
      return t;
    }
    try {
      checkFloatTensor('affineBijector', arg, value);
    } catch (error) {
      this.disposeOwned();
      throw error;
    }
    return value;
  }
}

/**
 * The bijector y = loc + scale * x, log|dy/dx| = log|scale|, elementwise with broadcasting.
 * Tensor parameters are borrowed (gradients flow to them); numbers become owned scalars.
 *
 * Shapes: `loc`, `scale` any shapes broadcastable with each other and with x.
 *
 * @example
 * const b = affineBijector(1, 2); // y = 1 + 2x
 * b.forward(tf.tensor1d([0, 1])); // [1, 3]
 */
export function affineBijector(loc: tf.Tensor | number, scale: tf.Tensor | number): AffineBijector {
  return new AffineBijector(loc, scale);
}
