// Layer normalisation over the last axis. Ba, Kiros & Hinton (2016), "Layer Normalization".
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../validate.js';
import { checkFeatures, checkParam, checkPositiveInt } from './check.js';

/** Parameters of `layerNorm`: `weight` (gain) and `bias`, both `[dim]`; absent when not affine. */
export type LayerNormParams = {
  readonly weight?: tf.Tensor1D;
  readonly bias?: tf.Tensor1D;
};

/** Configuration of `initLayerNorm`. */
export interface LayerNormConfig {
  /** Size of the normalised (last) axis. */
  readonly dim: number;
  /** Whether to learn a per-feature gain and bias. Default true. */
  readonly affine?: boolean;
}

/** Options of `layerNorm`. */
export interface LayerNormOptions {
  /** Added to the variance. Default 1e-5 (PyTorch's). */
  readonly eps?: number;
}

/**
 * Creates layer-norm parameters: `weight` ones and `bias` zeros, `[dim]` (or `{}` when
 * `affine: false`). Deterministic, so no key. Returns new tensors owned by the caller.
 *
 * @example
 * const params = initLayerNorm({ dim: 64 });
 */
export function initLayerNorm(config: LayerNormConfig): LayerNormParams {
  const fn = 'initLayerNorm';
  checkPositiveInt(fn, 'dim', config?.dim);
  if (config.affine === false) return {};
  return { weight: tf.ones([config.dim]), bias: tf.zeros([config.dim]) };
}

/** Validates layer-norm params against the feature size (internal). */
export function checkLayerNorm(fn: string, path: string, params: LayerNormParams, dim: number): void {
  if (params?.weight !== undefined) checkParam(fn, `${path}.weight`, params.weight, [dim]);
  if (params?.bias !== undefined) checkParam(fn, `${path}.bias`, params.bias, [dim]);
}

/**
 * Normalises `x [..., dim]` over its last axis to zero mean and unit (biased) variance, then
 * applies `weight` and `bias` when present: (x - mean) / sqrt(var + eps) * weight + bias.
 * Returns a new tensor owned by the caller.
 *
 * @example
 * const y = layerNorm(params, x); // x [batch, time, 64] -> [batch, time, 64]
 */
export function layerNorm(params: LayerNormParams, x: tf.Tensor, options: LayerNormOptions = {}): tf.Tensor {
  const fn = 'layerNorm';
  const eps = options.eps ?? 1e-5;
  checkNumber(fn, 'eps', eps, { min: 0 });
  const dim = params?.weight?.shape[0] ?? params?.bias?.shape[0] ?? (x?.shape?.[x.rank - 1] as number);
  checkFeatures(fn, 'x', x, dim, 1);
  checkLayerNorm(fn, 'params', params, dim);
  return tf.tidy(() => layerNormUnchecked(params, x, eps));
}

/** layerNorm without validation (internal). */
export function layerNormUnchecked(params: LayerNormParams, x: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true); // [..., 1]
  let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
  if (params.weight !== undefined) y = tf.mul(y, params.weight);
  if (params.bias !== undefined) y = tf.add(y, params.bias);
  return y;
}
