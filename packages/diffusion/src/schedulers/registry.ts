// Builds any scheduler by its diffusers class name, from a gen config or a diffusers scheduler_config.json.
import { InvalidArgumentError, checkOneOf, describeValue } from '@gen/core';
import type { SchedulerConfig } from './config.js';
import { DDIMScheduler } from './ddim.js';
import { DDPMScheduler } from './ddpm.js';
import { DPMSolverMultistepScheduler } from './dpm-solver-multistep.js';
import { EulerAncestralDiscreteScheduler } from './euler-ancestral-discrete.js';
import { EulerDiscreteScheduler } from './euler-discrete.js';
import { HeunDiscreteScheduler } from './heun-discrete.js';
import { type Scheduler, parseDiffusersConfig } from './scheduler.js';

/** The scheduler class names, as diffusers names them. */
export const SCHEDULER_NAMES = [
  'DDPMScheduler',
  'DDIMScheduler',
  'DPMSolverMultistepScheduler',
  'EulerDiscreteScheduler',
  'EulerAncestralDiscreteScheduler',
  'HeunDiscreteScheduler',
] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

const CONSTRUCTORS: Record<SchedulerName, new (config?: Partial<SchedulerConfig>) => Scheduler> = {
  DDPMScheduler,
  DDIMScheduler,
  DPMSolverMultistepScheduler,
  EulerDiscreteScheduler,
  EulerAncestralDiscreteScheduler,
  HeunDiscreteScheduler,
};

/**
 * A scheduler by class name; `config` may be another scheduler's `config` (any scheduler reads
 * the shared field set).
 *
 * @example
 * const ddim = createScheduler('DDIMScheduler', new DDPMScheduler({ betaSchedule: 'squaredcos_cap_v2' }).config);
 */
export function createScheduler(className: SchedulerName, config: Partial<SchedulerConfig> = {}): Scheduler {
  checkOneOf('createScheduler', 'className', className, SCHEDULER_NAMES);
  return new CONSTRUCTORS[className](config);
}

/**
 * A scheduler from a diffusers `scheduler_config.json` object; the class comes from `_class_name`
 * unless `className` is given (diffusers' `from_config` onto another class).
 *
 * @example
 * const scheduler = schedulerFromDiffusersConfig(JSON.parse(text));
 */
export function schedulerFromDiffusersConfig(json: Record<string, unknown>, className?: SchedulerName): Scheduler {
  const fn = 'schedulerFromDiffusersConfig';
  const parsed = parseDiffusersConfig(json, fn);
  const name = className ?? parsed.className;
  if (name === null) {
    throw new InvalidArgumentError(`Argument 'json' passed to '${fn}' must have '_class_name' (or pass className), but got ${describeValue(json)}.`);
  }
  checkOneOf(fn, 'className', name, SCHEDULER_NAMES);
  return new CONSTRUCTORS[name](parsed.config);
}

/**
 * Rebuilds a scheduler from `scheduler.toJSON()` (or its JSON text, parsed).
 *
 * @example
 * const copy = schedulerFromJson(JSON.parse(JSON.stringify(scheduler)));
 */
export function schedulerFromJson(json: { className: string; config: Partial<SchedulerConfig> }): Scheduler {
  const fn = 'schedulerFromJson';
  if (json === null || typeof json !== 'object') {
    throw new InvalidArgumentError(`Argument 'json' passed to '${fn}' must be {className, config}, but got ${describeValue(json)}.`);
  }
  checkOneOf(fn, 'json.className', json.className, SCHEDULER_NAMES);
  return new CONSTRUCTORS[json.className](json.config);
}
