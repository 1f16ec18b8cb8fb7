// Group normalisation, NHWC. Wu & He (2018), "Group Normalization".
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { checkFloatTensor, checkNumber } from '../validate.js';
import { checkParam, checkPositiveInt } from './check.js';

/** Parameters of `groupNorm`: per-channel `weight` (gain) and `bias`, `[channels]`; absent when not affine. */
export type GroupNormParams = {
  readonly weight?: tf.Tensor1D;
  readonly bias?: tf.Tensor1D;
};

/** Configuration of `initGroupNorm`. */
export interface GroupNormConfig {
  readonly numChannels: number;
  /** Whether to learn a per-channel gain and bias. Default true. */
  readonly affine?: boolean;
}

/** Options of `groupNorm`. */
export interface GroupNormOptions {
  /** Number of groups; must divide the channels. Channels are grouped contiguously, as PyTorch. */
  readonly numGroups: number;
  /** Added to the variance. Default 1e-5 (PyTorch's). */
  readonly eps?: number;
}

/**
 * Creates group-norm parameters: `weight` ones and `bias` zeros, `[numChannels]` (or `{}` when
 * `affine: false`). Returns new tensors owned by the caller.
 *
 * @example
 * const params = initGroupNorm({ numChannels: 64 });
 */
export function initGroupNorm(config: GroupNormConfig): GroupNormParams {
  checkPositiveInt('initGroupNorm', 'numChannels', config?.numChannels);
  if (config.affine === false) return {};
  return { weight: tf.ones([config.numChannels]), bias: tf.zeros([config.numChannels]) };
}

/** Validates group-norm params, input and groups (internal). */
export function checkGroupNorm(fn: string, path: string, params: GroupNormParams, x: tf.Tensor, numGroups: number, arg = 'x'): void {
  checkFloatTensor(fn, arg, x);
  const channels = params?.weight?.shape[0] ?? params?.bias?.shape[0] ?? 'channels';
  if (x.rank !== 4 || (typeof channels === 'number' && x.shape[3] !== channels)) {
    throw new ShapeError(
      `Argument '${arg}' passed to '${fn}' must have shape [batch, height, width, ${channels}], but got ${describeValue([...x.shape])}.`,
    );
  }
  const c = (x.shape as number[])[3];
  if (params?.weight !== undefined) checkParam(fn, `${path}.weight`, params.weight, [c]);
  if (params?.bias !== undefined) checkParam(fn, `${path}.bias`, params.bias, [c]);
  checkPositiveInt(fn, 'numGroups', numGroups);
  if (c % numGroups !== 0) {
    throw new InvalidArgumentError(
      `Argument 'numGroups' passed to '${fn}' must divide the number of channels ${c}, but got ${numGroups}.`,
    );
  }
}

/**
 * Normalises `x [batch, height, width, channels]` (NHWC) per sample and per group of
 * `channels / numGroups` contiguous channels (over height, width and the group's channels),
 * then applies the per-channel `weight` and `bias`. Returns a new tensor owned by the caller.
 *
 * @example
 * const y = groupNorm(params, x, { numGroups: 32 }); // [b, 16, 16, 64] -> same
 */
export function groupNorm(params: GroupNormParams, x: tf.Tensor, options: GroupNormOptions): tf.Tensor4D {
  const fn = 'groupNorm';
  const eps = options?.eps ?? 1e-5;
  checkNumber(fn, 'eps', eps, { min: 0 });
  checkGroupNorm(fn, 'params', params, x, options?.numGroups);
  return tf.tidy(() => groupNormUnchecked(params, x as tf.Tensor4D, options.numGroups, eps));
}

/** groupNorm without validation (internal). */
export function groupNormUnchecked(params: GroupNormParams, x: tf.Tensor4D, numGroups: number, eps: number): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const grouped = tf.reshape(x, [batch, height, width, numGroups, channels / numGroups]); // [batch, H, W, groups, channelsPerGroup]
  const { mean, variance } = tf.moments(grouped, [1, 2, 4], true); // [batch, 1, 1, groups, 1]
  const normed = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, eps)));
  let y: tf.Tensor = tf.reshape(normed, [batch, height, width, channels]); // [batch, H, W, channels]
  if (params.weight !== undefined) y = tf.mul(y, params.weight);
  if (params.bias !== undefined) y = tf.add(y, params.bias);
  return y as tf.Tensor4D;
}
