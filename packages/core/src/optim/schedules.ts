// Learning-rate schedules as pure functions of the step (Loshchilov & Hutter 2017, "SGDR", for the
// cosine shape; Goyal et al. 2017 for linear warmup). Composable: every schedule that takes a base
// accepts a number or another schedule.
import { InvalidArgumentError, describeValue } from '../errors.js';
import { checkNumber } from '../validate.js';
import { checkOptionKeys } from './check-options.js';

/**
 * A learning-rate schedule: maps the 0-based index of an optimizer update (`0` for the first
 * update) to the learning rate used by that update. Pure: same step, same value.
 */
export type Schedule = (step: number) => number;

/** A learning rate: a fixed number or a schedule. */
export type LearningRate = number | Schedule;

/** Turns a number or schedule into a schedule, validating it. */
export function toSchedule(lr: LearningRate, fn: string, arg = 'lr'): Schedule {
  if (typeof lr === 'function') return lr;
  checkNumber(fn, arg, lr, { min: 0 });
  return constant(lr);
}

/**
 * Evaluates a schedule at `step` and checks that it gave a finite, non-negative number.
 * Throws `InvalidArgumentError` naming the step otherwise.
 */
export function evaluateSchedule(schedule: Schedule, step: number, fn: string): number {
  const value = schedule(step);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(
      `The learning-rate schedule passed to '${fn}' must return a finite number >= 0, but returned ${describeValue(value)} at step ${step}.`,
    );
  }
  return value;
}

/**
 * A constant learning rate.
 *
 * @example
 * const lr = constant(1e-3);
 * lr(0); // 0.001
 * lr(5000); // 0.001
 */
export function constant(value: number): Schedule {
  checkNumber('constant', 'value', value, { min: 0 });
  return () => value;
}

/**
 * Linear warmup in front of a base schedule: for step `s < warmupSteps` the rate is
 * `base(s) * (startFactor + (1 - startFactor) * s / warmupSteps)`, afterwards `base(s)`.
 * The default `startFactor` is `1 / warmupSteps`, so the first update uses `base(0) / warmupSteps`
 * (never a wasted zero step) and the ramp reaches the full rate at `s = warmupSteps`.
 *
 * @example
 * const lr = linearWarmup(3e-4, 100);
 * lr(0); // 3e-6
 * lr(50); // 1.515e-4
 * lr(100); // 3e-4
 */
export function linearWarmup(
  base: LearningRate,
  warmupSteps: number,
  { startFactor }: { startFactor?: number } = {},
): Schedule {
  const inner = toSchedule(base, 'linearWarmup', 'base');
  checkNumber('linearWarmup', 'warmupSteps', warmupSteps, { min: 0, integer: true });
  const start = startFactor ?? (warmupSteps > 0 ? 1 / warmupSteps : 1);
  checkNumber('linearWarmup', 'startFactor', start, { min: 0, max: 1 });
  return (step) => {
    if (step >= warmupSteps) return inner(step);
    return inner(step) * (start + ((1 - start) * step) / warmupSteps);
  };
}

/**
 * Cosine decay from `peakLr` to `finalLr` over `totalSteps` updates, with an optional linear
 * warmup (as `linearWarmup`, from `peakLr / warmupSteps`) over the first `warmupSteps`:
 * for `warmupSteps <= s <= totalSteps`,
 * `lr = finalLr + (peakLr - finalLr) * (1 + cos(pi * (s - warmupSteps) / (totalSteps - warmupSteps))) / 2`,
 * and `finalLr` after `totalSteps`.
 *
 * @example
 * const lr = cosineDecay({ peakLr: 1e-3, totalSteps: 1000, warmupSteps: 50, finalLr: 1e-5 });
 * lr(50); // 1e-3
 * lr(1000); // 1e-5
 */
export function cosineDecay(options: {
  peakLr: number;
  totalSteps: number;
  warmupSteps?: number;
  finalLr?: number;
}): Schedule {
  const fn = 'cosineDecay';
  checkOptionKeys(fn, 'options', options, ['peakLr', 'totalSteps', 'warmupSteps', 'finalLr']);
  const { peakLr, totalSteps, warmupSteps = 0, finalLr = 0 } = options;
  checkNumber(fn, 'peakLr', peakLr, { min: 0 });
  checkNumber(fn, 'finalLr', finalLr, { min: 0 });
  checkNumber(fn, 'warmupSteps', warmupSteps, { min: 0, integer: true });
  checkNumber(fn, 'totalSteps', totalSteps, { min: warmupSteps, integer: true });
  const decaySteps = totalSteps - warmupSteps;
  const cosine: Schedule = (step) => {
    if (step >= totalSteps || decaySteps === 0) return finalLr;
    const progress = (step - warmupSteps) / decaySteps;
    return finalLr + ((peakLr - finalLr) * (1 + Math.cos(Math.PI * progress))) / 2;
  };
  return warmupSteps > 0 ? withWarmup(cosine, peakLr, warmupSteps) : cosine;
}

function withWarmup(after: Schedule, peakLr: number, warmupSteps: number): Schedule {
  const ramp = linearWarmup(peakLr, warmupSteps);
  return (step) => (step < warmupSteps ? ramp(step) : after(step));
}

/**
 * Multiplies a base rate by `gamma` every `stepSize` updates: `base(s) * gamma ** floor(s / stepSize)`
 * (PyTorch's `StepLR`).
 *
 * @example
 * const lr = stepDecay(0.1, { stepSize: 30, gamma: 0.1 });
 * lr(29); // 0.1
 * lr(30); // 0.01
 */
export function stepDecay(base: LearningRate, options: { stepSize: number; gamma: number }): Schedule {
  const fn = 'stepDecay';
  const inner = toSchedule(base, fn, 'base');
  checkOptionKeys(fn, 'options', options, ['stepSize', 'gamma']);
  checkNumber(fn, 'stepSize', options.stepSize, { min: 1, integer: true });
  checkNumber(fn, 'gamma', options.gamma, { min: 0 });
  const { stepSize, gamma } = options;
  return (step) => inner(step) * gamma ** Math.floor(step / stepSize);
}

/**
 * Runs schedules one after another: `schedules[i]` is used from `boundaries[i - 1]` on and sees the
 * step counted from its own start (as optax's `join_schedules`).
 *
 * @example
 * // 100 warmup steps, then cosine decay over the next 900 (counted from 0 again)
 * const lr = joinSchedules([linearWarmup(1e-3, 100), cosineDecay({ peakLr: 1e-3, totalSteps: 900 })], [100]);
 */
export function joinSchedules(schedules: readonly LearningRate[], boundaries: readonly number[]): Schedule {
  const fn = 'joinSchedules';
  if (!Array.isArray(schedules) || schedules.length === 0 || boundaries.length !== schedules.length - 1) {
    throw new InvalidArgumentError(
      `Argument 'boundaries' passed to '${fn}' must have one entry fewer than 'schedules' (${describeValue(schedules?.length)}), but got ${describeValue(boundaries?.length)}.`,
    );
  }
  const parts = schedules.map((s, i) => toSchedule(s, fn, `schedules[${i}]`));
  boundaries.forEach((b, i) => checkNumber(fn, `boundaries[${i}]`, b, { min: i === 0 ? 0 : boundaries[i - 1], integer: true }));
  return (step) => {
    let i = 0;
    while (i < boundaries.length && step >= boundaries[i]) i++;
    return parts[i](i === 0 ? step : step - boundaries[i - 1]);
  };
}
