// Adam (Kingma & Ba 2015, arXiv:1412.6980) and AdamW (decoupled weight decay, Loshchilov & Hutter
// 2019, arXiv:1711.05101), with the update formulas and defaults of torch.optim.Adam / AdamW.
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_KERNEL, type AdamKernelAttrs } from '../backend/adam-kernel.js';
import type { ParamTree } from '../params.js';
import { checkNumber } from '../validate.js';
import { checkDecayRate, checkOptionKeys } from './check-options.js';
import { Optimizer, type UpdateInput, type UpdateOutput, type UpdateRule } from './optimizer.js';
import type { LearningRate } from './schedules.js';

/** Adam / AdamW hyperparameters. Defaults are PyTorch's. */
export interface AdamConfig {
  /** Learning rate or schedule. Default 1e-3. */
  lr?: LearningRate;
  /** Decay of the first-moment average (PyTorch `betas[0]`). Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average (PyTorch `betas[1]`). Default 0.999. */
  beta2?: number;
  /** Added to the bias-corrected RMS, outside the square root. Default 1e-8. */
  eps?: number;
  /**
   * Weight decay. For `adam`: L2, added to the gradient (`g + wd * p`), default 0. For `adamW`:
   * decoupled, `p *= 1 - lr * wd` before the Adam step, default 1e-2.
   */
  weightDecay?: number;
}

/** Adam's per-tensor hyperparameters, resolved. */
export interface AdamHyper {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** true: AdamW's decoupled decay; false: Adam's L2 term. */
  decoupled: boolean;
}

const KEYS = ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const;

/**
 * One Adam/AdamW update of one tensor (pure; returns new tensors that belong to the caller; call
 * inside `tf.tidy`). With `t = step + 1`, as torch.optim.Adam / AdamW:
 * ```
 * p  = decoupled ? p * (1 - lr * wd) : p;   g = decoupled ? g : g + wd * p
 * m  = beta1 * m + (1 - beta1) * g;          v = beta2 * v + (1 - beta2) * g * g
 * p  = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * ```
 * Slots: `expAvg` (m) and `expAvgSq` (v), same shape as the parameter. On backends where gen
 * registered the fused `GenAdamUpdate` kernel (wasm), this is one kernel call instead of ~15.
 *
 * @example
 * const out = tf.tidy(() => adamUpdate({ param, grad, slots: { expAvg, expAvgSq }, lr: 1e-3, step: 0 },
 *   { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false }));
 */
export function adamUpdate(input: UpdateInput, hyper: AdamHyper): UpdateOutput {
  const { lr, step } = input;
  const { beta1, beta2, eps, weightDecay, decoupled } = hyper;
  const fused = fusedAdamUpdate(input, hyper);
  if (fused) return fused;
  let param = input.param;
  let grad = input.grad;
  if (weightDecay !== 0) {
    if (decoupled) param = tf.mul(param, 1 - lr * weightDecay);
    else grad = tf.add(grad, tf.mul(param, weightDecay));
  }
  const t = step + 1;
  const expAvg = tf.add(tf.mul(input.slots.expAvg, beta1), tf.mul(grad, 1 - beta1));
  const expAvgSq = tf.add(tf.mul(input.slots.expAvgSq, beta2), tf.mul(tf.mul(grad, grad), 1 - beta2));
  const stepSize = lr / (1 - beta1 ** t);
  const denom = tf.add(tf.div(tf.sqrt(expAvgSq), Math.sqrt(1 - beta2 ** t)), eps);
  const next = tf.sub(param, tf.div(tf.mul(expAvg, stepSize), denom));
  return { param: next, slots: { expAvg, expAvgSq } };
}

/** The fused kernel's result, or undefined where it is not registered or the dtypes are not float32. */
function fusedAdamUpdate(input: UpdateInput, hyper: AdamHyper): UpdateOutput | undefined {
  const { param, grad, slots, lr, step } = input;
  const { expAvg, expAvgSq } = slots;
  const backend = tf.getBackend();
  if (backend == null || tf.getKernel(ADAM_KERNEL, backend) == null) return undefined;
  const shape = param.shape.join(',');
  if ([param, grad, expAvg, expAvgSq].some((t) => t.dtype !== 'float32' || t.shape.join(',') !== shape)) return undefined;
  const attrs: AdamKernelAttrs = { lr, step, ...hyper };
  const [next, m, v] = tf.engine().runKernel(ADAM_KERNEL, { param, grad, expAvg, expAvgSq }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { param: next, slots: { expAvg: m, expAvgSq: v } };
}

function makeAdam(fn: 'adam' | 'adamW', params: ParamTree<tf.Variable>, config: AdamConfig): Optimizer {
  checkOptionKeys(fn, 'config', config, KEYS);
  const decoupled = fn === 'adamW';
  const { lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = decoupled ? 1e-2 : 0 } = config;
  checkDecayRate(fn, 'beta1', beta1);
  checkDecayRate(fn, 'beta2', beta2);
  checkNumber(fn, 'eps', eps, { min: 0 });
  checkNumber(fn, 'weightDecay', weightDecay, { min: 0 });
  const hyper: AdamHyper = { beta1, beta2, eps, weightDecay, decoupled };
  const rule: UpdateRule = {
    config: { name: fn, lr: typeof lr === 'number' ? lr : 'schedule', beta1, beta2, eps, weightDecay },
    slotNames: ['expAvg', 'expAvgSq'],
    update: (input) => adamUpdate(input, hyper),
  };
  return new Optimizer(params, rule, lr, fn);
}

/**
 * Adam over a tree of trainable variables, as torch.optim.Adam (defaults lr 1e-3, betas
 * (0.9, 0.999), eps 1e-8, weight decay 0 as an L2 term on the gradient). No amsgrad.
 *
 * @example
 * const opt = adam({ dense: { weight: w, bias: b } }, { lr: 3e-4 });
 * opt.step({ dense: { weight: dw, bias: db } });
 */
export function adam(params: ParamTree<tf.Variable>, config: AdamConfig = {}): Optimizer {
  return makeAdam('adam', params, config);
}

/**
 * AdamW (decoupled weight decay), as torch.optim.AdamW: each step first shrinks every parameter by
 * `1 - lr * weightDecay`, then takes a plain Adam step. Defaults lr 1e-3, betas (0.9, 0.999),
 * eps 1e-8, weight decay 1e-2. tfjs has no AdamW.
 *
 * @example
 * const opt = adamW(params, { lr: 1e-3, weightDecay: 0.1 });
 */
export function adamW(params: ParamTree<tf.Variable>, config: AdamConfig = {}): Optimizer {
  return makeAdam('adamW', params, config);
}
