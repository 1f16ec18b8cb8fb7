// Weight initialisers. Glorot & Bengio (2010), "Understanding the difficulty of training deep
// feedforward neural networks"; He et al. (2015), "Delving Deep into Rectifiers". Plain (not
// truncated) normals and fan computation as in PyTorch's torch.nn.init and Keras.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import { checkNumber } from '../validate.js';
import { type Seed, toKey } from '../random/key.js';
import { randomNormal, randomUniform } from '../random/tensors.js';

/**
 * An initialiser: a pure function of a key and a shape that returns a new float32 tensor (owned by
 * the caller). The same key and shape give the same values on every backend.
 */
export type Initializer = (key: Seed, shape: readonly number[]) => tf.Tensor;

/** Fan-in and fan-out of a weight shape. */
export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

function checkShapeArg(fn: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new InvalidArgumentError(
      `Argument 'shape' passed to '${fn}' must be an array of non-negative integers, but got ${describeValue(shape)}.`,
    );
  }
}

/**
 * Fan-in and fan-out as Keras computes them for gen's channels-last layouts:
 * - rank 1 (`[n]`): fanIn = fanOut = n;
 * - rank 2, dense `[inFeatures, outFeatures]`: fanIn = inFeatures, fanOut = outFeatures;
 * - rank >= 3, conv kernel `[...spatial, a, b]`: with receptive field r = product(spatial),
 *   fanIn = a * r and fanOut = b * r. For conv2d (`[kh, kw, in, out]`) that is in*kh*kw and
 *   out*kh*kw. A transposed-conv kernel is stored `[kh, kw, out, in]`, so its fanIn is out*kh*kw,
 *   which is also what PyTorch computes for ConvTranspose2d.
 *
 * @example
 * computeFans([3, 3, 16, 32]); // { fanIn: 144, fanOut: 288 }
 */
export function computeFans(shape: readonly number[]): Fans {
  checkShapeArg('computeFans', shape);
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

function fansOrThrow(fn: string, shape: readonly number[]): Fans {
  const fans = computeFans(shape);
  if (fans.fanIn <= 0 || fans.fanOut <= 0) {
    throw new InvalidArgumentError(
      `Argument 'shape' passed to '${fn}' must have non-zero fans, but got ${describeValue([...shape])}.`,
    );
  }
  return fans;
}

/**
 * Glorot (Xavier) uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)). Returns a new tensor.
 *
 * @example
 * const w = glorotUniform(prngKey(0), [784, 400]); // [784, 400]
 */
export const glorotUniform: Initializer = (key, shape) => {
  const { fanIn, fanOut } = fansOrThrow('glorotUniform', shape);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return randomUniform(toKey(key, 'glorotUniform', 'key'), shape, -limit, limit);
};

/**
 * Glorot (Xavier) normal: N(0, 2 / (fanIn + fanOut)) (not truncated, as PyTorch). Returns a new tensor.
 *
 * @example
 * const w = glorotNormal(prngKey(0), [784, 400]);
 */
export const glorotNormal: Initializer = (key, shape) => {
  const { fanIn, fanOut } = fansOrThrow('glorotNormal', shape);
  return randomNormal(toKey(key, 'glorotNormal', 'key'), shape, 0, Math.sqrt(2 / (fanIn + fanOut)));
};

/**
 * He (Kaiming) normal for ReLU nets: N(0, 2 / fanIn) (not truncated, as PyTorch). Returns a new tensor.
 *
 * @example
 * const k = heNormal(prngKey(0), [3, 3, 16, 32]); // std sqrt(2 / 144)
 */
export const heNormal: Initializer = (key, shape) => {
  const { fanIn } = fansOrThrow('heNormal', shape);
  return randomNormal(toKey(key, 'heNormal', 'key'), shape, 0, Math.sqrt(2 / fanIn));
};

/**
 * He (Kaiming) uniform for ReLU nets: U(-a, a) with a = sqrt(6 / fanIn). Returns a new tensor.
 *
 * @example
 * const w = heUniform(prngKey(0), [256, 256]);
 */
export const heUniform: Initializer = (key, shape) => {
  const { fanIn } = fansOrThrow('heUniform', shape);
  const limit = Math.sqrt(6 / fanIn);
  return randomUniform(toKey(key, 'heUniform', 'key'), shape, -limit, limit);
};

/**
 * Makes an initialiser that draws N(mean, std^2) (e.g. `normal(0.02)` for GPT-style embeddings).
 *
 * @example
 * const table = normal(0.02)(prngKey(0), [1000, 64]);
 */
export function normal(std: number, mean = 0): Initializer {
  checkNumber('normal', 'std', std, { min: 0 });
  checkNumber('normal', 'mean', mean);
  return (key, shape) => randomNormal(toKey(key, 'normal', 'key'), shape, mean, std);
}

/**
 * Makes an initialiser that draws U(-limit, limit) (e.g. PyTorch's Linear default is
 * `uniform(1 / Math.sqrt(fanIn))`).
 *
 * @example
 * const b = uniform(0.1)(prngKey(0), [64]);
 */
export function uniform(limit: number): Initializer {
  checkNumber('uniform', 'limit', limit, { min: 0 });
  return (key, shape) => randomUniform(toKey(key, 'uniform', 'key'), shape, -limit, limit);
}

/**
 * All zeros (the key is ignored). Returns a new tensor.
 *
 * @example
 * const b = zeros(prngKey(0), [64]);
 */
export const zeros: Initializer = (_key, shape) => {
  checkShapeArg('zeros', shape);
  return tf.zeros([...shape], 'float32');
};

/**
 * All ones (the key is ignored). Returns a new tensor.
 *
 * @example
 * const gamma = ones(prngKey(0), [64]);
 */
export const ones: Initializer = (_key, shape) => {
  checkShapeArg('ones', shape);
  return tf.ones([...shape], 'float32');
};

/** Checks an optional initialiser option (internal). */
export function checkInitializer(fn: string, arg: string, init: unknown): asserts init is Initializer | undefined {
  if (init !== undefined && typeof init !== 'function') {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must be an initialiser function (e.g. glorotUniform, normal(0.02)), but got ${describeValue(init)}.`,
    );
  }
}
