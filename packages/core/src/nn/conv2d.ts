// 2-D convolution, NHWC, kernel [kh, kw, in, out] (tfjs/Keras layout).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { type Seed, split, toKey } from '../random/key.js';
import { checkFloatTensor } from '../validate.js';
import { type Activation, applyResolved, fusedActivation, resolveActivation } from './activations.js';
import { checkParam, checkPositiveInt, checkRankedParam, pair } from './check.js';
import { type ConvPadding, conv2dCore, dilateKernel, toTfPad } from './conv-core.js';
import { type Initializer, checkInitializer, glorotUniform, zeros } from './init.js';

/**
 * Parameters of `conv2d`. `weight` is `[kernelHeight, kernelWidth, inChannels, outChannels]`
 * (tfjs/Keras layout; PyTorch's `Conv2d.weight [out, in, kh, kw]` is this permuted by
 * `(3, 2, 0, 1)`, i.e. ours = torch.permute(2, 3, 1, 0)). `bias` is `[outChannels]`, absent when
 * the layer has none.
 */
export type Conv2dParams = {
  readonly weight: tf.Tensor4D;
  readonly bias?: tf.Tensor1D;
};

/** Configuration of `initConv2d`. */
export interface Conv2dConfig {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Kernel size, `k` or `[kh, kw]`. */
  readonly kernelSize: number | readonly [number, number];
  /** Whether the layer has a bias. Default true. */
  readonly bias?: boolean;
  /** Kernel initialiser (fans: in*kh*kw, out*kh*kw). Default `glorotUniform`. */
  readonly init?: Initializer;
  /** Bias initialiser. Default `zeros`. */
  readonly biasInit?: Initializer;
}

/** Options of `conv2d`. */
export interface Conv2dOptions {
  /** Stride, `s` or `[sh, sw]`. Default 1. */
  readonly stride?: number | readonly [number, number];
  /**
   * `'same'` (default; TF convention: output ceil(H / stride), extra padding at the bottom/right
   * when the total is odd), `'valid'` (no padding), or symmetric zero padding `p` / `[ph, pw]`
   * (PyTorch's `padding=p`).
   */
  readonly padding?: ConvPadding;
  /** Dilation, `d` or `[dh, dw]`. Default 1. */
  readonly dilation?: number | readonly [number, number];
  /** Activation after the bias. Default `'linear'`. */
  readonly activation?: Activation;
}

/**
 * Creates conv2d parameters: `weight [kh, kw, inChannels, outChannels]`, `bias [outChannels]`.
 * Returns new tensors owned by the caller.
 *
 * @example
 * const params = initConv2d(prngKey(0), { inChannels: 3, outChannels: 64, kernelSize: 3, init: heNormal });
 */
export function initConv2d(key: Seed, config: Conv2dConfig): Conv2dParams {
  const fn = 'initConv2d';
  const k = toKey(key, fn, 'key');
  const { inChannels, outChannels, bias = true, init = glorotUniform, biasInit = zeros } = config ?? ({} as Conv2dConfig);
  checkPositiveInt(fn, 'inChannels', inChannels);
  checkPositiveInt(fn, 'outChannels', outChannels);
  const [kh, kw] = pair(fn, 'kernelSize', config.kernelSize);
  checkInitializer(fn, 'init', init);
  checkInitializer(fn, 'biasInit', biasInit);
  const [weightKey, biasKey] = split(k);
  const weight = init(weightKey, [kh, kw, inChannels, outChannels]) as tf.Tensor4D;
  if (!bias) return { weight };
  return { weight, bias: biasInit(biasKey, [outChannels]) as tf.Tensor1D };
}

/** Validates a ConvPadding option (internal). */
export function checkPadding(fn: string, padding: unknown): ConvPadding {
  if (padding === 'same' || padding === 'valid') return padding;
  if (typeof padding === 'number' && Number.isInteger(padding) && padding >= 0) return padding;
  if (Array.isArray(padding) && padding.length === 2 && padding.every((p) => Number.isInteger(p) && p >= 0)) {
    return [padding[0], padding[1]];
  }
  throw new InvalidArgumentError(
    `Argument 'padding' passed to '${fn}' must be 'same', 'valid', a non-negative integer or a pair of them, but got ${describeValue(padding)}.`,
  );
}

/** Validates conv params and NHWC input; returns [kh, kw, in, out] (internal). */
export function checkConv(fn: string, params: Conv2dParams, x: tf.Tensor, path = 'params'): [number, number, number, number] {
  checkRankedParam(fn, `${path}.weight`, params?.weight, 4, '[kernelHeight, kernelWidth, inChannels, outChannels]');
  const [kh, kw, cin, cout] = params.weight.shape;
  if (params.bias !== undefined) checkParam(fn, `${path}.bias`, params.bias, [cout]);
  checkFloatTensor(fn, 'x', x);
  if (x.rank !== 4 || x.shape[3] !== cin) {
    throw new ShapeError(
      `Argument 'x' passed to '${fn}' must have shape [batch, height, width, ${cin}], but got ${describeValue([...x.shape])}.`,
    );
  }
  return [kh, kw, cin, cout];
}

/**
 * 2-D convolution of `x [batch, height, width, inChannels]` (NHWC), giving
 * `[batch, outHeight, outWidth, outChannels]`. Bias and relu/leakyRelu/sigmoid are fused into
 * `tf.fused.conv2d`; other activations follow it. Dilation is applied by spreading the kernel
 * (tfjs has no gradient for dilated convolutions), so any stride and dilation combine. Gradients
 * work on every backend (on wasm, which lacks Conv2DBackpropFilter, through a conv-only path).
 * Returns a new tensor owned by the caller.
 *
 * @example
 * const y = conv2d(params, x, { stride: 2, padding: 'same', activation: 'silu' }); // [b, 28, 28, 3] -> [b, 14, 14, 64]
 */
export function conv2d(params: Conv2dParams, x: tf.Tensor, options: Conv2dOptions = {}): tf.Tensor4D {
  const fn = 'conv2d';
  const [kh, kw] = checkConv(fn, params, x);
  const strides = pair(fn, 'stride', options.stride ?? 1);
  const dilation = pair(fn, 'dilation', options.dilation ?? 1);
  const padding = checkPadding(fn, options.padding ?? 'same');
  const act = resolveActivation(options.activation ?? 'linear', fn);
  const effH = (kh - 1) * dilation[0] + 1;
  const effW = (kw - 1) * dilation[1] + 1;
  const [ph, pw]: readonly [number, number] = typeof padding === 'number' ? [padding, padding] : typeof padding === 'string' ? [0, 0] : padding;
  if (padding !== 'same' && ((x.shape as number[])[1] + 2 * ph < effH || (x.shape as number[])[2] + 2 * pw < effW)) {
    throw new ShapeError(
      `Argument 'x' passed to '${fn}' must be at least as large as the (dilated) kernel ${describeValue([effH, effW])} after padding, but got ${describeValue([...x.shape])}.`,
    );
  }
  return tf.tidy(() => conv2dUnchecked(params, x as tf.Tensor4D, strides, padding, dilation, act));
}

/** conv2d without validation (internal). */
export function conv2dUnchecked(
  params: Conv2dParams,
  x: tf.Tensor4D,
  strides: [number, number],
  padding: ConvPadding,
  dilation: [number, number],
  act: ReturnType<typeof resolveActivation>,
): tf.Tensor4D {
  const fused = fusedActivation(act);
  const w = dilateKernel(params.weight, dilation);
  const y = conv2dCore(x, w, params.bias, strides, toTfPad(padding), fused ?? 'linear', act.alpha);
  return fused === undefined ? applyResolved(y, act) : y;
}
