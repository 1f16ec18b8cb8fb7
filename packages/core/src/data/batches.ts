// Seeded shuffling and mini-batching over tensors or typed arrays. Each epoch's order is a
// Fisher-Yates permutation keyed by foldIn(seed, epoch), so a run resumed at epoch e sees the same
// batches as an uninterrupted one.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { foldIn, toKey, type Seed } from '../random/key.js';
import { permutation } from '../random/arrays.js';
import { checkNumber } from '../validate.js';

/** Row-major values with an explicit shape; the first dimension indexes examples. */
export interface ArrayData {
  values: Float32Array | Int32Array;
  shape: number[];
}

/** One batchable field: a tensor or an `ArrayData`, with examples along the first axis. */
export type DataField = tf.Tensor | ArrayData;
/** What `batches` and `trainTestSplit` accept: one field, or a record of fields with equal length. */
export type DataSource = DataField | Record<string, DataField>;
/** What `batches` yields for a source: a tensor for one field, a record of tensors for a record. */
export type Batch<S extends DataSource> = S extends DataField ? tf.Tensor : { [K in keyof S]: tf.Tensor };

/** Options of `batches` and `batchIndices`. */
export interface BatchOptions {
  /** Examples per batch (the last batch may be smaller unless `dropLast`). */
  batchSize: number;
  /** Shuffle the examples each epoch (default false). Requires `seed`. */
  shuffle?: boolean;
  /** Seed or key of the shuffle; each epoch uses foldIn(seed, epoch). */
  seed?: Seed;
  /** Drop a last batch smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Index of the first epoch (default 0): resume mid-run with the same order. */
  epoch?: number;
  /** Number of consecutive epochs to yield (default 1). */
  epochs?: number;
}

/** True for an `ArrayData` object. */
export function isArrayData(value: unknown): value is ArrayData {
  return (
    value !== null &&
    typeof value === 'object' &&
    ((value as ArrayData).values instanceof Float32Array || (value as ArrayData).values instanceof Int32Array) &&
    Array.isArray((value as ArrayData).shape)
  );
}

function isField(value: unknown): value is DataField {
  return value instanceof tf.Tensor || isArrayData(value);
}

/** Validates a source and returns its fields and example count. */
export function dataFields(fn: string, data: unknown): { fields: Record<string, DataField>; single: boolean; n: number } {
  let fields: Record<string, DataField>;
  let single = false;
  if (isField(data)) {
    fields = { data };
    single = true;
  } else if (data !== null && typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length > 0) {
    fields = data as Record<string, DataField>;
  } else {
    throw new InvalidArgumentError(
      `Argument 'data' passed to '${fn}' must be a tensor, {values, shape} or a non-empty record of them, but got ${describeValue(data)}.`,
    );
  }
  let n = -1;
  for (const [name, field] of Object.entries(fields)) {
    const arg = single ? 'data' : `data.${name}`;
    if (!isField(field)) {
      throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' must be a tensor or {values: Float32Array | Int32Array, shape}, but got ${describeValue(field)}.`);
    }
    if (field instanceof tf.Tensor && field.isDisposed) throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' is disposed.`);
    const shape = field.shape;
    if (shape.length < 1) throw new ShapeError(`Argument '${arg}' passed to '${fn}' must have rank >= 1, but got shape [].`);
    if (!(field instanceof tf.Tensor)) {
      const size = shape.reduce((a, b) => a * b, 1);
      if (!shape.every((d) => Number.isInteger(d) && d >= 0) || size !== field.values.length) {
        throw new ShapeError(`Argument '${arg}' passed to '${fn}' has shape ${describeValue(shape)}, which does not match its ${field.values.length} values.`);
      }
    }
    if (n >= 0 && shape[0] !== n) {
      throw new ShapeError(`Fields of argument 'data' passed to '${fn}' must have the same first dimension, but '${name}' has ${shape[0]} and an earlier field ${n}.`);
    }
    n = shape[0];
  }
  return { fields, single, n };
}

function checkBatchOptions(fn: string, options: BatchOptions): Required<Omit<BatchOptions, 'seed'>> & { seed?: Seed } {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`Argument 'options' passed to '${fn}' must be an object, but got ${describeValue(options)}.`);
  }
  const { batchSize, shuffle = false, seed, dropLast = false, epoch = 0, epochs = 1 } = options;
  checkNumber(fn, 'batchSize', batchSize, { min: 1, integer: true });
  checkNumber(fn, 'epoch', epoch, { min: 0, integer: true });
  checkNumber(fn, 'epochs', epochs, { min: 1, integer: true });
  if (shuffle && seed === undefined) {
    throw new InvalidArgumentError(`Argument 'seed' passed to '${fn}' is required when shuffle is true (randomness is always seeded).`);
  }
  if (seed !== undefined) toKey(seed, fn, 'seed');
  return { batchSize, shuffle, seed, dropLast, epoch, epochs };
}

/**
 * The example indices of each batch of one epoch (shuffled by foldIn(seed, epoch) when `shuffle`).
 * Pure arithmetic, no tensors: the basis of `batches`, usable on its own.
 *
 * @example
 * batchIndices(10, { batchSize: 4 }); // [[0,1,2,3], [4,5,6,7], [8,9]]
 */
export function batchIndices(n: number, options: Omit<BatchOptions, 'epochs'>): Int32Array[] {
  checkNumber('batchIndices', 'n', n, { min: 0, integer: true });
  const { batchSize, shuffle, seed, dropLast, epoch } = checkBatchOptions('batchIndices', { ...options, epochs: 1 });
  let order: Int32Array;
  if (shuffle) {
    order = permutation(foldIn(toKey(seed!, 'batchIndices'), epoch), n);
  } else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  const out: Int32Array[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(start + batchSize, n);
    if (dropLast && end - start < batchSize) break;
    out.push(order.subarray(start, end));
  }
  return out;
}

/** Number of batches per epoch. */
export function numBatches(n: number, batchSize: number, dropLast = false): number {
  checkNumber('numBatches', 'n', n, { min: 0, integer: true });
  checkNumber('numBatches', 'batchSize', batchSize, { min: 1, integer: true });
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/** Rows `indices` of an `ArrayData`, as a new `ArrayData`. */
export function takeRows(field: ArrayData, indices: ArrayLike<number>): ArrayData {
  const row = field.shape.slice(1).reduce((a, b) => a * b, 1);
  const values = new (field.values.constructor as Float32ArrayConstructor | Int32ArrayConstructor)(indices.length * row);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * row;
    values.set(field.values.subarray(from, from + row), i * row);
  }
  return { values, shape: [indices.length, ...field.shape.slice(1)] };
}

/** Rows `indices` of a field, as a new tensor the caller owns. */
export function takeRowsTensor(field: DataField, indices: Int32Array, contiguous: boolean): tf.Tensor {
  if (!(field instanceof tf.Tensor)) {
    const rows = takeRows(field, indices);
    return tf.tensor(rows.values, rows.shape, field.values instanceof Int32Array ? 'int32' : 'float32');
  }
  return tf.tidy(() => {
    if (contiguous) {
      // Unshuffled batches are a slice: [count, ...rest]
      return tf.slice(field, [indices[0] ?? 0, ...field.shape.slice(1).map(() => 0)], [indices.length, ...field.shape.slice(1).map(() => -1)]);
    }
    return tf.gather(field, tf.tensor1d(indices, 'int32'));
  });
}

/**
 * Mini-batches of `data` for `epochs` epochs starting at `epoch`. Works as an iterable in a
 * training loop; batches are made lazily, one per iteration.
 *
 * Memory rule: every yielded tensor is new and belongs to the consumer, who disposes it (e.g.
 * `tf.dispose(batch)` after the step); breaking out of the loop early leaks nothing. The input
 * is never disposed. With a record source, each batch is a record of tensors with the same keys.
 *
 * @example
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for (const batch of batches({ x, labels }, { batchSize: 128, shuffle: true, seed: 0, epoch })) {
 *     const loss = trainStep(batch.x, batch.labels); // [128, 784], [128]
 *     tf.dispose(batch);
 *   }
 * }
 */
export function* batches<S extends DataSource>(data: S, options: BatchOptions): Generator<Batch<S>, void, undefined> {
  const { fields, single, n } = dataFields('batches', data);
  const opts = checkBatchOptions('batches', options);
  for (let epoch = opts.epoch; epoch < opts.epoch + opts.epochs; epoch++) {
    const groups = batchIndices(n, { ...opts, epoch });
    for (const indices of groups) {
      if (single) {
        yield takeRowsTensor(fields.data, indices, !opts.shuffle) as Batch<S>;
        continue;
      }
      const out: Record<string, tf.Tensor> = {};
      try {
        for (const [name, field] of Object.entries(fields)) out[name] = takeRowsTensor(field, indices, !opts.shuffle);
      } catch (error) {
        tf.dispose(Object.values(out));
        throw error;
      }
      yield out as Batch<S>;
    }
  }
}
