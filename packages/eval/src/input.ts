// Reading feature sets ([n, d] tensors, ArrayF64 or nested arrays) into float64, with the checks
// every metric shares: rank 2, matching dimensions, finite values, enough samples.
import * as tf from '@tensorflow/tfjs-core';
import { type ArrayF64, InvalidArgumentError, ShapeError, describeValue } from '@gen/core';

/**
 * A set of `n` feature vectors of dimension `d`: a `tf.Tensor2D [n, d]`, an `ArrayF64` with shape
 * `[n, d]` (row-major `Float64Array`), or an array of `n` rows of `d` numbers.
 */
export type FeatureInput = tf.Tensor | ArrayF64 | ReadonlyArray<ArrayLike<number>>;

/** A feature set read into float64: `data` is `[n, d]` row-major. */
export interface FeatureMatrix {
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
}

/** What to do when a feature set has fewer samples than dimensions: warn (default), throw, or nothing. */
export type SmallSampleAction = 'warn' | 'error' | 'ignore';
export const SMALL_SAMPLE_ACTIONS: readonly SmallSampleAction[] = ['warn', 'error', 'ignore'];

/** Reads `x` into a float64 `[n, d]` matrix, checking rank, finiteness and `n >= minRows`. */
export async function readFeatures(fn: string, arg: string, x: FeatureInput, minRows = 1): Promise<FeatureMatrix> {
  let data: Float64Array;
  let shape: number[];
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' is a disposed tensor.`);
    shape = [...x.shape];
    if (shape.length !== 2) {
      throw new ShapeError(`Argument '${arg}' passed to '${fn}' must have shape [n, d], but got ${describeValue(shape)}.`);
    }
    data = Float64Array.from(await x.data());
  } else if (x != null && typeof x === 'object' && (x as ArrayF64).data instanceof Float64Array) {
    const a = x as ArrayF64;
    shape = [...a.shape];
    if (shape.length !== 2) {
      throw new ShapeError(`Argument '${arg}' passed to '${fn}' must have shape [n, d], but got ${describeValue(shape)}.`);
    }
    if (shape[0] * shape[1] !== a.data.length) {
      throw new ShapeError(
        `Argument '${arg}' passed to '${fn}' has shape ${describeValue(shape)} but its data holds ${a.data.length} values.`,
      );
    }
    data = a.data;
  } else if (Array.isArray(x)) {
    const rows = x as ReadonlyArray<ArrayLike<number>>;
    const d = rows.length > 0 && rows[0] != null ? rows[0].length : 0;
    if (rows.some((r) => r == null || typeof r.length !== 'number' || r.length !== d)) {
      throw new ShapeError(`Argument '${arg}' passed to '${fn}' must be n rows of the same length d, but its rows differ in length.`);
    }
    shape = [rows.length, d];
    data = new Float64Array(rows.length * d);
    rows.forEach((r, i) => {
      for (let j = 0; j < d; j++) data[i * d + j] = Number(r[j]);
    });
  } else {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must be a tf.Tensor [n, d], an ArrayF64 or an array of rows, but got ${describeValue(x)}.`,
    );
  }
  const [n, d] = shape;
  if (d < 1) throw new ShapeError(`Argument '${arg}' passed to '${fn}' must have shape [n, d] with d >= 1, but got ${describeValue(shape)}.`);
  if (n < minRows) {
    throw new ShapeError(`Argument '${arg}' passed to '${fn}' must have at least ${minRows} rows, but got shape ${describeValue(shape)}.`);
  }
  checkFinite(fn, arg, data, d);
  return { data, n, d };
}

/** Throws InvalidArgumentError naming the first non-finite value (row and column). */
export function checkFinite(fn: string, arg: string, data: ArrayLike<number>, d: number): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new InvalidArgumentError(
        `Argument '${arg}' passed to '${fn}' must hold only finite values, but element [${Math.floor(i / d)}, ${i % d}] is ${data[i]}.`,
      );
    }
  }
}

/** Throws ShapeError unless two feature sets have the same dimension. */
export function checkSameDim(fn: string, argA: string, dA: number, argB: string, dB: number): void {
  if (dA !== dB) {
    throw new ShapeError(
      `Arguments '${argA}' and '${argB}' passed to '${fn}' must have the same feature dimension, but got ${dA} and ${dB}.`,
    );
  }
}

/** Warns or throws (per `action`) when a set has fewer samples than dimensions. */
export function checkSampleSize(fn: string, arg: string, n: number, d: number, action: SmallSampleAction = 'warn'): void {
  if (n >= d || action === 'ignore') return;
  const message = `'${fn}': '${arg}' has n = ${n} samples for d = ${d} dimensions (n < d): its covariance is rank-deficient and the score is biased and noisy; use more samples.`;
  if (action === 'error') throw new InvalidArgumentError(message);
  console.warn(message);
}
