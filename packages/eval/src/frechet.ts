// Frechet distance between Gaussians fitted to two feature sets (Heusel et al., "GANs trained by a
// two time-scale update rule converge to a local Nash equilibrium", 2017; the pytorch-fid formula):
// d^2 = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr sqrt(S1 S2), with tr sqrt(S1 S2) taken from the
// eigenvalues of a symmetric PSD matrix similar to S1 S2, so it is always real.
import { checkOneOf, choleskyF64, eighF64 } from '@gen/core';
import { type FeatureInput, type SmallSampleAction, SMALL_SAMPLE_ACTIONS, checkSameDim, checkSampleSize, readFeatures } from './input.js';
import { eigvalshInPlace } from './linalg/eigvalsh.js';
import { congruenceLowerF64 } from './linalg/products.js';
import { gramTiled } from './linalg/gram.js';
import { type FeatureStatistics, checkFeatureStatistics, isFeatureStatistics, statisticsOf } from './statistics.js';
import { columnMeans } from './linalg/covariance.js';

/** Options of `frechetDistance`. */
export interface FrechetOptions {
  /** When a set has n < d: 'warn' (default), 'error' or 'ignore'. */
  readonly smallSample?: SmallSampleAction;
}

/** A Frechet distance with the sizes it was computed from. */
export interface FrechetResult {
  /** The squared Frechet distance d^2 (what FID reports). */
  readonly value: number;
  /** |mu1 - mu2|^2. */
  readonly meanTerm: number;
  /** tr(S1) + tr(S2) - 2 tr sqrt(S1 S2). */
  readonly covarianceTerm: number;
  /** Samples in the first and second set. */
  readonly n1: number;
  readonly n2: number;
  /** Feature dimension. */
  readonly dim: number;
  /**
   * How tr sqrt(S1 S2) was computed: 'cholesky' (eigenvalues of L^T S2 L, S1 = L L^T), 'eigh'
   * (eigenvalues of sqrt(S1) S2 sqrt(S1), when S1 is singular) or 'gram' (singular values of
   * Xc Yc^T, when a set of raw features has n <= d).
   */
  readonly route: 'cholesky' | 'eigh' | 'gram';
}

/** sum_i sqrt(max(lambda_i, 0)) over the eigenvalues of a symmetric PSD matrix (overwritten). */
function traceSqrtPsd(a: Float64Array, n: number): number {
  const values = eigvalshInPlace(a, n);
  let sum = 0;
  for (let i = 0; i < n; i++) if (values[i] > 0) sum += Math.sqrt(values[i]);
  return sum;
}

/** tr sqrt(S1 S2) from covariances: Cholesky of S1 when it is positive definite, else eigh. */
function traceSqrtProduct(s1: Float64Array, s2: Float64Array, d: number): { trace: number; route: 'cholesky' | 'eigh' } {
  let l: Float64Array | undefined;
  try {
    l = choleskyF64({ data: s1, shape: [d, d] }).data;
  } catch {
    l = undefined;
  }
  if (l !== undefined) {
    let finite = true;
    for (let i = 0; i < d && finite; i++) finite = Number.isFinite(l[i * d + i]) && l[i * d + i] > 0;
    if (finite) return { trace: traceSqrtPsd(congruenceLowerF64(l, s2, d), d), route: 'cholesky' };
  }
  // S1 singular: S1 = V diag(w) V^T; sqrt(S1) S2 sqrt(S1) ~ B = W^1/2 V^T S2 V W^1/2 (same spectrum).
  const { values, vectors } = eighF64({ data: s1, shape: [d, d] });
  const v = vectors.data; // columns are eigenvectors
  const root = new Float64Array(d);
  for (let i = 0; i < d; i++) root[i] = values.data[i] > 0 ? Math.sqrt(values.data[i]) : 0;
  // U = S2 V, then B = V^T U scaled.
  const u = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const f = s2[i * d + k];
      if (f === 0) continue;
      const rk = k * d;
      const ri = i * d;
      for (let j = 0; j < d; j++) u[ri + j] += f * v[rk + j];
    }
  }
  const vt = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) vt[j * d + i] = v[i * d + j];
  const ut = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) ut[j * d + i] = u[i * d + j];
  const b = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    if (root[i] === 0) continue;
    for (let j = 0; j <= i; j++) {
      if (root[j] === 0) continue;
      let sum = 0;
      for (let k = 0; k < d; k++) sum += vt[i * d + k] * ut[j * d + k];
      const value = root[i] * root[j] * sum;
      b[i * d + j] = value;
      b[j * d + i] = value;
    }
  }
  return { trace: traceSqrtPsd(b, d), route: 'eigh' };
}

/**
 * Squared Frechet distance from two sets of statistics (e.g. a saved reference and a model's).
 * Float64 throughout; see `frechetDistance`.
 *
 * @example
 * const fid = frechetDistanceFromStatistics(await featureStatistics(fake), reference).value;
 */
export function frechetDistanceFromStatistics(a: FeatureStatistics, b: FeatureStatistics): FrechetResult {
  const fn = 'frechetDistanceFromStatistics';
  checkFeatureStatistics(fn, 'a', a);
  checkFeatureStatistics(fn, 'b', b);
  checkSameDim(fn, 'a', a.dim, 'b', b.dim);
  const d = a.dim;
  let meanTerm = 0;
  let traces = 0;
  for (let i = 0; i < d; i++) {
    const diff = a.mean[i] - b.mean[i];
    meanTerm += diff * diff;
    traces += a.cov[i * d + i] + b.cov[i * d + i];
  }
  const { trace, route } = traceSqrtProduct(a.cov, b.cov, d);
  const covarianceTerm = traces - 2 * trace;
  return { value: meanTerm + covarianceTerm, meanTerm, covarianceTerm, n1: a.n, n2: b.n, dim: d, route };
}

/**
 * Squared Frechet distance ("FID" on Inception features, "FD" in general) between two feature
 * sets, or between precomputed `FeatureStatistics`, in float64:
 * `|mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr sqrt(S1 S2)` with unbiased covariances (as pytorch-fid).
 *
 * tr sqrt(S1 S2) is the sum of the square roots of the eigenvalues of a symmetric PSD matrix with
 * the spectrum of S1 S2 (L^T S2 L for S1 = L L^T; or, when a raw set has n <= d, K K^T with
 * K = Xc Yc^T / sqrt((n1 - 1)(n2 - 1))), so it is real even where `scipy.linalg.sqrtm(S1 @ S2)`
 * returns complex noise. Sets with n < d warn (option `smallSample`); the result reports n1, n2.
 *
 * @param a `[n1, d]` features (tensor, ArrayF64 or rows) or FeatureStatistics.
 * @param b `[n2, d]` features or FeatureStatistics.
 * @returns `{value, meanTerm, covarianceTerm, n1, n2, dim, route}`.
 * @throws ShapeError on rank != 2, n < 2 or different d; InvalidArgumentError on NaN/Inf.
 *
 * @example
 * const { value, n1, n2 } = await frechetDistance(realFeatures, fakeFeatures); // tensors [n, 128]
 */
export async function frechetDistance(
  a: FeatureInput | FeatureStatistics,
  b: FeatureInput | FeatureStatistics,
  options: FrechetOptions = {},
): Promise<FrechetResult> {
  const fn = 'frechetDistance';
  const { smallSample = 'warn' } = options;
  checkOneOf(fn, 'smallSample', smallSample, SMALL_SAMPLE_ACTIONS);
  const readSide = async (value: FeatureInput | FeatureStatistics, arg: string) => {
    if (isFeatureStatistics(value)) {
      checkFeatureStatistics(fn, arg, value);
      checkSampleSize(fn, arg, value.n, value.dim, smallSample);
      return { stats: value, raw: undefined };
    }
    const raw = await readFeatures(fn, arg, value as FeatureInput, 2);
    checkSampleSize(fn, arg, raw.n, raw.d, smallSample);
    return { stats: undefined, raw };
  };
  const sa = await readSide(a, 'a');
  const sb = await readSide(b, 'b');
  checkSameDim(fn, 'a', sa.stats?.dim ?? sa.raw!.d, 'b', sb.stats?.dim ?? sb.raw!.d);
  if (sa.raw && sb.raw && Math.min(sa.raw.n, sb.raw.n) <= sa.raw.d) return gramRoute(sa.raw, sb.raw);
  const statsA = sa.stats ?? statisticsOf(sa.raw!.data, sa.raw!.n, sa.raw!.d);
  const statsB = sb.stats ?? statisticsOf(sb.raw!.data, sb.raw!.n, sb.raw!.d);
  return frechetDistanceFromStatistics(statsA, statsB);
}

/**
 * An (n - 1) x d matrix Z with Z^T Z = Xc^T Xc / (n - 1) (Xc: X with its column means removed),
 * and the column means. Z = rows 0..n-2 of H X, H the Householder reflection taking the unit
 * vector 1/sqrt(n) to e_{n-1}: the centring is exact and Z has full row rank n - 1 for generic
 * data, so no eigenvalue of the Gram matrix below is zero up to rounding (whose square root would
 * add about sqrt(eps) |K| of noise).
 */
function centredBasis(data: Float64Array, n: number, d: number): { c: Float64Array; mean: Float64Array } {
  const mean = columnMeans(data, n, d);
  const u = 1 / Math.sqrt(n);
  // v = u 1 - e_{n-1}; v^T v = 2 - 2u; w = v^T X.
  const w = new Float64Array(d);
  for (let j = 0; j < d; j++) w[j] = mean[j] * n * u - data[(n - 1) * d + j];
  const f = 2 / (2 - 2 * u);
  const scale = 1 / Math.sqrt(n - 1);
  const c = new Float64Array((n - 1) * d);
  for (let i = 0; i < n - 1; i++) {
    for (let j = 0; j < d; j++) c[i * d + j] = (data[i * d + j] - f * u * w[j]) * scale;
  }
  return { c, mean };
}

/** tr sqrt(S1 S2) = nuclear norm of A B^T where S1 = A^T A, S2 = B^T B (A, B centred, scaled). */
function gramRoute(x: { data: Float64Array; n: number; d: number }, y: { data: Float64Array; n: number; d: number }): FrechetResult {
  const d = x.d;
  const a = centredBasis(x.data, x.n, d);
  const b = centredBasis(y.data, y.n, d);
  const [m1, m2] = [x.n - 1, y.n - 1];
  let meanTerm = 0;
  for (let j = 0; j < d; j++) meanTerm += (a.mean[j] - b.mean[j]) ** 2;
  let traces = 0;
  for (const v of [a.c, b.c]) for (let i = 0; i < v.length; i++) traces += v[i] * v[i];
  const k = gramTiled(a.c, m1, b.c, m2, d); // K = Za Zb^T, [n1 - 1, n2 - 1]
  let g: Float64Array;
  let m: number;
  if (m1 <= m2) {
    g = gramTiled(k, m1, k, m1, m2); // K K^T
    m = m1;
  } else {
    const kt = new Float64Array(m1 * m2);
    for (let i = 0; i < m1; i++) for (let j = 0; j < m2; j++) kt[j * m1 + i] = k[i * m2 + j];
    g = gramTiled(kt, m2, kt, m2, m1); // K^T K
    m = m2;
  }
  const covarianceTerm = traces - 2 * traceSqrtPsd(g, m);
  return { value: meanTerm + covarianceTerm, meanTerm, covarianceTerm, n1: x.n, n2: y.n, dim: d, route: 'gram' };
}
