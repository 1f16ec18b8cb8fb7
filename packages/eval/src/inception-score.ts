// Inception Score (Salimans et al., "Improved techniques for training GANs", 2016):
// exp(E_x KL(p(y|x) || p(y))), over `splits` consecutive parts, mean and std (ddof 1, as torchmetrics).
import { checkNumber } from '@gen/core';
import { type FeatureInput, readFeatures } from './input.js';
import { InvalidArgumentError } from '@gen/core';

/** Inception score result. */
export interface InceptionScoreResult {
  readonly mean: number;
  readonly std: number;
  /** Score of each split. */
  readonly values: number[];
  readonly n: number;
  readonly splits: number;
}

/**
 * Inception Score from class probabilities `probs [n, classes]` (rows sum to 1; e.g. from
 * `mnistClassify`). The rows are cut into `splits` (default 10) consecutive parts as
 * `np.array_split` does (no shuffling: shuffle first if the order means something); per part,
 * exp(mean_i KL(p_i || mean p)). Higher is better, at most `classes`.
 *
 * @example
 * const { mean, std } = await inceptionScore(await mnistClassify(samples), { splits: 10 });
 */
export async function inceptionScore(probs: FeatureInput, options: { splits?: number } = {}): Promise<InceptionScoreResult> {
  const fn = 'inceptionScore';
  const { splits = 10 } = options;
  const p = await readFeatures(fn, 'probs', probs, 1);
  checkNumber(fn, 'splits', splits, { min: 1, max: p.n, integer: true });
  const c = p.d;
  for (let i = 0; i < p.n; i++) {
    let s = 0;
    for (let j = 0; j < c; j++) {
      const v = p.data[i * c + j];
      if (v < 0) throw new InvalidArgumentError(`Argument 'probs' passed to '${fn}' must hold probabilities >= 0, but element [${i}, ${j}] is ${v}.`);
      s += v;
    }
    if (Math.abs(s - 1) > 1e-3) {
      throw new InvalidArgumentError(`Argument 'probs' passed to '${fn}' must have rows summing to 1, but row ${i} sums to ${s}.`);
    }
  }
  const values: number[] = [];
  const base = Math.floor(p.n / splits);
  const extra = p.n % splits;
  let start = 0;
  for (let s = 0; s < splits; s++) {
    const size = base + (s < extra ? 1 : 0);
    const marginal = new Float64Array(c);
    for (let i = start; i < start + size; i++) for (let j = 0; j < c; j++) marginal[j] += p.data[i * c + j] / size;
    let kl = 0;
    for (let i = start; i < start + size; i++) {
      for (let j = 0; j < c; j++) {
        const v = p.data[i * c + j];
        if (v > 0) kl += v * (Math.log(v) - Math.log(marginal[j]));
      }
    }
    values.push(Math.exp(kl / size));
    start += size;
  }
  const mean = values.reduce((a, b) => a + b, 0) / splits;
  const std = splits > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (splits - 1)) : 0;
  return { mean, std, values, n: p.n, splits };
}
