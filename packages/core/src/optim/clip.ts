// Global-norm gradient clipping (Pascanu et al. 2013, arXiv:1211.5063), matching
// torch.nn.utils.clip_grad_norm_ with norm_type 2: coef = min(1, maxNorm / (norm + 1e-6)).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import { type ParamTree, flattenParams, mapParams } from '../params.js';
import { checkNumber } from '../validate.js';

function checkGrads(fn: string, grads: ParamTree): tf.Tensor[] {
  if (grads == null || typeof grads !== 'object' || grads instanceof tf.Tensor) {
    throw new InvalidArgumentError(`Argument 'grads' passed to '${fn}' must be a tree of tensors, but got ${describeValue(grads)}.`);
  }
  const leaves = Object.values(flattenParams(grads));
  if (leaves.length === 0) {
    throw new InvalidArgumentError(`Argument 'grads' passed to '${fn}' must hold at least one tensor, but got {}.`);
  }
  return leaves;
}

/**
 * The global L2 norm of all tensors of a tree, `sqrt(sum of every squared element)`, as a scalar
 * tensor that belongs to the caller (read it together with other scalars to save syncs).
 *
 * @example
 * const norm = globalNorm({ w: dw, b: db }); // tf.Scalar
 */
export function globalNorm(grads: ParamTree): tf.Scalar {
  const leaves = checkGrads('globalNorm', grads);
  // One flat vector and one reduction: fewer kernel launches than a sum per tensor (this runs
  // every training step; on wasm launches dominate for small models).
  return tf.tidy(() => {
    const flat = leaves.length === 1 ? tf.reshape(leaves[0], [-1]) : tf.concat(leaves.map((g) => tf.reshape(g, [-1])));
    return tf.sqrt(tf.sum(tf.mul(flat, flat)));
  }) as tf.Scalar;
}

/**
 * Scales all gradients by `min(1, maxNorm / (norm + 1e-6))`, where `norm` is their global L2 norm,
 * as torch.nn.utils.clip_grad_norm_. Returns the clipped tree (new tensors) and the norm before
 * clipping (a scalar tensor); both belong to the caller. `grads` is not disposed.
 *
 * @example
 * const { grads: clipped, norm } = clipByGlobalNorm(grads, 1.0);
 * optimizer.step(clipped);
 * tf.dispose([clipped, norm]);
 */
export function clipByGlobalNorm(grads: ParamTree, maxNorm: number): { grads: ParamTree; norm: tf.Scalar } {
  checkNumber('clipByGlobalNorm', 'maxNorm', maxNorm, { min: 0, minExclusive: true });
  checkGrads('clipByGlobalNorm', grads);
  return tf.tidy(() => {
    const norm = globalNorm(grads);
    const coef = tf.minimum(tf.div(tf.scalar(maxNorm), tf.add(norm, 1e-6)), 1);
    const clipped = mapParams(grads, (g) => tf.mul(g, coef));
    return { grads: clipped, norm } as unknown as tf.TensorContainer;
  }) as unknown as { grads: ParamTree; norm: tf.Scalar };
}
