// Random tensors from keys. Values are generated on the CPU from (key, index), then uploaded, so
// the same key gives bit-identical tensors on cpu, wasm, webgpu and tensorflow.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import { type Seed } from './key.js';
import { normalFloat32, randomIntegers, uniformFloat32 } from './arrays.js';

function sizeOf(fn: string, shape: readonly number[]): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new InvalidArgumentError(
      `Argument 'shape' passed to '${fn}' must be an array of non-negative integers, but got ${describeValue(shape)}.`,
    );
  }
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * A float32 tensor of normal samples with the given mean and standard deviation.
 * The returned tensor belongs to the caller.
 *
 * @example
 * const z = randomNormal(prngKey(0), [16, 2]); // [16, 2]
 */
export function randomNormal<R extends tf.Rank>(
  seed: Seed,
  shape: readonly number[],
  mean = 0,
  std = 1,
): tf.Tensor<R> {
  const values = normalFloat32(seed, sizeOf('randomNormal', shape));
  if (mean !== 0 || std !== 1) {
    for (let i = 0; i < values.length; i++) values[i] = mean + std * values[i];
  }
  const out: tf.Tensor = tf.tensor(values, [...shape], 'float32');
  return out as tf.Tensor<R>;
}

/** A float32 tensor of uniform samples in [min, max). The returned tensor belongs to the caller. */
export function randomUniform<R extends tf.Rank>(
  seed: Seed,
  shape: readonly number[],
  min = 0,
  max = 1,
): tf.Tensor<R> {
  const values = uniformFloat32(seed, sizeOf('randomUniform', shape));
  if (min !== 0 || max !== 1) {
    for (let i = 0; i < values.length; i++) values[i] = min + (max - min) * values[i];
  }
  const out: tf.Tensor = tf.tensor(values, [...shape], 'float32');
  return out as tf.Tensor<R>;
}

/** An int32 tensor of integers uniform in [low, high). The returned tensor belongs to the caller. */
export function randomInt<R extends tf.Rank>(
  seed: Seed,
  shape: readonly number[],
  low: number,
  high: number,
): tf.Tensor<R> {
  const values = randomIntegers(seed, sizeOf('randomInt', shape), low, high);
  const out: tf.Tensor = tf.tensor(values, [...shape], 'int32');
  return out as tf.Tensor<R>;
}
