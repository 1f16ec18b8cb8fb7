// The scheduler contract shared by every sampler (the split of Hugging Face diffusers): a
// schedule of timesteps, one denoising `step`, and the forward process `addNoise`.
// VP forward process q(x_t | x_0) = N(sqrt(alphaBar_t) x_0, (1 - alphaBar_t) I) (Ho et al. 2020, eq. 4).
import * as tf from '@tensorflow/tfjs-core';
import {
  DisposedError,
  InvalidArgumentError,
  ShapeError,
  checkFloatTensor,
  checkNumber,
  describeValue,
  randomNormal,
  type Seed,
} from '@gen/core';
import { alphasCumprod as cumprod, makeBetas, rescaleZeroTerminalSnr } from '../schedule/betas.js';
import { spacedTimesteps } from '../schedule/spacing.js';
import { type PredictionType, type SchedulerConfig, parseDiffusersConfig, resolveSchedulerConfig, toDiffusersJson } from './config.js';

/** Arguments of `Scheduler.step`. Tensors are borrowed (not disposed). */
export interface StepArgs {
  /** Denoiser output at (sample, timestep), shaped like `sample`, in the config's prediction type. */
  readonly modelOutput: tf.Tensor;
  /** The current timestep: an element of `scheduler.timesteps` (the one being stepped from). */
  readonly timestep: number;
  /** The current sample x_t `[batch, ...]`. */
  readonly sample: tf.Tensor;
  /** Seed of the fresh noise of stochastic steps (DDPM, DDIM with eta > 0, Euler ancestral). */
  readonly seed?: Seed;
  /** Or the noise itself, shaped like `sample` (takes precedence over `seed`). */
  readonly noise?: tf.Tensor;
  /** DDIM only: overrides `config.eta` for this step. */
  readonly eta?: number;
}

/** What `step` returns; both tensors belong to the caller. */
export interface StepOutput {
  /** x_{t-1}: the sample at the next (lower-noise) timestep. */
  readonly prevSample: tf.Tensor;
  /** The denoised estimate x_0 at this step. */
  readonly predOriginalSample: tf.Tensor;
}

/** Timesteps for `addNoise`: one for all rows, one per row, or an int32 tensor `[batch]`. */
export type NoiseTimesteps = number | readonly number[] | tf.Tensor;

/** The scheduler interface every scheduler implements (diffusers' `SchedulerMixin` contract). */
export interface Scheduler {
  /** The diffusers class name, e.g. 'DDIMScheduler'. */
  readonly className: string;
  /** Frozen full config (shared field set: pass it to any other scheduler). */
  readonly config: SchedulerConfig;
  /** Model evaluations per inference step (2 for Heun). */
  readonly order: number;
  /** alphaBar_t for t = 0..T-1, float64. */
  readonly alphasCumprod: Float64Array;
  /** Inference timesteps, descending (empty before `setTimesteps`). */
  readonly timesteps: readonly number[];
  /** The standard deviation of the initial noise (1 for VP schedulers, sigma_max-ish for Euler/Heun). */
  readonly initNoiseSigma: number;
  /** Sets the number of inference steps; resets any multistep state. */
  setTimesteps(numInferenceSteps: number): void;
  /** Starts at `timesteps[index]` instead of the first (image-to-image); resets multistep state. */
  setBeginIndex(index: number): void;
  /** The model input at `timestep` (identity for VP schedulers, x / sqrt(sigma^2 + 1) for Euler/Heun). Returns a new tensor. */
  scaleModelInput(sample: tf.Tensor, timestep: number): tf.Tensor;
  /** One denoising step from `timestep` to the next one. Returned tensors belong to the caller. */
  step(args: StepArgs): StepOutput;
  /** Forward process at timestep(s) t, in this scheduler's sample space; pure (no state change). Returns a new tensor. */
  addNoise(x0: tf.Tensor, noise: tf.Tensor, t: NoiseTimesteps): tf.Tensor;
  /** The config as a diffusers `scheduler_config.json` object. */
  toDiffusersConfig(): Record<string, unknown>;
  /** `{className, config}`; JSON round-trips through `schedulerFromJson`. */
  toJSON(): { className: string; config: SchedulerConfig };
  /** Frees multistep state; idempotent; use afterwards throws `DisposedError`. */
  dispose(): void;
  [Symbol.dispose](): void;
}

/**
 * Converts a model output `[batch, ...]` to x0 and epsilon at alphaBar (VP space). Returns new tensors.
 *
 * @example
 * const { x0, eps } = vpPredictions('v_prediction', v, xt, scheduler.alphasCumprod[t]);
 */
export function vpPredictions(
  predictionType: PredictionType,
  modelOutput: tf.Tensor,
  sample: tf.Tensor,
  alphaBar: number,
): { x0: tf.Tensor; eps: tf.Tensor } {
  const a = Math.sqrt(alphaBar);
  const s = Math.sqrt(1 - alphaBar);
  return tf.tidy(() => {
    if (predictionType === 'epsilon') {
      return { x0: tf.div(tf.sub(sample, tf.mul(modelOutput, s)), a), eps: tf.clone(modelOutput) };
    }
    if (predictionType === 'v_prediction') {
      // v = a eps - s x0  =>  x0 = a x - s v, eps = a v + s x
      return { x0: tf.sub(tf.mul(sample, a), tf.mul(modelOutput, s)), eps: tf.add(tf.mul(modelOutput, a), tf.mul(sample, s)) };
    }
    return { x0: tf.clone(modelOutput), eps: tf.div(tf.sub(sample, tf.mul(modelOutput, a)), s) };
  });
}

/**
 * Dynamic thresholding (Saharia et al. 2022, Imagen §2.3): per sample, s = quantile(|x0|, ratio)
 * clamped to [1, maxValue]; x0 <- clip(x0, -s, s) / s. Quantile with linear interpolation
 * (torch.quantile). Returns a new tensor.
 *
 * @example
 * const x0 = dynamicThreshold(predicted, 0.995, 1); // [batch, ...]
 */
export function dynamicThreshold(x0: tf.Tensor, ratio: number, maxValue: number): tf.Tensor {
  return tf.tidy(() => {
    const batch = x0.shape[0];
    const d = x0.size / batch;
    const flat = tf.abs(tf.reshape(x0, [batch, d])); // [batch, d]
    const sorted = tf.reverse(tf.topk(flat, d, true).values, 1); // ascending [batch, d]
    const pos = ratio * (d - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, d - 1);
    const frac = pos - lo;
    const qLo = tf.slice(sorted, [0, lo], [batch, 1]);
    const qHi = tf.slice(sorted, [0, hi], [batch, 1]);
    const q = tf.add(qLo, tf.mul(tf.sub(qHi, qLo), frac)); // [batch, 1]
    const s = tf.clipByValue(q, 1, maxValue);
    const shaped = tf.reshape(s, [batch, ...x0.shape.slice(1).map(() => 1)]);
    return tf.div(tf.minimum(tf.maximum(x0, tf.neg(shaped)), shaped), shaped);
  });
}

/**
 * Shared machinery of the schedulers (config, alphaBar, timesteps, errors, `addNoise`). Extend it to
 * write a scheduler: implement `step`.
 *
 * @example
 * class MyScheduler extends SchedulerBase { readonly className = 'MyScheduler'; step(args: StepArgs): StepOutput { ... } }
 */
export abstract class SchedulerBase implements Scheduler {
  abstract readonly className: string;
  readonly config: SchedulerConfig;
  readonly order: number = 1;
  readonly betas: Float64Array;
  readonly alphasCumprod: Float64Array;
  protected timestepList: number[] = [];
  /** Index of the next step in `timesteps` (multistep schedulers check it). */
  protected stepIndex = 0;
  protected disposed = false;

  constructor(fn: string, config: Partial<SchedulerConfig> = {}) {
    this.config = resolveSchedulerConfig(fn, config);
    const c = this.config;
    let betas = c.trainedBetas ? Float64Array.from(c.trainedBetas) : makeBetas(c);
    if (c.rescaleBetasZeroSnr) betas = rescaleZeroTerminalSnr(betas);
    this.betas = betas;
    this.alphasCumprod = cumprod(betas);
    // Zero terminal SNR leaves alphaBar_{T-1} = 0, where epsilon and sigma = sqrt((1 - a) / a) are
    // undefined; like diffusers' sigma-based schedulers, use 2^-24 there (all schedulers, here).
    if (c.rescaleBetasZeroSnr) this.alphasCumprod[c.numTrainTimesteps - 1] = Math.max(this.alphasCumprod[c.numTrainTimesteps - 1], 2 ** -24);
  }

  get timesteps(): readonly number[] {
    return this.timestepList;
  }

  /** The number of inference steps of the last `setTimesteps`, or null. */
  get numInferenceSteps(): number | null {
    return this.timestepList.length === 0 ? null : this.inferenceSteps;
  }
  protected inferenceSteps = 0;

  get initNoiseSigma(): number {
    return 1;
  }

  protected assertLive(method: string): void {
    if (this.disposed) throw new DisposedError(`'${this.className}.${method}' was called after dispose().`);
  }

  protected spaced(numInferenceSteps: number, fractional = false): number[] {
    const c = this.config;
    checkNumber(`${this.className}.setTimesteps`, 'numInferenceSteps', numInferenceSteps, { min: 1, max: c.numTrainTimesteps, integer: true });
    return spacedTimesteps({
      numTrainTimesteps: c.numTrainTimesteps,
      numInferenceSteps,
      spacing: c.timestepSpacing,
      stepsOffset: c.stepsOffset,
      fractional,
    });
  }

  setTimesteps(numInferenceSteps: number): void {
    this.assertLive('setTimesteps');
    this.timestepList = this.spaced(numInferenceSteps);
    this.inferenceSteps = numInferenceSteps;
    this.resetState(0);
  }

  setBeginIndex(index: number): void {
    this.assertLive('setBeginIndex');
    this.requireTimesteps('setBeginIndex');
    checkNumber(`${this.className}.setBeginIndex`, 'index', index, { min: 0, max: this.timestepList.length - 1, integer: true });
    this.resetState(index);
  }

  /** Clears multistep state and sets the next step index. */
  protected resetState(index: number): void {
    this.stepIndex = index;
  }

  scaleModelInput(sample: tf.Tensor, timestep: number): tf.Tensor {
    this.assertLive('scaleModelInput');
    checkFloatTensor(`${this.className}.scaleModelInput`, 'sample', sample);
    this.indexOf(`${this.className}.scaleModelInput`, timestep);
    return tf.clone(sample);
  }

  protected requireTimesteps(method: string): void {
    if (this.timestepList.length === 0) {
      throw new InvalidArgumentError(`'${this.className}.${method}' was called before 'setTimesteps': call setTimesteps(numInferenceSteps) first.`);
    }
  }

  /** Index of `timestep` in the schedule (first occurrence), or a clear error. */
  protected indexOf(fn: string, timestep: number): number {
    const method = fn.slice(fn.indexOf('.') + 1);
    this.requireTimesteps(method);
    const i = this.timestepList.indexOf(timestep);
    if (i < 0) {
      const ts = this.timestepList;
      const shown = ts.length > 6 ? `[${ts.slice(0, 3).join(', ')}, ..., ${ts.slice(-2).join(', ')}]` : `[${ts.join(', ')}]`;
      throw new InvalidArgumentError(
        `Argument 'timestep' passed to '${fn}' must be one of the scheduler's ${ts.length} timesteps ${shown}, but got ${describeValue(timestep)}.`,
      );
    }
    return i;
  }

  protected checkStepArgs(args: StepArgs): { fn: string } {
    const fn = `${this.className}.step`;
    this.assertLive('step');
    if (args === null || typeof args !== 'object') {
      throw new InvalidArgumentError(`Argument 'args' passed to '${fn}' must be {modelOutput, timestep, sample}, but got ${describeValue(args)}.`);
    }
    checkFloatTensor(fn, 'sample', args.sample);
    checkFloatTensor(fn, 'modelOutput', args.modelOutput);
    if (args.sample.rank < 1) throw new ShapeError(`Argument 'sample' passed to '${fn}' must have shape [batch, ...], but got [].`);
    if (args.modelOutput.shape.join(',') !== args.sample.shape.join(',')) {
      throw new ShapeError(
        `Argument 'modelOutput' passed to '${fn}' must have the shape of sample [${args.sample.shape.join(', ')}], but got [${args.modelOutput.shape.join(', ')}].`,
      );
    }
    if (args.noise !== undefined) {
      checkFloatTensor(fn, 'noise', args.noise);
      if (args.noise.shape.join(',') !== args.sample.shape.join(',')) {
        throw new ShapeError(`Argument 'noise' passed to '${fn}' must have the shape of sample [${args.sample.shape.join(', ')}], but got [${args.noise.shape.join(', ')}].`);
      }
    }
    return { fn };
  }

  /** Fresh noise for a stochastic step: `args.noise` (cloned) or normal noise from `args.seed`. */
  protected stepNoise(fn: string, args: StepArgs): tf.Tensor {
    if (args.noise !== undefined) return tf.clone(args.noise);
    if (args.seed === undefined) {
      throw new InvalidArgumentError(`Argument 'seed' passed to '${fn}' is required for this stochastic step (or pass 'noise'), but got undefined.`);
    }
    return randomNormal(args.seed, args.sample.shape);
  }

  /** Clipping or dynamic thresholding of x0, per config. Returns a new tensor. */
  protected processX0(x0: tf.Tensor): tf.Tensor {
    const c = this.config;
    if (c.thresholding) return dynamicThreshold(x0, c.dynamicThresholdingRatio, c.sampleMaxValue);
    if (c.clipSample) return tf.clipByValue(x0, -c.clipSampleRange, c.clipSampleRange);
    return tf.clone(x0);
  }

  abstract step(args: StepArgs): StepOutput;

  /** Per-row coefficient table value(s) for `addNoise`, shaped to broadcast against x0. */
  protected coefficient(fn: string, table: Float64Array, t: NoiseTimesteps, x0: tf.Tensor): tf.Tensor {
    const T = this.config.numTrainTimesteps;
    const batch = x0.shape[0];
    const ones = x0.shape.slice(1).map(() => 1);
    // Numbers may be fractional (Euler/Heun 'linspace' timesteps): linear interpolation of the table (np.interp).
    const valueAt = (v: unknown): number => {
      checkNumber(fn, 't', v, { min: 0, max: T - 1 });
      const lo = Math.floor(v);
      const hi = Math.min(lo + 1, T - 1);
      return table[lo] + (table[hi] - table[lo]) * (v - lo);
    };
    if (typeof t === 'number') return tf.scalar(valueAt(t));
    if (Array.isArray(t)) {
      if (t.length !== batch) throw new ShapeError(`Argument 't' passed to '${fn}' must have shape [${batch}], but got [${t.length}].`);
      return tf.tensor(Float32Array.from(t as number[], valueAt), [batch, ...ones]);
    }
    if (!(t instanceof tf.Tensor) || t.dtype !== 'int32' || t.rank !== 1 || t.shape[0] !== batch) {
      throw new ShapeError(
        `Argument 't' passed to '${fn}' must be a number, number[] or int32 tensor of shape [${batch}], but got ${t instanceof tf.Tensor ? `${t.dtype} [${t.shape.join(', ')}]` : describeValue(t)}.`,
      );
    }
    return tf.tidy(() => tf.reshape(tf.gather(tf.tensor1d(Float32Array.from(table)), t), [batch, ...ones]));
  }

  protected checkAddNoise(fn: string, x0: tf.Tensor, noise: tf.Tensor): void {
    this.assertLive('addNoise');
    checkFloatTensor(fn, 'x0', x0);
    checkFloatTensor(fn, 'noise', noise);
    if (x0.rank < 1) throw new ShapeError(`Argument 'x0' passed to '${fn}' must have shape [batch, ...], but got [].`);
    if (noise.shape.join(',') !== x0.shape.join(',')) {
      throw new ShapeError(`Argument 'noise' passed to '${fn}' must have the shape of x0 [${x0.shape.join(', ')}], but got [${noise.shape.join(', ')}].`);
    }
  }

  addNoise(x0: tf.Tensor, noise: tf.Tensor, t: NoiseTimesteps): tf.Tensor {
    const fn = `${this.className}.addNoise`;
    this.checkAddNoise(fn, x0, noise);
    const a = this.coefficient(fn, this.alphasCumprod.map(Math.sqrt), t, x0);
    const s = this.coefficient(fn, this.alphasCumprod.map((v) => Math.sqrt(1 - v)), t, x0);
    const out = tf.tidy(() => tf.add(tf.mul(x0, a), tf.mul(noise, s)));
    tf.dispose([a, s]);
    return out;
  }

  toDiffusersConfig(): Record<string, unknown> {
    return toDiffusersJson(this.className, this.config);
  }

  toJSON(): { className: string; config: SchedulerConfig } {
    return { className: this.className, config: this.config };
  }

  dispose(): void {
    if (this.disposed) return;
    this.resetState(0);
    this.disposed = true;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

export { parseDiffusersConfig };
