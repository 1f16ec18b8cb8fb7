// Multivariate normal N(loc, L L^T) parameterised by a Cholesky factor L, as in
// torch.distributions.MultivariateNormal; densities via triangular solves (Mahalanobis distance),
// KL from the closed form for two Gaussians (e.g. Rasmussen & Williams 2006, eq. A.23).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { cholesky } from '../linalg/cholesky.js';
import { triangularSolve } from '../linalg/triangular-solve.js';
import type { Seed } from '../random/key.js';
import { randomNormal } from '../random/tensors.js';
import type { DistributionOptions } from './distribution.js';
import { registerKl } from './kl.js';
import { ParametricDistribution, type ParamValue, broadcastShapesOrUndefined, extendedShape } from './parametric.js';
import { readSync } from './read-back.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** The scale of a `MultivariateNormal`: exactly one of the three forms. */
export type MultivariateNormalScale =
  | { scaleTril: ParamValue; covarianceMatrix?: undefined; precisionMatrix?: undefined }
  | { covarianceMatrix: ParamValue; scaleTril?: undefined; precisionMatrix?: undefined }
  | { precisionMatrix: ParamValue; scaleTril?: undefined; covarianceMatrix?: undefined };

const SCALE_KEYS = ['scaleTril', 'covarianceMatrix', 'precisionMatrix'] as const;

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Sum of log diag of [..., d, d], as [...]. Call inside tidy. */
function halfLogDet(l: tf.Tensor): tf.Tensor {
  const d = l.shape[l.rank - 1];
  return tf.sum(tf.log(tf.sum(tf.mul(l, tf.eye(d)), -1)), -1);
}

/** A constant [d, d] mask with ones on and below the diagonal. */
function lowerMask(d: number): tf.Tensor2D {
  return tf.tidy(() => tf.linalg.bandPart(tf.ones([d, d]), -1, 0) as tf.Tensor2D);
}

/**
 * Multivariate normal distribution over vectors of length d, with mean `loc` and covariance
 * given by exactly one of `scaleTril` (lower-triangular L with positive diagonal, covariance
 * L L^T), `covarianceMatrix` (symmetric positive definite) or `precisionMatrix` (its inverse).
 * All computations go through L: a covariance is factorised with `cholesky`; a precision P with
 * the Cholesky factor of the index-reversed P, so that no matrix is inverted explicitly.
 *
 * Shapes: `loc` `[...batch1, d]`; the matrix `[...batch2, d, d]`; batch shape
 * broadcast(batch1, batch2); event shape `[d]`. Reparameterised: `rsample` = loc + L eps, with
 * gradients reaching loc and the matrix.
 *
 * Validation (`validateArgs`, default true) reads the matrix back: a covariance or precision that
 * is not symmetric positive definite, or a `scaleTril` with a non-positive diagonal or non-zero
 * entries above it, throws `InvalidArgumentError`. Without validation such input gives NaN.
 *
 * Memory: tensors passed in are borrowed; numbers/arrays and the derived factor L are owned and
 * freed by `dispose()`. Methods return new tensors that belong to the caller.
 *
 * @example
 * const mvn = new MultivariateNormal(tf.zeros([2]), { covarianceMatrix: [[1, 0.5], [0.5, 2]] });
 * const x = mvn.rsample([1000], 0); // [1000, 2]
 * const lp = mvn.logProb(x);        // [1000]
 * mvn.dispose();
 */
export class MultivariateNormal extends ParametricDistribution {
  readonly loc: tf.Tensor;
  /** The lower Cholesky factor of the covariance, `[...batch2, d, d]`. */
  readonly scaleTril: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  override readonly hasRsample = true;
  private readonly dim: number;

  constructor(loc: ParamValue, scale: MultivariateNormalScale, options: DistributionOptions = {}) {
    super(options);
    try {
      const cls = 'MultivariateNormal';
      this.loc = this.param('loc', loc);
      if (this.loc.rank < 1) {
        throw new ShapeError(
          `Argument 'loc' passed to '${cls}' must have shape [...batch, d], but got ${describeValue([...this.loc.shape])}.`,
        );
      }
      const given = scale === null || typeof scale !== 'object' ? [] : SCALE_KEYS.filter((k) => scale[k] !== undefined);
      if (given.length !== 1) {
        throw new InvalidArgumentError(
          `Argument 'scale' passed to '${cls}' must contain exactly one of 'scaleTril', 'covarianceMatrix', 'precisionMatrix', but got ${describeValue(scale)}.`,
        );
      }
      const which = given[0];
      const matrix = this.param(which, (scale as unknown as Record<string, ParamValue>)[which]);
      const d = this.loc.shape[this.loc.rank - 1];
      if (matrix.rank < 2 || matrix.shape[matrix.rank - 1] !== d || matrix.shape[matrix.rank - 2] !== d) {
        throw new ShapeError(
          `Argument '${which}' passed to '${cls}' must have shape [...batch, ${d}, ${d}] (d from 'loc'), but got ${describeValue([...matrix.shape])}.`,
        );
      }
      this.dim = d;
      this.eventShape = [d];
      this.batchShape = this.broadcastParams({
        loc: this.loc.shape.slice(0, -1),
        [which]: matrix.shape.slice(0, -2),
      });
      this.checkValues('loc', this.loc, 'finite', Number.isFinite);
      if (which === 'scaleTril') {
        this.checkTril(matrix);
        this.scaleTril = this.own(tf.tidy(() => tf.mul(matrix, lowerMask(d))));
      } else {
        this.checkSymmetric(which, matrix);
        const l =
          which === 'covarianceMatrix'
            ? cholesky(matrix)
            : tf.tidy(() => {
                // P = U U^T with U = J chol(J P J) J upper triangular (J reverses indices), so
                // Sigma = P^-1 = U^-T U^-1 and L = U^-T is lower triangular with positive diagonal.
                const axes = [matrix.rank - 2, matrix.rank - 1];
                const u = tf.reverse(cholesky(tf.reverse(matrix, axes)), axes);
                const eye = tf.broadcastTo(tf.eye(d), matrix.shape);
                return triangularSolve(u, eye, { lower: false, adjoint: true });
              });
        this.own(l);
        this.checkFactor(which, l);
        this.scaleTril = l;
      }
    } catch (error) {
      this.dispose(); // frees whatever was created before the failure
      throw error;
    }
  }

  /** Samples `[...sampleShape, ...batchShape, d]` = loc + L eps; gradients reach the parameters. */
  override rsample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('rsample');
    this.checkSampleShape('rsample', sampleShape);
    return tf.tidy(() => {
      const eps = randomNormal(seed, extendedShape(sampleShape, this.batchShape, this.eventShape));
      // (L eps)_i = sum_j L_ij eps_j: broadcasting L [...batch, d, d] against eps [..., 1, d].
      const scaled = tf.sum(tf.mul(this.scaleTril, tf.expandDims(eps, -2)), -1);
      return tf.add(this.loc, scaled);
    });
  }

  /**
   * log N(x; loc, L L^T) = -(d log 2 pi + |L^-1 (x - loc)|^2) / 2 - sum log diag L.
   * `value` `[...sampleShape, ...batchShape, d]` (batch dimensions may broadcast); returns
   * `[...sampleShape, ...batchShape]`.
   */
  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    const d = this.dim;
    const full = broadcastShapesOrUndefined(value.shape, [...this.batchShape, d]);
    if (value.rank < 1 || value.shape[value.rank - 1] !== d || full === undefined) {
      throw new ShapeError(
        `Argument 'value' passed to 'MultivariateNormal.logProb' must have shape [...sample, ${[...this.batchShape, d].join(', ')}] (batch dimensions may broadcast), but got ${describeValue([...value.shape])}.`,
      );
    }
    const batchRank = this.batchShape.length;
    const sampleShape = full.slice(0, full.length - batchRank - 1);
    const s = product(sampleShape);
    const b = product(this.batchShape);
    return tf.tidy(() => {
      const diff = tf.broadcastTo(tf.sub(tf.cast(value, 'float32'), this.loc), full);
      // [S, B, d] -> [B, d, S]: all samples of one batch member share one solve.
      const columns = tf.transpose(tf.reshape(diff, [s, b, d]), [1, 2, 0]);
      const l = tf.reshape(this.broadcastTril(), [b, d, d]);
      const z = triangularSolve(l, columns, { lower: true }); // [B, d, S]
      const mahalanobis = tf.sum(tf.square(z), 1); // [B, S]
      const logNorm = tf.add(tf.reshape(halfLogDet(l), [b, 1]), 0.5 * d * LOG_2PI); // [B, 1]
      const lp = tf.neg(tf.add(tf.mul(mahalanobis, 0.5), logNorm)); // [B, S]
      return tf.reshape(tf.transpose(lp), [...sampleShape, ...this.batchShape]);
    });
  }

  /** Entropy d (1 + log 2 pi) / 2 + sum log diag L, shape `batchShape`. */
  override entropy(): tf.Tensor {
    this.assertLive('entropy');
    return tf.tidy(() =>
      tf.broadcastTo(tf.add(halfLogDet(this.scaleTril), 0.5 * this.dim * (1 + LOG_2PI)), this.batchShape as number[]),
    );
  }

  /** `[...batchShape, d]`. */
  override get mean(): tf.Tensor {
    this.assertLive('mean');
    return tf.tidy(() => tf.broadcastTo(tf.clone(this.loc), [...this.batchShape, this.dim]));
  }

  /** The diagonal of the covariance, sum_j L_ij^2, `[...batchShape, d]`. */
  override get variance(): tf.Tensor {
    this.assertLive('variance');
    return tf.tidy(() => tf.broadcastTo(tf.sum(tf.square(this.scaleTril), -1), [...this.batchShape, this.dim] as number[]));
  }

  /** The covariance L L^T, `[...batchShape, d, d]`. */
  get covarianceMatrix(): tf.Tensor {
    this.assertLive('covarianceMatrix');
    return tf.tidy(() => {
      const l = this.broadcastTril();
      return tf.matMul(l, l, false, true);
    });
  }

  /** The precision (L L^T)^-1 = L^-T L^-1, `[...batchShape, d, d]`. */
  get precisionMatrix(): tf.Tensor {
    this.assertLive('precisionMatrix');
    return tf.tidy(() => {
      const l = this.broadcastTril();
      const lInv = triangularSolve(l, tf.broadcastTo(tf.eye(this.dim), l.shape), { lower: true });
      return tf.matMul(lInv, lInv, true, false);
    });
  }

  /** (internal) L broadcast to `[...batchShape, d, d]`. Call inside tidy. */
  broadcastTril(batchShape: readonly number[] = this.batchShape): tf.Tensor {
    return tf.broadcastTo(this.scaleTril, [...batchShape, this.dim, this.dim]);
  }

  private checkTril(matrix: tf.Tensor): void {
    if (!this.validateArgs) return;
    const d = this.dim;
    const values = readSync(matrix);
    for (let m = 0; m < values.length / (d * d); m++) {
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          const v = values[m * d * d + i * d + j];
          const bad = i === j ? !(v > 0 && v < Infinity) : j > i ? v !== 0 : !Number.isFinite(v);
          if (bad) {
            const rule = i === j ? 'a positive finite diagonal' : j > i ? 'zeros above the diagonal' : 'finite entries';
            throw new InvalidArgumentError(
              `Argument 'scaleTril' passed to 'MultivariateNormal' must be lower triangular with ${rule}, but got ${v} at matrix ${m}, row ${i}, column ${j}.`,
            );
          }
        }
      }
    }
  }

  private checkSymmetric(which: string, matrix: tf.Tensor): void {
    if (!this.validateArgs) return;
    const d = this.dim;
    const values = readSync(matrix);
    for (let m = 0; m < values.length / (d * d); m++) {
      const base = m * d * d;
      let largest = 0;
      for (let k = 0; k < d * d; k++) largest = Math.max(largest, Math.abs(values[base + k]));
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < i; j++) {
          const a = values[base + i * d + j];
          const b = values[base + j * d + i];
          if (!(Math.abs(a - b) <= 1e-5 * largest)) {
            throw new InvalidArgumentError(
              `Argument '${which}' passed to 'MultivariateNormal' must be symmetric positive definite, but entries (${i}, ${j}) = ${a} and (${j}, ${i}) = ${b} of matrix ${m} differ.`,
            );
          }
        }
      }
    }
  }

  private checkFactor(which: string, l: tf.Tensor): void {
    if (!this.validateArgs) return;
    const d = this.dim;
    const diag = tf.tidy(() => tf.sum(tf.mul(l, tf.eye(d)), -1));
    const values = readSync(diag);
    diag.dispose();
    for (let k = 0; k < values.length; k++) {
      if (!(values[k] > 0 && values[k] < Infinity)) {
        throw new InvalidArgumentError(
          `Argument '${which}' passed to 'MultivariateNormal' must be symmetric positive definite, but its Cholesky factorisation fails at matrix ${Math.floor(k / d)}, row ${k % d}.`,
        );
      }
    }
  }
}

/**
 * KL(p || q) = sum log diag Lq - sum log diag Lp
 *   + (|Lq^-1 Lp|_F^2 + |Lq^-1 (loc_q - loc_p)|^2 - d) / 2.
 */
export function multivariateNormalKl(p: MultivariateNormal, q: MultivariateNormal): tf.Tensor {
  const d = p.eventShape[0];
  if (q.eventShape[0] !== d) {
    throw new ShapeError(
      `KL divergence between MultivariateNormals needs equal event shapes, but got [${d}] and [${q.eventShape[0]}].`,
    );
  }
  const batch = broadcastShapesOrUndefined(p.batchShape, q.batchShape);
  if (batch === undefined) {
    throw new ShapeError(
      `KL divergence between MultivariateNormals needs broadcastable batch shapes, but got ${describeValue([...p.batchShape])} and ${describeValue([...q.batchShape])}.`,
    );
  }
  const b = product(batch);
  return tf.tidy(() => {
    const lp = tf.reshape(p.broadcastTril(batch), [b, d, d]);
    const lq = tf.reshape(q.broadcastTril(batch), [b, d, d]);
    const m = triangularSolve(lq, lp, { lower: true }); // [B, d, d]
    const trace = tf.sum(tf.square(m), [1, 2]); // [B]
    const diff = tf.reshape(tf.broadcastTo(tf.sub(q.loc, p.loc), [...batch, d]), [b, d, 1]);
    const z = triangularSolve(lq, diff, { lower: true }); // [B, d, 1]
    const mahalanobis = tf.sum(tf.square(z), [1, 2]); // [B]
    const logDetTerm = tf.sub(halfLogDet(lq), halfLogDet(lp)); // [B]
    const kl = tf.add(logDetTerm, tf.mul(tf.sub(tf.add(trace, mahalanobis), d), 0.5));
    return tf.reshape(kl, batch);
  });
}

registerKl(MultivariateNormal, MultivariateNormal, multivariateNormalKl);
