// Regression losses as in torch.nn.functional (mse_loss, l1_loss, huber_loss); Huber (1964),
// "Robust Estimation of a Location Parameter", for the Huber loss.
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../validate.js';
import { type LossOptions, applyReduction, checkPair, resolveReduction } from './reduction.js';

/** Options of `huber`. */
export interface HuberOptions extends LossOptions {
  /** Where the loss changes from quadratic to linear; must be > 0. Default 1. */
  delta?: number;
}

/**
 * Mean squared error: reduce((prediction - target)^2).
 *
 * Shapes: `prediction` and `target` any shape, equal (no broadcasting). Returns a scalar, or
 * the elementwise losses (same shape) for reduction 'none'. The returned tensor belongs to the
 * caller.
 *
 * @example
 * const loss = mse(tf.tensor1d([1, 2]), tf.tensor1d([0, 0])); // 2.5
 */
export function mse(prediction: tf.Tensor, target: tf.Tensor, options: LossOptions = {}): tf.Tensor {
  const reduction = resolveReduction('mse', options.reduction);
  checkPair('mse', prediction, target);
  return tf.tidy(() => applyReduction(tf.squaredDifference(prediction, target), reduction));
}

/**
 * Mean absolute error: reduce(|prediction - target|).
 *
 * Shapes: `prediction` and `target` any shape, equal. Returns a scalar, or elementwise losses for
 * reduction 'none'. The returned tensor belongs to the caller.
 *
 * @example
 * const loss = l1(tf.tensor1d([1, -2]), tf.tensor1d([0, 0])); // 1.5
 */
export function l1(prediction: tf.Tensor, target: tf.Tensor, options: LossOptions = {}): tf.Tensor {
  const reduction = resolveReduction('l1', options.reduction);
  checkPair('l1', prediction, target);
  return tf.tidy(() => applyReduction(tf.abs(tf.sub(prediction, target)), reduction));
}

/**
 * Huber loss with threshold `delta` (torch.nn.functional.huber_loss): with d = prediction - target,
 * 0.5 d^2 where |d| <= delta and delta (|d| - delta / 2) elsewhere, computed as
 * 0.5 m^2 + delta (|d| - m) with m = min(|d|, delta).
 *
 * Shapes: `prediction` and `target` any shape, equal. Returns a scalar, or elementwise losses for
 * reduction 'none'. The returned tensor belongs to the caller.
 *
 * @example
 * const loss = huber(pred, target, { delta: 1 }); // scalar
 */
export function huber(prediction: tf.Tensor, target: tf.Tensor, options: HuberOptions = {}): tf.Tensor {
  const reduction = resolveReduction('huber', options.reduction);
  const delta = options.delta ?? 1;
  checkNumber('huber', 'delta', delta, { min: 0, minExclusive: true });
  checkPair('huber', prediction, target);
  return tf.tidy(() => {
    const absDiff = tf.abs(tf.sub(prediction, target));
    const quadratic = tf.minimum(absDiff, delta);
    const linear = tf.sub(absDiff, quadratic);
    const values = tf.add(tf.mul(tf.square(quadratic), 0.5), tf.mul(linear, delta));
    return applyReduction(values, reduction);
  });
}
