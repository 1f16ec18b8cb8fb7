// Shared argument checks for the nn blocks (internal; not exported from @gen/core).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { checkFloatTensor, checkNumber } from '../validate.js';

/** Checks a float32 tensor whose last axis has `size` and whose rank is at least `minRank`. */
export function checkFeatures(
  fn: string,
  arg: string,
  x: tf.Tensor,
  size: number,
  minRank = 2,
  lead = 'batch',
): void {
  checkFloatTensor(fn, arg, x);
  if (x.rank < minRank || x.shape[x.rank - 1] !== size) {
    const spec = minRank <= 1 ? `[..., ${size}]` : x.rank <= 2 ? `[${lead}, ${size}]` : `[${lead}, ..., ${size}]`;
    throw new ShapeError(
      `Argument '${arg}' passed to '${fn}' must have shape ${spec}, but got ${describeValue([...x.shape])}.`,
    );
  }
}

/** Checks that a parameter tensor has exactly `shape`. */
export function checkParam(fn: string, path: string, t: unknown, shape: readonly number[]): void {
  if (!(t instanceof tf.Tensor)) {
    throw new InvalidArgumentError(
      `Parameter '${path}' passed to '${fn}' must be a tf.Tensor, but got ${describeValue(t)}.`,
    );
  }
  if (t.shape.length !== shape.length || (t.shape as number[]).some((d: number, i: number) => d !== shape[i])) {
    throw new ShapeError(
      `Parameter '${path}' passed to '${fn}' must have shape ${describeValue([...shape])}, but got ${describeValue([...t.shape])}.`,
    );
  }
}

/** Checks a positive integer argument. */
export function checkPositiveInt(fn: string, arg: string, value: unknown): asserts value is number {
  checkNumber(fn, arg, value, { min: 1, integer: true });
}

/** Normalises `n | [h, w]` to a pair of positive integers. */
export function pair(fn: string, arg: string, value: unknown): [number, number] {
  const v = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must be a positive integer or a pair of them, but got ${describeValue(value)}.`,
    );
  }
  return [v[0], v[1]];
}

/** Checks that a parameter is a tensor of the given rank; `layout` names its axes in the message. */
export function checkRankedParam(
  fn: string,
  path: string,
  t: unknown,
  rank: number,
  layout: string,
): asserts t is tf.Tensor {
  if (!(t instanceof tf.Tensor) || t.rank !== rank) {
    const got = t instanceof tf.Tensor ? describeValue([...t.shape]) : describeValue(t);
    throw new ShapeError(`Parameter '${path}' passed to '${fn}' must have shape ${layout}, but got ${got}.`);
  }
}
