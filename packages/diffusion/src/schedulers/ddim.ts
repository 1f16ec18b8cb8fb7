// DDIM (Song et al. 2021, eq. 12): x_{t'} = sqrt(a') x0 + sqrt(1 - a' - sigma^2) eps + sigma z, with
// sigma = eta sqrt((1 - a') / (1 - a)) sqrt(1 - a / a') (eq. 16), t' = t - T // n (diffusers' DDIMScheduler).
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '@gen/core';
import type { SchedulerConfig } from './config.js';
import { SchedulerBase, type StepArgs, type StepOutput, parseDiffusersConfig, vpPredictions } from './scheduler.js';

/**
 * DDIM scheduler (diffusers `DDIMScheduler`). `eta` (config default, or per step) interpolates
 * between deterministic DDIM (0) and DDPM's posterior variance (1).
 *
 * @example
 * const scheduler = new DDIMScheduler({ timestepSpacing: 'trailing' });
 * scheduler.setTimesteps(50);
 */
export class DDIMScheduler extends SchedulerBase {
  readonly className = 'DDIMScheduler';

  constructor(config: Partial<SchedulerConfig> = {}) {
    super('DDIMScheduler', config);
  }

  /** Builds one from a diffusers `scheduler_config.json` object. */
  static fromDiffusersConfig(json: Record<string, unknown>): DDIMScheduler {
    return new DDIMScheduler(parseDiffusersConfig(json, 'DDIMScheduler.fromDiffusersConfig').config);
  }

  private alphaBarPrev(timestep: number): number {
    const prev = timestep - Math.floor(this.config.numTrainTimesteps / this.inferenceSteps);
    if (prev >= 0) return this.alphasCumprod[prev];
    return this.config.setAlphaToOne ? 1 : this.alphasCumprod[0];
  }

  /** sigma_t^2 / eta^2 of the step from `timestep` (eq. 16). Requires `setTimesteps`. */
  variance(timestep: number): number {
    this.indexOf('DDIMScheduler.variance', timestep);
    const a = this.alphasCumprod[timestep];
    const aPrev = this.alphaBarPrev(timestep);
    return ((1 - aPrev) / (1 - a)) * (1 - a / aPrev);
  }

  step(args: StepArgs): StepOutput {
    const { fn } = this.checkStepArgs(args);
    const { modelOutput, sample, timestep } = args;
    this.indexOf(fn, timestep);
    const eta = args.eta ?? this.config.eta;
    checkNumber(fn, 'eta', eta, { min: 0 });
    const a = this.alphasCumprod[timestep];
    const aPrev = this.alphaBarPrev(timestep);
    const std = eta * Math.sqrt(this.variance(timestep));
    const noise = std > 0 ? this.stepNoise(fn, args) : null;
    const out = tf.tidy(() => {
      const pred = vpPredictions(this.config.predictionType, modelOutput, sample, a);
      const x0 = this.processX0(pred.x0);
      // As diffusers (use_clipped_model_output=False): eps comes from the model output, not the processed x0.
      const direction = tf.mul(pred.eps, Math.sqrt(Math.max(1 - aPrev - std * std, 0)));
      let prev = tf.add(tf.mul(x0, Math.sqrt(aPrev)), direction);
      if (noise) prev = tf.add(prev, tf.mul(noise, std));
      return { prevSample: prev, predOriginalSample: x0 };
    });
    noise?.dispose();
    return out;
  }
}
