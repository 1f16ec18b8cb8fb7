// Scheduler configuration: one literal-typed, JSON-serialisable config shared by every scheduler
// (so one scheduler can be built from another's config), with diffusers' `scheduler_config.json`
// names (snake_case) mapped to camelCase. Semantics follow diffusers' documented config fields.
import { InvalidArgumentError, checkNumber, checkOneOf, describeValue } from '@gen/core';
import { BETA_SCHEDULES, type BetaSchedule } from '../schedule/betas.js';
import { TIMESTEP_SPACINGS, type TimestepSpacing } from '../schedule/spacing.js';

/** What the denoiser predicts (diffusers `prediction_type`). */
export const PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
export type PredictionType = (typeof PREDICTION_TYPES)[number];

/** DDPM posterior variance (diffusers `variance_type`): beta-tilde (`fixed_small`) or beta (`fixed_large`). */
export const VARIANCE_TYPES = ['fixed_small', 'fixed_large'] as const;
export type VarianceType = (typeof VARIANCE_TYPES)[number];

/** Every field of every scheduler; each scheduler reads the ones it uses and keeps the rest, so configs pass between schedulers. */
export interface SchedulerConfig {
  /** Training timesteps T. Default 1000. */
  readonly numTrainTimesteps: number;
  /** Default 0.0001. */
  readonly betaStart: number;
  /** Default 0.02. */
  readonly betaEnd: number;
  /** Default 'linear'. */
  readonly betaSchedule: BetaSchedule;
  /** Explicit betas instead of a schedule (diffusers `trained_betas`); null for none. */
  readonly trainedBetas: readonly number[] | null;
  /** Default 'epsilon'. */
  readonly predictionType: PredictionType;
  /** Default 'leading' (diffusers' default for DDPM/DDIM). */
  readonly timestepSpacing: TimestepSpacing;
  /** Added to 'leading' timesteps. Default 0. */
  readonly stepsOffset: number;
  /** Rescale betas to zero terminal SNR (Lin et al. 2024). Default false. */
  readonly rescaleBetasZeroSnr: boolean;
  /** Clip the predicted x0 to [-clipSampleRange, clipSampleRange] (DDPM, DDIM). Default true for DDPM/DDIM in diffusers; here default false so that schedulers agree. */
  readonly clipSample: boolean;
  /** Default 1. */
  readonly clipSampleRange: number;
  /** Dynamic thresholding of x0 (Saharia et al. 2022) (DDPM, DDIM, DPM-Solver++). Default false. */
  readonly thresholding: boolean;
  /** Quantile of |x0| per sample used as the threshold. Default 0.995. */
  readonly dynamicThresholdingRatio: number;
  /** Upper bound of the threshold. Default 1. */
  readonly sampleMaxValue: number;
  /** DDPM only. Default 'fixed_small'. */
  readonly varianceType: VarianceType;
  /** DDIM only: alphaBar before the first step is 1 (true) or alphaBar_0 (false). Default true. */
  readonly setAlphaToOne: boolean;
  /** DDIM only: default eta (0 = deterministic DDIM, 1 = DDPM's posterior variance); `step` may override. Default 0. */
  readonly eta: number;
  /** DPM-Solver++ order (1 or 2). Default 2. */
  readonly solverOrder: number;
  /** DPM-Solver++: first-order final step when fewer than 15 steps. Default true. */
  readonly lowerOrderFinal: boolean;
}

/** The defaults (diffusers' defaults except `clipSample`, see above). */
export const DEFAULT_SCHEDULER_CONFIG: SchedulerConfig = Object.freeze({
  numTrainTimesteps: 1000,
  betaStart: 0.0001,
  betaEnd: 0.02,
  betaSchedule: 'linear',
  trainedBetas: null,
  predictionType: 'epsilon',
  timestepSpacing: 'leading',
  stepsOffset: 0,
  rescaleBetasZeroSnr: false,
  clipSample: false,
  clipSampleRange: 1,
  thresholding: false,
  dynamicThresholdingRatio: 0.995,
  sampleMaxValue: 1,
  varianceType: 'fixed_small',
  setAlphaToOne: true,
  eta: 0,
  solverOrder: 2,
  lowerOrderFinal: true,
});

const SNAKE: Record<keyof SchedulerConfig, string> = {
  numTrainTimesteps: 'num_train_timesteps',
  betaStart: 'beta_start',
  betaEnd: 'beta_end',
  betaSchedule: 'beta_schedule',
  trainedBetas: 'trained_betas',
  predictionType: 'prediction_type',
  timestepSpacing: 'timestep_spacing',
  stepsOffset: 'steps_offset',
  rescaleBetasZeroSnr: 'rescale_betas_zero_snr',
  clipSample: 'clip_sample',
  clipSampleRange: 'clip_sample_range',
  thresholding: 'thresholding',
  dynamicThresholdingRatio: 'dynamic_thresholding_ratio',
  sampleMaxValue: 'sample_max_value',
  varianceType: 'variance_type',
  setAlphaToOne: 'set_alpha_to_one',
  eta: 'eta',
  solverOrder: 'solver_order',
  lowerOrderFinal: 'lower_order_final',
};

function checkBoolean(fn: string, arg: string, value: unknown): void {
  if (typeof value !== 'boolean') {
    throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' must be a boolean, but got ${describeValue(value)}.`);
  }
}

/**
 * Fills defaults and validates a partial config; returns a frozen full config.
 *
 * @example
 * const config = resolveSchedulerConfig('DDIMScheduler', { betaSchedule: 'scaled_linear' });
 */
export function resolveSchedulerConfig(fn: string, partial: Partial<SchedulerConfig> = {}): SchedulerConfig {
  if (partial === null || typeof partial !== 'object') {
    throw new InvalidArgumentError(`Argument 'config' passed to '${fn}' must be an object, but got ${describeValue(partial)}.`);
  }
  for (const key of Object.keys(partial)) {
    if (!(key in DEFAULT_SCHEDULER_CONFIG)) {
      throw new InvalidArgumentError(
        `Argument 'config' passed to '${fn}' has unknown key '${key}'; known keys are ${Object.keys(DEFAULT_SCHEDULER_CONFIG).join(', ')}.`,
      );
    }
  }
  const c = { ...DEFAULT_SCHEDULER_CONFIG, ...partial } as SchedulerConfig;
  checkNumber(fn, 'numTrainTimesteps', c.numTrainTimesteps, { min: 2, integer: true });
  checkNumber(fn, 'betaStart', c.betaStart, { min: 0, max: 1 });
  checkNumber(fn, 'betaEnd', c.betaEnd, { min: 0, max: 1 });
  checkOneOf(fn, 'betaSchedule', c.betaSchedule, BETA_SCHEDULES);
  if (c.trainedBetas !== null) {
    if (!Array.isArray(c.trainedBetas) || c.trainedBetas.length !== c.numTrainTimesteps || !c.trainedBetas.every((b) => typeof b === 'number' && b >= 0 && b <= 1)) {
      throw new InvalidArgumentError(
        `Argument 'trainedBetas' passed to '${fn}' must be null or ${c.numTrainTimesteps} numbers in [0, 1], but got ${describeValue(c.trainedBetas)}.`,
      );
    }
  }
  checkOneOf(fn, 'predictionType', c.predictionType, PREDICTION_TYPES);
  checkOneOf(fn, 'timestepSpacing', c.timestepSpacing, TIMESTEP_SPACINGS);
  checkNumber(fn, 'stepsOffset', c.stepsOffset, { min: 0, integer: true });
  checkBoolean(fn, 'rescaleBetasZeroSnr', c.rescaleBetasZeroSnr);
  checkBoolean(fn, 'clipSample', c.clipSample);
  checkNumber(fn, 'clipSampleRange', c.clipSampleRange, { min: 0, minExclusive: true });
  checkBoolean(fn, 'thresholding', c.thresholding);
  checkNumber(fn, 'dynamicThresholdingRatio', c.dynamicThresholdingRatio, { min: 0, max: 1 });
  checkNumber(fn, 'sampleMaxValue', c.sampleMaxValue, { min: 1 });
  checkOneOf(fn, 'varianceType', c.varianceType, VARIANCE_TYPES);
  checkBoolean(fn, 'setAlphaToOne', c.setAlphaToOne);
  checkNumber(fn, 'eta', c.eta, { min: 0 });
  checkNumber(fn, 'solverOrder', c.solverOrder, { min: 1, max: 2, integer: true });
  checkBoolean(fn, 'lowerOrderFinal', c.lowerOrderFinal);
  return Object.freeze({ ...c, trainedBetas: c.trainedBetas === null ? null : Object.freeze([...c.trainedBetas]) });
}

/**
 * Reads a diffusers `scheduler_config.json` object (snake_case). Keys gen does not model
 * (`_class_name`, `_diffusers_version`, `clip_sample` variants, ...) are returned in `ignored`
 * so that callers can see what was dropped; known keys are validated.
 *
 * @example
 * const { config } = parseDiffusersConfig(JSON.parse(readFileSync('scheduler_config.json', 'utf8')));
 */
export function parseDiffusersConfig(json: Record<string, unknown>, fn = 'fromDiffusersConfig'): { config: SchedulerConfig; className: string | null; ignored: string[] } {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InvalidArgumentError(`Argument 'json' passed to '${fn}' must be an object, but got ${describeValue(json)}.`);
  }
  const bySnake = new Map(Object.entries(SNAKE).map(([camel, snake]) => [snake, camel as keyof SchedulerConfig]));
  const partial: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    const camel = bySnake.get(key);
    if (camel === undefined) {
      if (key !== '_class_name') ignored.push(key);
      continue;
    }
    partial[camel] = value;
  }
  if (partial.trainedBetas === undefined) delete partial.trainedBetas;
  const className = typeof json._class_name === 'string' ? json._class_name : null;
  return { config: resolveSchedulerConfig(fn, partial as Partial<SchedulerConfig>), className, ignored };
}

/**
 * Writes a config as a diffusers `scheduler_config.json` object.
 *
 * @example
 * JSON.stringify(toDiffusersJson('DDIMScheduler', scheduler.config));
 */
export function toDiffusersJson(className: string, config: SchedulerConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { _class_name: className };
  for (const [camel, snake] of Object.entries(SNAKE)) out[snake] = (config as unknown as Record<string, unknown>)[camel];
  return out;
}
