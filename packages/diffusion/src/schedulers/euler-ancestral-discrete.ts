// Euler ancestral sampler (Karras et al. 2022 / k-diffusion `sample_euler_ancestral`): an Euler step
// to sigma_down, then fresh noise of std sigma_up, with sigma_up^2 = sigma'^2 (sigma^2 - sigma'^2) / sigma^2.
import * as tf from '@tensorflow/tfjs-core';
import type { SchedulerConfig } from './config.js';
import { type StepArgs, type StepOutput, parseDiffusersConfig } from './scheduler.js';
import { SigmaSchedulerBase } from './euler-discrete.js';
import { sigmaX0 } from './sigmas.js';

/**
 * Euler ancestral scheduler (diffusers `EulerAncestralDiscreteScheduler`); stochastic, so `step`
 * needs `seed` (or `noise`) except on the last step.
 *
 * @example
 * const scheduler = new EulerAncestralDiscreteScheduler();
 * scheduler.setTimesteps(50);
 */
export class EulerAncestralDiscreteScheduler extends SigmaSchedulerBase {
  readonly className = 'EulerAncestralDiscreteScheduler';

  constructor(config: Partial<SchedulerConfig> = {}) {
    super('EulerAncestralDiscreteScheduler', config);
  }

  /** Builds one from a diffusers `scheduler_config.json` object. */
  static fromDiffusersConfig(json: Record<string, unknown>): EulerAncestralDiscreteScheduler {
    return new EulerAncestralDiscreteScheduler(parseDiffusersConfig(json, 'EulerAncestralDiscreteScheduler.fromDiffusersConfig').config);
  }

  step(args: StepArgs): StepOutput {
    const { fn } = this.checkStepArgs(args);
    const i = this.stepIndexOf(fn, args.timestep);
    const sigma = this.sigmaList[i];
    const sigmaTo = this.sigmaList[i + 1];
    const sigmaUp = Math.sqrt((sigmaTo * sigmaTo * (sigma * sigma - sigmaTo * sigmaTo)) / (sigma * sigma));
    const sigmaDown = Math.sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
    const noise = sigmaUp > 0 ? this.stepNoise(fn, args) : null;
    const out = tf.tidy(() => {
      const x0 = sigmaX0(this.config.predictionType, args.modelOutput, args.sample, sigma);
      const derivative = tf.div(tf.sub(args.sample, x0), sigma);
      let prev = tf.add(args.sample, tf.mul(derivative, sigmaDown - sigma));
      if (noise) prev = tf.add(prev, tf.mul(noise, sigmaUp));
      return { prevSample: prev, predOriginalSample: x0 };
    });
    noise?.dispose();
    return out;
  }
}
