// Shared parsing of the `{ logits } | { probs }` parameter of Bernoulli-like and categorical
// distributions.
import { InvalidArgumentError, describeValue } from '../errors.js';
import type { ParamValue } from './parametric.js';

/** Exactly one of `logits` (unnormalised log-probabilities) or `probs`. */
export type LogitsOrProbs = { logits: ParamValue; probs?: undefined } | { probs: ParamValue; logits?: undefined };

/** (internal) Which of logits/probs was given; throws unless exactly one. */
export function whichParam(cls: string, params: LogitsOrProbs): 'logits' | 'probs' {
  if (params === null || typeof params !== 'object') {
    throw new InvalidArgumentError(
      `Argument 'params' passed to '${cls}' must be { logits } or { probs }, but got ${describeValue(params)}.`,
    );
  }
  const hasLogits = params.logits !== undefined;
  const hasProbs = params.probs !== undefined;
  if (hasLogits === hasProbs) {
    throw new InvalidArgumentError(
      `Argument 'params' passed to '${cls}' must have exactly one of 'logits' or 'probs', but got ${hasLogits ? 'both' : 'neither'}.`,
    );
  }
  return hasLogits ? 'logits' : 'probs';
}

/** float32 machine epsilon: probabilities are clamped to [eps, 1 - eps] to form logits. */
export const PROB_EPS = 1.1920928955078125e-7;
