// Kernel Inception Distance (Binkowski et al., "Demystifying MMD GANs", 2018): the unbiased MMD^2
// with the cubic polynomial kernel k(x, y) = (gamma x.y + coef)^degree, gamma = 1/d, averaged over
// random subsets (the torchmetrics KernelInceptionDistance formula).
import { type Seed, checkNumber, checkOneOf, permutation, split } from '@gen/core';
import { type FeatureInput, type SmallSampleAction, SMALL_SAMPLE_ACTIONS, checkSameDim, checkSampleSize, readFeatures } from './input.js';
import { gramTiled, takeRows } from './linalg/gram.js';

/** Options of `kernelInceptionDistance`. */
export interface KidOptions {
  /** Number of random subsets (default 100, as torchmetrics). */
  readonly subsets?: number;
  /** Samples per subset from each set (default min(1000, n1, n2)). */
  readonly subsetSize?: number;
  /** Polynomial degree (default 3). */
  readonly degree?: number;
  /** Kernel scale (default 1 / d). */
  readonly gamma?: number;
  /** Kernel offset (default 1). */
  readonly coef?: number;
  /** Seed of the subset draws (default 0). */
  readonly seed?: Seed;
  /** When n < d: 'warn', 'error' or 'ignore' (default 'ignore': KID is unbiased for any n). */
  readonly smallSample?: SmallSampleAction;
}

/** KID result: mean and standard deviation (ddof 1, as torch.std) over subsets, with sizes. */
export interface KidResult {
  readonly mean: number;
  readonly std: number;
  /** MMD^2 of each subset. */
  readonly values: number[];
  readonly n1: number;
  readonly n2: number;
  readonly subsetSize: number;
  readonly dim: number;
}

/** Unbiased MMD^2 with a polynomial kernel between `x [m, d]` and `y [m2, d]`. */
export function polyMmdUnbiased(x: Float64Array, m: number, y: Float64Array, m2: number, d: number, gamma: number, coef: number, degree: number): number {
  const kernelSum = (g: Float64Array, skipDiagonal: boolean, cols: number) => {
    let s = 0;
    for (let i = 0; i < g.length; i++) {
      if (skipDiagonal && i % (cols + 1) === 0) continue;
      s += (gamma * g[i] + coef) ** degree;
    }
    return s;
  };
  const kxx = kernelSum(gramTiled(x, m, x, m, d), true, m);
  const kyy = kernelSum(gramTiled(y, m2, y, m2, d), true, m2);
  const kxy = kernelSum(gramTiled(x, m, y, m2, d), false, m2);
  return kxx / (m * (m - 1)) + kyy / (m2 * (m2 - 1)) - (2 * kxy) / (m * m2);
}

/**
 * Kernel Inception Distance between feature sets `x [n1, d]` and `y [n2, d]`: for each of
 * `subsets` random subsets of `subsetSize` rows from each set (drawn without replacement), the
 * unbiased MMD^2 with kernel (gamma x.y + coef)^degree; returns their mean and std. Float64.
 * Cost per subset: 3 m^2 d flops (m = subsetSize); 100 subsets of 1000 at d = 128 is ~40 GFLOP.
 * With subsetSize = n1 = n2 and one subset it is the plain unbiased MMD^2 (no randomness).
 *
 * @example
 * const { mean, std } = await kernelInceptionDistance(realFeatures, fakeFeatures, { subsets: 10 });
 */
export async function kernelInceptionDistance(x: FeatureInput, y: FeatureInput, options: KidOptions = {}): Promise<KidResult> {
  const fn = 'kernelInceptionDistance';
  const a = await readFeatures(fn, 'x', x, 2);
  const b = await readFeatures(fn, 'y', y, 2);
  checkSameDim(fn, 'x', a.d, 'y', b.d);
  const d = a.d;
  const { subsets = 100, subsetSize = Math.min(1000, a.n, b.n), degree = 3, gamma = 1 / d, coef = 1, seed = 0, smallSample = 'ignore' } = options;
  checkNumber(fn, 'subsets', subsets, { min: 1, integer: true });
  checkNumber(fn, 'subsetSize', subsetSize, { min: 2, max: Math.min(a.n, b.n), integer: true });
  checkNumber(fn, 'degree', degree, { min: 1, integer: true });
  checkNumber(fn, 'gamma', gamma, { min: 0, minExclusive: true });
  checkNumber(fn, 'coef', coef);
  checkOneOf(fn, 'smallSample', smallSample, SMALL_SAMPLE_ACTIONS);
  checkSampleSize(fn, 'x', a.n, d, smallSample);
  checkSampleSize(fn, 'y', b.n, d, smallSample);
  const keys = split(seed, 2 * subsets);
  const values: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const xs = subsetSize === a.n ? a.data : takeRows(a.data, d, permutation(keys[2 * s], a.n), subsetSize);
    const ys = subsetSize === b.n ? b.data : takeRows(b.data, d, permutation(keys[2 * s + 1], b.n), subsetSize);
    values.push(polyMmdUnbiased(xs, subsetSize, ys, subsetSize, d, gamma, coef, degree));
  }
  const mean = values.reduce((p, v) => p + v, 0) / subsets;
  const std = subsets > 1 ? Math.sqrt(values.reduce((p, v) => p + (v - mean) ** 2, 0) / (subsets - 1)) : 0;
  return { mean, std, values, n1: a.n, n2: b.n, subsetSize, dim: d };
}
