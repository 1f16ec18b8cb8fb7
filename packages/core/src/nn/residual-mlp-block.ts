// Pre-layer-norm residual MLP block, x + W2 act(W1 LN(x)): the feed-forward half of a
// pre-LN Transformer layer (Xiong et al. 2020, "On Layer Normalization in the Transformer
// Architecture").
import * as tf from '@tensorflow/tfjs-core';
import { type Seed, split, toKey } from '../random/key.js';
import { checkNumber } from '../validate.js';
import { type Activation, resolveActivation } from './activations.js';
import { checkFeatures, checkPositiveInt } from './check.js';
import { type Initializer, checkInitializer } from './init.js';
import { type LayerNormParams, checkLayerNorm, initLayerNorm, layerNormUnchecked } from './layer-norm.js';
import { type LinearParams, checkLinear, initLinear, linearUnchecked } from './linear.js';

/** Parameters of `residualMlpBlock`: `norm` (dim), `fc1` `[dim, hiddenDim]`, `fc2` `[hiddenDim, dim]`. */
export type ResidualMlpBlockParams = {
  readonly norm: LayerNormParams;
  readonly fc1: LinearParams;
  readonly fc2: LinearParams;
};

/** Configuration of `initResidualMlpBlock`. */
export interface ResidualMlpBlockConfig {
  readonly dim: number;
  /** Hidden width. Default 4 * dim (Transformer). */
  readonly hiddenDim?: number;
  /** Whether the linear layers have biases. Default true. */
  readonly bias?: boolean;
  /** Weight initialiser. Default `glorotUniform`. */
  readonly init?: Initializer;
}

/** Options of `residualMlpBlock`. */
export interface ResidualMlpBlockOptions {
  /** Hidden activation. Default `'gelu'`. */
  readonly activation?: Activation;
  /** Layer-norm epsilon. Default 1e-5. */
  readonly eps?: number;
}

/**
 * Creates a residual MLP block. Returns new tensors owned by the caller.
 *
 * @example
 * const params = initResidualMlpBlock(prngKey(0), { dim: 64 }); // hidden 256
 */
export function initResidualMlpBlock(key: Seed, config: ResidualMlpBlockConfig): ResidualMlpBlockParams {
  const fn = 'initResidualMlpBlock';
  const k = toKey(key, fn, 'key');
  const { dim, bias = true, init } = config ?? ({} as ResidualMlpBlockConfig);
  checkPositiveInt(fn, 'dim', dim);
  const hiddenDim = config.hiddenDim ?? 4 * dim;
  checkPositiveInt(fn, 'hiddenDim', hiddenDim);
  checkInitializer(fn, 'init', init);
  const [k1, k2] = split(k);
  return {
    norm: initLayerNorm({ dim }),
    fc1: initLinear(k1, { inFeatures: dim, outFeatures: hiddenDim, bias, init }),
    fc2: initLinear(k2, { inFeatures: hiddenDim, outFeatures: dim, bias, init }),
  };
}

/**
 * `x + fc2(activation(fc1(layerNorm(x))))` for `x [..., dim]`, giving `[..., dim]`.
 * Returns a new tensor owned by the caller.
 *
 * @example
 * const y = residualMlpBlock(params, x, { activation: 'gelu' }); // [batch, time, 64]
 */
export function residualMlpBlock(params: ResidualMlpBlockParams, x: tf.Tensor, options: ResidualMlpBlockOptions = {}): tf.Tensor {
  const fn = 'residualMlpBlock';
  const dim = checkLinear(fn, 'params.fc1', params?.fc1);
  const hidden = params.fc1.weight.shape[1];
  checkLinear(fn, 'params.fc2', params.fc2, hidden, dim);
  checkLayerNorm(fn, 'params.norm', params.norm ?? {}, dim);
  checkFeatures(fn, 'x', x, dim);
  const act = resolveActivation(options.activation ?? 'gelu', fn);
  const eps = options.eps ?? 1e-5;
  checkNumber(fn, 'eps', eps, { min: 0 });
  return tf.tidy(() => {
    const h = linearUnchecked(params.fc1, layerNormUnchecked(params.norm ?? {}, x, eps), act.name === 'linear' ? undefined : act); // [..., hidden]
    return tf.add(x, linearUnchecked(params.fc2, h)); // [..., dim]
  });
}
