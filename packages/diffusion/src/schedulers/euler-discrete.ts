// Euler sampler of the probability-flow ODE dx/dsigma = (x - x0(x, sigma)) / sigma (Karras et al. 2022,
// Algorithm 1 without churn), on the VP schedule's sigmas (diffusers' EulerDiscreteScheduler).
import * as tf from '@tensorflow/tfjs-core';
import { checkFloatTensor } from '@gen/core';
import type { SchedulerConfig } from './config.js';
import { SchedulerBase, type NoiseTimesteps, type StepArgs, type StepOutput, parseDiffusersConfig } from './scheduler.js';
import { interpolate, sigmaX0, sigmasFromAlphasCumprod } from './sigmas.js';

/**
 * Shared base of the sigma-space schedulers (Euler, Euler ancestral, Heun): samples live in sigma
 * space (x0 + sigma eps), the model sees `scaleModelInput(x)` = x / sqrt(sigma^2 + 1), and
 * 'linspace' timesteps are fractional with interpolated sigmas.
 *
 * @example
 * class MySampler extends SigmaSchedulerBase { readonly className = 'MySampler'; step(args: StepArgs): StepOutput { ... } }
 */
export abstract class SigmaSchedulerBase extends SchedulerBase {
  /** sigma per training timestep. */
  readonly trainSigmas: Float64Array;
  /** sigma per inference step, with a final 0. */
  protected sigmaList: number[] = [];

  constructor(fn: string, config: Partial<SchedulerConfig>) {
    super(fn, config);
    this.trainSigmas = sigmasFromAlphasCumprod(this.alphasCumprod);
  }

  /** The sigmas of the schedule (one per timestep, then 0). */
  get sigmas(): readonly number[] {
    return this.sigmaList;
  }

  override get initNoiseSigma(): number {
    const max = this.sigmaList.length ? Math.max(...this.sigmaList) : this.trainSigmas[this.trainSigmas.length - 1];
    return this.config.timestepSpacing === 'leading' ? Math.sqrt(max * max + 1) : max;
  }

  override setTimesteps(numInferenceSteps: number): void {
    this.assertLive('setTimesteps');
    this.timestepList = this.spaced(numInferenceSteps, true);
    this.sigmaList = [...this.timestepList.map((t) => interpolate(this.trainSigmas, t)), 0];
    this.inferenceSteps = numInferenceSteps;
    this.resetState(0);
  }

  /** Index of the step `timestep` belongs to (stateless: first occurrence). */
  protected stepIndexOf(fn: string, timestep: number): number {
    return this.indexOf(fn, timestep);
  }

  override scaleModelInput(sample: tf.Tensor, timestep: number): tf.Tensor {
    const fn = `${this.className}.scaleModelInput`;
    this.assertLive('scaleModelInput');
    checkFloatTensor(fn, 'sample', sample);
    const sigma = this.sigmaList[this.stepIndexOf(fn, timestep)];
    return tf.tidy(() => tf.div(sample, Math.sqrt(sigma * sigma + 1)));
  }

  /** Forward process in sigma space: x0 + sigma_t noise (t may be fractional). */
  override addNoise(x0: tf.Tensor, noise: tf.Tensor, t: NoiseTimesteps): tf.Tensor {
    const fn = `${this.className}.addNoise`;
    this.checkAddNoise(fn, x0, noise);
    const s = this.coefficient(fn, this.trainSigmas, t, x0);
    const out = tf.tidy(() => tf.add(x0, tf.mul(noise, s)));
    s.dispose();
    return out;
  }
}

/**
 * Euler scheduler (diffusers `EulerDiscreteScheduler`), deterministic. Call
 * `scaleModelInput(x, t)` before the model; start from noise times `initNoiseSigma`.
 *
 * @example
 * const scheduler = new EulerDiscreteScheduler({ timestepSpacing: 'trailing' });
 * scheduler.setTimesteps(50);
 */
export class EulerDiscreteScheduler extends SigmaSchedulerBase {
  readonly className = 'EulerDiscreteScheduler';

  constructor(config: Partial<SchedulerConfig> = {}) {
    super('EulerDiscreteScheduler', config);
  }

  /** Builds one from a diffusers `scheduler_config.json` object. */
  static fromDiffusersConfig(json: Record<string, unknown>): EulerDiscreteScheduler {
    return new EulerDiscreteScheduler(parseDiffusersConfig(json, 'EulerDiscreteScheduler.fromDiffusersConfig').config);
  }

  step(args: StepArgs): StepOutput {
    const { fn } = this.checkStepArgs(args);
    const i = this.stepIndexOf(fn, args.timestep);
    const sigma = this.sigmaList[i];
    const sigmaNext = this.sigmaList[i + 1];
    return tf.tidy(() => {
      const x0 = sigmaX0(this.config.predictionType, args.modelOutput, args.sample, sigma);
      const derivative = tf.div(tf.sub(args.sample, x0), sigma); // dx/dsigma
      return { prevSample: tf.add(args.sample, tf.mul(derivative, sigmaNext - sigma)), predOriginalSample: x0 };
    });
  }
}
