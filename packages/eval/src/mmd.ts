// Maximum mean discrepancy with a Gaussian (RBF) kernel (Gretton et al., "A kernel two-sample
// test", JMLR 2012), unbiased or biased, with a fixed bandwidth or the median heuristic.
import { InvalidArgumentError, checkNumber, describeValue } from '@gen/core';
import { type FeatureInput, checkSameDim, readFeatures } from './input.js';
import { squaredDistances } from './linalg/gram.js';

/** Options of `mmd`. */
export interface MmdOptions {
  /**
   * Kernel bandwidth sigma in k(x, y) = exp(-|x - y|^2 / (2 sigma^2)): a positive number, or
   * 'median' (default): the median of the pairwise distances of the pooled sample.
   */
  readonly bandwidth?: number | 'median';
  /** Unbiased U-statistic (default true; can be slightly negative) or biased V-statistic. */
  readonly unbiased?: boolean;
}

/** MMD^2 with the bandwidth used and the sample sizes. */
export interface MmdResult {
  /** The squared MMD. */
  readonly value: number;
  readonly bandwidth: number;
  readonly n1: number;
  readonly n2: number;
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Squared MMD between `x [n1, d]` and `y [n2, d]` with an RBF kernel. Float64, O((n1 + n2)^2 d).
 *
 * @example
 * const { value, bandwidth } = await mmd(samples, data, { bandwidth: 'median' });
 */
export async function mmd(x: FeatureInput, y: FeatureInput, options: MmdOptions = {}): Promise<MmdResult> {
  const fn = 'mmd';
  const { bandwidth = 'median', unbiased = true } = options;
  if (bandwidth !== 'median') checkNumber(fn, 'bandwidth', bandwidth, { min: 0, minExclusive: true });
  if (typeof unbiased !== 'boolean') {
    throw new InvalidArgumentError(`Argument 'unbiased' passed to '${fn}' must be a boolean, but got ${describeValue(unbiased)}.`);
  }
  const a = await readFeatures(fn, 'x', x, 2);
  const b = await readFeatures(fn, 'y', y, 2);
  checkSameDim(fn, 'x', a.d, 'y', b.d);
  const dxx = squaredDistances(a.data, a.n, a.data, a.n, a.d);
  const dyy = squaredDistances(b.data, b.n, b.data, b.n, b.d);
  const dxy = squaredDistances(a.data, a.n, b.data, b.n, a.d);
  let sigma: number;
  if (bandwidth === 'median') {
    const n = a.n + b.n;
    const pairs = new Float64Array((n * (n - 1)) / 2);
    let p = 0;
    for (let i = 0; i < a.n; i++) for (let j = i + 1; j < a.n; j++) pairs[p++] = Math.sqrt(dxx[i * a.n + j]);
    for (let i = 0; i < b.n; i++) for (let j = i + 1; j < b.n; j++) pairs[p++] = Math.sqrt(dyy[i * b.n + j]);
    for (let i = 0; i < dxy.length; i++) pairs[p++] = Math.sqrt(dxy[i]);
    sigma = median(pairs);
    if (!(sigma > 0)) throw new InvalidArgumentError(`'${fn}': the median pairwise distance is 0 (duplicate points); pass a bandwidth.`);
  } else sigma = bandwidth;
  const c = -1 / (2 * sigma * sigma);
  const sum = (dist: Float64Array, skipDiagonal: number) => {
    let s = 0;
    for (let i = 0; i < dist.length; i++) {
      if (skipDiagonal > 0 && i % (skipDiagonal + 1) === 0) continue;
      s += Math.exp(c * dist[i]);
    }
    return s;
  };
  const value = unbiased
    ? sum(dxx, a.n) / (a.n * (a.n - 1)) + sum(dyy, b.n) / (b.n * (b.n - 1)) - (2 * sum(dxy, 0)) / (a.n * b.n)
    : sum(dxx, 0) / (a.n * a.n) + sum(dyy, 0) / (b.n * b.n) - (2 * sum(dxy, 0)) / (a.n * b.n);
  return { value, bandwidth: sigma, n1: a.n, n2: b.n };
}
