// A Gaussian mixture as a @gen/core Distribution: log p(x) = logsumexp_k (log w_k + log N(x | mu_k, Sigma_k))
// with Cholesky precision factors (Bishop 2006, eq. 9.7), and ancestral sampling.
import * as tf from '@tensorflow/tfjs-core';
import {
  Distribution,
  DisposedError,
  InvalidArgumentError,
  type Seed,
  describeValue,
  logSumExp,
  normalFloat64,
  split,
  toKey,
  uniformFloat64,
} from '@gen/core';
import type { CovarianceType, GaussianParams } from './gaussian.js';
import { sampleGaussians } from './mixture-base.js';
import { mixtureConstants, weightedLogProbTensor } from './tensor-path.js';

/** Parameters of `GaussianMixtureDistribution` (float64, sklearn's layout). */
export interface GaussianMixtureDistributionParams {
  covarianceType: CovarianceType;
  /** [k] */
  weights: Float64Array;
  /** [k, d] */
  means: Float64Array;
  /** full [k, d, d], tied [d, d], diag [k, d], spherical [k]: P with P P^T = Sigma^-1. */
  precisionsCholesky: Float64Array;
  /** Whether full/tied factors are upper triangular (true for factors computed by fit). Default true. */
  precisionsUpper?: boolean;
  numFeatures: number;
}

/**
 * A mixture of multivariate normals over events of shape `[d]` (batchShape `[]`), e.g. a VAE prior
 * fitted to latent codes. `logProb(x [..., d])` returns `[...]`, differentiable in `x`; `sample(shape,
 * seed)` returns `[...shape, d]` (iid draws, float32). Parameters are copied at construction; the
 * constant tensors it builds are freed by `dispose()`.
 *
 * @example
 * const prior = gmm.toDistribution();
 * const logp = prior.logProb(z);            // z: [batch, d] -> [batch]
 * const draws = prior.sample([16], 0);      // [16, d]
 * prior.dispose();
 */
export class GaussianMixtureDistribution extends Distribution {
  readonly batchShape: readonly number[] = [];
  readonly eventShape: readonly number[];
  private readonly p: GaussianParams;
  private readonly type: CovarianceType;
  private readonly k: number;
  private readonly d: number;
  private consts: ReturnType<typeof mixtureConstants> | null = null;
  private disposed = false;

  constructor(params: GaussianMixtureDistributionParams) {
    super();
    const { covarianceType, weights, means, precisionsCholesky, precisionsUpper = true, numFeatures } = params;
    this.type = covarianceType;
    this.k = weights.length;
    this.d = numFeatures;
    if (means.length !== this.k * this.d) {
      throw new InvalidArgumentError(
        `Argument 'means' passed to 'GaussianMixtureDistribution' must hold k * d = ${this.k * this.d} values, but holds ${means.length}.`,
      );
    }
    this.eventShape = [numFeatures];
    this.p = {
      weights: Float64Array.from(weights),
      means: Float64Array.from(means),
      covariances: new Float64Array(0),
      precisionsCholesky: Float64Array.from(precisionsCholesky),
      precisionsUpper,
    };
  }

  private check(method: string): void {
    if (this.disposed) throw new DisposedError(`GaussianMixtureDistribution.${method}: the distribution was disposed.`);
  }

  private constants(): ReturnType<typeof mixtureConstants> {
    if (this.consts === null) {
      const offsets = Float64Array.from(this.p.weights, Math.log);
      // Kept so that a logProb call inside the user's tf.tidy does not free them.
      const c = mixtureConstants({ type: this.type, k: this.k, d: this.d, means: this.p.means, precisionsCholesky: this.p.precisionsCholesky, offsets });
      tf.keep(c.factor);
      tf.keep(c.shift);
      tf.keep(c.bias);
      this.consts = c;
    }
    return this.consts;
  }

  /**
   * Log density of `value` `[..., d]` (float32), shape `[...]`. The result belongs to the caller.
   */
  logProb(value: tf.Tensor): tf.Tensor {
    this.check('logProb');
    const shape = value?.shape;
    if (!(value instanceof tf.Tensor) || shape.length < 1 || shape[shape.length - 1] !== this.d) {
      throw new InvalidArgumentError(
        `Argument 'value' passed to 'GaussianMixtureDistribution.logProb' must have shape [..., ${this.d}], but got ${value instanceof tf.Tensor ? describeValue([...shape]) : describeValue(value)}.`,
      );
    }
    const consts = this.constants();
    return tf.tidy(() => {
      const flat = tf.reshape(tf.cast(value, 'float32'), [-1, this.d]) as tf.Tensor2D; // [N, d]
      const lp = weightedLogProbTensor(flat, consts, this.type, this.k, this.d); // [N, k]
      return tf.reshape(logSumExp(lp, 1), shape.slice(0, -1));
    });
  }

  /** iid draws `[...sampleShape, d]` (float32); deterministic for a seed. Belongs to the caller. */
  override sample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.check('sample');
    if (!Array.isArray(sampleShape) || !sampleShape.every((s) => Number.isInteger(s) && s >= 0)) {
      throw new InvalidArgumentError(
        `Argument 'sampleShape' passed to 'GaussianMixtureDistribution.sample' must be an array of non-negative integers, but got ${describeValue(sampleShape)}.`,
      );
    }
    const n = sampleShape.reduce((a, b) => a * b, 1);
    const [kc, kz, kp] = split(toKey(seed, 'GaussianMixtureDistribution.sample'), 3);
    const u = uniformFloat64(kc, n);
    const comp = new Int32Array(n);
    const counts = new Int32Array(this.k);
    let total = 0;
    for (let c = 0; c < this.k; c++) total += this.p.weights[c];
    for (let i = 0; i < n; i++) {
      let acc = 0;
      let c = 0;
      const target = u[i] * total;
      for (; c < this.k - 1; c++) {
        acc += this.p.weights[c];
        if (acc > target) break;
      }
      comp[i] = c;
      counts[c]++;
    }
    const grouped = sampleGaussians(this.type, this.p, this.p.covariances, this.k, this.d, counts, normalFloat64(kz, n * this.d));
    // Scatter the grouped draws back to the sampled (random) order.
    const starts = new Int32Array(this.k);
    for (let c = 1; c < this.k; c++) starts[c] = starts[c - 1] + counts[c - 1];
    const out = new Float32Array(n * this.d);
    for (let i = 0; i < n; i++) {
      const row = starts[comp[i]]++;
      for (let j = 0; j < this.d; j++) out[i * this.d + j] = grouped[row * this.d + j];
    }
    void kp;
    return tf.tensor(out, [...sampleShape, this.d]);
  }

  /** Mixture mean sum_k w_k mu_k, `[d]`. Belongs to the caller. */
  override get mean(): tf.Tensor {
    this.check('mean');
    const m = new Float32Array(this.d);
    for (let c = 0; c < this.k; c++) for (let j = 0; j < this.d; j++) m[j] += this.p.weights[c] * this.p.means[c * this.d + j];
    return tf.tensor1d(m);
  }

  /** Frees the constant tensors. Idempotent; later calls throw DisposedError. */
  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.consts) tf.dispose([this.consts.factor, this.consts.shift, this.consts.bias]);
    this.consts = null;
  }
}
