// The approximate posterior q(z | x) = N(mu, diag(exp(logVar))) returned by `Vae.encode`.
import * as tf from '@tensorflow/tfjs-core';
import { Independent, Normal } from '@gen/core';

/**
 * A diagonal Gaussian over `[batch, latentDim]` (batch shape `[batch]`, event shape `[latentDim]`)
 * that owns its `loc` and `scale` tensors: `dispose()` frees them.
 *
 * @example
 * const q = vae.encode(x);      // x [batch, 784]
 * const z = q.sample([10], 0);  // [10, batch, latentDim]
 * q.dispose();
 */
export class GaussianPosterior extends Independent {
  /** Posterior means `[batch, latentDim]`. */
  readonly loc: tf.Tensor;
  /** Posterior standard deviations `[batch, latentDim]`. */
  readonly scale: tf.Tensor;

  /** Takes ownership of `loc` and `scale` (both `[batch, latentDim]`). */
  constructor(loc: tf.Tensor, scale: tf.Tensor) {
    const base = new Normal(loc, scale, { validateArgs: false });
    super(base, 1, { validateArgs: false });
    this.loc = this.own(loc);
    this.scale = this.own(scale);
  }

  override dispose(): void {
    this.base.dispose();
    super.dispose();
  }
}
