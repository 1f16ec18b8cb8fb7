// Gaussian mixture fitted by EM (Dempster, Laird & Rubin 1977; Bishop 2006, section 9.2) with
// scikit-learn's GaussianMixture semantics, plus stepwise online EM over minibatches
// (Cappe & Moulines 2009, "On-line expectation-maximization algorithm for latent data models").
import {
  InvalidArgumentError,
  checkNumber,
  choleskyF64,
  describeValue,
} from '@gen/core';
import {
  type CovarianceType,
  type GaussianParams,
  type Workspace,
  NK_EPS,
  bindData,
  cloneParams,
  estimateGaussianParameters,
  estimateLogGaussianProb,
  logOf,
  makeWorkspace,
  normalizeRows,
  numParameters,
} from './gaussian.js';
import { type Matrix, type MatrixInput, readMatrix, readVector } from './input.js';
import { GaussianMixtureDistribution } from './mixture-distribution.js';
import { type OwnedMixtureSameFamily, toMixtureSameFamily } from './mixture-same-family-view.js';
import { type MixtureConfig, MixtureBase } from './mixture-base.js';

/** Options of `GaussianMixture`: sklearn's, in camelCase, plus online-EM and backend options. */
export interface GaussianMixtureConfig extends MixtureConfig {
  /** Initial weights [k] (non-negative, summing to 1). Default: from initParams. */
  weightsInit?: ArrayLike<number>;
  /** Initial means [k, d]. Default: from initParams. */
  meansInit?: ReadonlyArray<ArrayLike<number>> | Float64Array;
  /**
   * Initial precisions (inverse covariances): full [k, d, d], tied [d, d], diag [k, d], spherical [k].
   * Default: from initParams.
   */
  precisionsInit?: unknown;
  /** Online EM step size gamma_t = (t + 2)^-stepExponent for batch t >= 1, in (0.5, 1]. Default 0.6. */
  stepExponent?: number;
}

interface OnlineStats {
  /** E[r_k] [k], E[r_k x] [k, d], E[r_k x x^T] (full/tied [k, d, d]) or E[r_k x^2] (diag/spherical [k, d]). */
  s0: Float64Array;
  s1: Float64Array;
  s2: Float64Array;
  step: number;
}

/**
 * A Gaussian mixture model fitted with expectation-maximisation, matching scikit-learn's
 * `GaussianMixture` (same defaults, same Cholesky-parameterised precisions, same lower bound and
 * stopping rule), with float64 math in typed arrays. Holds no tensors.
 *
 * Data `x` is `[numSamples, numFeatures]`: `number[][]`, `{data: Float64Array | Float32Array, shape}`
 * (row-major) or a `tf.Tensor2D` (read, never disposed).
 *
 * @example
 * const gmm = new GaussianMixture({ nComponents: 3, covarianceType: 'full', seed: 0 });
 * await gmm.fit(x);                       // x: [n, d]
 * const labels = await gmm.predict(x);    // Int32Array [n]
 * const logp = await gmm.scoreSamples(x); // Float64Array [n]
 * const { points } = gmm.sample(100, { seed: 1 }); // points.shape = [100, d]
 */
export class GaussianMixture extends MixtureBase {
  private readonly weightsInit: ArrayLike<number> | undefined;
  private readonly meansInit: GaussianMixtureConfig['meansInit'];
  private readonly precisionsInit: unknown;
  private readonly stepExponent: number;
  private stats: OnlineStats | null = null;
  private onlineWs: Workspace | null = null;

  constructor(config: GaussianMixtureConfig = {}) {
    super('GaussianMixture', config);
    this.weightsInit = config.weightsInit;
    this.meansInit = config.meansInit;
    this.precisionsInit = config.precisionsInit;
    const { stepExponent = 0.6 } = config;
    checkNumber('GaussianMixture', 'stepExponent', stepExponent, { min: 0.5, max: 1, minExclusive: true });
    this.stepExponent = stepExponent;
  }

  // ----- initial parameters -----

  private initWeights(): Float64Array | null {
    if (this.weightsInit === undefined) return null;
    const k = this.cfg.nComponents;
    const w = readVector('GaussianMixture', 'weightsInit', this.weightsInit, [k]);
    let s = 0;
    for (let c = 0; c < k; c++) {
      if (w[c] < 0 || w[c] > 1) {
        throw new InvalidArgumentError(
          `Argument 'weightsInit' passed to 'GaussianMixture' must hold values in [0, 1], but element ${c} is ${w[c]}.`,
        );
      }
      s += w[c];
    }
    if (Math.abs(s - 1) > 1e-8) {
      throw new InvalidArgumentError(`Argument 'weightsInit' passed to 'GaussianMixture' must sum to 1, but sums to ${s}.`);
    }
    return w;
  }

  private initMeans(d: number): Float64Array | null {
    if (this.meansInit === undefined) return null;
    return readVector('GaussianMixture', 'meansInit', this.meansInit, [this.cfg.nComponents, d]);
  }

  /** Precision factors from precisionsInit (sklearn: cholesky(lower) for full/tied, sqrt otherwise). */
  private initPrecisionFactors(d: number): Float64Array | null {
    if (this.precisionsInit === undefined) return null;
    const { covarianceType: type, nComponents: k } = this.cfg;
    const shape = type === 'full' ? [k, d, d] : type === 'tied' ? [d, d] : type === 'diag' ? [k, d] : [k];
    const p = readVector('GaussianMixture', 'precisionsInit', this.precisionsInit, shape);
    if (type === 'full' || type === 'tied') {
      const count = type === 'full' ? k : 1;
      const out = new Float64Array(p.length);
      for (let c = 0; c < count; c++) {
        const m = p.subarray(c * d * d, (c + 1) * d * d);
        for (let a = 0; a < d; a++) {
          for (let b = 0; b < a; b++) {
            if (Math.abs(m[a * d + b] - m[b * d + a]) > 1e-10 * (Math.abs(m[a * d + b]) + Math.abs(m[b * d + a]) + 1e-300)) {
              throw new InvalidArgumentError(`Argument 'precisionsInit' passed to 'GaussianMixture' must be symmetric, but matrix ${c} is not.`);
            }
          }
        }
        try {
          out.set(choleskyF64({ data: m.slice(), shape: [d, d] }).data, c * d * d);
        } catch {
          throw new InvalidArgumentError(`Argument 'precisionsInit' passed to 'GaussianMixture' must be positive definite, but matrix ${c} is not.`);
        }
      }
      return out;
    }
    for (let t = 0; t < p.length; t++) {
      if (!(p[t] > 0)) {
        throw new InvalidArgumentError(`Argument 'precisionsInit' passed to 'GaussianMixture' must be positive, but element ${t} is ${p[t]}.`);
      }
    }
    return p.map(Math.sqrt);
  }

  protected override checkInitParameters(d: number): void {
    this.initWeights();
    this.initMeans(d);
    this.initPrecisionFactors(d);
  }

  protected override fullyInitialised(): boolean {
    return this.weightsInit !== undefined && this.meansInit !== undefined && this.precisionsInit !== undefined;
  }

  private emptyParams(d: number): GaussianParams {
    const { covarianceType: type, nComponents: k } = this.cfg;
    const size = type === 'full' ? k * d * d : type === 'tied' ? d * d : type === 'diag' ? k * d : k;
    return {
      weights: new Float64Array(k),
      means: new Float64Array(k * d),
      covariances: new Float64Array(size),
      precisionsCholesky: new Float64Array(size),
      precisionsUpper: true,
    };
  }

  protected initialize(ws: Workspace, x: Matrix, resp: Float64Array): void {
    const p = this.emptyParams(x.d);
    const nk = new Float64Array(this.cfg.nComponents);
    estimateGaussianParameters(ws, x.data, resp, this.cfg.regCovar, nk, p.means, p.covariances);
    for (let c = 0; c < nk.length; c++) p.weights[c] = nk[c] / x.n;
    const w = this.initWeights();
    if (w) p.weights.set(w);
    const m = this.initMeans(x.d);
    if (m) p.means.set(m);
    const f = this.initPrecisionFactors(x.d);
    this.params = p;
    if (f) {
      p.precisionsCholesky.set(f);
      p.precisionsUpper = !(this.cfg.covarianceType === 'full' || this.cfg.covarianceType === 'tied');
    } else {
      this.precisionsOrReinit(x, p, p.weights);
    }
  }

  protected mStep(ws: Workspace, x: Matrix, resp: Float64Array): void {
    const p = this.params as GaussianParams;
    estimateGaussianParameters(ws, x.data, resp, this.cfg.regCovar, p.weights, p.means, p.covariances);
    let s = 0;
    for (let c = 0; c < p.weights.length; c++) s += p.weights[c];
    for (let c = 0; c < p.weights.length; c++) p.weights[c] /= s;
    this.precisionsOrReinit(x, p, p.weights);
  }

  protected componentOffsets(): Float64Array {
    return logOf((this.params as GaussianParams).weights);
  }

  protected lowerBoundAfterMStep(meanLogLik: number): number {
    return meanLogLik;
  }

  protected snapshot(): unknown {
    return cloneParams(this.params as GaussianParams);
  }

  protected restore(state: unknown): void {
    this.params = cloneParams(state as GaussianParams);
  }

  protected currentCovariances(): Float64Array {
    return (this.params as GaussianParams).covariances;
  }

  protected currentWeights(): Float64Array {
    return (this.params as GaussianParams).weights;
  }

  // ----- public API -----

  /**
   * Fits the mixture with EM (nInit initialisations, keeping the best lower bound).
   * @param x `[numSamples, numFeatures]`, at least nComponents (and 2) rows, finite values.
   * @returns this.
   * @throws InvalidArgumentError on non-finite data, too few samples, a collapsed component.
   */
  async fit(x: MatrixInput): Promise<this> {
    const m = await readMatrix('GaussianMixture.fit', 'x', x, { minRows: 2 });
    this.stats = null;
    await this.runEm(m);
    return this;
  }

  /** Number of free parameters (weights, means, covariances). */
  numParameters(): number {
    this.requireFitted('numParameters');
    return numParameters(this.cfg.covarianceType, this.cfg.nComponents, this.numFeatures);
  }

  /** Bayesian information criterion on `x`: -2 n score(x) + p log n (lower is better). */
  async bic(x: MatrixInput): Promise<number> {
    const m = await this.readData('bic', x);
    const score = await this.score({ data: m.data, shape: [m.n, m.d] });
    return -2 * score * m.n + this.numParameters() * Math.log(m.n);
  }

  /** Akaike information criterion on `x`: -2 n score(x) + 2 p (lower is better). */
  async aic(x: MatrixInput): Promise<number> {
    const m = await this.readData('aic', x);
    const score = await this.score({ data: m.data, shape: [m.n, m.d] });
    return -2 * score * m.n + 2 * this.numParameters();
  }

  /**
   * One step of stepwise online EM (Cappe & Moulines 2009) on a minibatch: responsibilities under
   * the current parameters, then the running sufficient statistics move towards the batch's,
   * s <- (1 - gamma_t) s + gamma_t s_batch with gamma_t = (t + 2)^-stepExponent, and the
   * parameters are recomputed from s. The first call on an unfitted model initialises it from the
   * batch (initParams) and takes gamma = 1; after `fit`, the statistics start from the fitted model.
   * @param batch `[batchSize, numFeatures]`.
   * @returns this.
   */
  async partialFit(batch: MatrixInput): Promise<this> {
    const fn = 'GaussianMixture.partialFit';
    const { nComponents: k, covarianceType: type, regCovar } = this.cfg;
    const m = await readMatrix(fn, 'batch', batch, this.params ? { numFeatures: this.numFeatures } : {});
    let gamma: number;
    if (this.params === null) {
      if (m.n < k) {
        throw new InvalidArgumentError(
          `Argument 'batch' passed to '${fn}' must have at least nComponents = ${k} samples for the first batch, but got ${m.n}.`,
        );
      }
      this.numFeatures = m.d;
      this.checkInitParameters(m.d);
      this.computeFeatureVariance(m);
      const ws0 = makeWorkspace(type, m.n, m.d, k);
      this.initialize(ws0, m, this.fullyInitialised() ? new Float64Array(m.n * k).fill(1 / k) : this.initialResp(m, this.cfg.seed));
      this.stats = null;
      gamma = 1;
    } else {
      if (this.stats === null) this.stats = this.statsFromParams();
      gamma = (this.stats.step + 2) ** -this.stepExponent;
    }
    const d = this.numFeatures;
    if (this.onlineWs === null || this.onlineWs.n !== m.n || this.onlineWs.d !== d) this.onlineWs = makeWorkspace(type, m.n, d, k, m.data);
    else bindData(this.onlineWs, m.data); // always re-copy: callers may refill the same buffer
    const ws = this.onlineWs;
    const p = this.params as GaussianParams;
    estimateLogGaussianProb(ws, p, m.data, m.n, ws.lp);
    normalizeRows(ws.lp, m.n, k, logOf(p.weights), ws.lse, true, ws);
    const dense = type === 'full' || type === 'tied';
    const stats = this.stats ?? { s0: new Float64Array(k), s1: new Float64Array(k * d), s2: new Float64Array(dense ? k * d * d : k * d), step: 0 };
    // Batch averages of the sufficient statistics.
    const b0 = new Float64Array(k);
    const b1 = new Float64Array(k * d);
    const b2 = new Float64Array(stats.s2.length);
    const resp = ws.lp;
    const x = m.data;
    for (let i = 0; i < m.n; i++) {
      const xo = i * d;
      for (let c = 0; c < k; c++) {
        const r = resp[i * k + c];
        if (r === 0) continue;
        b0[c] += r;
        for (let a = 0; a < d; a++) {
          const rx = r * x[xo + a];
          b1[c * d + a] += rx;
          if (dense) {
            const o = c * d * d + a * d;
            for (let bb = 0; bb <= a; bb++) b2[o + bb] += rx * x[xo + bb];
          } else {
            b2[c * d + a] += rx * x[xo + a];
          }
        }
      }
    }
    const inv = 1 / m.n;
    for (let c = 0; c < k; c++) {
      stats.s0[c] = (1 - gamma) * stats.s0[c] + gamma * b0[c] * inv;
      for (let a = 0; a < d; a++) {
        stats.s1[c * d + a] = (1 - gamma) * stats.s1[c * d + a] + gamma * b1[c * d + a] * inv;
        if (dense) {
          for (let bb = 0; bb <= a; bb++) {
            const o = c * d * d + a * d + bb;
            const v = (1 - gamma) * stats.s2[o] + gamma * b2[o] * inv;
            stats.s2[o] = v;
            stats.s2[c * d * d + bb * d + a] = v;
          }
        } else {
          const o = c * d + a;
          stats.s2[o] = (1 - gamma) * stats.s2[o] + gamma * b2[o] * inv;
        }
      }
    }
    stats.step++;
    this.stats = stats;
    this.paramsFromStats(stats, regCovar, m);
    this.fitIterations = stats.step;
    return this;
  }

  private statsFromParams(): OnlineStats {
    const p = this.params as GaussianParams;
    const { nComponents: k, covarianceType: type } = this.cfg;
    const d = this.numFeatures;
    const dense = type === 'full' || type === 'tied';
    const s0 = p.weights.slice();
    const s1 = new Float64Array(k * d);
    const s2 = new Float64Array(dense ? k * d * d : k * d);
    for (let c = 0; c < k; c++) {
      for (let a = 0; a < d; a++) {
        const mu = p.means[c * d + a];
        s1[c * d + a] = s0[c] * mu;
        if (dense) {
          const co = type === 'full' ? c * d * d : 0;
          for (let b = 0; b < d; b++) s2[c * d * d + a * d + b] = s0[c] * (p.covariances[co + a * d + b] + mu * p.means[c * d + b]);
        } else {
          const v = type === 'diag' ? p.covariances[c * d + a] : p.covariances[c];
          s2[c * d + a] = s0[c] * (v + mu * mu);
        }
      }
    }
    return { s0, s1, s2, step: 1 };
  }

  private paramsFromStats(s: OnlineStats, regCovar: number, m: Matrix): void {
    const p = this.params as GaussianParams;
    const { nComponents: k, covarianceType: type } = this.cfg;
    const d = this.numFeatures;
    let total = 0;
    for (let c = 0; c < k; c++) total += s.s0[c];
    for (let c = 0; c < k; c++) {
      const n0 = s.s0[c] + NK_EPS;
      p.weights[c] = s.s0[c] / total;
      for (let a = 0; a < d; a++) p.means[c * d + a] = s.s1[c * d + a] / n0;
    }
    if (type === 'full' || type === 'tied') {
      p.covariances.fill(0);
      for (let c = 0; c < k; c++) {
        const n0 = s.s0[c] + NK_EPS;
        const co = type === 'full' ? c * d * d : 0;
        const scale = type === 'full' ? 1 / n0 : 1 / total;
        for (let a = 0; a < d; a++) {
          for (let b = 0; b < d; b++) {
            const mu = p.means[c * d + a] * p.means[c * d + b];
            p.covariances[co + a * d + b] += (s.s2[c * d * d + a * d + b] - s.s0[c] * mu) * scale;
          }
        }
      }
      const count = type === 'full' ? k : 1;
      for (let c = 0; c < count; c++) for (let a = 0; a < d; a++) p.covariances[c * d * d + a * d + a] += regCovar;
    } else {
      for (let c = 0; c < k; c++) {
        const n0 = s.s0[c] + NK_EPS;
        let sum = 0;
        for (let a = 0; a < d; a++) {
          const mu = p.means[c * d + a];
          const v = Math.max(0, s.s2[c * d + a] / n0 - mu * mu) + regCovar;
          if (type === 'diag') p.covariances[c * d + a] = v;
          sum += v;
        }
        if (type === 'spherical') p.covariances[c] = sum / d;
      }
    }
    this.precisionsOrReinit(m, p, p.weights);
  }

  /**
   * Online EM over a stream of minibatches (`partialFit` on each).
   * @param batches an (async) iterable of `[batchSize, numFeatures]` matrices.
   * @returns this.
   * @example
   * async function* batches() { for (const b of chunks) yield b; }
   * await gmm.fitStream(batches());
   */
  async fitStream(batches: AsyncIterable<MatrixInput> | Iterable<MatrixInput>): Promise<this> {
    if (batches == null || (typeof (batches as AsyncIterable<MatrixInput>)[Symbol.asyncIterator] !== 'function' && typeof (batches as Iterable<MatrixInput>)[Symbol.iterator] !== 'function')) {
      throw new InvalidArgumentError(
        `Argument 'batches' passed to 'GaussianMixture.fitStream' must be an iterable or async iterable of matrices, but got ${describeValue(batches)}.`,
      );
    }
    for await (const batch of batches as AsyncIterable<MatrixInput>) await this.partialFit(batch);
    return this;
  }

  /**
   * The fitted mixture as `@gen/core`'s `MixtureSameFamily(Categorical, MultivariateNormal)` (the
   * torch.distributions construction; `scaleTril` from the fitted precisions). It owns its component
   * distributions and frees them in `dispose()`.
   * @example
   * const prior = gmm.toMixtureSameFamily();
   * const lp = prior.logProb(z); // z: [batch, d] -> [batch]
   * prior.dispose();
   */
  toMixtureSameFamily(): OwnedMixtureSameFamily {
    const p = this.requireFitted('toMixtureSameFamily');
    return toMixtureSameFamily(this.cfg.covarianceType, p.weights, p.means, p.precisionsCholesky, this.cfg.nComponents, this.numFeatures);
  }

  /**
   * The fitted mixture as a `@gen/core` `Distribution` over `[batch, d]` tensors (logProb, sample),
   * e.g. a VAE prior. Holds copies of the parameters; dispose it when done.
   */
  toDistribution(): GaussianMixtureDistribution {
    const p = this.requireFitted('toDistribution');
    return new GaussianMixtureDistribution({
      covarianceType: this.cfg.covarianceType as CovarianceType,
      weights: p.weights,
      means: p.means,
      precisionsCholesky: p.precisionsCholesky,
      precisionsUpper: p.precisionsUpper,
      numFeatures: this.numFeatures,
    });
  }
}
