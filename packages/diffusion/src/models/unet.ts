// A small diffusion U-Net (Ho et al. 2020, App. B; Dhariwal & Nichol 2021): residual blocks with
// group norm and a timestep (+ class) embedding, self-attention at the lowest resolution, skip
// connections by concatenation. NHWC layout. Class label `numClasses` is the null label (CFG).
import * as tf from '@tensorflow/tfjs-core';
import {
  DisposedError,
  InvalidArgumentError,
  ShapeError,
  checkFloatTensor,
  checkNumber,
  describeValue,
  disposeParams,
  conv2d,
  groupNorm,
  initConv2d,
  initEmbedding,
  initGroupNorm,
  initMlp,
  initMultiHeadAttention,
  initResBlock,
  mlp,
  multiHeadAttention,
  resBlock,
  silu,
  sinusoidalEmbedding,
  split,
  toVariables,
  upsampleConv,
  type Conv2dParams,
  type EmbeddingParams,
  type MlpParams,
  type MultiHeadAttentionParams,
  type ParamTree,
  type ResBlockParams,
  type Seed,
} from '@gen/core';
import type { Denoiser } from '../pipelines/denoiser.js';
import { classEmbedding } from './class-embedding.js';

/** Hyperparameters of the U-Net (frozen, JSON-serialisable). */
export interface UNetConfig {
  /** Image channels (1 for MNIST). */
  readonly inChannels: number;
  /** Height = width of the images; must be divisible by 2^(levels - 1). Default 28. */
  readonly imageSize?: number;
  /** Channels of the first level. Default 32. */
  readonly baseChannels?: number;
  /** Channel multiplier per level; each level after the first halves the resolution. Default [1, 2, 2] (28, 14, 7). */
  readonly channelMults?: readonly number[];
  /** Group-norm groups (must divide every channel count). Default 8. */
  readonly numGroups?: number;
  /** Attention heads at the lowest resolution. Default 4. */
  readonly numHeads?: number;
  /** Classes of a class-conditional model (+1 null label); 0 = unconditional. Default 0. */
  readonly numClasses?: number;
}

type Level = { readonly res: ResBlockParams; readonly down?: Conv2dParams };
type UpLevel = { readonly res: ResBlockParams; readonly up?: Conv2dParams };

/** Parameters of `unet`. */
export type UNetParams = {
  readonly time: MlpParams;
  readonly classes?: EmbeddingParams;
  readonly convIn: Conv2dParams;
  readonly down: { readonly [index: string]: Level };
  readonly mid1: ResBlockParams;
  readonly attnNorm: { readonly weight?: tf.Tensor1D; readonly bias?: tf.Tensor1D };
  readonly attn: MultiHeadAttentionParams;
  readonly mid2: ResBlockParams;
  readonly up: { readonly [index: string]: UpLevel };
  readonly outNorm: { readonly weight?: tf.Tensor1D; readonly bias?: tf.Tensor1D };
  readonly convOut: Conv2dParams;
};

function resolve(fn: string, config: UNetConfig): Required<UNetConfig> {
  if (config === null || typeof config !== 'object') throw new InvalidArgumentError(`Argument 'config' passed to '${fn}' must be an object, but got ${describeValue(config)}.`);
  const c = { imageSize: 28, baseChannels: 32, channelMults: [1, 2, 2], numGroups: 8, numHeads: 4, numClasses: 0, ...config };
  checkNumber(fn, 'inChannels', c.inChannels, { min: 1, integer: true });
  checkNumber(fn, 'baseChannels', c.baseChannels, { min: 1, integer: true });
  checkNumber(fn, 'numGroups', c.numGroups, { min: 1, integer: true });
  checkNumber(fn, 'numHeads', c.numHeads, { min: 1, integer: true });
  checkNumber(fn, 'numClasses', c.numClasses, { min: 0, integer: true });
  if (!Array.isArray(c.channelMults) || c.channelMults.length < 1 || !c.channelMults.every((m) => Number.isInteger(m) && m >= 1)) {
    throw new InvalidArgumentError(`Argument 'channelMults' passed to '${fn}' must be a non-empty array of positive integers, but got ${describeValue(c.channelMults)}.`);
  }
  const factor = 2 ** (c.channelMults.length - 1);
  checkNumber(fn, 'imageSize', c.imageSize, { min: factor, integer: true });
  if (c.imageSize % factor !== 0) throw new InvalidArgumentError(`Argument 'imageSize' passed to '${fn}' must be divisible by ${factor}, but got ${c.imageSize}.`);
  for (const m of c.channelMults) {
    if ((m * c.baseChannels) % c.numGroups !== 0) throw new InvalidArgumentError(`Argument 'numGroups' passed to '${fn}' must divide every level's channels (${m * c.baseChannels}), but got ${c.numGroups}.`);
  }
  const top = c.channelMults[c.channelMults.length - 1] * c.baseChannels;
  if (top % c.numHeads !== 0) throw new InvalidArgumentError(`Argument 'numHeads' passed to '${fn}' must divide the lowest level's channels (${top}), but got ${c.numHeads}.`);
  return { ...c, channelMults: [...c.channelMults] };
}

/**
 * New U-Net parameters (owned by the caller).
 *
 * @example
 * const params = initUNet(0, { inChannels: 1, numClasses: 10 });
 */
export function initUNet(key: Seed, config: UNetConfig): UNetParams {
  const c = resolve('initUNet', config);
  const chs = c.channelMults.map((m) => m * c.baseChannels);
  const temb = 4 * c.baseChannels;
  const keys = split(key, 8 + 4 * chs.length);
  let k = 0;
  const next = () => keys[k++];
  const down: Record<string, Level> = {};
  let prev = c.baseChannels;
  chs.forEach((ch, i) => {
    down[String(i)] = {
      res: initResBlock(next(), { inChannels: prev, outChannels: ch, timeEmbeddingDim: temb }),
      ...(i < chs.length - 1 ? { down: initConv2d(next(), { inChannels: ch, outChannels: ch, kernelSize: 3 }) } : {}),
    };
    prev = ch;
  });
  const top = chs[chs.length - 1];
  const up: Record<string, UpLevel> = {};
  for (let i = chs.length - 1; i >= 0; i--) {
    up[String(i)] = {
      res: initResBlock(next(), { inChannels: prev + chs[i], outChannels: chs[i], timeEmbeddingDim: temb }),
      ...(i > 0 ? { up: initConv2d(next(), { inChannels: chs[i], outChannels: chs[i - 1], kernelSize: 3 }) } : {}),
    };
    prev = i > 0 ? chs[i - 1] : chs[0];
  }
  return {
    time: initMlp(next(), { widths: [c.baseChannels, temb, temb], activation: 'silu' }),
    ...(c.numClasses > 0 ? { classes: initEmbedding(next(), { numEmbeddings: c.numClasses + 1, embeddingDim: temb }) } : {}),
    convIn: initConv2d(next(), { inChannels: c.inChannels, outChannels: c.baseChannels, kernelSize: 3 }),
    down,
    mid1: initResBlock(next(), { inChannels: top, outChannels: top, timeEmbeddingDim: temb }),
    attnNorm: initGroupNorm({ numChannels: top }),
    attn: initMultiHeadAttention(next(), { dModel: top, numHeads: c.numHeads }),
    mid2: initResBlock(next(), { inChannels: top, outChannels: top, timeEmbeddingDim: temb }),
    up,
    outNorm: initGroupNorm({ numChannels: chs[0] }),
    convOut: initConv2d(next(), { inChannels: chs[0], outChannels: c.inChannels, kernelSize: 3 }),
  };
}

/**
 * The U-Net output `[batch, H, W, C]` for `x [batch, H, W, C]`, timesteps `t [batch]` and optional
 * int32 `classLabels [batch]` (missing = the null label). Returns a new tensor owned by the caller.
 *
 * @example
 * const eps = unet(params, config, x, tf.fill([batch], 500), labels);
 */
export function unet(params: UNetParams, config: UNetConfig, x: tf.Tensor, t: tf.Tensor, classLabels?: tf.Tensor): tf.Tensor4D {
  const fn = 'unet';
  const c = resolve(fn, config);
  checkFloatTensor(fn, 'x', x);
  const expected = [c.imageSize, c.imageSize, c.inChannels];
  if (x.rank !== 4 || x.shape.slice(1).join(',') !== expected.join(',')) {
    throw new ShapeError(`Argument 'x' passed to '${fn}' must have shape [batch, ${expected.join(', ')}], but got [${x.shape.join(', ')}].`);
  }
  const batch = x.shape[0];
  if (!(t instanceof tf.Tensor) || t.rank !== 1 || t.shape[0] !== batch) {
    throw new ShapeError(`Argument 't' passed to '${fn}' must have shape [${batch}], but got ${t instanceof tf.Tensor ? `[${t.shape.join(', ')}]` : describeValue(t)}.`);
  }
  if (classLabels !== undefined && (params.classes === undefined || !(classLabels instanceof tf.Tensor) || classLabels.dtype !== 'int32' || classLabels.rank !== 1 || classLabels.shape[0] !== batch)) {
    throw new InvalidArgumentError(`Argument 'classLabels' passed to '${fn}' must be int32 of shape [${batch}] for a class-conditional U-Net, but got ${classLabels instanceof tf.Tensor ? `${classLabels.dtype} [${classLabels.shape.join(', ')}]` : describeValue(classLabels)}${params.classes === undefined ? ' (the model has no class embedding)' : ''}.`);
  }
  const g = { numGroups: c.numGroups };
  const levels = c.channelMults.length;
  return tf.tidy(() => {
    // Embedding: sin(t) -> MLP (+ class embedding), [batch, 4 base].
    let emb = mlp(params.time, sinusoidalEmbedding(t, c.baseChannels), { activation: 'silu' });
    if (params.classes !== undefined) {
      const labels = classLabels ?? tf.fill([batch], params.classes.weight.shape[0] - 1, 'int32');
      emb = tf.add(emb, classEmbedding(params.classes, labels));
    }
    const opts = { ...g, timeEmbedding: emb };
    // Down path: one residual block per level, a skip, then a stride-2 conv.
    let h: tf.Tensor4D = conv2d(params.convIn, x); // [batch, S, S, base]
    const skips: tf.Tensor4D[] = [];
    for (let i = 0; i < levels; i++) {
      const level = params.down[String(i)];
      h = resBlock(level.res, h, opts); // [batch, S / 2^i, S / 2^i, ch_i]
      skips.push(h);
      if (level.down) h = conv2d(level.down, h, { stride: 2 });
    }
    // Middle: residual, self-attention over the (S / 2^(L-1))^2 positions, residual.
    h = resBlock(params.mid1, h, opts);
    const [, hh, ww, cc] = h.shape;
    const normed = groupNorm(params.attnNorm, h, g);
    const tokens = tf.reshape(normed, [batch, hh * ww, cc]); // [batch, positions, channels]
    const attended = multiHeadAttention(params.attn, tokens, { numHeads: c.numHeads });
    h = tf.add(h, tf.reshape(attended, [batch, hh, ww, cc])) as tf.Tensor4D;
    h = resBlock(params.mid2, h, opts);
    // Up path: concatenate the level's skip, residual block, then upsample + conv.
    for (let i = levels - 1; i >= 0; i--) {
      const level = params.up[String(i)];
      h = resBlock(level.res, tf.concat([h, skips[i]], 3) as tf.Tensor4D, opts); // [batch, S / 2^i, S / 2^i, ch_i]
      if (level.up) h = upsampleConv(level.up, h, { scale: 2 });
    }
    return conv2d(params.convOut, silu(groupNorm(params.outNorm, h, g))); // [batch, S, S, C]
  });
}

/**
 * A trainable U-Net: frozen config + variables, with `denoiser` for the pipelines.
 *
 * @example
 * const net = UNet.create(0, { inChannels: 1, numClasses: 10 });
 * const digits = await generate({ model: net.denoiser, scheduler, numInferenceSteps: 25, shape: [10, 28, 28, 1], seed: 1,
 *   classLabels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], guidanceScale: 3, nullLabel: net.nullLabel });
 */
export class UNet {
  readonly config: Readonly<Required<UNetConfig>>;
  readonly params: UNetParams;
  private disposed = false;

  private constructor(config: Required<UNetConfig>, params: UNetParams) {
    this.config = Object.freeze(config);
    this.params = params;
  }

  /** New model with variables from `key`. */
  static create(key: Seed, config: UNetConfig): UNet {
    const c = resolve('UNet.create', config);
    const init = initUNet(key, c);
    const params = toVariables(init as never) as unknown as UNetParams;
    disposeParams(init as never);
    return new UNet(c, params);
  }

  /** The variables as a tree for optimizers, EMA and checkpoints. */
  get variables(): ParamTree<tf.Variable> {
    return this.params as unknown as ParamTree<tf.Variable>;
  }

  /** The null label id (numClasses). */
  get nullLabel(): number {
    return this.config.numClasses;
  }

  /** The model as a `Denoiser`. */
  get denoiser(): Denoiser {
    return (x, t, labels) => {
      if (this.disposed) throw new DisposedError("'UNet.denoiser' was called after dispose().");
      return unet(this.params, this.config, x, t, labels);
    };
  }

  dispose(): void {
    if (this.disposed) return;
    disposeParams(this.variables);
    this.disposed = true;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
