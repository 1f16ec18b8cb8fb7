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

/**
 * groupNorm without validation (internal). One differentiable op with a hand-written gradient:
 * tfjs's autodiff of the naive form (5-D reshape, `moments`, broadcast sub/mul) takes ~25 kernels,
 * most of them 5-D broadcasts, which tfjs-backend-wasm runs far slower than same-shape ops. Here the
 * statistics are per-channel sums over [batch, H*W, C] folded into groups, the output is
 * `x * a + b` with per-(sample, channel) `a`, `b`, and the gradient is
 * dx = dy * gamma * rstd + xc * k + l, with xc = x - mean and per-(sample, group) k, l
 * (k = -rstd^3 sum(gamma dy xc) / n, l = -rstd sum(gamma dy) / n; n = H * W * channelsPerGroup).
 */
export function groupNormUnchecked(params: GroupNormParams, x: tf.Tensor4D, numGroups: number, eps: number): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const perGroup = channels / numGroups;
  const n = height * width * perGroup;
  // [batch, groups] -> [batch, 1, channels], each group's value repeated over its channels.
  const toChannels = (g: tf.Tensor) => tf.reshape(tf.tile(tf.reshape(g, [batch, numGroups, 1]), [1, 1, perGroup]), [batch, 1, channels]);
  // [batch, 1, channels] -> [batch, groups] (sum over each group's channels).
  const toGroups = (c: tf.Tensor) => tf.sum(tf.reshape(c, [batch, numGroups, perGroup]), 2);
  const hasWeight = params.weight !== undefined;
  const hasBias = params.bias !== undefined;
  const inputs: tf.Tensor[] = [x];
  if (hasWeight) inputs.push(params.weight as tf.Tensor1D);
  if (hasBias) inputs.push(params.bias as tf.Tensor1D);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const xx = args[0] as tf.Tensor4D;
    const gamma = hasWeight ? (args[1] as tf.Tensor1D) : undefined;
    const beta = hasBias ? (args[hasWeight ? 2 : 1] as tf.Tensor1D) : undefined;
    const x3 = tf.reshape(xx, [batch, height * width, channels]); // [batch, positions, channels]
    const mean = tf.div(toGroups(tf.sum(x3, 1, true)), n); // [batch, groups]
    const centered = tf.sub(x3, toChannels(mean)); // [batch, positions, channels]
    const variance = tf.div(toGroups(tf.sum(tf.square(centered), 1, true)), n); // [batch, groups]
    const rstd = tf.rsqrt(tf.add(variance, eps)); // [batch, groups]
    const rstdC = toChannels(rstd); // [batch, 1, channels]
    const scale = gamma === undefined ? rstdC : tf.mul(rstdC, gamma); // [batch, 1, channels]
    let y: tf.Tensor = tf.mul(centered, scale);
    if (beta !== undefined) y = tf.add(y, beta);
    save([centered, rstd, ...(gamma === undefined ? [] : [gamma])]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xc, r, g] = saved as [tf.Tensor3D, tf.Tensor2D, tf.Tensor1D | undefined];
      const dy3 = tf.reshape(dy, [batch, height * width, channels]); // [batch, positions, channels]
      const sumDy = tf.sum(dy3, 1, true); // [batch, 1, channels]
      const sumDyXc = tf.sum(tf.mul(dy3, xc), 1, true); // [batch, 1, channels]
      const rC = toChannels(r); // [batch, 1, channels]
      const m1 = toGroups(g === undefined ? sumDy : tf.mul(sumDy, g)); // [batch, groups]: sum(gamma dy)
      const m2 = toGroups(g === undefined ? sumDyXc : tf.mul(sumDyXc, g)); // [batch, groups]: sum(gamma dy xc)
      const k = toChannels(tf.div(tf.mul(tf.neg(tf.pow(r, 3)), m2), n)); // [batch, 1, channels]
      const l = toChannels(tf.div(tf.mul(tf.neg(r), m1), n)); // [batch, 1, channels]
      const dx = tf.add(tf.add(tf.mul(dy3, g === undefined ? rC : tf.mul(rC, g)), tf.mul(xc, k)), l);
      const grads: tf.Tensor[] = [tf.reshape(dx, [batch, height, width, channels])];
      if (g !== undefined) grads.push(tf.reshape(tf.sum(tf.mul(sumDyXc, rC), [0, 1]), [channels])); // sum(dy * xhat)
      if (hasBias) grads.push(tf.reshape(tf.sum(sumDy, [0, 1]), [channels]));
      return grads;
    };
    return { value: tf.reshape(y, [batch, height, width, channels]) as tf.Tensor4D, gradFunc };
  });
  return op(...inputs) as tf.Tensor4D;
}
