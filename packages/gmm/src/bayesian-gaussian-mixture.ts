// Variational Bayesian Gaussian mixture (Bishop 2006, section 10.2; Blei & Jordan 2006 for the
// truncated Dirichlet-process stick-breaking prior), with scikit-learn's BayesianGaussianMixture
// updates (sklearn/mixture/_bayesian_mixture.py): Dirichlet / stick-breaking weights,
// Gaussian-Wishart means and precisions, the same lower bound and stopping rule.
import { InvalidArgumentError, checkNumber, checkOneOf, digammaF64, lgammaF64 } from '@gen/core';
import {
  type GaussianParams,
  type Workspace,
  cloneParams,
  estimateGaussianParameters,
  logDetCholesky,
} from './gaussian.js';
import { type Matrix, type MatrixInput, readMatrix, readVector } from './input.js';
import { type MixtureConfig, MixtureBase } from './mixture-base.js';

/** The prior on the mixture weights. */
export type WeightConcentrationPriorType = 'dirichlet_process' | 'dirichlet_distribution';

/** Options of `BayesianGaussianMixture`: sklearn's, in camelCase. Unset priors take sklearn's defaults from the data. */
export interface BayesianGaussianMixtureConfig extends MixtureConfig {
  /** 'dirichlet_process' (default; stick-breaking) or 'dirichlet_distribution'. */
  weightConcentrationPriorType?: WeightConcentrationPriorType;
  /** Dirichlet concentration (gamma_0 or alpha_0). Default 1 / nComponents. Small values switch components off. */
  weightConcentrationPrior?: number;
  /** Precision prior on the means (beta_0). Default 1. */
  meanPrecisionPrior?: number;
  /** Prior mean [d] (m_0). Default: the data mean. */
  meanPrior?: ArrayLike<number>;
  /** Wishart degrees of freedom (nu_0 > d - 1). Default d. */
  degreesOfFreedomPrior?: number;
  /** Covariance prior: full/tied [d, d], diag [d], spherical a number. Default: the data's (co)variance (ddof 1). */
  covariancePrior?: unknown;
  /** Initial responsibilities [n, k] (rows sum to 1); overrides initParams. Beyond sklearn. */
  respInit?: ArrayLike<number> | ReadonlyArray<ArrayLike<number>>;
}

interface BayesState {
  params: GaussianParams;
  /** dirichlet_process: [2k] (alpha_k then beta_k); otherwise [k]. */
  weightConcentration: Float64Array;
  meanPrecision: Float64Array;
  /** [k], or [1] for tied. */
  dof: Float64Array;
}

/**
 * Variational Bayesian Gaussian mixture: with more components than needed, the weights of the
 * unneeded ones shrink towards zero. Matches scikit-learn's `BayesianGaussianMixture` (all four
 * covariance types, both weight priors). Holds no tensors.
 *
 * @example
 * const bgmm = new BayesianGaussianMixture({ nComponents: 8, weightConcentrationPrior: 0.01, seed: 0 });
 * await bgmm.fit(x);        // x: [n, d]
 * bgmm.weights;             // Float64Array [8]: most near 0
 * await bgmm.predict(x);    // Int32Array [n]
 */
export class BayesianGaussianMixture extends MixtureBase {
  private readonly priorType: WeightConcentrationPriorType;
  private readonly userPriors: BayesianGaussianMixtureConfig;
  private state: BayesState | null = null;
  // Priors resolved from the data at fit.
  private wcPrior = 0;
  private mpPrior = 1;
  private meanPrior: Float64Array = new Float64Array(0);
  private dofPrior = 0;
  private covPrior: Float64Array = new Float64Array(0);

  constructor(config: BayesianGaussianMixtureConfig = {}) {
    super('BayesianGaussianMixture', config);
    const { weightConcentrationPriorType = 'dirichlet_process' } = config;
    checkOneOf('BayesianGaussianMixture', 'weightConcentrationPriorType', weightConcentrationPriorType, ['dirichlet_process', 'dirichlet_distribution'] as const);
    this.priorType = weightConcentrationPriorType;
    if (config.weightConcentrationPrior !== undefined) {
      checkNumber('BayesianGaussianMixture', 'weightConcentrationPrior', config.weightConcentrationPrior, { min: 0, minExclusive: true });
    }
    if (config.meanPrecisionPrior !== undefined) {
      checkNumber('BayesianGaussianMixture', 'meanPrecisionPrior', config.meanPrecisionPrior, { min: 0, minExclusive: true });
    }
    this.userPriors = config;
  }

  private resolvePriors(x: Matrix): void {
    const fn = 'BayesianGaussianMixture';
    const { n, d, data } = x;
    const k = this.cfg.nComponents;
    const type = this.cfg.covarianceType;
    const u = this.userPriors;
    this.wcPrior = u.weightConcentrationPrior ?? 1 / k;
    this.mpPrior = u.meanPrecisionPrior ?? 1;
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    this.meanPrior = u.meanPrior === undefined ? mean : readVector(fn, 'meanPrior', u.meanPrior, [d]);
    this.dofPrior = u.degreesOfFreedomPrior ?? d;
    if (!(this.dofPrior > d - 1)) {
      throw new InvalidArgumentError(
        `Argument 'degreesOfFreedomPrior' passed to '${fn}' must be greater than numFeatures - 1 = ${d - 1}, but got ${this.dofPrior}.`,
      );
    }
    if (u.covariancePrior !== undefined) {
      const shape = type === 'full' || type === 'tied' ? [d, d] : type === 'diag' ? [d] : [];
      const raw = type === 'spherical' && typeof u.covariancePrior === 'number' ? [u.covariancePrior] : u.covariancePrior;
      const c = readVector(fn, 'covariancePrior', raw, shape.length ? shape : [1]);
      if (type !== 'full' && type !== 'tied' && !c.every((v) => v > 0)) {
        throw new InvalidArgumentError(`Argument 'covariancePrior' passed to '${fn}' must be positive.`);
      }
      this.covPrior = c;
      return;
    }
    // Sample (co)variance with ddof = 1, as numpy's cov / var(ddof=1).
    const cov = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d; a++) {
        const ea = data[i * d + a] - mean[a];
        for (let b = 0; b <= a; b++) cov[a * d + b] += ea * (data[i * d + b] - mean[b]);
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) cov[b * d + a] = cov[a * d + b] /= n - 1;
    if (type === 'full' || type === 'tied') this.covPrior = cov;
    else {
      const v = new Float64Array(d);
      for (let j = 0; j < d; j++) v[j] = cov[j * d + j];
      if (type === 'diag') this.covPrior = v;
      else this.covPrior = Float64Array.of(v.reduce((s, t) => s + t, 0) / d);
    }
  }

  protected override checkInitParameters(_d: number): void {}

  private readResp(x: Matrix): Float64Array | null {
    const r = this.userPriors.respInit;
    if (r === undefined) return null;
    const k = this.cfg.nComponents;
    const resp = readVector('BayesianGaussianMixture', 'respInit', r, Array.isArray(r) ? [x.n, k] : [x.n * k]);
    return resp;
  }

  protected override initialResp(x: Matrix, key: Parameters<MixtureBase['initialResp']>[1]): Float64Array {
    return this.readResp(x) ?? super.initialResp(x, key);
  }

  /** nk, xk, sk (sklearn's _estimate_gaussian_parameters), then the variational updates. */
  private update(ws: Workspace, x: Matrix, resp: Float64Array): void {
    const k = this.cfg.nComponents;
    const d = x.d;
    const type = this.cfg.covarianceType;
    const size = type === 'full' ? k * d * d : type === 'tied' ? d * d : type === 'diag' ? k * d : k;
    const nk = new Float64Array(k);
    const xk = new Float64Array(k * d);
    const sk = new Float64Array(size);
    estimateGaussianParameters(ws, x.data, resp, this.cfg.regCovar, nk, xk, sk);
    // Weights.
    let wc: Float64Array;
    if (this.priorType === 'dirichlet_process') {
      wc = new Float64Array(2 * k);
      let tail = 0; // sum of nk over later components
      for (let c = k - 1; c >= 0; c--) {
        wc[c] = 1 + nk[c];
        wc[k + c] = this.wcPrior + tail;
        tail += nk[c];
      }
    } else {
      wc = nk.map((v) => this.wcPrior + v);
    }
    // Means.
    const mp = nk.map((v) => this.mpPrior + v);
    const means = new Float64Array(k * d);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) means[c * d + j] = (this.mpPrior * this.meanPrior[j] + nk[c] * xk[c * d + j]) / mp[c];
    }
    // Wishart (or its diagonal/spherical analogue) parameters.
    const cov = new Float64Array(size);
    let dof: Float64Array;
    if (type === 'full') {
      dof = nk.map((v) => this.dofPrior + v);
      for (let c = 0; c < k; c++) {
        const o = c * d * d;
        const f = (nk[c] * this.mpPrior) / mp[c];
        for (let a = 0; a < d; a++) {
          const da = xk[c * d + a] - this.meanPrior[a];
          for (let b = 0; b < d; b++) {
            const db = xk[c * d + b] - this.meanPrior[b];
            cov[o + a * d + b] = (this.covPrior[a * d + b] + nk[c] * sk[o + a * d + b] + f * da * db) / dof[c];
          }
        }
      }
    } else if (type === 'tied') {
      let total = 0;
      for (let c = 0; c < k; c++) total += nk[c];
      dof = Float64Array.of(this.dofPrior + total / k);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          let s = 0;
          for (let c = 0; c < k; c++) s += (nk[c] / mp[c]) * (xk[c * d + a] - this.meanPrior[a]) * (xk[c * d + b] - this.meanPrior[b]);
          cov[a * d + b] = (this.covPrior[a * d + b] + (sk[a * d + b] * total) / k + (this.mpPrior / k) * s) / dof[0];
        }
      }
    } else if (type === 'diag') {
      dof = nk.map((v) => this.dofPrior + v);
      for (let c = 0; c < k; c++) {
        for (let j = 0; j < d; j++) {
          const e = xk[c * d + j] - this.meanPrior[j];
          cov[c * d + j] = (this.covPrior[j] + nk[c] * (sk[c * d + j] + (this.mpPrior / mp[c]) * e * e)) / dof[c];
        }
      }
    } else {
      dof = nk.map((v) => this.dofPrior + v);
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (xk[c * d + j] - this.meanPrior[j]) ** 2;
        cov[c] = (this.covPrior[0] + nk[c] * (sk[c] + ((this.mpPrior / mp[c]) * s) / d)) / dof[c];
      }
    }
    const params: GaussianParams = this.params ?? {
      weights: new Float64Array(k),
      means,
      covariances: cov,
      precisionsCholesky: new Float64Array(size),
      precisionsUpper: true,
    };
    params.means = means;
    params.covariances = cov;
    this.params = params;
    this.state = { params, weightConcentration: wc, meanPrecision: mp, dof };
    this.precisionsOrReinit(null, params, null);
    params.weights = this.computeWeights();
  }

  private computeWeights(): Float64Array {
    const s = this.state as BayesState;
    const k = this.cfg.nComponents;
    const wc = s.weightConcentration;
    const w = new Float64Array(k);
    if (this.priorType === 'dirichlet_process') {
      let stick = 1;
      for (let c = 0; c < k; c++) {
        const sum = wc[c] + wc[k + c];
        w[c] = (wc[c] / sum) * stick;
        stick *= wc[k + c] / sum;
      }
    } else {
      w.set(wc);
    }
    let total = 0;
    for (let c = 0; c < k; c++) total += w[c];
    for (let c = 0; c < k; c++) w[c] /= total;
    return w;
  }

  protected initialize(ws: Workspace, x: Matrix, resp: Float64Array): void {
    this.params = null;
    this.update(ws, x, resp);
  }

  protected mStep(ws: Workspace, x: Matrix, resp: Float64Array): void {
    this.update(ws, x, resp);
  }

  /** E[log pi_k] + E[log det Lambda_k]/2-style terms added to log N (sklearn's _estimate_log_prob + _estimate_log_weights). */
  protected componentOffsets(): Float64Array {
    const s = this.state as BayesState;
    const k = this.cfg.nComponents;
    const d = this.numFeatures;
    const wc = s.weightConcentration;
    const logW = new Float64Array(k);
    if (this.priorType === 'dirichlet_process') {
      let acc = 0;
      for (let c = 0; c < k; c++) {
        const dsum = digammaF64(wc[c] + wc[k + c]);
        logW[c] = digammaF64(wc[c]) - dsum + acc;
        acc += digammaF64(wc[k + c]) - dsum;
      }
    } else {
      let total = 0;
      for (let c = 0; c < k; c++) total += wc[c];
      const dt = digammaF64(total);
      for (let c = 0; c < k; c++) logW[c] = digammaF64(wc[c]) - dt;
    }
    const out = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      const nu = s.dof[s.dof.length === 1 ? 0 : c];
      let logLambda = d * Math.LN2;
      for (let j = 0; j < d; j++) logLambda += digammaF64(0.5 * (nu - j));
      out[c] = -0.5 * d * Math.log(nu) + 0.5 * (logLambda - d / s.meanPrecision[c]) + logW[c];
    }
    return out;
  }

  protected lowerBoundAfterMStep(_meanLogLik: number, resp: Float64Array, n: number): number {
    const s = this.state as BayesState;
    const k = this.cfg.nComponents;
    const d = this.numFeatures;
    const type = this.cfg.covarianceType;
    let entropy = 0;
    for (let t = 0; t < n * k; t++) {
      const r = resp[t];
      if (r > 0) entropy -= r * Math.log(r);
    }
    const logDet = logDetCholesky(type, s.params.precisionsCholesky, k, d);
    const wishartNorm = (nu: number, ld: number): number => {
      let g = 0;
      for (let j = 0; j < d; j++) g += lgammaF64(0.5 * (nu - j));
      return -(nu * ld + nu * d * 0.5 * Math.LN2 + g);
    };
    let logWishart = 0;
    if (type === 'tied') {
      const nu = s.dof[0];
      logWishart = k * wishartNorm(nu, logDet[0] - 0.5 * d * Math.log(nu));
    } else {
      for (let c = 0; c < k; c++) logWishart += wishartNorm(s.dof[c], logDet[c] - 0.5 * d * Math.log(s.dof[c]));
    }
    const wc = s.weightConcentration;
    let logNormWeight = 0;
    if (this.priorType === 'dirichlet_process') {
      for (let c = 0; c < k; c++) {
        const a = wc[c];
        const b = wc[k + c];
        logNormWeight -= lgammaF64(a) + lgammaF64(b) - lgammaF64(a + b);
      }
    } else {
      let total = 0;
      let g = 0;
      for (let c = 0; c < k; c++) {
        total += wc[c];
        g += lgammaF64(wc[c]);
      }
      logNormWeight = lgammaF64(total) - g;
    }
    let logMp = 0;
    for (let c = 0; c < k; c++) logMp += Math.log(s.meanPrecision[c]);
    return entropy - logWishart - logNormWeight - 0.5 * d * logMp;
  }

  protected snapshot(): unknown {
    const s = this.state as BayesState;
    return { params: cloneParams(s.params), weightConcentration: s.weightConcentration.slice(), meanPrecision: s.meanPrecision.slice(), dof: s.dof.slice() };
  }

  protected restore(state: unknown): void {
    const s = state as BayesState;
    this.state = { params: cloneParams(s.params), weightConcentration: s.weightConcentration.slice(), meanPrecision: s.meanPrecision.slice(), dof: s.dof.slice() };
    this.params = this.state.params;
  }

  protected currentCovariances(): Float64Array {
    return (this.params as GaussianParams).covariances;
  }

  protected currentWeights(): Float64Array {
    return (this.params as GaussianParams).weights;
  }

  /**
   * Fits the variational posterior.
   * @param x `[numSamples, numFeatures]` (at least nComponents and 2 rows, finite).
   * @returns this.
   */
  async fit(x: MatrixInput): Promise<this> {
    const m = await readMatrix('BayesianGaussianMixture.fit', 'x', x, { minRows: 2 });
    this.resolvePriors(m);
    await this.runEm(m);
    return this;
  }

  override async fitPredict(x: MatrixInput): Promise<Int32Array> {
    await this.fit(x);
    return this.predict(x);
  }

  /** Posterior Dirichlet parameters: dirichlet_process [2, k] (alpha, beta), dirichlet_distribution [k]. */
  get weightConcentration(): Float64Array {
    this.requireFitted('weightConcentration');
    return (this.state as BayesState).weightConcentration.slice();
  }
  /** Posterior precision scale of each mean (beta_k), [k]. */
  get meanPrecision(): Float64Array {
    this.requireFitted('meanPrecision');
    return (this.state as BayesState).meanPrecision.slice();
  }
  /** Wishart degrees of freedom, [k] ([1] for tied). */
  get degreesOfFreedom(): Float64Array {
    this.requireFitted('degreesOfFreedom');
    return (this.state as BayesState).dof.slice();
  }
  /** The prior type. */
  get weightConcentrationPriorType(): WeightConcentrationPriorType {
    return this.priorType;
  }
}
