// Stochastic gradient descent with momentum (Polyak 1964) and Nesterov momentum (Sutskever et al.
// 2013), in the formulation of torch.optim.SGD.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import type { ParamTree } from '../params.js';
import { checkNumber } from '../validate.js';
import { checkOptionKeys } from './check-options.js';
import { Optimizer, type UpdateInput, type UpdateOutput, type UpdateRule } from './optimizer.js';
import type { LearningRate } from './schedules.js';

/** SGD hyperparameters. Defaults are PyTorch's (2.x; PyTorch 1.x had no default lr). */
export interface SgdConfig {
  /** Learning rate or schedule. Default 1e-3. */
  lr?: LearningRate;
  /** Momentum factor; 0 turns the momentum buffer off. Default 0. */
  momentum?: number;
  /** Dampening of new gradients in the momentum buffer. Default 0. */
  dampening?: number;
  /** L2 weight decay, added to the gradient (`g + wd * p`). Default 0. */
  weightDecay?: number;
  /** Nesterov momentum; needs momentum > 0 and dampening 0. Default false. */
  nesterov?: boolean;
}

/** SGD's per-tensor hyperparameters, resolved. */
export interface SgdHyper {
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

const KEYS = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov'] as const;

/**
 * One SGD update of one tensor (pure; new tensors belong to the caller; call inside `tf.tidy`),
 * as torch.optim.SGD:
 * ```
 * g = g + wd * p
 * b = step == 0 ? g : momentum * b + (1 - dampening) * g      (when momentum > 0)
 * g = nesterov ? g + momentum * b : b
 * p = p - lr * g
 * ```
 * Slot `momentumBuffer` (b) exists only when momentum > 0. The first update copies the gradient
 * into the buffer, as PyTorch does.
 *
 * @example
 * const out = tf.tidy(() => sgdUpdate({ param, grad, slots: {}, lr: 0.1, step: 0 },
 *   { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false }));
 */
export function sgdUpdate(input: UpdateInput, hyper: SgdHyper): UpdateOutput {
  const { param, lr, step } = input;
  const { momentum, dampening, weightDecay, nesterov } = hyper;
  let grad = input.grad;
  if (weightDecay !== 0) grad = tf.add(grad, tf.mul(param, weightDecay));
  const slots: Record<string, tf.Tensor> = {};
  if (momentum !== 0) {
    const buffer =
      step === 0
        ? tf.clone(grad)
        : tf.add(tf.mul(input.slots.momentumBuffer, momentum), tf.mul(grad, 1 - dampening));
    slots.momentumBuffer = buffer;
    grad = nesterov ? tf.add(grad, tf.mul(buffer, momentum)) : buffer;
  }
  return { param: tf.sub(param, tf.mul(grad, lr)), slots };
}

/**
 * SGD over a tree of trainable variables, as torch.optim.SGD (defaults lr 1e-3, momentum 0,
 * dampening 0, weight decay 0 as an L2 term, nesterov false).
 *
 * @example
 * const opt = sgd(params, { lr: 0.1, momentum: 0.9, nesterov: true });
 * opt.step(gradTree);
 */
export function sgd(params: ParamTree<tf.Variable>, config: SgdConfig = {}): Optimizer {
  const fn = 'sgd';
  checkOptionKeys(fn, 'config', config, KEYS);
  const { lr = 1e-3, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false } = config;
  checkNumber(fn, 'momentum', momentum, { min: 0 });
  checkNumber(fn, 'dampening', dampening, { min: 0, max: 1 });
  checkNumber(fn, 'weightDecay', weightDecay, { min: 0 });
  if (typeof nesterov !== 'boolean') {
    throw new InvalidArgumentError(`Argument 'nesterov' passed to 'sgd' must be a boolean, but got ${String(nesterov)}.`);
  }
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new InvalidArgumentError(
      `Argument 'nesterov' passed to 'sgd' must be false unless momentum > 0 and dampening is 0, but got momentum ${momentum} and dampening ${dampening}.`,
    );
  }
  const hyper: SgdHyper = { momentum, dampening, weightDecay, nesterov };
  const rule: UpdateRule = {
    config: { name: fn, lr: typeof lr === 'number' ? lr : 'schedule', momentum, dampening, weightDecay, nesterov },
    slotNames: momentum !== 0 ? ['momentumBuffer'] : [],
    update: (input) => sgdUpdate(input, hyper),
  };
  return new Optimizer(params, rule, lr, fn);
}
