// Validation at the public boundary. Each helper names the function and the argument so that a
// user sees "Argument 'x' passed to 'vaeEncode' must ..." rather than an error deep in tfjs.
import type { Tensor } from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from './errors.js';

/** One dimension of an expected shape: a number, or a name (any size) such as 'batch'. */
export type ShapeSpec = ReadonlyArray<number | string>;

function formatSpec(spec: ShapeSpec): string {
  return `[${spec.join(', ')}]`;
}

/**
 * Checks that `shape` matches `spec`, where named dimensions match any size and a repeated name
 * must have the same size each time. Throws `ShapeError` naming the argument otherwise.
 */
export function checkShape(
  fn: string,
  arg: string,
  shape: readonly number[],
  spec: ShapeSpec,
): void {
  const fail = () => {
    throw new ShapeError(
      `Argument '${arg}' passed to '${fn}' must have shape ${formatSpec(spec)}, but got ${describeValue([...shape])}.`,
    );
  };
  if (shape.length !== spec.length) fail();
  const named = new Map<string, number>();
  spec.forEach((want, i) => {
    const got = shape[i];
    if (typeof want === 'number') {
      if (got !== want) fail();
    } else {
      const seen = named.get(want);
      if (seen !== undefined && seen !== got) fail();
      named.set(want, got);
    }
  });
}

/** Checks the rank of a tensor or shape. */
export function checkRank(fn: string, arg: string, shape: readonly number[], rank: number): void {
  if (shape.length !== rank) {
    throw new ShapeError(
      `Argument '${arg}' passed to '${fn}' must have rank ${rank}, but got rank ${shape.length} (shape ${describeValue([...shape])}).`,
    );
  }
}

/** Checks that a tensor argument is a float32 tfjs tensor. */
export function checkFloatTensor(fn: string, arg: string, x: Tensor): void {
  if (x == null || typeof (x as Tensor).dataSync !== 'function') {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must be a tf.Tensor, but got ${describeValue(x)}.`,
    );
  }
  if (x.dtype !== 'float32') {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must have dtype float32, but got ${x.dtype}.`,
    );
  }
}

/** Checks that `value` is one of `allowed`, listing the allowed values otherwise. */
export function checkOneOf<T extends string>(
  fn: string,
  arg: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, but got ${describeValue(value)}.`,
    );
  }
}

/** Checks that a number is finite and within [min, max] (either end optional, both inclusive). */
export function checkNumber(
  fn: string,
  arg: string,
  value: unknown,
  range: { min?: number; max?: number; integer?: boolean; minExclusive?: boolean } = {},
): asserts value is number {
  const { min, max, integer = false, minExclusive = false } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || (minExclusive ? value > min : value >= min)) &&
    (max === undefined || value <= max);
  if (!ok) {
    const kind = integer ? 'an integer' : 'a finite number';
    const lower = min === undefined ? '' : `${minExclusive ? '>' : '>='} ${min}`;
    const upper = max === undefined ? '' : `<= ${max}`;
    const bounds = [lower, upper].filter(Boolean).join(' and ');
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must be ${kind}${bounds ? ` ${bounds}` : ''}, but got ${describeValue(value)}.`,
    );
  }
}
