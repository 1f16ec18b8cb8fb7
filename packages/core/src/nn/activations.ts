// Activation functions. GELU: Hendrycks & Gimpel (2016), "Gaussian Error Linear Units";
// SiLU/Swish: Elfwing et al. (2017), Ramachandran et al. (2017).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import { checkFloatTensor, checkNumber, checkOneOf } from '../validate.js';

/** Names accepted wherever an activation is configured. */
export const ACTIVATION_NAMES = [
  'linear',
  'relu',
  'leakyRelu',
  'gelu',
  'geluTanh',
  'silu',
  'tanh',
  'sigmoid',
] as const;

/**
 * An activation name. `'gelu'` is the exact form x * Phi(x) (PyTorch's default); `'geluTanh'` is
 * the tanh approximation (GPT-2, PyTorch `approximate='tanh'`); `'leakyRelu'` uses slope 0.01
 * (PyTorch's default) unless given as `{ name: 'leakyRelu', alpha }`; `'linear'` is the identity.
 */
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** An activation: a name, or leaky ReLU with its slope. JSON-serialisable. */
export type Activation = ActivationName | { readonly name: 'leakyRelu'; readonly alpha: number };

/** Default negative slope of `'leakyRelu'` (PyTorch's). */
export const DEFAULT_LEAKY_RELU_ALPHA = 0.01;

/**
 * ReLU, max(x, 0). Returns a new tensor owned by the caller.
 *
 * @example
 * relu(tf.tensor1d([-1, 2])); // [0, 2]
 */
export function relu<T extends tf.Tensor>(x: T): T {
  checkFloatTensor('relu', 'x', x);
  return tf.relu(x);
}

/**
 * Leaky ReLU, x for x > 0 and alpha * x otherwise. Returns a new tensor owned by the caller.
 *
 * @example
 * leakyRelu(tf.tensor1d([-1, 2]), 0.2); // [-0.2, 2]
 */
export function leakyRelu<T extends tf.Tensor>(x: T, alpha = DEFAULT_LEAKY_RELU_ALPHA): T {
  checkFloatTensor('leakyRelu', 'x', x);
  checkNumber('leakyRelu', 'alpha', alpha);
  return tf.leakyRelu(x, alpha);
}

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * GELU. `approximate: 'none'` (default) is the exact 0.5 x (1 + erf(x / sqrt 2)) = x Phi(x), as
 * `torch.nn.functional.gelu`; `approximate: 'tanh'` is
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as GPT-2 and `gelu(..., approximate='tanh')`.
 * The two differ by up to ~3e-4 (near |x| = 2). Returns a new tensor owned by the caller.
 *
 * @example
 * gelu(x);          // exact
 * gelu(x, 'tanh');  // tanh approximation
 */
export function gelu<T extends tf.Tensor>(x: T, approximate: 'none' | 'tanh' = 'none'): T {
  checkFloatTensor('gelu', 'x', x);
  checkOneOf('gelu', 'approximate', approximate, ['none', 'tanh'] as const);
  return tf.tidy(() => {
    if (approximate === 'tanh') {
      const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), SQRT_2_OVER_PI);
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
    }
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT_HALF)), 1));
  }) as T;
}

/**
 * SiLU (swish), x * sigmoid(x). Returns a new tensor owned by the caller.
 *
 * @example
 * silu(tf.tensor1d([0, 1])); // [0, 0.7311]
 */
export function silu<T extends tf.Tensor>(x: T): T {
  checkFloatTensor('silu', 'x', x);
  return tf.tidy(() => tf.mul(x, tf.sigmoid(x))) as T;
}

/**
 * Hyperbolic tangent. Returns a new tensor owned by the caller.
 *
 * @example
 * tanh(tf.tensor1d([0])); // [0]
 */
export function tanh<T extends tf.Tensor>(x: T): T {
  checkFloatTensor('tanh', 'x', x);
  return tf.tanh(x);
}

/**
 * Logistic sigmoid, 1 / (1 + exp(-x)). Returns a new tensor owned by the caller.
 *
 * @example
 * sigmoid(tf.tensor1d([0])); // [0.5]
 */
export function sigmoid<T extends tf.Tensor>(x: T): T {
  checkFloatTensor('sigmoid', 'x', x);
  return tf.sigmoid(x);
}

/** A validated activation: its name and, for leaky ReLU, its slope. */
export interface ResolvedActivation {
  readonly name: ActivationName;
  readonly alpha: number;
}

/**
 * Validates an activation option (a name or `{ name: 'leakyRelu', alpha }`), throwing
 * `InvalidArgumentError` that lists the allowed names.
 *
 * @example
 * resolveActivation('gelu', 'mlp', 'activation'); // { name: 'gelu', alpha: 0.01 }
 */
export function resolveActivation(activation: unknown, fn = 'resolveActivation', arg = 'activation'): ResolvedActivation {
  if (typeof activation === 'object' && activation !== null) {
    const spec = activation as { name?: unknown; alpha?: unknown };
    if (spec.name !== 'leakyRelu') {
      throw new InvalidArgumentError(
        `Argument '${arg}' passed to '${fn}' must be one of ${ACTIVATION_NAMES.map((a) => `'${a}'`).join(', ')} or { name: 'leakyRelu', alpha }, but got ${describeValue(activation)}.`,
      );
    }
    checkNumber(fn, `${arg}.alpha`, spec.alpha);
    return { name: 'leakyRelu', alpha: spec.alpha };
  }
  checkOneOf(fn, arg, activation, ACTIVATION_NAMES);
  return { name: activation, alpha: DEFAULT_LEAKY_RELU_ALPHA };
}

/**
 * Applies an activation given by name (or `{ name: 'leakyRelu', alpha }`). Unknown names throw
 * `InvalidArgumentError` listing the allowed ones. Returns a new tensor owned by the caller
 * (a copy for `'linear'`).
 *
 * @example
 * const h = activate(tf.tensor1d([-1, 1]), 'silu');
 */
export function activate<T extends tf.Tensor>(x: T, activation: Activation): T {
  checkFloatTensor('activate', 'x', x);
  return applyResolved(x, resolveActivation(activation, 'activate'));
}

/** Applies a resolved activation (internal: no validation). */
export function applyResolved<T extends tf.Tensor>(x: T, act: ResolvedActivation): T {
  switch (act.name) {
    case 'linear':
      return tf.clone(x);
    case 'relu':
      return tf.relu(x);
    case 'leakyRelu':
      return tf.leakyRelu(x, act.alpha);
    case 'gelu':
      return gelu(x);
    case 'geluTanh':
      return gelu(x, 'tanh');
    case 'silu':
      return silu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
  }
}

/** tfjs fused-kernel activation for `act`, or undefined when it must be applied separately (internal). */
export function fusedActivation(act: ResolvedActivation): 'linear' | 'relu' | 'leakyrelu' | 'sigmoid' | undefined {
  switch (act.name) {
    case 'linear':
      return 'linear';
    case 'relu':
      return 'relu';
    case 'leakyRelu':
      return 'leakyrelu';
    case 'sigmoid':
      return 'sigmoid';
    default:
      return undefined;
  }
}
