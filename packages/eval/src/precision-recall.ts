// k-NN manifold metrics: precision and recall (Kynkaanniemi et al., "Improved precision and recall
// metric for assessing generative models", 2019) and density and coverage (Naeem et al., "Reliable
// fidelity and diversity metrics for generative models", 2020). A sample is inside a k-NN ball
// when its distance is <= the ball's radius (the distance to the k-th nearest other point).
import { checkNumber } from '@gen/core';
import { type FeatureInput, checkSameDim, readFeatures } from './input.js';
import { squaredDistances } from './linalg/gram.js';

/** Options of `precisionRecall` and `densityCoverage`. */
export interface ManifoldOptions {
  /** Neighbourhood size k (default 3 for precision/recall, 5 for density/coverage, as the papers). */
  readonly k?: number;
}

/** Squared k-NN radii of the rows of a set (k-th nearest other row). */
function knnRadii2(dist2: Float64Array, n: number, k: number): Float64Array {
  const radii = new Float64Array(n);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    row.set(dist2.subarray(i * n, i * n + n));
    row[i] = Infinity; // exclude the point itself
    radii[i] = kthSmallest(row, k - 1);
  }
  return radii;
}

/** k-th smallest (0-based) by quickselect; reorders `values`. */
function kthSmallest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

async function prepare(fn: string, real: FeatureInput, fake: FeatureInput, k: number) {
  checkNumber(fn, 'k', k, { min: 1, integer: true });
  const r = await readFeatures(fn, 'real', real, k + 1);
  const f = await readFeatures(fn, 'fake', fake, 1);
  checkSameDim(fn, 'real', r.d, 'fake', f.d);
  const crossDist2 = squaredDistances(r.data, r.n, f.data, f.n, r.d); // [nReal, nFake]
  const realRadii2 = knnRadii2(squaredDistances(r.data, r.n, r.data, r.n, r.d), r.n, k);
  return { r, f, crossDist2, realRadii2 };
}

/** Precision and recall with the sizes they came from. */
export interface PrecisionRecallResult {
  /** Share of fake samples inside the real k-NN manifold (fidelity). */
  readonly precision: number;
  /** Share of real samples inside the fake k-NN manifold (diversity). */
  readonly recall: number;
  readonly nReal: number;
  readonly nFake: number;
  readonly k: number;
}

/**
 * Improved precision and recall (Kynkaanniemi et al. 2019): precision = share of fake samples
 * within the k-NN ball of at least one real sample; recall = share of real samples within the
 * k-NN ball of at least one fake sample. Float64, O(n^2 d) time and O(n1 n2) memory (use a few
 * thousand samples, as the paper's 10k-50k need a GPU). The paper uses k = 3.
 *
 * @param real `[nReal, d]`, `fake` `[nFake, d]` features (tensors, ArrayF64 or rows).
 * @example
 * const { precision, recall } = await precisionRecall(realFeatures, fakeFeatures);
 */
export async function precisionRecall(real: FeatureInput, fake: FeatureInput, options: ManifoldOptions = {}): Promise<PrecisionRecallResult> {
  const fn = 'precisionRecall';
  const { k = 3 } = options;
  checkNumber(fn, 'k', k, { min: 1, integer: true });
  const { r, f, crossDist2, realRadii2 } = await prepare(fn, real, fake, k);
  checkNumber(fn, 'k', k, { max: f.n - 1 });
  const fakeRadii2 = knnRadii2(squaredDistances(f.data, f.n, f.data, f.n, f.d), f.n, k);
  let inReal = 0;
  for (let j = 0; j < f.n; j++) {
    for (let i = 0; i < r.n; i++) {
      if (crossDist2[i * f.n + j] <= realRadii2[i]) {
        inReal++;
        break;
      }
    }
  }
  let inFake = 0;
  for (let i = 0; i < r.n; i++) {
    for (let j = 0; j < f.n; j++) {
      if (crossDist2[i * f.n + j] <= fakeRadii2[j]) {
        inFake++;
        break;
      }
    }
  }
  return { precision: inReal / f.n, recall: inFake / r.n, nReal: r.n, nFake: f.n, k };
}

/** Density and coverage with the sizes they came from. */
export interface DensityCoverageResult {
  /** (1 / (k nFake)) sum over fake of the number of real k-NN balls containing it (can exceed 1). */
  readonly density: number;
  /** Share of real samples whose k-NN ball contains at least one fake sample. */
  readonly coverage: number;
  readonly nReal: number;
  readonly nFake: number;
  readonly k: number;
}

/**
 * Density and coverage (Naeem et al. 2020), from real k-NN balls only (robust to fake outliers).
 * The paper uses k = 5. Float64, O(n^2 d).
 *
 * @example
 * const { density, coverage } = await densityCoverage(realFeatures, fakeFeatures, { k: 5 });
 */
export async function densityCoverage(real: FeatureInput, fake: FeatureInput, options: ManifoldOptions = {}): Promise<DensityCoverageResult> {
  const fn = 'densityCoverage';
  const { k = 5 } = options;
  const { r, f, crossDist2, realRadii2 } = await prepare(fn, real, fake, k);
  let inside = 0;
  let covered = 0;
  for (let i = 0; i < r.n; i++) {
    let any = false;
    for (let j = 0; j < f.n; j++) {
      if (crossDist2[i * f.n + j] <= realRadii2[i]) {
        inside++;
        any = true;
      }
    }
    if (any) covered++;
  }
  return { density: inside / (k * f.n), coverage: covered / r.n, nReal: r.n, nFake: f.n, k };
}
