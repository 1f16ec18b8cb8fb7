// Binary cross-entropy as in torch.nn.functional.binary_cross_entropy(_with_logits); the logits
// form uses the overflow-free identity max(x, 0) - x z + log1p(exp(-|x|)).
import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '../math/log-space.js';
import { checkNumber } from '../validate.js';
import { type LossOptions, applyReduction, checkPair, resolveReduction } from './reduction.js';

/**
 * Binary cross-entropy from logits (torch.nn.functional.binary_cross_entropy_with_logits):
 * elementwise -[z log sigmoid(x) + (1 - z) log(1 - sigmoid(x))] = softplus(x) - x z, computed as
 * max(x, 0) - x z + log1p(exp(-|x|)), which is finite for every finite logit. Targets may be soft
 * (any value in [0, 1]). The gradient with respect to the logits is sigmoid(x) - z.
 *
 * Shapes: `logits` and `target` any shape, equal. Returns a scalar, or elementwise losses for
 * reduction 'none'. The returned tensor belongs to the caller.
 *
 * @example
 * const loss = binaryCrossEntropyWithLogits(tf.tensor1d([2, -1]), tf.tensor1d([1, 0]));
 */
export function binaryCrossEntropyWithLogits(
  logits: tf.Tensor,
  target: tf.Tensor,
  options: LossOptions = {},
): tf.Tensor {
  const reduction = resolveReduction('binaryCrossEntropyWithLogits', options.reduction);
  checkPair('binaryCrossEntropyWithLogits', logits, target, ['logits', 'target']);
  return tf.tidy(() => applyReduction(tf.sub(softplus(logits), tf.mul(logits, target)), reduction));
}

/** Options of `binaryCrossEntropy`. */
export interface BinaryCrossEntropyOptions extends LossOptions {
  /** Probabilities are clipped to [epsilon, 1 - epsilon] before the logs. Default 1e-7. */
  epsilon?: number;
}

/**
 * Binary cross-entropy from probabilities (torch.nn.functional.binary_cross_entropy):
 * elementwise -[z log p + (1 - z) log(1 - p)] with p clipped to [epsilon, 1 - epsilon], so that
 * p = 0 or 1 gives a large finite loss instead of infinity. Prefer
 * `binaryCrossEntropyWithLogits` when the logits are at hand: it is exact where this one clips.
 *
 * Shapes: `probabilities` and `target` any shape, equal. Returns a scalar, or elementwise losses
 * for reduction 'none'. The returned tensor belongs to the caller.
 *
 * @example
 * const loss = binaryCrossEntropy(tf.tensor1d([0.9, 0.2]), tf.tensor1d([1, 0]));
 */
export function binaryCrossEntropy(
  probabilities: tf.Tensor,
  target: tf.Tensor,
  options: BinaryCrossEntropyOptions = {},
): tf.Tensor {
  const reduction = resolveReduction('binaryCrossEntropy', options.reduction);
  const epsilon = options.epsilon ?? 1e-7;
  checkNumber('binaryCrossEntropy', 'epsilon', epsilon, { min: 0, max: 0.5, minExclusive: true });
  checkPair('binaryCrossEntropy', probabilities, target, ['probabilities', 'target']);
  return tf.tidy(() => {
    const p = tf.clipByValue(probabilities, epsilon, 1 - epsilon);
    const positive = tf.mul(target, tf.log(p));
    const negative = tf.mul(tf.sub(1, target), tf.log1p(tf.neg(p)));
    return applyReduction(tf.neg(tf.add(positive, negative)), reduction);
  });
}
