// Rejects unknown keys in option objects, so that a typo is an error rather than a silent default.
import { InvalidArgumentError, describeValue } from '../errors.js';

/**
 * Throws `InvalidArgumentError` when `options` has a key outside `allowed` (typos such as `betas`
 * or `weight_decay` would otherwise be silently ignored).
 */
export function checkOptionKeys(fn: string, arg: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' must be an object, but got ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new InvalidArgumentError(
        `Argument '${arg}' passed to '${fn}' must only have keys ${allowed.map((a) => `'${a}'`).join(', ')}, but got unknown key '${key}'.`,
      );
    }
  }
}

/** Checks `0 <= value < 1` (decay rates such as Adam's betas), in the standard message form. */
export function checkDecayRate(fn: string, arg: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must be a finite number >= 0 and < 1, but got ${describeValue(value)}.`,
    );
  }
}
