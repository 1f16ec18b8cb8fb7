// Conversion of the accepted matrix inputs (nested arrays, typed arrays with a shape, 2-D tensors)
// to a row-major Float64Array, with the checks every public method shares.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '@gen/core';

/** A row-major matrix given as a typed array and its shape `[rows, cols]`. */
export interface TypedMatrix {
  readonly data: Float64Array | Float32Array;
  readonly shape: readonly [number, number] | readonly number[];
}

/**
 * A data matrix `[numSamples, numFeatures]`: nested arrays, a row-major typed array with its shape,
 * or a `tf.Tensor2D` (read with `await data()`, never disposed).
 */
export type MatrixInput = ReadonlyArray<ArrayLike<number>> | TypedMatrix | tf.Tensor2D;

/** A float64 row-major copy (or view) of an input matrix. */
export interface Matrix {
  data: Float64Array;
  n: number;
  d: number;
}

function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

/**
 * Reads `x` into float64, checking the rank, the size and (unless `allowNonFinite`) that every value
 * is finite. A Float64Array input is used without copying (callers never write to it).
 */
export async function readMatrix(
  fn: string,
  arg: string,
  x: MatrixInput,
  options: { numFeatures?: number; minRows?: number } = {},
): Promise<Matrix> {
  let data: Float64Array;
  let n: number;
  let d: number;
  if (isTensor(x)) {
    if (x.rank !== 2) {
      throw new ShapeError(
        `Argument '${arg}' passed to '${fn}' must have shape [numSamples, numFeatures], but got ${describeValue([...x.shape])}.`,
      );
    }
    [n, d] = x.shape as [number, number];
    const values = await x.data();
    data = Float64Array.from(values as ArrayLike<number>);
  } else if (Array.isArray(x)) {
    n = x.length;
    d = n > 0 ? (x[0] as ArrayLike<number>).length ?? -1 : 0;
    if (!(d >= 0)) {
      throw new ShapeError(
        `Argument '${arg}' passed to '${fn}' must be a matrix [numSamples, numFeatures] (array of rows), but got ${describeValue(x[0])} as its first row.`,
      );
    }
    data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const row = x[i] as ArrayLike<number>;
      if (row == null || row.length !== d) {
        throw new ShapeError(
          `Argument '${arg}' passed to '${fn}' must have rows of equal length ${d}, but row ${i} has length ${row == null ? describeValue(row) : row.length}.`,
        );
      }
      for (let j = 0; j < d; j++) data[i * d + j] = row[j];
    }
  } else if (x != null && typeof x === 'object' && 'data' in x && 'shape' in x) {
    const shape = x.shape;
    if (!Array.isArray(shape) || shape.length !== 2) {
      throw new ShapeError(
        `Argument '${arg}' passed to '${fn}' must have shape [numSamples, numFeatures], but got ${describeValue(shape)}.`,
      );
    }
    [n, d] = shape as [number, number];
    if (!(x.data instanceof Float64Array || x.data instanceof Float32Array)) {
      throw new InvalidArgumentError(
        `Argument '${arg}.data' passed to '${fn}' must be a Float64Array or Float32Array, but got ${describeValue(x.data)}.`,
      );
    }
    if (x.data.length !== n * d) {
      throw new ShapeError(
        `Argument '${arg}' passed to '${fn}' has shape ${describeValue([n, d])} (${n * d} values), but its data holds ${x.data.length} values.`,
      );
    }
    data = x.data instanceof Float64Array ? x.data : Float64Array.from(x.data);
  } else {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must be number[][], {data, shape} or a tf.Tensor2D, but got ${describeValue(x)}.`,
    );
  }
  if (options.numFeatures !== undefined && d !== options.numFeatures) {
    throw new ShapeError(
      `Argument '${arg}' passed to '${fn}' must have shape [numSamples, ${options.numFeatures}], but got ${describeValue([n, d])}.`,
    );
  }
  if (d === 0) {
    throw new ShapeError(
      `Argument '${arg}' passed to '${fn}' must have at least one feature, but got shape ${describeValue([n, d])}.`,
    );
  }
  const minRows = options.minRows ?? 1;
  if (n < minRows) {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must have at least ${minRows} rows (samples), but got ${n}.`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / d);
      throw new InvalidArgumentError(
        `Argument '${arg}' passed to '${fn}' must hold only finite values, but row ${row}, column ${i - row * d} is ${data[i]}.`,
      );
    }
  }
  return { data, n, d };
}

/** Reads a flat list of numbers (weights) or nested list into a Float64Array of `size` values. */
export function readVector(fn: string, arg: string, x: unknown, shape: number[]): Float64Array {
  const flat: number[] = [];
  const want = shape.reduce((a, b) => a * b, 1);
  const walk = (v: unknown, depth: number): boolean => {
    if (depth === shape.length) {
      if (typeof v !== 'number') return false;
      flat.push(v);
      return true;
    }
    if (ArrayBuffer.isView(v) && depth === shape.length - 1) {
      const arr = v as unknown as ArrayLike<number>;
      if (arr.length !== shape[depth]) return false;
      for (let i = 0; i < arr.length; i++) flat.push(arr[i]);
      return true;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) return false;
    return v.every((e) => walk(e, depth + 1));
  };
  let ok: boolean;
  if ((x instanceof Float64Array || x instanceof Float32Array) && x.length === want) {
    for (let i = 0; i < want; i++) flat.push(x[i]);
    ok = true;
  } else {
    ok = walk(x, 0);
  }
  if (!ok || flat.length !== want) {
    throw new ShapeError(
      `Argument '${arg}' passed to '${fn}' must have shape [${shape.join(', ')}], but got ${describeValue(x)}.`,
    );
  }
  const out = Float64Array.from(flat);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new InvalidArgumentError(
        `Argument '${arg}' passed to '${fn}' must hold only finite values, but element ${i} is ${out[i]}.`,
      );
    }
  }
  return out;
}
