// Embedding lookup table (a linear layer on one-hot inputs, computed by gather).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import { type Seed, toKey } from '../random/key.js';
import { checkPositiveInt, checkRankedParam } from './check.js';
import { type Initializer, checkInitializer, normal } from './init.js';

/** Parameters of `embedding`: `weight [numEmbeddings, embeddingDim]` (same layout as PyTorch). */
export type EmbeddingParams = {
  readonly weight: tf.Tensor2D;
};

/** Configuration of `initEmbedding`. */
export interface EmbeddingConfig {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** Initialiser. Default `normal(1)` (PyTorch's `nn.Embedding`); GPT-style models use `normal(0.02)`. */
  readonly init?: Initializer;
}

/**
 * Creates an embedding table `weight [numEmbeddings, embeddingDim]`. Returns a new tensor owned by
 * the caller.
 *
 * @example
 * const params = initEmbedding(prngKey(0), { numEmbeddings: 65, embeddingDim: 32 });
 */
export function initEmbedding(key: Seed, config: EmbeddingConfig): EmbeddingParams {
  const fn = 'initEmbedding';
  const k = toKey(key, fn, 'key');
  const { numEmbeddings, embeddingDim, init = normal(1) } = config ?? ({} as EmbeddingConfig);
  checkPositiveInt(fn, 'numEmbeddings', numEmbeddings);
  checkPositiveInt(fn, 'embeddingDim', embeddingDim);
  checkInitializer(fn, 'init', init);
  return { weight: init(k, [numEmbeddings, embeddingDim]) as tf.Tensor2D };
}

/**
 * Looks up rows of the table: `ids` (int32, any shape, values in [0, numEmbeddings)) gives
 * `[...ids.shape, embeddingDim]`. The gradient with respect to the table sums the output
 * gradients of repeated ids (scatter-add); it is computed with `tf.scatterND`, so it works on
 * backends without UnsortedSegmentSum (wasm). Ids out of range are not checked (that would need a
 * read back); the cpu backend throws on them. Returns a new tensor owned by the caller.
 *
 * @example
 * const h = embedding(params, tf.tensor2d([[1, 2, 3]], [1, 3], 'int32')); // [1, 3, embeddingDim]
 */
export function embedding(params: EmbeddingParams, ids: tf.Tensor): tf.Tensor {
  const fn = 'embedding';
  checkRankedParam(fn, 'params.weight', params?.weight, 2, '[numEmbeddings, embeddingDim]');
  if (!(ids instanceof tf.Tensor) || ids.dtype !== 'int32') {
    throw new InvalidArgumentError(
      `Argument 'ids' passed to '${fn}' must be an int32 tf.Tensor, but got ${ids instanceof tf.Tensor ? `dtype ${ids.dtype}` : describeValue(ids)}.`,
    );
  }
  const [numEmbeddings, dim] = params.weight.shape;
  // The ids go through customGrad as an input and are saved for the backward pass: a closure over
  // a tensor this function disposes would fail when backprop runs later (seen on wasm).
  const lookup = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const table = args[0] as tf.Tensor2D;
    const flatIds = args[1] as tf.Tensor1D;
    (args[2] as tf.GradSaveFunc)([flatIds]);
    const value = tf.gather(table, flatIds); // [n, dim]
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => [
      tf.scatterND(tf.reshape(saved[0], [-1, 1]), dy, [numEmbeddings, dim]), // [numEmbeddings, dim]
      tf.zerosLike(saved[0]), // ids are integers: no gradient
    ];
    return { value, gradFunc };
  });
  return tf.tidy(() => {
    const flatIds = tf.reshape(ids, [-1]); // [n]
    return tf.reshape(lookup(params.weight, flatIds), [...ids.shape, dim]); // [...ids.shape, dim]
  });
}
