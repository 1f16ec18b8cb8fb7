// Two-sample metrics for low-dimensional data: sliced Wasserstein distance (Rabin et al.,
// "Wasserstein barycenter and its application to texture mixing", 2011), energy distance
// (Szekely & Rizzo, "Energy statistics", 2013; scipy.stats.energy_distance in 1-d), and mode
// coverage for mixture-of-Gaussians targets (Srivastava et al., "VEEGAN", 2017: high-quality
// samples within 3 standard deviations of a mode).
import { InvalidArgumentError, type Seed, checkNumber, normalFloat64 } from '@gen/core';
import { type FeatureInput, checkSameDim, readFeatures } from './input.js';
import { squaredDistances } from './linalg/gram.js';

/** Options of `slicedWasserstein`. */
export interface SlicedWassersteinOptions {
  /** Number of random directions (default 128). In 1-d the single direction is exact. */
  readonly projections?: number;
  /** Order p of W_p (default 1). */
  readonly p?: number;
  /** Seed of the directions (default 0). */
  readonly seed?: Seed;
}

/** W_p^p between two 1-d empirical distributions (sorted), via their quantile functions. */
function wassersteinSorted(a: Float64Array, b: Float64Array, p: number): number {
  // Integrate |F_a^-1(t) - F_b^-1(t)|^p over t in [0, 1]: merge the breakpoints i/na and j/nb.
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  let t = 0;
  let total = 0;
  while (i < na && j < nb) {
    const ta = (i + 1) / na;
    const tb = (j + 1) / nb;
    const next = Math.min(ta, tb);
    total += (next - t) * Math.abs(a[i] - b[j]) ** p;
    t = next;
    if (ta <= next) i++;
    if (tb <= next) j++;
  }
  return total;
}

/** Sliced Wasserstein result. */
export interface SlicedWassersteinResult {
  /** (mean over directions of W_p^p)^(1/p). */
  readonly value: number;
  readonly n1: number;
  readonly n2: number;
  readonly projections: number;
}

/**
 * Sliced Wasserstein distance SW_p between `x [n1, d]` and `y [n2, d]`: project both on random
 * unit directions, take the exact 1-d W_p^p of each projection (sorted quantiles, any n1, n2),
 * average, and take the 1/p power. In 1-d with p = 1 it equals `scipy.stats.wasserstein_distance`.
 *
 * @example
 * const { value } = await slicedWasserstein(samples, data, { projections: 256, seed: 1 });
 */
export async function slicedWasserstein(x: FeatureInput, y: FeatureInput, options: SlicedWassersteinOptions = {}): Promise<SlicedWassersteinResult> {
  const fn = 'slicedWasserstein';
  const { projections = 128, p = 1, seed = 0 } = options;
  checkNumber(fn, 'projections', projections, { min: 1, integer: true });
  checkNumber(fn, 'p', p, { min: 1 });
  const a = await readFeatures(fn, 'x', x, 1);
  const b = await readFeatures(fn, 'y', y, 1);
  checkSameDim(fn, 'x', a.d, 'y', b.d);
  const d = a.d;
  const count = d === 1 ? 1 : projections;
  const directions = d === 1 ? new Float64Array([1]) : normalFloat64(seed, count * d);
  let total = 0;
  const pa = new Float64Array(a.n);
  const pb = new Float64Array(b.n);
  for (let s = 0; s < count; s++) {
    const dir = directions.subarray(s * d, s * d + d);
    let norm = 0;
    for (let k = 0; k < d; k++) norm += dir[k] * dir[k];
    norm = Math.sqrt(norm);
    for (const [m, src, dst] of [[a.n, a.data, pa], [b.n, b.data, pb]] as const) {
      for (let i = 0; i < m; i++) {
        let v = 0;
        for (let k = 0; k < d; k++) v += src[i * d + k] * dir[k];
        dst[i] = v / norm;
      }
      dst.sort();
    }
    total += wassersteinSorted(pa, pb, p);
  }
  return { value: (total / count) ** (1 / p), n1: a.n, n2: b.n, projections: count };
}

/** Energy distance result. */
export interface EnergyDistanceResult {
  /** sqrt(2 E|X - Y| - E|X - X'| - E|Y - Y'|) (scipy's convention; 0 iff equal distributions). */
  readonly value: number;
  /** The squared statistic 2 E|X - Y| - E|X - X'| - E|Y - Y'|. */
  readonly squared: number;
  readonly n1: number;
  readonly n2: number;
}

/**
 * Energy distance between `x [n1, d]` and `y [n2, d]` with Euclidean distances, V-statistic means
 * over all pairs (as `scipy.stats.energy_distance`, which it equals in 1-d). O((n1 + n2)^2 d).
 *
 * @example
 * const { value } = await energyDistance(samples, data);
 */
export async function energyDistance(x: FeatureInput, y: FeatureInput): Promise<EnergyDistanceResult> {
  const fn = 'energyDistance';
  const a = await readFeatures(fn, 'x', x, 1);
  const b = await readFeatures(fn, 'y', y, 1);
  checkSameDim(fn, 'x', a.d, 'y', b.d);
  const meanDist = (m: Float64Array) => {
    let s = 0;
    for (let i = 0; i < m.length; i++) s += Math.sqrt(m[i]);
    return s / m.length;
  };
  const dxy = meanDist(squaredDistances(a.data, a.n, b.data, b.n, a.d));
  const dxx = meanDist(squaredDistances(a.data, a.n, a.data, a.n, a.d));
  const dyy = meanDist(squaredDistances(b.data, b.n, b.data, b.n, b.d));
  const squared = Math.max(0, 2 * dxy - dxx - dyy);
  return { value: Math.sqrt(squared), squared, n1: a.n, n2: b.n };
}

/** Options of `mixtureModeCoverage`. */
export interface ModeCoverageOptions {
  /** Standard deviation of each mixture component (isotropic). */
  readonly std: number;
  /** A sample is high-quality when within `threshold * std` of its nearest mode (default 3). */
  readonly threshold?: number;
  /** A mode counts as hit when it has at least this many high-quality samples (default 1). */
  readonly minSamples?: number;
}

/** Mode coverage result. */
export interface ModeCoverageResult {
  /** Modes with at least `minSamples` high-quality samples. */
  readonly modesHit: number;
  readonly modes: number;
  /** Share of samples within `threshold * std` of their nearest mode. */
  readonly highQuality: number;
  /** High-quality samples per mode. */
  readonly counts: number[];
  readonly n: number;
}

/**
 * Mode coverage of samples from a mixture-of-Gaussians target (e.g. `eightGaussiansCenters`,
 * `gaussianGridCenters` from `@gen/core`): each sample goes to its nearest mode; it is
 * high-quality when within `threshold` (3) standard deviations; a mode is hit with at least
 * `minSamples` high-quality samples.
 *
 * @param samples `[n, d]`; `centers` `[modes, d]`.
 * @example
 * const { modesHit, highQuality } = await mixtureModeCoverage(samples, eightGaussiansCenters(), { std: 0.02 });
 */
export async function mixtureModeCoverage(samples: FeatureInput, centers: FeatureInput, options: ModeCoverageOptions): Promise<ModeCoverageResult> {
  const fn = 'mixtureModeCoverage';
  if (options == null || typeof options !== 'object') {
    throw new InvalidArgumentError(`Argument 'options' passed to '${fn}' must be {std, threshold?, minSamples?}, but got ${String(options)}.`);
  }
  const { std, threshold = 3, minSamples = 1 } = options;
  checkNumber(fn, 'std', std, { min: 0, minExclusive: true });
  checkNumber(fn, 'threshold', threshold, { min: 0, minExclusive: true });
  checkNumber(fn, 'minSamples', minSamples, { min: 1, integer: true });
  const s = await readFeatures(fn, 'samples', samples, 1);
  const c = await readFeatures(fn, 'centers', centers, 1);
  checkSameDim(fn, 'samples', s.d, 'centers', c.d);
  const dist2 = squaredDistances(s.data, s.n, c.data, c.n, s.d);
  const counts = new Array<number>(c.n).fill(0);
  const limit = (threshold * std) ** 2;
  let good = 0;
  for (let i = 0; i < s.n; i++) {
    let best = 0;
    for (let k = 1; k < c.n; k++) if (dist2[i * c.n + k] < dist2[i * c.n + best]) best = k;
    if (dist2[i * c.n + best] <= limit) {
      counts[best]++;
      good++;
    }
  }
  return { modesHit: counts.filter((v) => v >= minSamples).length, modes: c.n, highQuality: good / s.n, counts, n: s.n };
}
