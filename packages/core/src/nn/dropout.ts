// Inverted dropout. Srivastava et al. (2014), "Dropout: A Simple Way to Prevent Neural Networks
// from Overfitting".
import * as tf from '@tensorflow/tfjs-core';
import { type Seed, toKey } from '../random/key.js';
import { randomUniform } from '../random/tensors.js';
import { InvalidArgumentError, describeValue } from '../errors.js';
import { checkFloatTensor, checkNumber } from '../validate.js';

/**
 * Inverted dropout: when `training`, zeroes each element with probability `rate` and scales the
 * rest by 1 / (1 - rate), so E[output] = x; otherwise (or with rate 0) returns a copy of `x`.
 * The mask is a pure function of `key` and `x.shape` (uniforms from `randomUniform(key, ...)`,
 * element kept when u >= rate), identical on every backend; pass a fresh key per step
 * (e.g. `foldIn(key, step)`). Returns a new tensor owned by the caller.
 *
 * @example
 * const h = dropout(x, 0.1, foldIn(key, step), true);
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number, key: Seed, training: boolean): T {
  const fn = 'dropout';
  checkFloatTensor(fn, 'x', x);
  checkNumber(fn, 'rate', rate, { min: 0 });
  if (!(rate < 1)) {
    throw new InvalidArgumentError(`Argument 'rate' passed to '${fn}' must be in [0, 1), but got ${describeValue(rate)}.`);
  }
  const k = toKey(key, fn, 'key');
  if (typeof training !== 'boolean') {
    throw new InvalidArgumentError(`Argument 'training' passed to '${fn}' must be a boolean, but got ${describeValue(training)}.`);
  }
  if (!training || rate === 0) return tf.clone(x);
  return tf.tidy(() => {
    const u = randomUniform(k, x.shape); // same shape as x
    const keep = tf.cast(tf.greaterEqual(u, rate), 'float32');
    return tf.mul(x, tf.mul(keep, 1 / (1 - rate)));
  }) as T;
}
