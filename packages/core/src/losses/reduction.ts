// Shared argument checks and reductions of the loss functions (torch.nn.functional's vocabulary).
import * as tf from '@tensorflow/tfjs-core';
import { checkFloatTensor, checkOneOf, checkShape } from '../validate.js';

/** How a loss combines its elementwise values: their mean, their sum, or no reduction. */
export type Reduction = 'mean' | 'sum' | 'none';

/** The allowed values of `Reduction`. */
export const REDUCTIONS: readonly Reduction[] = Object.freeze(['mean', 'sum', 'none'] as const);

/** Options every loss accepts. */
export interface LossOptions {
  /** 'mean' (default) averages over every element, 'sum' adds them, 'none' returns them. */
  reduction?: Reduction;
}

/** Validates `reduction` (default 'mean'); throws InvalidArgumentError listing the allowed values. */
export function resolveReduction(fn: string, reduction: unknown = 'mean'): Reduction {
  checkOneOf(fn, 'reduction', reduction, REDUCTIONS);
  return reduction;
}

/** Applies a reduction to elementwise losses. Call inside `tf.tidy`. */
export function applyReduction(values: tf.Tensor, reduction: Reduction): tf.Tensor {
  if (reduction === 'mean') return tf.mean(values);
  if (reduction === 'sum') return tf.sum(values);
  return values;
}

/**
 * Checks that `prediction` and `target` are float32 tensors of the same shape, naming them as the
 * caller does. Mismatched shapes throw ShapeError with the standard message.
 */
export function checkPair(
  fn: string,
  prediction: tf.Tensor,
  target: tf.Tensor,
  names: readonly [string, string] = ['prediction', 'target'],
): void {
  checkFloatTensor(fn, names[0], prediction);
  checkFloatTensor(fn, names[1], target);
  checkShape(fn, names[1], target.shape, prediction.shape);
}
