// Convolutional residual block of diffusion U-Nets (Ho et al. 2020, DDPM; after Wide ResNet):
// h = conv1(silu(gn1(x))) + proj(silu(temb)); out = skip(x) + conv2(dropout(silu(gn2(h)))).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { type Seed, split, toKey } from '../random/key.js';
import { checkFloatTensor, checkNumber } from '../validate.js';
import { resolveActivation, silu } from './activations.js';
import { checkParam, checkPositiveInt } from './check.js';
import { type Conv2dParams, checkConv, conv2dUnchecked, initConv2d } from './conv2d.js';
import { dropout } from './dropout.js';
import { type GroupNormParams, checkGroupNorm, groupNormUnchecked, initGroupNorm } from './group-norm.js';
import { type Initializer, checkInitializer, zeros } from './init.js';
import { type LinearParams, checkLinear, initLinear, linearUnchecked } from './linear.js';

/**
 * Parameters of `resBlock`: `norm1` (in), `conv1` `[3, 3, in, out]`, `time` `[timeEmbeddingDim, out]`
 * (only with a time embedding), `norm2` (out), `conv2` `[3, 3, out, out]`, and `skip`
 * `[1, 1, in, out]` (only when in != out; otherwise the skip is the identity).
 */
export type ResBlockParams = {
  readonly norm1: GroupNormParams;
  readonly conv1: Conv2dParams;
  readonly time?: LinearParams;
  readonly norm2: GroupNormParams;
  readonly conv2: Conv2dParams;
  readonly skip?: Conv2dParams;
};

/** Configuration of `initResBlock`. */
export interface ResBlockConfig {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Width of the time embedding injected after conv1; 0 or absent for none. */
  readonly timeEmbeddingDim?: number;
  /** Kernel initialiser of the convolutions. Default `glorotUniform`. */
  readonly init?: Initializer;
  /**
   * Zero-initialise conv2 so the block starts as its skip path (as DDPM/ADM do). Default false.
   * Note that then only conv2 (and skip) receive gradient on the first step.
   */
  readonly zeroInitOutput?: boolean;
}

/** Options of `resBlock`. */
export interface ResBlockOptions {
  /** Groups of both group norms; must divide in and out channels (DDPM: 32). */
  readonly numGroups: number;
  /** Group-norm epsilon. Default 1e-5. */
  readonly eps?: number;
  /** `[batch, timeEmbeddingDim]`, required when the params have a `time` projection. */
  readonly timeEmbedding?: tf.Tensor;
  /** Dropout rate before conv2 (used only when `training`). Default 0. */
  readonly dropoutRate?: number;
  /** Dropout key (required when training with dropoutRate > 0). */
  readonly key?: Seed;
  /** Training mode (dropout active). Default false. */
  readonly training?: boolean;
}

/**
 * Creates a diffusion U-Net residual block. Returns new tensors owned by the caller.
 *
 * @example
 * const params = initResBlock(prngKey(0), { inChannels: 64, outChannels: 128, timeEmbeddingDim: 256 });
 */
export function initResBlock(key: Seed, config: ResBlockConfig): ResBlockParams {
  const fn = 'initResBlock';
  const k = toKey(key, fn, 'key');
  const { inChannels, outChannels, timeEmbeddingDim = 0, init, zeroInitOutput = false } = config ?? ({} as ResBlockConfig);
  checkPositiveInt(fn, 'inChannels', inChannels);
  checkPositiveInt(fn, 'outChannels', outChannels);
  checkNumber(fn, 'timeEmbeddingDim', timeEmbeddingDim, { min: 0, integer: true });
  checkInitializer(fn, 'init', init);
  const [k1, k2, k3, k4] = split(k, 4);
  const params: Record<string, unknown> = {
    norm1: initGroupNorm({ numChannels: inChannels }),
    conv1: initConv2d(k1, { inChannels, outChannels, kernelSize: 3, init }),
    norm2: initGroupNorm({ numChannels: outChannels }),
    conv2: initConv2d(k2, { inChannels: outChannels, outChannels, kernelSize: 3, init: zeroInitOutput ? zeros : init }),
  };
  if (timeEmbeddingDim > 0) params.time = initLinear(k3, { inFeatures: timeEmbeddingDim, outFeatures: outChannels, init });
  if (inChannels !== outChannels) params.skip = initConv2d(k4, { inChannels, outChannels, kernelSize: 1, init });
  return params as ResBlockParams;
}

/**
 * Applies the residual block to `x [batch, height, width, inChannels]` (NHWC), giving
 * `[batch, height, width, outChannels]`; the time embedding `[batch, timeEmbeddingDim]` is passed
 * through SiLU and a linear layer and added to every pixel after conv1. Returns a new tensor
 * owned by the caller.
 *
 * @example
 * const temb = sinusoidalEmbedding(t, 256);
 * const h = resBlock(params, x, { numGroups: 32, timeEmbedding: temb });
 */
export function resBlock(params: ResBlockParams, x: tf.Tensor, options: ResBlockOptions): tf.Tensor4D {
  const fn = 'resBlock';
  const numGroups = options?.numGroups;
  const eps = options.eps ?? 1e-5;
  checkNumber(fn, 'eps', eps, { min: 0 });
  const [, , cin, cout] = checkConv(fn, params?.conv1, x, 'params.conv1');
  checkGroupNorm(fn, 'params.norm1', params.norm1 ?? {}, x, numGroups);
  const [, , c2in, c2out] = params.conv2?.weight?.shape ?? [];
  if (c2in !== cout || c2out !== cout) {
    throw new ShapeError(
      `Parameter 'params.conv2.weight' passed to '${fn}' must have shape [kernelHeight, kernelWidth, ${cout}, ${cout}], but got ${describeValue(params.conv2?.weight?.shape)}.`,
    );
  }
  if (params.norm2?.weight !== undefined) checkParam(fn, 'params.norm2.weight', params.norm2.weight, [cout]);
  if (params.norm2?.bias !== undefined) checkParam(fn, 'params.norm2.bias', params.norm2.bias, [cout]);
  if (params.skip !== undefined) {
    const [kh, kw, sin, sout] = params.skip.weight.shape;
    if (kh !== 1 || kw !== 1 || sin !== cin || sout !== cout) {
      throw new ShapeError(`Parameter 'params.skip.weight' passed to '${fn}' must have shape [1, 1, ${cin}, ${cout}], but got ${describeValue([...params.skip.weight.shape])}.`);
    }
  } else if (cin !== cout) {
    throw new ShapeError(`Parameter 'params.skip' passed to '${fn}' is required when in (${cin}) and out (${cout}) channels differ.`);
  }
  if (cout % numGroups !== 0) {
    throw new InvalidArgumentError(`Argument 'numGroups' passed to '${fn}' must divide the number of channels ${cout}, but got ${numGroups}.`);
  }
  const temb = options.timeEmbedding;
  if (params.time !== undefined) {
    const timeDim = checkLinear(fn, 'params.time', params.time, undefined, cout);
    if (temb === undefined) {
      throw new InvalidArgumentError(`Argument 'timeEmbedding' passed to '${fn}' is required because the params have a time projection.`);
    }
    checkFloatTensor(fn, 'timeEmbedding', temb);
    if (temb.rank !== 2 || temb.shape[0] !== x.shape[0] || temb.shape[1] !== timeDim) {
      throw new ShapeError(
        `Argument 'timeEmbedding' passed to '${fn}' must have shape [${x.shape[0]}, ${timeDim}], but got ${describeValue([...temb.shape])}.`,
      );
    }
  } else if (temb !== undefined) {
    throw new InvalidArgumentError(`Argument 'timeEmbedding' passed to '${fn}' was given, but the params have no time projection (initResBlock without timeEmbeddingDim).`);
  }
  const rate = options.dropoutRate ?? 0;
  const training = options.training ?? false;
  if (training && rate > 0 && options.key === undefined) {
    throw new InvalidArgumentError(`Argument 'key' passed to '${fn}' is required when training with dropoutRate > 0.`);
  }
  const linearAct = resolveActivation('linear');
  return tf.tidy(() => {
    const x4 = x as tf.Tensor4D;
    let h = silu(groupNormUnchecked(params.norm1, x4, numGroups, eps)); // [batch, H, W, in]
    h = conv2dUnchecked(params.conv1, h, [1, 1], 'same', [1, 1], linearAct); // [batch, H, W, out]
    if (params.time !== undefined && temb !== undefined) {
      const t = linearUnchecked(params.time, silu(temb)); // [batch, out]
      h = tf.add(h, tf.reshape(t, [t.shape[0], 1, 1, cout])); // [batch, H, W, out]
    }
    h = silu(groupNormUnchecked(params.norm2, h, numGroups, eps)); // [batch, H, W, out]
    if (training && rate > 0) h = dropout(h, rate, options.key as Seed, true);
    h = conv2dUnchecked(params.conv2, h, [1, 1], 'same', [1, 1], linearAct); // [batch, H, W, out]
    const skip = params.skip === undefined ? x4 : conv2dUnchecked(params.skip, x4, [1, 1], 'valid', [1, 1], linearAct);
    return tf.add(skip, h) as tf.Tensor4D;
  });
}
