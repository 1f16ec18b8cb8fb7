// Categorical cross-entropy from logits as in torch.nn.CrossEntropyLoss, including its label
// smoothing (Szegedy et al. 2016, "Rethinking the Inception Architecture", section 7).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import { checkFloatTensor, checkNumber, checkShape } from '../validate.js';
import { type LossOptions, applyReduction, resolveReduction } from './reduction.js';

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends LossOptions {
  /**
   * Label smoothing in [0, 1]: the target distribution becomes (1 - s) * target + s / numClasses,
   * as in torch.nn.CrossEntropyLoss(label_smoothing=s). Default 0.
   */
  labelSmoothing?: number;
  /**
   * With integer class labels only: positions whose label equals this value contribute nothing,
   * and 'mean' divides by the number of other positions (torch's ignore_index). Default: none.
   */
  ignoreIndex?: number;
}

/**
 * Cross-entropy between softmax(logits) over the last axis and a target, in nats.
 *
 * The target is either
 * - integer class labels: an int32 tensor of shape `[...batch]` with values in [0, numClasses)
 *   (a label outside that range contributes as if its one-hot row were all zeros), or
 * - a distribution over classes: a float32 tensor of shape `[...batch, numClasses]` (one-hot or
 *   soft probabilities).
 *
 * Per position the loss is -sum_c q_c log softmax(logits)_c with q the (smoothed) target.
 *
 * Shapes: `logits` `[...batch, numClasses]` (classes last, unlike torch's `[N, C, ...]`). Returns a
 * scalar, or `[...batch]` for reduction 'none'. The returned tensor belongs to the caller.
 *
 * @example
 * const logits = tf.tensor2d([[2, 0, -1], [0.5, 0.5, 3]]); // [2, 3]
 * const loss = crossEntropy(logits, tf.tensor1d([0, 2], 'int32'), { labelSmoothing: 0.1 });
 */
export function crossEntropy(
  logits: tf.Tensor,
  target: tf.Tensor,
  options: CrossEntropyOptions = {},
): tf.Tensor {
  const fn = 'crossEntropy';
  const reduction = resolveReduction(fn, options.reduction);
  const smoothing = options.labelSmoothing ?? 0;
  checkNumber(fn, 'labelSmoothing', smoothing, { min: 0, max: 1 });
  checkFloatTensor(fn, 'logits', logits);
  if (logits.rank < 1) {
    throw new InvalidArgumentError(
      `Argument 'logits' passed to '${fn}' must have rank >= 1 (classes last), but got shape ${describeValue(logits.shape)}.`,
    );
  }
  if (target == null || typeof (target as tf.Tensor).dtype !== 'string') {
    throw new InvalidArgumentError(
      `Argument 'target' passed to '${fn}' must be a tf.Tensor, but got ${describeValue(target)}.`,
    );
  }
  const numClasses = logits.shape[logits.rank - 1];
  const batchShape = logits.shape.slice(0, -1);
  const sparse = target.dtype === 'int32';
  if (sparse) {
    checkShape(fn, 'target', target.shape, batchShape);
  } else if (target.dtype === 'float32') {
    if (target.rank === batchShape.length && batchShape.length !== logits.rank) {
      const sameAsBatch = target.shape.every((d, i) => d === batchShape[i]);
      if (sameAsBatch) {
        throw new InvalidArgumentError(
          `Argument 'target' passed to '${fn}' has the shape of class labels ${describeValue(target.shape)} but dtype float32; pass labels as int32 (tf.cast(target, 'int32')).`,
        );
      }
    }
    checkShape(fn, 'target', target.shape, logits.shape);
  } else {
    throw new InvalidArgumentError(
      `Argument 'target' passed to '${fn}' must have dtype int32 (class labels) or float32 (probabilities), but got ${target.dtype}.`,
    );
  }
  const ignoreIndex = options.ignoreIndex;
  if (ignoreIndex !== undefined) {
    checkNumber(fn, 'ignoreIndex', ignoreIndex, { integer: true });
    if (!sparse) {
      throw new InvalidArgumentError(
        `Argument 'ignoreIndex' passed to '${fn}' applies only to int32 class labels, but 'target' has dtype ${target.dtype}.`,
      );
    }
  }
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits, -1); // [...batch, numClasses]
    let q = sparse ? tf.cast(tf.oneHot(tf.reshape(target, [-1]), numClasses), 'float32') : target;
    if (sparse) q = tf.reshape(q, logits.shape); // [...batch, numClasses]
    if (smoothing > 0) q = tf.add(tf.mul(q, 1 - smoothing), smoothing / numClasses);
    let perPosition = tf.neg(tf.sum(tf.mul(q, logProbs), -1)); // [...batch]
    if (ignoreIndex === undefined) return applyReduction(perPosition, reduction);
    const keep = tf.cast(tf.notEqual(target, ignoreIndex), 'float32'); // [...batch]
    perPosition = tf.mul(perPosition, keep);
    if (reduction === 'mean') return tf.div(tf.sum(perPosition), tf.sum(keep));
    return applyReduction(perPosition, reduction);
  });
}
