// Shared machinery of gen's parametric distributions: parameter conversion and ownership,
// batch-shape broadcasting, value checks with gen's message form, and use-after-dispose guards.
import * as tf from '@tensorflow/tfjs-core';
import { DisposedError, InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { Distribution, type DistributionOptions } from './distribution.js';
import { readSync } from './read-back.js';

/** A parameter: a number, a nested array of numbers, or a float tensor (borrowed, not copied). */
export type ParamValue = number | number[] | number[][] | number[][][] | tf.Tensor;

/** Broadcast shape of numpy-style shapes, or undefined when they do not broadcast. */
export function broadcastShapesOrUndefined(...shapes: ReadonlyArray<readonly number[]>): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1) continue;
      if (dim !== 1 && dim !== d) return undefined;
      dim = d;
    }
    out.push(dim);
  }
  return out;
}

/**
 * Base class of gen's parametric distributions. Numbers and arrays passed as parameters become
 * tensors this object owns and frees in `dispose()`; tensors passed in are borrowed. Methods
 * throw `DisposedError` after `dispose()`.
 *
 * @example
 * class Exponential extends ParametricDistribution {
 *   readonly rate: tf.Tensor;
 *   readonly batchShape: readonly number[];
 *   readonly eventShape: readonly number[] = [];
 *   constructor(rate: ParamValue, options: DistributionOptions = {}) {
 *     super(options);
 *     this.rate = this.param('rate', rate);
 *     this.batchShape = [...this.rate.shape];
 *     this.checkValues('rate', this.rate, '> 0', (v) => v > 0);
 *   }
 *   logProb(x: tf.Tensor) {
 *     this.assertLive('logProb');
 *     return tf.tidy(() => tf.sub(tf.log(this.rate), tf.mul(this.rate, x)));
 *   }
 * }
 */
export abstract class ParametricDistribution extends Distribution {
  /** Whether parameter values were checked at construction (`validateArgs`, default true). */
  protected readonly validateArgs: boolean;
  private readonly ownedTensors: tf.Tensor[] = [];
  private disposedFlag = false;

  constructor(options: DistributionOptions = {}) {
    super();
    if (options === null || typeof options !== 'object') {
      throw new InvalidArgumentError(
        `Argument 'options' passed to '${new.target.name}' must be an object, but got ${describeValue(options)}.`,
      );
    }
    this.validateArgs = options.validateArgs ?? true;
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Converts a parameter to a float32 tensor (owned when created here). */
  protected param(name: string, value: ParamValue): tf.Tensor {
    const cls = this.constructor.name;
    if (value instanceof tf.Tensor) {
      if (value.isDisposed) {
        throw new DisposedError(`Argument '${name}' passed to '${cls}' is a disposed tensor.`);
      }
      if (value.dtype === 'float32') return value;
      if (value.dtype === 'int32' || value.dtype === 'bool') return this.own(tf.cast(value, 'float32'));
      throw new InvalidArgumentError(
        `Argument '${name}' passed to '${cls}' must have dtype float32, but got ${value.dtype}.`,
      );
    }
    if (typeof value === 'number' || Array.isArray(value)) {
      let t: tf.Tensor;
      try {
        t = tf.tensor(value as number[], undefined, 'float32');
      } catch {
        throw new InvalidArgumentError(
          `Argument '${name}' passed to '${cls}' must be a number, a rectangular array of numbers or a tf.Tensor, but got ${describeValue(value)}.`,
        );
      }
      return this.own(t);
    }
    throw new InvalidArgumentError(
      `Argument '${name}' passed to '${cls}' must be a number, an array of numbers or a tf.Tensor, but got ${describeValue(value)}.`,
    );
  }

  /**
   * Takes ownership of a tensor (freed in `dispose()`); returns it. Not `tf.keep`-ed: built
   * inside a `tf.tidy`, the distribution's own tensors end with that scope, like any tensor.
   */
  protected own<T extends tf.Tensor>(t: T): T {
    this.ownedTensors.push(t);
    return t;
  }

  /** Broadcast batch shape of named parameter shapes; ShapeError naming them otherwise. */
  protected broadcastParams(params: Record<string, readonly number[]>): number[] {
    const names = Object.keys(params);
    const shapes = names.map((n) => params[n]);
    const out = broadcastShapesOrUndefined(...shapes);
    if (out === undefined) {
      throw new ShapeError(
        `Arguments ${names.map((n) => `'${n}'`).join(' and ')} passed to '${this.constructor.name}' must have broadcastable shapes, but got ${shapes.map((s) => describeValue([...s])).join(' and ')}.`,
      );
    }
    return out;
  }

  /**
   * When validating, reads `t` back (see read-back.ts) and throws
   * "Argument 'scale' passed to 'Normal' must be > 0, but got -1 at index 2." at the first
   * element failing `ok` (NaN always fails).
   */
  protected checkValues(name: string, t: tf.Tensor, requirement: string, ok: (v: number) => boolean): void {
    if (!this.validateArgs) return;
    const values = readSync(t);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isNaN(v) || !ok(v)) {
        throw new InvalidArgumentError(
          `Argument '${name}' passed to '${this.constructor.name}' must be ${requirement}, but got ${v} at index ${i}.`,
        );
      }
    }
  }

  /** Throws DisposedError when used after `dispose()`. */
  protected assertLive(method: string): void {
    if (this.disposedFlag) {
      throw new DisposedError(`${this.constructor.name}.${method}() was called after dispose().`);
    }
  }

  /** Checks a sample shape argument. */
  protected checkSampleShape(method: string, sampleShape: readonly number[]): void {
    if (!Array.isArray(sampleShape) || !sampleShape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new InvalidArgumentError(
        `Argument 'sampleShape' passed to '${this.constructor.name}.${method}' must be an array of non-negative integers, but got ${describeValue(sampleShape)}.`,
      );
    }
  }

  /** Checks that a method's `value` argument is a float32 or int32 tensor. */
  protected checkValue(method: string, value: tf.Tensor, arg = 'value'): void {
    if (!(value instanceof tf.Tensor)) {
      throw new InvalidArgumentError(
        `Argument '${arg}' passed to '${this.constructor.name}.${method}' must be a tf.Tensor, but got ${describeValue(value)}.`,
      );
    }
    if (value.dtype !== 'float32' && value.dtype !== 'int32') {
      throw new InvalidArgumentError(
        `Argument '${arg}' passed to '${this.constructor.name}.${method}' must have dtype float32 or int32, but got ${value.dtype}.`,
      );
    }
  }

  /** Frees the tensors made from plain-number parameters. Idempotent. */
  override dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    tf.dispose(this.ownedTensors);
    this.ownedTensors.length = 0;
  }
}

/** (internal) `[...sampleShape, ...batchShape, ...eventShape]`. */
export function extendedShape(
  sampleShape: readonly number[],
  batchShape: readonly number[],
  eventShape: readonly number[] = [],
): number[] {
  return [...sampleShape, ...batchShape, ...eventShape];
}
