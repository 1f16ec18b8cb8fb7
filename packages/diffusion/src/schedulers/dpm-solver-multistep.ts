// DPM-Solver++(2M) (Lu et al. 2022, "DPM-Solver++", Algorithm 2, data prediction, midpoint form as in
// diffusers' DPMSolverMultistepScheduler): x_t = (s_t / s_s) x - a_t (e^{-h} - 1) (D0 + D1 / 2).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '@gen/core';
import type { SchedulerConfig } from './config.js';
import { SchedulerBase, type StepArgs, type StepOutput, parseDiffusersConfig, vpPredictions } from './scheduler.js';
import { sigmasFromAlphasCumprod } from './sigmas.js';

/**
 * DPM-Solver++ multistep scheduler (diffusers `DPMSolverMultistepScheduler` with
 * `algorithm_type='dpmsolver++'`, `solver_type='midpoint'`, `final_sigmas_type='zero'`). Order
 * `solverOrder` (1 or 2); the first and the last step are first order. Deterministic; `step`
 * must be called for the timesteps in order (it keeps the previous x0 estimate).
 *
 * @example
 * const scheduler = new DPMSolverMultistepScheduler({ timestepSpacing: 'trailing' });
 * scheduler.setTimesteps(20);
 */
export class DPMSolverMultistepScheduler extends SchedulerBase {
  readonly className = 'DPMSolverMultistepScheduler';
  private sigmaList: number[] = [];
  private previousX0: tf.Tensor | null = null;

  constructor(config: Partial<SchedulerConfig> = {}) {
    super('DPMSolverMultistepScheduler', config);
  }

  /** Builds one from a diffusers `scheduler_config.json` object. */
  static fromDiffusersConfig(json: Record<string, unknown>): DPMSolverMultistepScheduler {
    return new DPMSolverMultistepScheduler(parseDiffusersConfig(json, 'DPMSolverMultistepScheduler.fromDiffusersConfig').config);
  }

  override setTimesteps(numInferenceSteps: number): void {
    super.setTimesteps(numInferenceSteps);
    const train = sigmasFromAlphasCumprod(this.alphasCumprod);
    this.sigmaList = [...this.timestepList.map((t) => train[t]), 0];
  }

  protected override resetState(index: number): void {
    this.previousX0?.dispose();
    this.previousX0 = null;
    this.stepIndex = index;
  }

  step(args: StepArgs): StepOutput {
    const { fn } = this.checkStepArgs(args);
    this.requireTimesteps('step');
    const i = this.stepIndex;
    if (i >= this.timestepList.length || args.timestep !== this.timestepList[i]) {
      throw new InvalidArgumentError(
        `Argument 'timestep' passed to '${fn}' must be the next timestep of the schedule (${i < this.timestepList.length ? this.timestepList[i] : 'none left: call setTimesteps again'}, step ${i}), but got ${describeValue(args.timestep)}.`,
      );
    }
    // alpha_t = 1 / sqrt(sigma^2 + 1), sigma_t = sigma alpha_t, lambda = log alpha_t - log sigma_t.
    const coeffs = (sigma: number) => {
      const alpha = 1 / Math.sqrt(sigma * sigma + 1);
      const s = sigma * alpha;
      return { alpha, s, lambda: Math.log(alpha) - Math.log(s) };
    };
    const cur = coeffs(this.sigmaList[i]);
    const next = coeffs(this.sigmaList[i + 1]);
    const isLast = i === this.timestepList.length - 1;
    const firstOrder = this.config.solverOrder === 1 || this.previousX0 === null || isLast;
    const h = next.lambda - cur.lambda;
    const expm = Math.exp(-h) - 1; // e^{-h} - 1 (-1 on the final step to sigma = 0)
    const ratio = next.s / cur.s;
    const previous = this.previousX0;
    const prevCoeffs = firstOrder ? null : coeffs(this.sigmaList[i - 1]);
    const out = tf.tidy(() => {
      const pred = vpPredictions(this.config.predictionType, args.modelOutput, args.sample, cur.alpha * cur.alpha);
      const x0 = this.processX0(pred.x0);
      let prev: tf.Tensor;
      if (firstOrder) {
        // DPM-Solver++ first order (= DDIM): x_t = (s_t / s_s) x - a_t (e^{-h} - 1) x0.
        prev = tf.sub(tf.mul(args.sample, ratio), tf.mul(x0, next.alpha * expm));
      } else {
        const h0 = cur.lambda - (prevCoeffs as { lambda: number }).lambda;
        const r0 = h0 / h;
        const d1 = tf.div(tf.sub(x0, previous as tf.Tensor), r0); // D1 = (m0 - m1) / r0
        prev = tf.sub(tf.sub(tf.mul(args.sample, ratio), tf.mul(x0, next.alpha * expm)), tf.mul(d1, 0.5 * next.alpha * expm));
      }
      return { prevSample: prev, predOriginalSample: x0 };
    });
    this.previousX0?.dispose();
    this.previousX0 = isLast ? null : tf.keep(tf.clone(out.predOriginalSample));
    this.stepIndex = i + 1;
    return out;
  }
}
