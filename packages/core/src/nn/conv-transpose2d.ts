// Transposed 2-D convolution (the adjoint of conv2d; Dumoulin & Visin 2016) and the
// nearest-neighbour-upsample + conv alternative (Odena et al. 2016, "Deconvolution and
// Checkerboard Artifacts").
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { type Seed, split, toKey } from '../random/key.js';
import { checkFloatTensor } from '../validate.js';
import { type Activation, applyResolved, resolveActivation } from './activations.js';
import { checkParam, checkPositiveInt, checkRankedParam, pair } from './check.js';
import { type ConvPadding, conv2dTransposeCore, toTfPad } from './conv-core.js';
import { type Conv2dParams, checkConv, checkPadding, conv2dUnchecked } from './conv2d.js';
import { type Initializer, checkInitializer, glorotUniform, zeros } from './init.js';

/**
 * Parameters of `convTranspose2d`. `weight` is `[kernelHeight, kernelWidth, outChannels,
 * inChannels]`, the layout of `tf.conv2dTranspose` (the kernel of the conv2d it is the adjoint
 * of). PyTorch's `ConvTranspose2d.weight [in, out, kh, kw]` maps to it by `permute(2, 3, 1, 0)`.
 * `bias` is `[outChannels]`.
 */
export type ConvTranspose2dParams = {
  readonly weight: tf.Tensor4D;
  readonly bias?: tf.Tensor1D;
};

/** Configuration of `initConvTranspose2d`. */
export interface ConvTranspose2dConfig {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Kernel size, `k` or `[kh, kw]`. */
  readonly kernelSize: number | readonly [number, number];
  /** Whether the layer has a bias. Default true. */
  readonly bias?: boolean;
  /** Kernel initialiser (fans as Keras/PyTorch: fanIn = out*kh*kw, fanOut = in*kh*kw). Default `glorotUniform`. */
  readonly init?: Initializer;
  /** Bias initialiser. Default `zeros`. */
  readonly biasInit?: Initializer;
}

/** Options of `convTranspose2d`. */
export interface ConvTranspose2dOptions {
  /** Stride (the upsampling factor), `s` or `[sh, sw]`. Default 1. */
  readonly stride?: number | readonly [number, number];
  /**
   * Output size per spatial axis, for input size H, kernel k, stride s:
   * - `'same'` (default): H * s (TF convention);
   * - `'valid'`: (H - 1) * s + k + outputPadding;
   * - `p` or `[ph, pw]`: (H - 1) * s - 2p + k + outputPadding (PyTorch's `padding=p`; k=4, s=2,
   *   p=1 doubles the size, as in DCGAN).
   */
  readonly padding?: ConvPadding;
  /** Extra rows/columns at the bottom/right (PyTorch `output_padding`), < stride. Not with 'same'. Default 0. */
  readonly outputPadding?: number | readonly [number, number];
  /** Activation after the bias. Default `'linear'`. */
  readonly activation?: Activation;
}

/**
 * Creates transposed-conv parameters: `weight [kh, kw, outChannels, inChannels]`,
 * `bias [outChannels]`. Returns new tensors owned by the caller.
 *
 * @example
 * const params = initConvTranspose2d(prngKey(0), { inChannels: 64, outChannels: 32, kernelSize: 4 });
 */
export function initConvTranspose2d(key: Seed, config: ConvTranspose2dConfig): ConvTranspose2dParams {
  const fn = 'initConvTranspose2d';
  const k = toKey(key, fn, 'key');
  const { inChannels, outChannels, bias = true, init = glorotUniform, biasInit = zeros } = config ?? ({} as ConvTranspose2dConfig);
  checkPositiveInt(fn, 'inChannels', inChannels);
  checkPositiveInt(fn, 'outChannels', outChannels);
  const [kh, kw] = pair(fn, 'kernelSize', config.kernelSize);
  checkInitializer(fn, 'init', init);
  checkInitializer(fn, 'biasInit', biasInit);
  const [weightKey, biasKey] = split(k);
  const weight = init(weightKey, [kh, kw, outChannels, inChannels]) as tf.Tensor4D;
  if (!bias) return { weight };
  return { weight, bias: biasInit(biasKey, [outChannels]) as tf.Tensor1D };
}

function outputPaddingPair(fn: string, value: unknown): [number, number] {
  const v = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new InvalidArgumentError(
      `Argument 'outputPadding' passed to '${fn}' must be a non-negative integer or a pair of them, but got ${describeValue(value)}.`,
    );
  }
  return [v[0], v[1]];
}

/**
 * Transposed convolution of `x [batch, height, width, inChannels]` (NHWC) via
 * `tf.conv2dTranspose`, giving `[batch, outHeight, outWidth, outChannels]` (sizes under
 * `padding`). Gradients work on every backend. Returns a new tensor owned by the caller.
 *
 * @example
 * const y = convTranspose2d(params, x, { stride: 2, padding: 1 }); // k=4: [b, 7, 7, 64] -> [b, 14, 14, 32]
 */
export function convTranspose2d(params: ConvTranspose2dParams, x: tf.Tensor, options: ConvTranspose2dOptions = {}): tf.Tensor4D {
  const fn = 'convTranspose2d';
  checkRankedParam(fn, 'params.weight', params?.weight, 4, '[kernelHeight, kernelWidth, outChannels, inChannels]');
  const [kh, kw, cout, cin] = params.weight.shape;
  if (params.bias !== undefined) checkParam(fn, 'params.bias', params.bias, [cout]);
  checkFloatTensor(fn, 'x', x);
  if (x.rank !== 4 || x.shape[3] !== cin) {
    throw new ShapeError(
      `Argument 'x' passed to '${fn}' must have shape [batch, height, width, ${cin}], but got ${describeValue([...x.shape])}.`,
    );
  }
  const [sh, sw] = pair(fn, 'stride', options.stride ?? 1);
  const padding = checkPadding(fn, options.padding ?? 'same');
  const [oph, opw] = outputPaddingPair(fn, options.outputPadding ?? 0);
  if (oph >= sh || opw >= sw || (padding === 'same' && (oph > 0 || opw > 0))) {
    throw new InvalidArgumentError(
      `Argument 'outputPadding' passed to '${fn}' must be smaller than the stride and 0 with padding 'same', but got ${describeValue([oph, opw])} (stride ${describeValue([sh, sw])}, padding ${describeValue(padding)}).`,
    );
  }
  const act = resolveActivation(options.activation ?? 'linear', fn);
  const [batch, height, width] = x.shape as number[];
  let outH: number;
  let outW: number;
  if (padding === 'same') {
    outH = height * sh;
    outW = width * sw;
  } else {
    const [ph, pw] = padding === 'valid' ? [0, 0] : typeof padding === 'number' ? [padding, padding] : padding;
    outH = (height - 1) * sh - 2 * ph + kh + oph;
    outW = (width - 1) * sw - 2 * pw + kw + opw;
  }
  if (outH < 1 || outW < 1) {
    throw new ShapeError(
      `Argument 'x' passed to '${fn}' gives an empty output ${describeValue([outH, outW])} for padding ${describeValue(padding)}; got ${describeValue([...x.shape])}.`,
    );
  }
  return tf.tidy(() => {
    const y = conv2dTransposeCore(x as tf.Tensor4D, params.weight, params.bias, [batch, outH, outW, cout], [sh, sw], toTfPad(padding));
    return act.name === 'linear' ? y : applyResolved(y, act);
  });
}

/** Options of `upsampleConv`. */
export interface UpsampleConvOptions {
  /** Integer upsampling factor, `s` or `[sh, sw]`. Default 2. */
  readonly scale?: number | readonly [number, number];
  /** Padding of the stride-1 conv after upsampling. Default `'same'`. */
  readonly padding?: ConvPadding;
  /** Activation after the bias. Default `'linear'`. */
  readonly activation?: Activation;
}

/**
 * Nearest-neighbour upsampling by `scale` followed by a stride-1 `conv2d` (params from
 * `initConv2d`, `weight [kh, kw, in, out]`): the checkerboard-free alternative to
 * `convTranspose2d`, as in diffusion U-Nets. `x [batch, H, W, in]` gives
 * `[batch, H*sh, W*sw, out]` with `'same'` padding. Returns a new tensor owned by the caller.
 *
 * @example
 * const up = upsampleConv(initConv2d(key, { inChannels: 64, outChannels: 64, kernelSize: 3 }), x); // [b, 8, 8, 64] -> [b, 16, 16, 64]
 */
export function upsampleConv(params: Conv2dParams, x: tf.Tensor, options: UpsampleConvOptions = {}): tf.Tensor4D {
  const fn = 'upsampleConv';
  checkConv(fn, params, x);
  const [sh, sw] = pair(fn, 'scale', options.scale ?? 2);
  const padding = checkPadding(fn, options.padding ?? 'same');
  const act = resolveActivation(options.activation ?? 'linear', fn);
  const [, height, width] = x.shape as number[];
  return tf.tidy(() => {
    const up = tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [height * sh, width * sw]); // [batch, H*sh, W*sw, in]
    return conv2dUnchecked(params, up, [1, 1], padding, [1, 1], act);
  });
}
