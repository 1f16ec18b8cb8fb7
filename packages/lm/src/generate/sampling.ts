// Next-token selection controls, as in Hugging Face `generate()`: temperature (Ackley et al. 1985
// softmax temperature), top-k (Fan et al. 2018), nucleus / top-p (Holtzman et al. 2020), and the
// CTRL repetition penalty (Keskar et al. 2019) applied to log-probabilities.
import { InvalidArgumentError, describeValue } from '@gen/core';

/** Controls of one sampling step. */
export interface SamplingOptions {
  /** Divides the log-probabilities; 0 means greedy argmax. Default 1. */
  readonly temperature?: number;
  /** Keep only the k most probable tokens (ties at the boundary: lower id first). */
  readonly topK?: number;
  /** Keep the smallest set of most probable tokens whose probability reaches topP, in (0, 1]. */
  readonly topP?: number;
  /**
   * > 1 discourages tokens already in the context: their log-probability is multiplied by the
   * penalty (log-probabilities are <= 0, so they drop), then the distribution is renormalised.
   * Default 1 (off).
   */
  readonly repetitionPenalty?: number;
}

/** Checks the sampling options of `fn`, with messages naming each option. */
export function checkSamplingOptions(fn: string, options: SamplingOptions): void {
  const { temperature, topK, topP, repetitionPenalty } = options;
  if (temperature !== undefined && !(typeof temperature === 'number' && Number.isFinite(temperature) && temperature >= 0)) {
    throw new InvalidArgumentError(`Argument 'options.temperature' passed to '${fn}' must be a finite number >= 0, but got ${describeValue(temperature)}.`);
  }
  if (topK !== undefined && !(typeof topK === 'number' && Number.isInteger(topK) && topK >= 1)) {
    throw new InvalidArgumentError(`Argument 'options.topK' passed to '${fn}' must be a positive integer, but got ${describeValue(topK)}.`);
  }
  if (topP !== undefined && !(typeof topP === 'number' && topP > 0 && topP <= 1)) {
    throw new InvalidArgumentError(`Argument 'options.topP' passed to '${fn}' must be a number in (0, 1], but got ${describeValue(topP)}.`);
  }
  if (repetitionPenalty !== undefined && !(typeof repetitionPenalty === 'number' && Number.isFinite(repetitionPenalty) && repetitionPenalty > 0)) {
    throw new InvalidArgumentError(`Argument 'options.repetitionPenalty' passed to '${fn}' must be a finite number > 0, but got ${describeValue(repetitionPenalty)}.`);
  }
}

/**
 * The tokens a sampling step may choose and their probabilities (renormalised), most probable
 * first. With temperature 0 this is the single argmax token.
 *
 * @example
 * const { ids, probs } = samplingDistribution(logProbs, { topK: 5, temperature: 0.8 }, history);
 */
export function samplingDistribution(
  logProbs: ArrayLike<number>,
  options: SamplingOptions = {},
  history: Iterable<number> = [],
): { ids: number[]; probs: number[] } {
  checkSamplingOptions('samplingDistribution', options);
  const { temperature = 1, topK, topP, repetitionPenalty = 1 } = options;
  const n = logProbs.length;
  const lp = Float64Array.from(logProbs);
  if (repetitionPenalty !== 1) for (const id of new Set(history)) if (id >= 0 && id < n) lp[id] *= repetitionPenalty;
  // Order: most probable first, lower id first among equals.
  const order = Array.from({ length: n }, (_, i) => i).filter((i) => lp[i] > -Infinity);
  if (order.length === 0) throw new InvalidArgumentError(`Argument 'logProbs' passed to 'samplingDistribution' must give some token a finite log-probability, but all are -Infinity.`);
  order.sort((a, b) => lp[b] - lp[a] || a - b);
  if (temperature === 0) return { ids: [order[0]], probs: [1] };
  const max = lp[order[0]];
  let weights = order.map((i) => Math.exp((lp[i] - max) / temperature));
  let keep = order.length;
  if (topK !== undefined) keep = Math.min(keep, topK);
  let total = 0;
  for (let i = 0; i < keep; i++) total += weights[i];
  if (topP !== undefined) {
    let cumulative = 0;
    for (let i = 0; i < keep; i++) {
      cumulative += weights[i] / total;
      if (cumulative >= topP - 1e-12) {
        keep = i + 1;
        break;
      }
    }
  }
  weights = weights.slice(0, keep);
  const z = weights.reduce((a, b) => a + b, 0);
  return { ids: order.slice(0, keep), probs: weights.map((w) => w / z) };
}

/** Picks from `samplingDistribution` by inverse CDF with a uniform number `u` in [0, 1). */
export function pickToken(dist: { ids: number[]; probs: number[] }, u: number): number {
  let cumulative = 0;
  for (let i = 0; i < dist.ids.length; i++) {
    cumulative += dist.probs[i];
    if (u < cumulative) return dist.ids[i];
  }
  return dist.ids[dist.ids.length - 1];
}
