// Batched float64 arrays for the F64 linear-algebra functions, and their argument checks.
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';

/**
 * A float64 array with a shape: `data` holds the elements in row-major (C) order, so a batch of
 * matrices `[...batch, rows, cols]` stores matrix `b` at `data.subarray(b * rows * cols, ...)`.
 * The F64 linear-algebra functions take and return these; they never modify their inputs and
 * always return fresh arrays.
 *
 * @example
 * const a: ArrayF64 = { data: new Float64Array([4, 2, 2, 3]), shape: [2, 2] };
 * const batch: ArrayF64 = { data: new Float64Array(3 * 4 * 4), shape: [3, 4, 4] }; // 3 matrices
 */
export interface ArrayF64 {
  readonly data: Float64Array;
  readonly shape: readonly number[];
}

/** Product of `shape` (1 for a scalar shape `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Checks that `x` is an `ArrayF64` whose data length matches its shape; returns the shape. */
export function checkArrayF64(fn: string, arg: string, x: ArrayF64): number[] {
  if (x == null || typeof x !== 'object' || !(x.data instanceof Float64Array)) {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must be {data: Float64Array, shape: number[]}, but got ${describeValue(x)}.`,
    );
  }
  const shape = x.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError(
      `Argument '${arg}' passed to '${fn}' must have a shape of non-negative integers, but got ${describeValue(shape)}.`,
    );
  }
  if (sizeOf(shape) !== x.data.length) {
    throw new ShapeError(
      `Argument '${arg}' passed to '${fn}' has shape ${describeValue([...shape])} (${sizeOf(shape)} values), but its data holds ${x.data.length} values.`,
    );
  }
  return [...shape];
}

/**
 * Checks a batch of square matrices `[...batch, n, n]` (used by the F64 and tensor functions
 * alike). Returns `{batch, n, count}` where `count` is the number of matrices.
 */
export function checkSquareShape(
  fn: string,
  arg: string,
  shape: readonly number[],
): { batch: number[]; n: number; count: number } {
  const rank = shape.length;
  if (rank < 2 || shape[rank - 1] !== shape[rank - 2]) {
    throw new ShapeError(
      `Argument '${arg}' passed to '${fn}' must have shape [...batch, n, n], but got ${describeValue([...shape])}.`,
    );
  }
  const batch = shape.slice(0, -2);
  return { batch, n: shape[rank - 1], count: sizeOf(batch) };
}

/**
 * Checks right-hand sides `b` of shape `[...batch, n, k]` against square `a` of shape
 * `[...batch, n, n]`: same batch dimensions, same n. Returns k.
 */
export function checkRhsShape(
  fn: string,
  arg: string,
  shape: readonly number[],
  aArg: string,
  aShape: readonly number[],
): number {
  const batch = aShape.slice(0, -2);
  const n = aShape[aShape.length - 1];
  const ok =
    shape.length === aShape.length &&
    batch.every((d, i) => shape[i] === d) &&
    shape[shape.length - 2] === n;
  if (!ok) {
    throw new ShapeError(
      `Argument '${arg}' passed to '${fn}' must have shape [${[...batch, n, 'k'].join(', ')}] (${aArg} has shape ${describeValue([...aShape])}), but got ${describeValue([...shape])}.`,
    );
  }
  return shape[shape.length - 1];
}

/** Formats a number for an error message: 6 significant digits, shortest form. */
export function formatValue(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : String(value);
}

/** " in matrix [1, 0]" for batched inputs, "" for a single matrix. */
export function batchLocation(batch: readonly number[], index: number): string {
  if (batch.length === 0) return '';
  const at: number[] = new Array(batch.length);
  for (let d = batch.length - 1; d >= 0; d--) {
    at[d] = index % batch[d];
    index = Math.floor(index / batch[d]);
  }
  return ` in matrix [${at.join(', ')}]`;
}

/** The standard error for a failed Cholesky pivot (shared by the F64 and tensor versions). */
export function notPositiveDefiniteError(
  fn: string,
  arg: string,
  batch: readonly number[],
  matrix: number,
  row: number,
  pivot: number,
): InvalidArgumentError {
  const reason = Number.isFinite(pivot)
    ? `leading minor ${row + 1} is not positive`
    : 'the input holds non-finite values';
  return new InvalidArgumentError(
    `Argument '${arg}' passed to '${fn}' must be symmetric positive definite, but${batchLocation(batch, matrix)} the pivot at row ${row} is ${formatValue(pivot)} (${reason}).`,
  );
}

/** Throws `InvalidArgumentError` unless every value of every matrix is finite. */
export function checkFiniteMatrices(
  fn: string,
  arg: string,
  data: Float64Array,
  batch: readonly number[],
  matrixSize: number,
): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const matrix = Math.floor(i / matrixSize);
      throw new InvalidArgumentError(
        `Argument '${arg}' passed to '${fn}' must hold only finite values, but${batchLocation(batch, matrix)} element ${i - matrix * matrixSize} is ${data[i]}.`,
      );
    }
  }
}
