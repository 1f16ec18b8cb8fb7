// Exponential moving average of parameters (Polyak & Juditsky 1992; the warmup
// min(decay, (1 + n) / (10 + n)) is tf.train.ExponentialMovingAverage's num_updates rule).
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, DisposedError, InvalidArgumentError, describeValue } from '../errors.js';
import { type ParamTree, flattenParams, unflattenParams } from '../params.js';
import { checkDecayRate, checkOptionKeys } from './check-options.js';

/** EMA options. */
export interface EmaConfig {
  /** Weight of the old average per update. Default 0.999. */
  decay?: number;
  /**
   * Use `min(decay, (1 + n) / (10 + n))` at update `n` (0-based), so that early averages are not
   * dominated by the initial weights. Default false.
   */
  warmup?: boolean;
}

/** Serialisable EMA state: config, number of updates, and averages named by parameter path. */
export interface EmaState {
  config: { decay: number; warmup: boolean };
  step: number;
  shadow: Record<string, tf.Tensor>;
}

/**
 * An exponential moving average of a tree of variables: `shadow = d * shadow + (1 - d) * param`
 * after each `update()`. Sample with the averaged weights through `withAverage(fn)` (or `swap()`
 * twice), or copy them into the model for good with `copyTo()`.
 *
 * @example
 * const ema = new ExponentialMovingAverage(params, { decay: 0.999, warmup: true });
 * // after each optimizer step:
 * ema.update();
 * // sample with the averaged weights, then put the trained ones back:
 * const samples = await ema.withAverage(() => sample(params));
 */
export class ExponentialMovingAverage {
  readonly config: Readonly<Required<EmaConfig>>;
  readonly params: ParamTree<tf.Variable>;
  private readonly flat: Record<string, tf.Variable>;
  private readonly shadow: Record<string, tf.Variable> = {};
  private count = 0;
  private disposed = false;

  constructor(params: ParamTree<tf.Variable>, config: EmaConfig = {}) {
    const fn = 'ExponentialMovingAverage';
    checkOptionKeys(fn, 'config', config, ['decay', 'warmup']);
    const { decay = 0.999, warmup = false } = config;
    checkDecayRate(fn, 'decay', decay);
    if (typeof warmup !== 'boolean') {
      throw new InvalidArgumentError(`Argument 'warmup' passed to '${fn}' must be a boolean, but got ${describeValue(warmup)}.`);
    }
    if (params == null || typeof params !== 'object' || params instanceof tf.Tensor) {
      throw new InvalidArgumentError(`Argument 'params' passed to '${fn}' must be a tree of tf.Variable, but got ${describeValue(params)}.`);
    }
    this.flat = flattenParams(params);
    for (const [path, v] of Object.entries(this.flat)) {
      if (!(v instanceof tf.Variable)) {
        throw new InvalidArgumentError(`Argument 'params.${path}' passed to '${fn}' must be a tf.Variable, but got ${describeValue(v)}.`);
      }
    }
    this.config = Object.freeze({ decay, warmup });
    this.params = params;
    for (const [path, v] of Object.entries(this.flat)) this.shadow[path] = tf.variable(v, false);
  }

  /** Number of `update()` calls so far (restored by `loadState`). */
  get stepCount(): number {
    return this.count;
  }

  /** The decay the next `update()` will use. */
  get currentDecay(): number {
    const { decay, warmup } = this.config;
    return warmup ? Math.min(decay, (1 + this.count) / (10 + this.count)) : decay;
  }

  /** Folds the current parameter values into the averages. */
  update(): void {
    this.assertLive('update');
    const d = this.currentDecay;
    tf.tidy(() => {
      for (const [path, s] of Object.entries(this.shadow)) {
        s.assign(tf.add(tf.mul(s, d), tf.mul(this.flat[path], 1 - d)));
      }
    });
    this.count += 1;
  }

  /** Alias of `update()` (the name tf.train.ExponentialMovingAverage uses). */
  apply(): void {
    this.update();
  }

  /** Overwrites the parameters with the averages (the trained values are lost). */
  copyTo(): void {
    this.assertLive('copyTo');
    tf.tidy(() => {
      for (const [path, s] of Object.entries(this.shadow)) this.flat[path].assign(tf.clone(s));
    });
  }

  /** Exchanges parameters and averages; a second call restores them. */
  swap(): void {
    this.assertLive('swap');
    tf.tidy(() => {
      for (const [path, s] of Object.entries(this.shadow)) {
        const p = this.flat[path];
        const saved = tf.clone(p);
        p.assign(tf.clone(s));
        s.assign(saved);
      }
    });
  }

  /**
   * Runs `fn` with the averaged weights in the parameters and puts the trained weights back
   * afterwards, also when `fn` throws.
   */
  async withAverage<T>(fn: () => T | Promise<T>): Promise<T> {
    this.swap();
    try {
      return await fn();
    } finally {
      this.swap();
    }
  }

  /** Copies of the averages as a tree shaped like the params; they belong to the caller. */
  averages(): ParamTree<tf.Tensor> {
    this.assertLive('averages');
    const out: Record<string, tf.Tensor> = {};
    for (const [path, s] of Object.entries(this.shadow)) out[path] = tf.clone(s);
    return unflattenParams(out);
  }

  /** State for checkpoints; the tensors are copies that belong to the caller. */
  state(): EmaState {
    this.assertLive('state');
    const shadow: Record<string, tf.Tensor> = {};
    for (const [path, s] of Object.entries(this.shadow)) shadow[path] = tf.clone(s);
    return { config: { ...this.config }, step: this.count, shadow };
  }

  /** Restores `state()` output; a missing, extra or misshapen average throws `CheckpointError`. */
  loadState(state: EmaState): void {
    this.assertLive('loadState');
    const where = "EMA state passed to 'ExponentialMovingAverage.loadState'";
    if (state == null || typeof state !== 'object' || state.shadow == null || typeof state.shadow !== 'object') {
      throw new CheckpointError(`${where} must be {config, step, shadow}, but got ${describeValue(state)}.`);
    }
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new CheckpointError(`${where} must have a non-negative integer 'step', but got ${describeValue(state.step)}.`);
    }
    for (const [path, s] of Object.entries(this.shadow)) {
      const t = state.shadow[path];
      if (!(t instanceof tf.Tensor)) throw new CheckpointError(`${where} is missing average '${path}'.`);
      if (t.shape.join(',') !== s.shape.join(',')) {
        throw new CheckpointError(
          `${where} has average '${path}' with shape ${describeValue(t.shape)}, but the parameter has ${describeValue(s.shape)}.`,
        );
      }
    }
    for (const path of Object.keys(state.shadow)) {
      if (!(path in this.shadow)) throw new CheckpointError(`${where} has unexpected average '${path}'.`);
    }
    tf.tidy(() => {
      for (const [path, s] of Object.entries(this.shadow)) s.assign(tf.clone(state.shadow[path]));
    });
    this.count = state.step;
  }

  /** Frees the averages (not the parameters). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(Object.values(this.shadow));
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  private assertLive(method: string): void {
    if (this.disposed) throw new DisposedError(`'ExponentialMovingAverage.${method}' was called after dispose().`);
  }
}
