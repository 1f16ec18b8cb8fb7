// Inference timestep spacing as diffusers defines it: 'leading' and 'linspace' (Song et al. 2021,
// DDIM) and 'trailing' (Lin et al. 2024, Table 2), with `steps_offset`.
import { InvalidArgumentError, checkNumber, checkOneOf } from '@gen/core';

/** The spacings, named as diffusers names them (`timestep_spacing`). */
export const TIMESTEP_SPACINGS = ['leading', 'trailing', 'linspace'] as const;
/** A timestep spacing name. */
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];

/**
 * NumPy's `round` (half to even), so that timesteps match diffusers exactly.
 *
 * @example
 * roundHalfEven(2.5); // 2
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Options of `spacedTimesteps`. */
export interface SpacingOptions {
  readonly numTrainTimesteps: number;
  readonly numInferenceSteps: number;
  readonly spacing: TimestepSpacing;
  /** Added to 'leading' timesteps (diffusers `steps_offset`). Default 0. */
  readonly stepsOffset?: number;
  /**
   * Keep 'linspace' timesteps fractional (diffusers' Euler, Euler ancestral and Heun schedulers
   * interpolate sigma between training timesteps) instead of rounding them. Default false.
   */
  readonly fractional?: boolean;
}

/**
 * The inference timesteps, descending, as diffusers' schedulers compute them:
 * - `leading`: `(arange(n) * (T // n)).round()[::-1] + stepsOffset`
 * - `trailing`: `round(arange(T, 0, -T / n)) - 1`
 * - `linspace`: `linspace(0, T - 1, n).round()[::-1]` (not rounded when `fractional`)
 *
 * @example
 * spacedTimesteps({ numTrainTimesteps: 1000, numInferenceSteps: 10, spacing: 'trailing' }); // [999, 899, ..., 99]
 */
export function spacedTimesteps(options: SpacingOptions): number[] {
  const fn = 'spacedTimesteps';
  const { numTrainTimesteps: T, numInferenceSteps: n, spacing, stepsOffset = 0, fractional = false } = options;
  checkNumber(fn, 'numTrainTimesteps', T, { min: 1, integer: true });
  checkNumber(fn, 'numInferenceSteps', n, { min: 1, max: T, integer: true });
  checkOneOf(fn, 'spacing', spacing, TIMESTEP_SPACINGS);
  checkNumber(fn, 'stepsOffset', stepsOffset, { min: 0, integer: true });
  const out: number[] = [];
  if (spacing === 'leading') {
    const ratio = Math.floor(T / n);
    for (let i = n - 1; i >= 0; i--) out.push(i * ratio + stepsOffset);
  } else if (spacing === 'trailing') {
    const ratio = T / n;
    // np.arange(T, 0, -ratio): values T - k * ratio while > 0.
    for (let k = 0; T - k * ratio > 0; k++) out.push(roundHalfEven(T - k * ratio) - 1);
  } else {
    const step = n === 1 ? 0 : (T - 1) / (n - 1); // as np.linspace: i * step, last = T - 1
    for (let i = n - 1; i >= 0; i--) {
      const v = i === n - 1 && n > 1 ? T - 1 : i * step;
      out.push(fractional ? v : roundHalfEven(v));
    }
  }
  for (const t of out) {
    if (t < 0 || t > T - 1) {
      throw new InvalidArgumentError(
        `Argument 'stepsOffset' passed to '${fn}' puts timestep ${t} outside [0, ${T - 1}] (spacing '${spacing}', ${n} steps).`,
      );
    }
  }
  return out;
}
