// Beta schedules of diffusion models: linear (Ho et al. 2020), scaled-linear (Rombach et al. 2022),
// squaredcos_cap_v2 (Nichol & Dhariwal 2021, eq. 17), sigmoid (Jabri et al. 2022), and rescaling to
// zero terminal SNR (Lin et al. 2024, Algorithm 1). All in float64, as diffusers computes them.
import { InvalidArgumentError, checkNumber, checkOneOf } from '@gen/core';

/** The beta schedules, named as diffusers names them (`beta_schedule`). */
export const BETA_SCHEDULES = ['linear', 'scaled_linear', 'squaredcos_cap_v2', 'sigmoid'] as const;
/** A beta schedule name. */
export type BetaSchedule = (typeof BETA_SCHEDULES)[number];

/** Options of `makeBetas`. */
export interface BetaOptions {
  /** Number of training timesteps T (diffusers `num_train_timesteps`). */
  readonly numTrainTimesteps: number;
  readonly betaSchedule: BetaSchedule;
  /** beta_1 of linear / scaled_linear / sigmoid. */
  readonly betaStart: number;
  /** beta_T of linear / scaled_linear / sigmoid. */
  readonly betaEnd: number;
}

function linspace(start: number, end: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  const step = (end - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  out[n - 1] = end;
  return out;
}

/**
 * The betas `[T]` of a schedule, float64.
 *
 * @example
 * const betas = makeBetas({ numTrainTimesteps: 1000, betaSchedule: 'linear', betaStart: 1e-4, betaEnd: 0.02 });
 */
export function makeBetas(options: BetaOptions): Float64Array {
  const fn = 'makeBetas';
  const { numTrainTimesteps: n, betaSchedule, betaStart, betaEnd } = options;
  checkNumber(fn, 'numTrainTimesteps', n, { min: 1, integer: true });
  checkOneOf(fn, 'betaSchedule', betaSchedule, BETA_SCHEDULES);
  checkNumber(fn, 'betaStart', betaStart, { min: 0 });
  checkNumber(fn, 'betaEnd', betaEnd, { min: 0, max: 1 });
  switch (betaSchedule) {
    case 'linear':
      return linspace(betaStart, betaEnd, n);
    case 'scaled_linear':
      return linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), n).map((b) => b * b);
    case 'sigmoid':
      return linspace(-6, 6, n).map((x) => (1 / (1 + Math.exp(-x))) * (betaEnd - betaStart) + betaStart);
    case 'squaredcos_cap_v2': {
      // alpha_bar(t) = cos^2(((t + 0.008) / 1.008) * pi / 2); beta_i = 1 - alpha_bar(t_{i+1}) / alpha_bar(t_i), capped at 0.999.
      const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * Math.PI * 0.5) ** 2;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999);
      return out;
    }
    default:
      throw new InvalidArgumentError(`unreachable beta schedule ${String(betaSchedule)}`);
  }
}

/**
 * Rescales betas so that the last timestep has zero SNR (alphaBar_T = 0) while alphaBar_1 is kept
 * (Lin et al. 2024, Algorithm 1). Returns new betas `[T]`; the last one is 1.
 *
 * @example
 * const zsnr = rescaleZeroTerminalSnr(makeBetas({ ... }));
 */
export function rescaleZeroTerminalSnr(betas: Float64Array): Float64Array {
  const n = betas.length;
  if (n < 2) throw new InvalidArgumentError(`Argument 'betas' passed to 'rescaleZeroTerminalSnr' must hold at least 2 values, but got ${n}.`);
  const sqrtAbar = new Float64Array(n);
  let prod = 1;
  for (let i = 0; i < n; i++) {
    prod *= 1 - betas[i];
    sqrtAbar[i] = Math.sqrt(prod);
  }
  const first = sqrtAbar[0];
  const last = sqrtAbar[n - 1];
  // Shift so the last is 0, scale so the first keeps its value.
  const abar = sqrtAbar.map((s) => ((s - last) * first) / (first - last)).map((s) => s * s);
  const out = new Float64Array(n);
  out[0] = 1 - abar[0];
  for (let i = 1; i < n; i++) out[i] = 1 - abar[i] / abar[i - 1];
  return out;
}

/**
 * Cumulative products alphaBar_t = prod_{s <= t} (1 - beta_s), `[T]`, float64.
 *
 * @example
 * const alphaBar = alphasCumprod(makeBetas({ ... }));
 */
export function alphasCumprod(betas: Float64Array): Float64Array {
  const out = new Float64Array(betas.length);
  let prod = 1;
  for (let i = 0; i < betas.length; i++) {
    prod *= 1 - betas[i];
    out[i] = prod;
  }
  return out;
}
