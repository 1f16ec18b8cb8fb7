// Fully connected layer, y = x W + b (W stored [inFeatures, outFeatures], Keras/tfjs layout).
import * as tf from '@tensorflow/tfjs-core';
import { type Seed, split, toKey } from '../random/key.js';
import { type Activation, type ResolvedActivation, applyResolved, fusedActivation, resolveActivation } from './activations.js';
import { checkFeatures, checkParam, checkPositiveInt, checkRankedParam } from './check.js';
import { type Initializer, checkInitializer, glorotUniform, zeros } from './init.js';

/**
 * Parameters of `linear`. `weight` is `[inFeatures, outFeatures]` (the transpose of PyTorch's
 * `nn.Linear.weight`), so the forward pass is a plain, untransposed matmul. `bias` is
 * `[outFeatures]`, absent when the layer has no bias.
 */
export type LinearParams = {
  readonly weight: tf.Tensor2D;
  readonly bias?: tf.Tensor1D;
};

/** Configuration of `initLinear`. */
export interface LinearConfig {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Whether the layer has a bias. Default true. */
  readonly bias?: boolean;
  /** Weight initialiser. Default `glorotUniform`. */
  readonly init?: Initializer;
  /** Bias initialiser. Default `zeros`. */
  readonly biasInit?: Initializer;
}

/**
 * Creates the parameters of a linear layer: `weight [inFeatures, outFeatures]` and (unless
 * `bias: false`) `bias [outFeatures]`. Returns new tensors owned by the caller (wrap with
 * `toVariables` to train; free with `disposeParams`).
 *
 * @example
 * const params = initLinear(prngKey(0), { inFeatures: 784, outFeatures: 400 });
 */
export function initLinear(key: Seed, config: LinearConfig): LinearParams {
  const fn = 'initLinear';
  const k = toKey(key, fn, 'key');
  const { inFeatures, outFeatures, bias = true, init = glorotUniform, biasInit = zeros } = config ?? ({} as LinearConfig);
  checkPositiveInt(fn, 'inFeatures', inFeatures);
  checkPositiveInt(fn, 'outFeatures', outFeatures);
  checkInitializer(fn, 'init', init);
  checkInitializer(fn, 'biasInit', biasInit);
  const [weightKey, biasKey] = split(k);
  const weight = init(weightKey, [inFeatures, outFeatures]) as tf.Tensor2D;
  if (!bias) return { weight };
  return { weight, bias: biasInit(biasKey, [outFeatures]) as tf.Tensor1D };
}

/**
 * Validates linear params (internal; used by blocks built on linear) and returns inFeatures.
 * With `inFeatures`/`outFeatures` given, the weight must have exactly that shape.
 */
export function checkLinear(
  fn: string,
  path: string,
  params: LinearParams,
  inFeatures?: number,
  outFeatures?: number,
): number {
  const weight = params?.weight;
  checkRankedParam(fn, `${path}.weight`, weight, 2, '[inFeatures, outFeatures]');
  const [rows, cols] = weight.shape;
  checkParam(fn, `${path}.weight`, weight, [inFeatures ?? rows, outFeatures ?? cols]);
  if (params.bias !== undefined) checkParam(fn, `${path}.bias`, params.bias, [cols]);
  return rows;
}

/**
 * Applies a linear layer, `activation(x W + b)`, to `x [..., inFeatures]` giving
 * `[..., outFeatures]`. Uses `tf.fused.matMul` (bias and, for relu/leakyRelu/sigmoid, the
 * activation fused into the kernel). Returns a new tensor owned by the caller.
 *
 * @example
 * const y = linear(params, x, 'relu'); // x [batch, 784] -> y [batch, 400]
 */
export function linear(params: LinearParams, x: tf.Tensor, activation: Activation = 'linear'): tf.Tensor {
  const fn = 'linear';
  const inFeatures = checkLinear(fn, 'params', params);
  checkFeatures(fn, 'x', x, inFeatures);
  const act = resolveActivation(activation, fn);
  return tf.tidy(() => linearUnchecked(params, x, act.name === 'linear' ? undefined : act));
}

/** `linear` without validation (internal; callers validated already). */
export function linearUnchecked(
  params: LinearParams,
  x: tf.Tensor,
  act?: ResolvedActivation,
): tf.Tensor {
  const [inFeatures, outFeatures] = params.weight.shape;
  const lead = x.shape.slice(0, -1);
  const x2 = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, inFeatures]) as tf.Tensor2D; // [rows, in]
  const fused = act === undefined ? 'linear' : fusedActivation(act);
  let y: tf.Tensor = tf.fused.matMul({
    a: x2,
    b: params.weight,
    bias: params.bias,
    activation: fused ?? 'linear',
    leakyreluAlpha: act?.alpha,
  }); // [rows, out]
  if (act !== undefined && fused === undefined) y = applyResolved(y, act);
  return x.rank === 2 ? y : tf.reshape(y, [...lead, outFeatures]); // [..., out]
}
