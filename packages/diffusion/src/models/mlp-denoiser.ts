// An MLP denoiser for low-dimensional data: sinusoidal timestep embedding (Ho et al. 2020, App. B) and
// an optional class embedding with a null label for classifier-free guidance (Ho & Salimans 2022),
// added into every residual block.
import * as tf from '@tensorflow/tfjs-core';
import {
  DisposedError,
  InvalidArgumentError,
  ShapeError,
  checkFloatTensor,
  checkNumber,
  describeValue,
  disposeParams,
  initEmbedding,
  initLinear,
  initMlp,
  linear,
  mlp,
  silu,
  sinusoidalEmbedding,
  split,
  toVariables,
  type EmbeddingParams,
  type LinearParams,
  type MlpParams,
  type ParamTree,
  type Seed,
} from '@gen/core';
import type { Denoiser } from '../pipelines/denoiser.js';
import { classEmbedding } from './class-embedding.js';

/** Hyperparameters of the MLP denoiser (frozen, JSON-serialisable). */
export interface MlpDenoiserConfig {
  /** Data dimension (2 for the 2-D sets). */
  readonly dataDim: number;
  /** Hidden width. Default 128 (enough for swiss roll / checkerboard). */
  readonly hidden?: number;
  /** Residual blocks. Default 3. */
  readonly depth?: number;
  /** Width of the sinusoidal timestep features. Default 64. */
  readonly timeEmbedDim?: number;
  /** Classes of a class-conditional model (label `numClasses` is the null label); 0 = unconditional. Default 0. */
  readonly numClasses?: number;
}

/** Parameters of `mlpDenoiser` (a plain tree; `toVariables` makes it trainable). */
export type MlpDenoiserParams = {
  readonly time: MlpParams;
  readonly classes?: EmbeddingParams;
  readonly input: LinearParams;
  readonly blocks: { readonly [index: string]: { readonly inner: LinearParams; readonly cond: LinearParams; readonly outer: LinearParams } };
  readonly output: LinearParams;
};

function resolve(fn: string, config: MlpDenoiserConfig): Required<MlpDenoiserConfig> {
  if (config === null || typeof config !== 'object') throw new InvalidArgumentError(`Argument 'config' passed to '${fn}' must be an object, but got ${describeValue(config)}.`);
  const c = { hidden: 128, depth: 3, timeEmbedDim: 64, numClasses: 0, ...config };
  checkNumber(fn, 'dataDim', c.dataDim, { min: 1, integer: true });
  checkNumber(fn, 'hidden', c.hidden, { min: 1, integer: true });
  checkNumber(fn, 'depth', c.depth, { min: 0, integer: true });
  checkNumber(fn, 'timeEmbedDim', c.timeEmbedDim, { min: 2, integer: true });
  checkNumber(fn, 'numClasses', c.numClasses, { min: 0, integer: true });
  if (c.timeEmbedDim % 2 !== 0) throw new InvalidArgumentError(`Argument 'timeEmbedDim' passed to '${fn}' must be even, but got ${c.timeEmbedDim}.`);
  return c;
}

/**
 * New parameters of an MLP denoiser (tensors owned by the caller).
 *
 * @example
 * const params = toVariables(initMlpDenoiser(0, { dataDim: 2, hidden: 128, depth: 3 }));
 */
export function initMlpDenoiser(key: Seed, config: MlpDenoiserConfig): MlpDenoiserParams {
  const c = resolve('initMlpDenoiser', config);
  const [kTime, kClass, kIn, kOut, kBlocks] = split(key, 5);
  const blockKeys = split(kBlocks, Math.max(1, 3 * c.depth));
  const blocks: Record<string, { inner: LinearParams; cond: LinearParams; outer: LinearParams }> = {};
  for (let i = 0; i < c.depth; i++) {
    blocks[String(i)] = {
      inner: initLinear(blockKeys[3 * i], { inFeatures: c.hidden, outFeatures: c.hidden }),
      cond: initLinear(blockKeys[3 * i + 1], { inFeatures: c.hidden, outFeatures: c.hidden }),
      outer: initLinear(blockKeys[3 * i + 2], { inFeatures: c.hidden, outFeatures: c.hidden }),
    };
  }
  return {
    time: initMlp(kTime, { widths: [c.timeEmbedDim, c.hidden, c.hidden], activation: 'silu' }),
    ...(c.numClasses > 0 ? { classes: initEmbedding(kClass, { numEmbeddings: c.numClasses + 1, embeddingDim: c.hidden }) } : {}),
    input: initLinear(kIn, { inFeatures: c.dataDim, outFeatures: c.hidden }),
    blocks,
    output: initLinear(kOut, { inFeatures: c.hidden, outFeatures: c.dataDim }),
  };
}

/**
 * The denoiser output `[batch, dataDim]` for `x [batch, dataDim]`, timesteps `t [batch]` (float,
 * 0..T-1) and optional int32 `classLabels [batch]` (the null label = numClasses). Per block:
 * h <- h + W_out silu(W_in silu(h) + W_cond e), e = time MLP(sin(t)) + class embedding.
 * Returns a new tensor owned by the caller.
 *
 * @example
 * const eps = mlpDenoiser(params, x, tf.fill([batch], 500));
 */
export function mlpDenoiser(params: MlpDenoiserParams, x: tf.Tensor, t: tf.Tensor, classLabels?: tf.Tensor): tf.Tensor {
  const fn = 'mlpDenoiser';
  checkFloatTensor(fn, 'x', x);
  const dataDim = params.input.weight.shape[0];
  if (x.rank !== 2 || x.shape[1] !== dataDim) throw new ShapeError(`Argument 'x' passed to '${fn}' must have shape [batch, ${dataDim}], but got [${x.shape.join(', ')}].`);
  if (!(t instanceof tf.Tensor) || t.rank !== 1 || t.shape[0] !== x.shape[0]) {
    throw new ShapeError(`Argument 't' passed to '${fn}' must have shape [${x.shape[0]}], but got ${t instanceof tf.Tensor ? `[${t.shape.join(', ')}]` : describeValue(t)}.`);
  }
  if (classLabels !== undefined) {
    if (params.classes === undefined) throw new InvalidArgumentError(`Argument 'classLabels' passed to '${fn}' needs a class-conditional model (numClasses > 0), but the params have no class embedding.`);
    if (!(classLabels instanceof tf.Tensor) || classLabels.dtype !== 'int32' || classLabels.rank !== 1 || classLabels.shape[0] !== x.shape[0]) {
      throw new ShapeError(`Argument 'classLabels' passed to '${fn}' must be int32 of shape [${x.shape[0]}], but got ${classLabels instanceof tf.Tensor ? `${classLabels.dtype} [${classLabels.shape.join(', ')}]` : describeValue(classLabels)}.`);
    }
  }
  const timeDim = params.time.layers['0'].weight.shape[0];
  return tf.tidy(() => {
    let e = mlp(params.time, sinusoidalEmbedding(t, timeDim), { activation: 'silu', finalActivation: 'linear' }); // [batch, hidden]
    if (params.classes !== undefined) {
      const nullLabel = params.classes.weight.shape[0] - 1;
      const labels = classLabels ?? (tf.fill([x.shape[0]], nullLabel, 'int32') as tf.Tensor1D);
      e = tf.add(e, classEmbedding(params.classes, labels)); // [batch, hidden]
    }
    let h = linear(params.input, x); // [batch, hidden]
    for (let i = 0; i < Object.keys(params.blocks).length; i++) {
      const b = params.blocks[String(i)];
      const inner = tf.add(linear(b.inner, silu(h)), linear(b.cond, e)); // [batch, hidden]
      h = tf.add(h, linear(b.outer, silu(inner)));
    }
    return linear(params.output, silu(h)); // [batch, dataDim]
  });
}

/**
 * A trainable MLP denoiser: frozen config + variables, with `denoiser` for the pipelines.
 *
 * @example
 * const model = MlpDenoiser.create(0, { dataDim: 2, numClasses: 0 });
 * const samples = await generate({ model: model.denoiser, scheduler, numInferenceSteps: 50, shape: [1000, 2], seed: 1 });
 * model.dispose();
 */
export class MlpDenoiser {
  readonly config: Readonly<Required<MlpDenoiserConfig>>;
  /** The parameters (tf.Variables). */
  readonly params: MlpDenoiserParams;
  private disposed = false;

  private constructor(config: Required<MlpDenoiserConfig>, params: MlpDenoiserParams) {
    this.config = Object.freeze(config);
    this.params = params;
  }

  /** New model with variables from `key`. */
  static create(key: Seed, config: MlpDenoiserConfig): MlpDenoiser {
    const c = resolve('MlpDenoiser.create', config);
    const init = initMlpDenoiser(key, c);
    const params = toVariables(init as never) as unknown as MlpDenoiserParams;
    disposeParams(init as never);
    return new MlpDenoiser(c, params);
  }

  /** The variables as a tree for optimizers, EMA and checkpoints. */
  get variables(): ParamTree<tf.Variable> {
    return this.params as unknown as ParamTree<tf.Variable>;
  }

  /** The label id meaning "no label" (numClasses), for guidance. */
  get nullLabel(): number {
    return this.config.numClasses;
  }

  /** The model as a `Denoiser` for the pipelines and `diffusionLoss`. */
  get denoiser(): Denoiser {
    return (x, t, labels) => {
      if (this.disposed) throw new DisposedError("'MlpDenoiser.denoiser' was called after dispose().");
      return mlpDenoiser(this.params, x, t, labels);
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
