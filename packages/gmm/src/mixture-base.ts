// The EM driver shared by GaussianMixture and BayesianGaussianMixture, following the fit loop of
// scikit-learn's BaseMixture.fit_predict (sklearn/mixture/_base.py): nInit restarts keeping the
// best lower bound, convergence when |change of the lower bound| < tol, a final E-step.
import * as tf from '@tensorflow/tfjs-core';
import {
  type ArrayF64,
  type Seed,
  InvalidArgumentError,
  checkNumber,
  checkOneOf,
  describeValue,
  logSumExp,
  normalFloat64,
  permutation,
  split,
  toKey,
  triangularSolveF64,
  uniformFloat64,
} from '@gen/core';
import {
  COVARIANCE_TYPES,
  type CovarianceType,
  type GaussianParams,
  type Workspace,
  cloneParams,
  computePrecisionCholesky,
  covarianceShape,
  estimateLogGaussianProb,
  makeWorkspace,
  normalizeRows,
  precisionsFromCholesky,
} from './gaussian.js';
import { type Matrix, type MatrixInput, readMatrix } from './input.js';
import { kmeansLabels, kmeansPlusPlus } from './kmeans.js';
import { mixtureConstants, weightedLogProbTensor } from './tensor-path.js';

/** How initial responsibilities are drawn (sklearn's `init_params`). */
export type InitParams = 'kmeans' | 'k-means++' | 'random' | 'random_from_data';
export const INIT_PARAMS: readonly InitParams[] = ['kmeans', 'k-means++', 'random', 'random_from_data'];

/** What to do when a component's covariance is not positive definite during EM. */
export type OnCollapse = 'error' | 'reinitialize';

/** Where the E-step runs: float64 typed arrays (exact, default) or tfjs tensors (float32, any backend). */
export type EStepBackend = 'float64' | 'tensor';

/** Options shared by both mixtures (sklearn's names in camelCase). */
export interface MixtureConfig {
  /** Number of mixture components. Default 1. */
  nComponents?: number;
  /** 'full' (default), 'tied', 'diag' or 'spherical'. */
  covarianceType?: CovarianceType;
  /** Convergence threshold on the change of the lower bound. Default 1e-3. */
  tol?: number;
  /** Added to the diagonal of every covariance, keeps them positive definite. Default 1e-6. */
  regCovar?: number;
  /** EM iterations per initialisation. Default 100. */
  maxIter?: number;
  /** Number of initialisations; the best lower bound is kept. Default 1. */
  nInit?: number;
  /** Initial responsibilities: 'kmeans' (default), 'k-means++', 'random', 'random_from_data'. */
  initParams?: InitParams;
  /** Continue from the last fit (one initialisation, starting from the fitted parameters). Default false. */
  warmStart?: boolean;
  /** Seed (integer or PRNGKey) for initialisation. Default 0 (deterministic). */
  seed?: Seed;
  /** 'error' (default): a collapsed component throws; 'reinitialize': it restarts at a random sample. */
  onCollapse?: OnCollapse;
  /** 'float64' (default) or 'tensor': E-step on tfjs tensors in float32 (M-step stays float64). */
  backend?: EStepBackend;
}

/** One initialisation's outcome. */
export interface InitHistory {
  lowerBound: number;
  converged: boolean;
  iterations: number;
}

/** Draws from a fitted mixture: points [n, d] grouped by component, and the component of each. */
export interface MixtureSample {
  points: ArrayF64;
  components: Int32Array;
}

export interface ResolvedConfig {
  nComponents: number;
  covarianceType: CovarianceType;
  tol: number;
  regCovar: number;
  maxIter: number;
  nInit: number;
  initParams: InitParams;
  warmStart: boolean;
  seed: Seed;
  onCollapse: OnCollapse;
  backend: EStepBackend;
}

export function resolveConfig(fn: string, config: MixtureConfig): ResolvedConfig {
  const {
    nComponents = 1,
    covarianceType = 'full',
    tol = 1e-3,
    regCovar = 1e-6,
    maxIter = 100,
    nInit = 1,
    initParams = 'kmeans',
    warmStart = false,
    seed = 0,
    onCollapse = 'error',
    backend = 'float64',
  } = config;
  checkNumber(fn, 'nComponents', nComponents, { min: 1, integer: true });
  checkOneOf(fn, 'covarianceType', covarianceType, COVARIANCE_TYPES);
  checkNumber(fn, 'tol', tol, { min: 0 });
  checkNumber(fn, 'regCovar', regCovar, { min: 0 });
  checkNumber(fn, 'maxIter', maxIter, { min: 0, integer: true });
  checkNumber(fn, 'nInit', nInit, { min: 1, integer: true });
  checkOneOf(fn, 'initParams', initParams, INIT_PARAMS);
  checkOneOf(fn, 'onCollapse', onCollapse, ['error', 'reinitialize'] as const);
  checkOneOf(fn, 'backend', backend, ['float64', 'tensor'] as const);
  if (typeof warmStart !== 'boolean') {
    throw new InvalidArgumentError(`Argument 'warmStart' passed to '${fn}' must be a boolean, but got ${describeValue(warmStart)}.`);
  }
  toKey(seed, fn, 'seed');
  return { nComponents, covarianceType, tol, regCovar, maxIter, nInit, initParams, warmStart, seed, onCollapse, backend };
}

/** The error for a covariance that is not positive definite (after sklearn's message). */
export function collapseError(fn: string, component: number, regCovar: number): InvalidArgumentError {
  return new InvalidArgumentError(
    `'${fn}' failed: component ${component} has an ill-defined empirical covariance (not positive definite; for instance caused by singleton or collapsed samples). Try fewer components, a larger regCovar (now ${regCovar}), or onCollapse: 'reinitialize'.`,
  );
}

/**
 * Base of the mixtures: data checks, initialisation, the EM loop, prediction and sampling.
 * Subclasses define the M-step, the per-component log-density offsets and the lower bound.
 */
export abstract class MixtureBase {
  protected readonly cfg: ResolvedConfig;
  protected params: GaussianParams | null = null;
  protected numFeatures = 0;
  protected fitConverged = false;
  protected fitIterations = 0;
  protected fitLowerBound = -Infinity;
  protected fitHistory: InitHistory[] = [];
  /** Components restarted by onCollapse: 'reinitialize' in the last fit. */
  protected reinitCount = 0;
  protected featureVariance: Float64Array | null = null;
  protected collapseSeed = 0;

  protected constructor(
    protected readonly name: string,
    config: MixtureConfig,
  ) {
    this.cfg = resolveConfig(name, config);
  }

  // ----- hooks for subclasses -----

  /** Sets parameters from initial responsibilities [n, k]. */
  protected abstract initialize(ws: Workspace, x: Matrix, resp: Float64Array): void;
  /** M-step from responsibilities [n, k]. */
  protected abstract mStep(ws: Workspace, x: Matrix, resp: Float64Array): void;
  /** Per-component terms added to log N(x | mu_k, Sigma_k) for the weighted log-probabilities. [k] */
  protected abstract componentOffsets(): Float64Array;
  /** Lower bound after the M-step, from the E-step's mean log-likelihood and responsibilities. */
  protected abstract lowerBoundAfterMStep(meanLogLik: number, resp: Float64Array, n: number): number;
  /** Snapshot / restore of everything the subclass fits (for nInit). */
  protected abstract snapshot(): unknown;
  protected abstract restore(state: unknown): void;
  /** Covariances used for sampling and reported (Float64Array in sklearn's layout). */
  protected abstract currentCovariances(): Float64Array;
  /** Mixture weights. */
  protected abstract currentWeights(): Float64Array;
  /** Extra validation of the fitted/init parameters against the data (feature count). */
  protected checkInitParameters(_d: number): void {}

  // ----- shared machinery -----

  protected requireFitted(method: string): GaussianParams {
    if (this.params === null) {
      throw new InvalidArgumentError(`'${this.name}.${method}' needs a fitted model: call fit(x) or partialFit(batch) first.`);
    }
    return this.params;
  }

  protected initialResp(x: Matrix, key: Seed): Float64Array {
    const { n, d, data } = x;
    const k = this.cfg.nComponents;
    const resp = new Float64Array(n * k);
    switch (this.cfg.initParams) {
      case 'kmeans': {
        const labels = kmeansLabels(data, n, d, k, key);
        for (let i = 0; i < n; i++) resp[i * k + labels[i]] = 1;
        break;
      }
      case 'random': {
        const u = uniformFloat64(key, n * k);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let c = 0; c < k; c++) s += u[i * k + c];
          for (let c = 0; c < k; c++) resp[i * k + c] = u[i * k + c] / s;
        }
        break;
      }
      case 'random_from_data': {
        const perm = permutation(key, n);
        for (let c = 0; c < k; c++) resp[perm[c] * k + c] = 1;
        break;
      }
      default: {
        const idx = kmeansPlusPlus(data, n, d, k, key);
        for (let c = 0; c < k; c++) resp[idx[c] * k + c] = 1;
      }
    }
    return resp;
  }

  /** Whether the user fixed every initial parameter (so no responsibilities are needed). */
  protected fullyInitialised(): boolean {
    return false;
  }

  protected computeFeatureVariance(x: Matrix): void {
    const { n, d, data } = x;
    const v = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += data[i * d + j];
      const mu = s / n;
      let s2 = 0;
      for (let i = 0; i < n; i++) s2 += (data[i * d + j] - mu) ** 2;
      v[j] = s2 / n;
    }
    this.featureVariance = v;
  }

  /**
   * Precision factors from `covariances`, restarting collapsed components when asked: such a
   * component gets a random sample as mean, the data's per-feature variance (+ regCovar) as
   * covariance and weight 1/k (weights renormalised).
   */
  protected precisionsOrReinit(x: Matrix | null, p: GaussianParams, weights: Float64Array | null): void {
    const { covarianceType: type, nComponents: k, regCovar, onCollapse } = this.cfg;
    const d = this.numFeatures;
    for (let attempt = 0; attempt <= k; attempt++) {
      const bad = computePrecisionCholesky(type, p.covariances, k, d, p.precisionsCholesky);
      if (bad < 0) {
        p.precisionsUpper = true;
        return;
      }
      if (onCollapse === 'error' || type === 'tied' || x === null || this.featureVariance === null) {
        throw collapseError(this.name, bad, regCovar);
      }
      this.reinitCount++;
      const u = uniformFloat64(this.collapseSeed++, 1)[0];
      const row = Math.min(x.n - 1, Math.floor(u * x.n));
      p.means.set(x.data.subarray(row * d, row * d + d), bad * d);
      const v = this.featureVariance;
      if (type === 'full') {
        const o = bad * d * d;
        p.covariances.fill(0, o, o + d * d);
        for (let j = 0; j < d; j++) p.covariances[o + j * d + j] = v[j] + regCovar;
      } else if (type === 'diag') {
        for (let j = 0; j < d; j++) p.covariances[bad * d + j] = v[j] + regCovar;
      } else {
        let s = 0;
        for (let j = 0; j < d; j++) s += v[j];
        p.covariances[bad] = s / d + regCovar;
      }
      if (weights) {
        weights[bad] = 1 / k;
        let s = 0;
        for (let c = 0; c < k; c++) s += weights[c];
        for (let c = 0; c < k; c++) weights[c] /= s;
      }
    }
    throw collapseError(this.name, 0, regCovar);
  }

  /** E-step into ws.lp (responsibilities) and ws.lse; returns the mean log-likelihood. */
  protected async eStep(ws: Workspace, x: Matrix, xTensor: tf.Tensor2D | null): Promise<number> {
    const p = this.params as GaussianParams;
    const offsets = this.componentOffsets();
    if (xTensor === null) {
      estimateLogGaussianProb(ws, p, x.data, x.n, ws.lp);
      return normalizeRows(ws.lp, x.n, ws.k, offsets, ws.lse, true, ws);
    }
    const { k, d, type } = ws;
    const [resp, lse] = tf.tidy(() => {
      const consts = mixtureConstants({ type, k, d, means: p.means, precisionsCholesky: p.precisionsCholesky, offsets });
      const lp = weightedLogProbTensor(xTensor, consts, type, k, d);
      const l = logSumExp(lp, 1, true);
      return [tf.exp(tf.sub(lp, l)), tf.reshape(l, [-1])];
    });
    const [r, l] = await Promise.all([resp.data(), lse.data()]);
    tf.dispose([resp, lse]);
    let total = 0;
    for (let i = 0; i < x.n; i++) {
      ws.lse[i] = l[i];
      total += l[i];
    }
    for (let t = 0; t < r.length; t++) ws.lp[t] = r[t];
    return total / x.n;
  }

  /** Runs EM on the data (nInit restarts, keep best). */
  protected async runEm(x: Matrix): Promise<void> {
    const { nComponents: k, nInit, maxIter, tol, warmStart, covarianceType: type } = this.cfg;
    if (x.n < k) {
      throw new InvalidArgumentError(
        `Argument 'x' passed to '${this.name}.fit' must have at least nComponents = ${k} samples (rows), but got ${x.n}.`,
      );
    }
    const doInit = !(warmStart && this.params !== null);
    if (!doInit && x.d !== this.numFeatures) {
      throw new InvalidArgumentError(
        `Argument 'x' passed to '${this.name}.fit' must have ${this.numFeatures} features for warmStart, but got ${x.d}.`,
      );
    }
    this.numFeatures = x.d;
    this.checkInitParameters(x.d);
    this.computeFeatureVariance(x);
    this.reinitCount = 0;
    const ws = makeWorkspace(type, x.n, x.d, k, x.data);
    const runs = doInit ? nInit : 1;
    const keys = split(toKey(this.cfg.seed, this.name, 'seed'), runs + 1);
    this.collapseSeed = keys[runs][0];
    const xTensor = this.cfg.backend === 'tensor' ? tf.tensor2d(Float32Array.from(x.data), [x.n, x.d]) : null;
    try {
      let best: unknown = null;
      let bestLb = -Infinity;
      let bestIter = 0;
      let anyConverged = false;
      const history: InitHistory[] = [];
      for (let run = 0; run < runs; run++) {
        if (doInit) {
          const resp = this.fullyInitialised() ? new Float64Array(x.n * k).fill(1 / k) : this.initialResp(x, keys[run]);
          this.initialize(ws, x, resp);
        }
        let lb = doInit ? -Infinity : this.fitLowerBound;
        let converged = false;
        let iter = 0;
        for (iter = 1; iter <= maxIter; iter++) {
          const prev = lb;
          const meanLogLik = await this.eStep(ws, x, xTensor);
          this.mStep(ws, x, ws.lp);
          lb = this.lowerBoundAfterMStep(meanLogLik, ws.lp, x.n);
          if (Math.abs(lb - prev) < tol) {
            converged = true;
            break;
          }
        }
        if (maxIter === 0) iter = 0;
        else if (!converged) iter = maxIter;
        anyConverged ||= converged;
        history.push({ lowerBound: lb, converged, iterations: iter });
        if (lb > bestLb || bestLb === -Infinity) {
          bestLb = lb;
          best = this.snapshot();
          bestIter = iter;
        }
      }
      this.restore(best);
      this.fitConverged = anyConverged;
      this.fitIterations = bestIter;
      this.fitLowerBound = bestLb;
      this.fitHistory = history;
    } finally {
      xTensor?.dispose();
    }
  }

  /** Weighted log-probabilities [n, k] of new data, float64. */
  protected weightedLogProb(x: Matrix): Float64Array {
    const p = this.requireFitted('predict');
    const k = this.cfg.nComponents;
    const ws = makeWorkspace(this.cfg.covarianceType, 0, x.d, k);
    const out = new Float64Array(x.n * k);
    estimateLogGaussianProb(ws, p, x.data, x.n, out);
    const offsets = this.componentOffsets();
    for (let i = 0; i < x.n; i++) for (let c = 0; c < k; c++) out[i * k + c] += offsets[c];
    return out;
  }

  protected async readData(method: string, x: MatrixInput): Promise<Matrix> {
    this.requireFitted(method);
    return readMatrix(`${this.name}.${method}`, 'x', x, { numFeatures: this.numFeatures });
  }

  // ----- public API shared by both mixtures -----

  /** Fits and returns the labels of the training data (sklearn's fit_predict). [n] */
  async fitPredict(x: MatrixInput): Promise<Int32Array> {
    const m = await readMatrix(`${this.name}.fitPredict`, 'x', x, { minRows: 2 });
    await this.runEm(m);
    return this.argmax(this.weightedLogProb(m), m.n);
  }

  private argmax(lp: Float64Array, n: number): Int32Array {
    const k = this.cfg.nComponents;
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (lp[i * k + c] > lp[i * k + best]) best = c;
      labels[i] = best;
    }
    return labels;
  }

  /**
   * The most likely component of each sample.
   * @param x `[n, numFeatures]`.
   * @returns `[n]` component indices.
   */
  async predict(x: MatrixInput): Promise<Int32Array> {
    const m = await this.readData('predict', x);
    return this.argmax(this.weightedLogProb(m), m.n);
  }

  /**
   * Posterior probability of each component for each sample.
   * @param x `[n, numFeatures]`.
   * @returns `{data, shape: [n, nComponents]}` (rows sum to 1).
   */
  async predictProba(x: MatrixInput): Promise<ArrayF64> {
    const m = await this.readData('predictProba', x);
    const k = this.cfg.nComponents;
    const lp = this.weightedLogProb(m);
    normalizeRows(lp, m.n, k, new Float64Array(k), new Float64Array(m.n), true);
    return { data: lp, shape: [m.n, k] };
  }

  /**
   * Log-likelihood (log density) of each sample under the mixture.
   * @param x `[n, numFeatures]`.
   * @returns `[n]` values log p(x_i).
   */
  async scoreSamples(x: MatrixInput): Promise<Float64Array> {
    const m = await this.readData('scoreSamples', x);
    const k = this.cfg.nComponents;
    const lse = new Float64Array(m.n);
    normalizeRows(this.weightedLogProb(m), m.n, k, new Float64Array(k), lse, false);
    return lse;
  }

  /** Mean log-likelihood of the samples `[n, numFeatures]`. */
  async score(x: MatrixInput): Promise<number> {
    const s = await this.scoreSamples(x);
    let t = 0;
    for (let i = 0; i < s.length; i++) t += s[i];
    return t / s.length;
  }

  /**
   * Log-likelihood of each row of a float32 tensor, computed with tensor ops (float32).
   * @param x `tf.Tensor2D` `[n, numFeatures]` (not disposed).
   * @returns `tf.Tensor1D` `[n]`, owned by the caller.
   */
  scoreSamplesTensor(x: tf.Tensor2D): tf.Tensor1D {
    const p = this.requireFitted('scoreSamplesTensor');
    if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.shape[1] !== this.numFeatures) {
      throw new InvalidArgumentError(
        `Argument 'x' passed to '${this.name}.scoreSamplesTensor' must be a tf.Tensor2D of shape [n, ${this.numFeatures}], but got ${x instanceof tf.Tensor ? describeValue([...x.shape]) : describeValue(x)}.`,
      );
    }
    const { covarianceType: type, nComponents: k } = this.cfg;
    const d = this.numFeatures;
    return tf.tidy(() => {
      const consts = mixtureConstants({ type, k, d, means: p.means, precisionsCholesky: p.precisionsCholesky, offsets: this.componentOffsets() });
      return logSumExp(weightedLogProbTensor(tf.cast(x, 'float32'), consts, type, k, d), 1) as tf.Tensor1D;
    });
  }

  /**
   * Draws `n` samples: component counts from a multinomial on the weights, then points grouped by
   * component (as sklearn does). Deterministic for a seed.
   * @returns `{points: {data, shape: [n, d]}, components: Int32Array [n]}`.
   */
  sample(n = 1, { seed = 0 }: { seed?: Seed } = {}): MixtureSample {
    const p = this.requireFitted('sample');
    checkNumber(`${this.name}.sample`, 'n', n, { min: 1, integer: true });
    const [kc, kz] = split(toKey(seed, `${this.name}.sample`, 'seed'), 2);
    const k = this.cfg.nComponents;
    const d = this.numFeatures;
    const weights = this.currentWeights();
    const u = uniformFloat64(kc, n);
    const counts = new Int32Array(k);
    const cum = new Float64Array(k);
    let acc = 0;
    for (let c = 0; c < k; c++) cum[c] = acc += weights[c];
    for (let i = 0; i < n; i++) {
      const target = u[i] * acc;
      let c = 0;
      while (c < k - 1 && cum[c] <= target) c++;
      counts[c]++;
    }
    const z = normalFloat64(kz, n * d);
    const points = sampleGaussians(this.cfg.covarianceType, p, this.currentCovariances(), k, d, counts, z);
    const components = new Int32Array(n);
    let o = 0;
    for (let c = 0; c < k; c++) for (let t = 0; t < counts[c]; t++) components[o++] = c;
    return { points: { data: points, shape: [n, d] }, components };
  }

  // ----- fitted attributes -----

  /** Number of features seen by fit. */
  get nFeatures(): number {
    this.requireFitted('nFeatures');
    return this.numFeatures;
  }
  /** Component means, `[k, d]`. A copy. */
  get means(): ArrayF64 {
    const p = this.requireFitted('means');
    return { data: p.means.slice(), shape: [this.cfg.nComponents, this.numFeatures] };
  }
  /** Covariances: full `[k, d, d]`, tied `[d, d]`, diag `[k, d]`, spherical `[k]`. A copy. */
  get covariances(): ArrayF64 {
    this.requireFitted('covariances');
    return { data: this.currentCovariances().slice(), shape: covarianceShape(this.cfg.covarianceType, this.cfg.nComponents, this.numFeatures) };
  }
  /** Cholesky factors P of the precisions (P P^T = Sigma^-1), shaped as `covariances`. A copy. */
  get precisionsCholesky(): ArrayF64 {
    const p = this.requireFitted('precisionsCholesky');
    return { data: p.precisionsCholesky.slice(), shape: covarianceShape(this.cfg.covarianceType, this.cfg.nComponents, this.numFeatures) };
  }
  /** Precision matrices (inverse covariances), shaped as `covariances`. */
  get precisions(): ArrayF64 {
    const p = this.requireFitted('precisions');
    const { covarianceType: type, nComponents: k } = this.cfg;
    return { data: precisionsFromCholesky(type, p.precisionsCholesky, k, this.numFeatures), shape: covarianceShape(type, k, this.numFeatures) };
  }
  /** Mixture weights `[k]`. A copy. */
  get weights(): Float64Array {
    this.requireFitted('weights');
    return this.currentWeights().slice();
  }
  /** True when the best (or any, as in sklearn) initialisation reached |change| < tol. */
  get converged(): boolean {
    return this.fitConverged;
  }
  /** EM iterations of the best initialisation. */
  get nIter(): number {
    return this.fitIterations;
  }
  /** Lower bound (GaussianMixture: mean log-likelihood) of the best initialisation. */
  get lowerBound(): number {
    return this.fitLowerBound;
  }
  /** Outcome of every initialisation of the last fit. */
  get history(): readonly InitHistory[] {
    return this.fitHistory.map((h) => ({ ...h }));
  }
  /** Components restarted by onCollapse: 'reinitialize' during the last fit. */
  get numReinitialized(): number {
    return this.reinitCount;
  }
  /** The resolved configuration (defaults filled in). */
  get config(): Readonly<ResolvedConfig> {
    return { ...this.cfg };
  }
}

/**
 * Draws `counts[c]` points from each Gaussian component, grouped by component, using standard
 * normals `z` [n, d]. full/tied: x = mu + A z with A A^T = Sigma, A = P^{-T} from the precision factor.
 */
export function sampleGaussians(
  type: CovarianceType,
  p: GaussianParams,
  _cov: Float64Array,
  k: number,
  d: number,
  counts: Int32Array,
  z: Float64Array,
): Float64Array {
  let total = 0;
  for (let c = 0; c < k; c++) total += counts[c];
  const out = new Float64Array(total * d);
  let row = 0;
  for (let c = 0; c < k; c++) {
    const m = counts[c];
    if (m === 0) continue;
    const block = z.slice(row * d, (row + m) * d); // [m, d]
    if (type === 'full' || type === 'tied') {
      // Solve P^T y = z for each row: y = P^{-T} z has covariance (P P^T)^{-1} = Sigma.
      const o = type === 'full' ? c * d * d : 0;
      const pc = p.precisionsCholesky.subarray(o, o + d * d);
      const rhs = new Float64Array(d * m); // [d, m]: column t is sample t
      for (let t = 0; t < m; t++) for (let j = 0; j < d; j++) rhs[j * m + t] = block[t * d + j];
      const y = triangularSolveF64({ data: pc, shape: [d, d] }, { data: rhs, shape: [d, m] }, { lower: !p.precisionsUpper, adjoint: true }).data;
      for (let t = 0; t < m; t++) for (let j = 0; j < d; j++) out[(row + t) * d + j] = p.means[c * d + j] + y[j * m + t];
    } else {
      for (let t = 0; t < m; t++) {
        for (let j = 0; j < d; j++) {
          const s = type === 'diag' ? 1 / p.precisionsCholesky[c * d + j] : 1 / p.precisionsCholesky[c];
          out[(row + t) * d + j] = p.means[c * d + j] + s * block[t * d + j];
        }
      }
    }
    row += m;
  }
  return out;
}

export { cloneParams };
