// Batches of next-token prediction windows from one long token stream (nanoGPT's get_batch).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Seed, describeValue, foldIn, toKey, uniformFloat64 } from '@gen/core';
import { checkPositiveInteger } from './check.js';

/** Options of `lmBatches`. */
export interface LmBatchOptions {
  readonly batchSize: number;
  /** Window length (the model's contextLength, or less). */
  readonly contextLength: number;
  /** Seed of the window positions; batch `step` depends only on (seed, step), so resumed runs see the same batches. */
  readonly seed: Seed;
}

/**
 * A data function for `train`: batch `step` holds `batchSize` random windows of `tokens`,
 * `x [batch, contextLength]` and `y` = x shifted by one (int32). The tensors are new per call
 * (the training loop disposes them).
 *
 * @example
 * const data = lmBatches(Int32Array.from(tok.encode(text)), { batchSize: 32, contextLength: 64, seed: 1 });
 * await train({ optimizer, data, lossFn: (b, _s, key) => gpt.loss(b, { training: true, key }), steps: 1000, seed: 2 });
 */
export function lmBatches(tokens: ArrayLike<number>, options: LmBatchOptions): (step: number) => { x: tf.Tensor2D; y: tf.Tensor2D } {
  const fn = 'lmBatches';
  checkPositiveInteger(fn, 'options.batchSize', options?.batchSize);
  checkPositiveInteger(fn, 'options.contextLength', options.contextLength);
  const key = toKey(options.seed, fn, 'options.seed');
  const { batchSize, contextLength: T } = options;
  if (!tokens || tokens.length < T + 1) {
    throw new InvalidArgumentError(`Argument 'tokens' passed to '${fn}' must hold more than contextLength ${T} tokens, but got ${describeValue(tokens?.length)}.`);
  }
  return (step: number) => {
    const u = uniformFloat64(foldIn(key, step), batchSize);
    const x = new Int32Array(batchSize * T);
    const y = new Int32Array(batchSize * T);
    for (let b = 0; b < batchSize; b++) {
      const start = Math.floor(u[b] * (tokens.length - T));
      for (let t = 0; t < T; t++) {
        x[b * T + t] = tokens[start + t];
        y[b * T + t] = tokens[start + t + 1];
      }
    }
    return { x: tf.tensor2d(x, [batchSize, T], 'int32'), y: tf.tensor2d(y, [batchSize, T], 'int32') };
  };
}
