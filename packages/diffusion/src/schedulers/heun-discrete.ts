// Heun's second-order sampler of the probability-flow ODE (Karras et al. 2022, Algorithm 1 with
// S_churn = 0): Euler predictor, trapezoidal corrector; no correction on the final step to sigma = 0.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '@gen/core';
import type { SchedulerConfig } from './config.js';
import { type StepArgs, type StepOutput, parseDiffusersConfig } from './scheduler.js';
import { SigmaSchedulerBase } from './euler-discrete.js';
import { interpolate, sigmaX0 } from './sigmas.js';

/**
 * Heun scheduler (diffusers `HeunDiscreteScheduler`), order 2: `timesteps` lists every model
 * evaluation ([t0, t1, t1, t2, t2, ..., t_{n-1}, t_{n-1}], 2n - 1 of them), and `step` must be
 * called for them in order (it keeps the predictor's state between the two calls of a step).
 *
 * @example
 * const scheduler = new HeunDiscreteScheduler();
 * scheduler.setTimesteps(25); // 49 model evaluations
 */
export class HeunDiscreteScheduler extends SigmaSchedulerBase {
  readonly className = 'HeunDiscreteScheduler';
  override readonly order = 2;
  private derivative: tf.Tensor | null = null;
  private savedSample: tf.Tensor | null = null;
  private dt = 0;

  constructor(config: Partial<SchedulerConfig> = {}) {
    super('HeunDiscreteScheduler', config);
  }

  /** Builds one from a diffusers `scheduler_config.json` object. */
  static fromDiffusersConfig(json: Record<string, unknown>): HeunDiscreteScheduler {
    return new HeunDiscreteScheduler(parseDiffusersConfig(json, 'HeunDiscreteScheduler.fromDiffusersConfig').config);
  }

  override setTimesteps(numInferenceSteps: number): void {
    this.assertLive('setTimesteps');
    const base = this.spaced(numInferenceSteps, true);
    const sigmas = [...base.map((t) => interpolate(this.trainSigmas, t)), 0];
    // [t0, t1, t1, ..., t_{n-1}, t_{n-1}] and [s0, s1, s1, ..., s_{n-1}, s_{n-1}, 0].
    this.timestepList = [base[0], ...base.slice(1).flatMap((t) => [t, t])];
    this.sigmaList = [sigmas[0], ...sigmas.slice(1, -1).flatMap((s) => [s, s]), 0];
    this.inferenceSteps = numInferenceSteps;
    this.resetState(0);
  }

  /** True when the next `step` is a predictor (Euler) step. */
  get stateInFirstOrder(): boolean {
    return this.derivative === null;
  }

  protected override resetState(index: number): void {
    tf.dispose([this.derivative, this.savedSample].filter((t): t is tf.Tensor => t !== null));
    this.derivative = null;
    this.savedSample = null;
    this.dt = 0;
    this.stepIndex = index;
  }

  protected override stepIndexOf(fn: string, timestep: number): number {
    this.requireTimesteps(fn.slice(fn.indexOf('.') + 1));
    const expected = this.timestepList[this.stepIndex];
    if (this.stepIndex >= this.timestepList.length || timestep !== expected) {
      throw new InvalidArgumentError(
        `Argument 'timestep' passed to '${fn}' must be the next timestep of the schedule (${expected === undefined ? 'none left: call setTimesteps again' : expected}, step ${this.stepIndex}), but got ${describeValue(timestep)}.`,
      );
    }
    return this.stepIndex;
  }

  step(args: StepArgs): StepOutput {
    const { fn } = this.checkStepArgs(args);
    const i = this.stepIndexOf(fn, args.timestep);
    const pt = this.config.predictionType;
    if (this.derivative === null) {
      // Predictor: Euler from sigma_i to sigma_{i+1}.
      const sigma = this.sigmaList[i];
      const sigmaNext = this.sigmaList[i + 1];
      const out = tf.tidy(() => {
        const x0 = sigmaX0(pt, args.modelOutput, args.sample, sigma);
        const derivative = tf.div(tf.sub(args.sample, x0), sigma);
        const prev = tf.add(args.sample, tf.mul(derivative, sigmaNext - sigma));
        return { prevSample: prev, predOriginalSample: x0, derivative };
      });
      if (sigmaNext > 0) {
        this.derivative = tf.keep(out.derivative);
        this.savedSample = tf.keep(tf.clone(args.sample));
        this.dt = sigmaNext - sigma;
      } else {
        out.derivative.dispose(); // the last step (to sigma = 0) has no corrector
      }
      this.stepIndex += 1;
      return { prevSample: out.prevSample, predOriginalSample: out.predOriginalSample };
    }
    // Corrector: average the derivatives at sigma_i and sigma_{i+1} (the model saw x at sigma_next = sigma_list[i]).
    const sigmaNext = this.sigmaList[i];
    const derivative = this.derivative;
    const saved = this.savedSample as tf.Tensor;
    const dt = this.dt;
    const out = tf.tidy(() => {
      const x0 = sigmaX0(pt, args.modelOutput, args.sample, sigmaNext);
      const d2 = tf.div(tf.sub(args.sample, x0), sigmaNext);
      const d = tf.mul(tf.add(derivative, d2), 0.5);
      return { prevSample: tf.add(saved, tf.mul(d, dt)), predOriginalSample: x0 };
    });
    this.resetState(i + 1);
    return out;
  }
}
