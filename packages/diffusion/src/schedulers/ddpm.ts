// DDPM ancestral sampling (Ho et al. 2020, eqs. 6-7): x_{t'} ~ N(mu~(x_t, x0), beta~ or beta), with
// x0 clipping or dynamic thresholding; t' is the next inference timestep (diffusers' DDPMScheduler).
import * as tf from '@tensorflow/tfjs-core';
import type { SchedulerConfig } from './config.js';
import { SchedulerBase, type StepArgs, type StepOutput, parseDiffusersConfig, vpPredictions } from './scheduler.js';

/**
 * DDPM scheduler (diffusers `DDPMScheduler`): `varianceType` 'fixed_small' (posterior variance
 * beta~_t) or 'fixed_large' (beta_t); stochastic, so `step` needs `seed` (or `noise`) except at t = 0.
 *
 * @example
 * const scheduler = new DDPMScheduler({ betaSchedule: 'squaredcos_cap_v2' });
 * scheduler.setTimesteps(1000);
 * for (const [i, t] of scheduler.timesteps.entries()) {
 *   const eps = model(x, t);
 *   const { prevSample } = scheduler.step({ modelOutput: eps, timestep: t, sample: x, seed: foldIn(key, i) });
 * }
 */
export class DDPMScheduler extends SchedulerBase {
  readonly className = 'DDPMScheduler';

  constructor(config: Partial<SchedulerConfig> = {}) {
    super('DDPMScheduler', config);
  }

  /** Builds one from a diffusers `scheduler_config.json` object. */
  static fromDiffusersConfig(json: Record<string, unknown>): DDPMScheduler {
    return new DDPMScheduler(parseDiffusersConfig(json, 'DDPMScheduler.fromDiffusersConfig').config);
  }

  /** alphaBar at the timestep after `timesteps[index]` (1 past the end). */
  private alphaBarPrev(index: number): number {
    const prev = index + 1 < this.timestepList.length ? this.timestepList[index + 1] : -1;
    return prev >= 0 ? this.alphasCumprod[prev] : 1;
  }

  /** The variance of step `timestep -> next timestep` (before clamping). Requires `setTimesteps`. */
  variance(timestep: number): number {
    const i = this.indexOf('DDPMScheduler.variance', timestep);
    const aT = this.alphasCumprod[timestep];
    const aPrev = this.alphaBarPrev(i);
    const betaT = 1 - aT / aPrev;
    if (this.config.varianceType === 'fixed_large') return betaT;
    return Math.max(((1 - aPrev) / (1 - aT)) * betaT, 1e-20);
  }

  step(args: StepArgs): StepOutput {
    const { fn } = this.checkStepArgs(args);
    const { modelOutput, sample, timestep } = args;
    const i = this.indexOf(fn, timestep);
    const aT = this.alphasCumprod[timestep];
    const aPrev = this.alphaBarPrev(i);
    const betaT = 1 - aT / aPrev; // beta of the (possibly strided) step
    const std = timestep > 0 ? Math.sqrt(this.variance(timestep)) : 0;
    const noise = std > 0 ? this.stepNoise(fn, args) : null;
    const out = tf.tidy(() => {
      const pred = vpPredictions(this.config.predictionType, modelOutput, sample, aT);
      const x0 = this.processX0(pred.x0);
      // Posterior mean (eq. 7): sqrt(aPrev) beta_t / (1 - aT) x0 + sqrt(alpha_t) (1 - aPrev) / (1 - aT) x_t.
      const cX0 = (Math.sqrt(aPrev) * betaT) / (1 - aT);
      const cXt = (Math.sqrt(1 - betaT) * (1 - aPrev)) / (1 - aT);
      let prev = tf.add(tf.mul(x0, cX0), tf.mul(sample, cXt));
      if (noise) prev = tf.add(prev, tf.mul(noise, std));
      return { prevSample: prev, predOriginalSample: x0 };
    });
    noise?.dispose();
    return out;
  }
}
