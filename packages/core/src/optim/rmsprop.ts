// RMSprop (Hinton, Coursera lecture 6e, 2012; centered variant: Graves 2013, arXiv:1308.0850), in
// the formulation of torch.optim.RMSprop (eps added outside the square root, unlike tf.train).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import type { ParamTree } from '../params.js';
import { checkNumber } from '../validate.js';
import { checkDecayRate, checkOptionKeys } from './check-options.js';
import { Optimizer, type UpdateInput, type UpdateOutput, type UpdateRule } from './optimizer.js';
import type { LearningRate } from './schedules.js';

/** RMSprop hyperparameters. Defaults are PyTorch's. */
export interface RmspropConfig {
  /** Learning rate or schedule. Default 1e-2. */
  lr?: LearningRate;
  /** Decay of the mean square. Default 0.99. */
  alpha?: number;
  /** Added to the root mean square, outside the square root. Default 1e-8. */
  eps?: number;
  /** L2 weight decay, added to the gradient. Default 0. */
  weightDecay?: number;
  /** Momentum factor; 0 turns the buffer off. Default 0. */
  momentum?: number;
  /** Normalise by the centered second moment (an estimate of the variance). Default false. */
  centered?: boolean;
}

/** RMSprop's per-tensor hyperparameters, resolved. */
export interface RmspropHyper {
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
}

const KEYS = ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered'] as const;

/**
 * One RMSprop update of one tensor (pure; new tensors belong to the caller; call inside
 * `tf.tidy`), as torch.optim.RMSprop:
 * ```
 * g = g + wd * p
 * s = alpha * s + (1 - alpha) * g * g
 * a = centered ? (ga = alpha * ga + (1 - alpha) * g; sqrt(s - ga^2)) : sqrt(s);  a = a + eps
 * momentum > 0 ? (b = momentum * b + g / a; p = p - lr * b) : p = p - lr * g / a
 * ```
 * Slots: `squareAvg` (s), `gradAvg` (ga, centered only), `momentumBuffer` (b, momentum > 0 only).
 *
 * @example
 * const out = tf.tidy(() => rmspropUpdate({ param, grad, slots: { squareAvg }, lr: 1e-2, step: 0 },
 *   { alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }));
 */
export function rmspropUpdate(input: UpdateInput, hyper: RmspropHyper): UpdateOutput {
  const { param, lr } = input;
  const { alpha, eps, weightDecay, momentum, centered } = hyper;
  let grad = input.grad;
  if (weightDecay !== 0) grad = tf.add(grad, tf.mul(param, weightDecay));
  const slots: Record<string, tf.Tensor> = {};
  const squareAvg = tf.add(tf.mul(input.slots.squareAvg, alpha), tf.mul(tf.mul(grad, grad), 1 - alpha));
  slots.squareAvg = squareAvg;
  let avg: tf.Tensor;
  if (centered) {
    const gradAvg = tf.add(tf.mul(input.slots.gradAvg, alpha), tf.mul(grad, 1 - alpha));
    slots.gradAvg = gradAvg;
    avg = tf.sqrt(tf.sub(squareAvg, tf.mul(gradAvg, gradAvg)));
  } else {
    avg = tf.sqrt(squareAvg);
  }
  avg = tf.add(avg, eps);
  let next: tf.Tensor;
  if (momentum > 0) {
    const buffer = tf.add(tf.mul(input.slots.momentumBuffer, momentum), tf.div(grad, avg));
    slots.momentumBuffer = buffer;
    next = tf.sub(param, tf.mul(buffer, lr));
  } else {
    next = tf.sub(param, tf.div(tf.mul(grad, lr), avg));
  }
  return { param: next, slots };
}

/**
 * RMSprop over a tree of trainable variables, as torch.optim.RMSprop (defaults lr 1e-2,
 * alpha 0.99, eps 1e-8, weight decay 0, momentum 0, centered false).
 *
 * @example
 * const opt = rmsprop(params, { lr: 1e-3, centered: true, momentum: 0.9 });
 */
export function rmsprop(params: ParamTree<tf.Variable>, config: RmspropConfig = {}): Optimizer {
  const fn = 'rmsprop';
  checkOptionKeys(fn, 'config', config, KEYS);
  const { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false } = config;
  checkDecayRate(fn, 'alpha', alpha);
  checkNumber(fn, 'eps', eps, { min: 0 });
  checkNumber(fn, 'weightDecay', weightDecay, { min: 0 });
  checkNumber(fn, 'momentum', momentum, { min: 0 });
  if (typeof centered !== 'boolean') {
    throw new InvalidArgumentError(`Argument 'centered' passed to 'rmsprop' must be a boolean, but got ${String(centered)}.`);
  }
  const hyper: RmspropHyper = { alpha, eps, weightDecay, momentum, centered };
  const slotNames = ['squareAvg', ...(centered ? ['gradAvg'] : []), ...(momentum > 0 ? ['momentumBuffer'] : [])];
  const rule: UpdateRule = {
    config: { name: fn, lr: typeof lr === 'number' ? lr : 'schedule', alpha, eps, weightDecay, momentum, centered },
    slotNames,
    update: (input) => rmspropUpdate(input, hyper),
  };
  return new Optimizer(params, rule, lr, fn);
}
