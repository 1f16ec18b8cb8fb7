// Weighted log-probabilities of a Gaussian mixture on tfjs tensors (float32), from the Cholesky
// precision factors: log N(x | mu, Sigma) = -d/2 log 2pi + log|P| - ||(x - mu) P||^2 / 2 with P P^T = Sigma^-1
// (the parameterisation of sklearn's _estimate_log_gaussian_prob).
import * as tf from '@tensorflow/tfjs-core';
import type { CovarianceType } from './gaussian.js';
import { logDetCholesky } from './gaussian.js';

/** Float64 mixture parameters in the layout of `GaussianParams`, plus per-component offsets. */
export interface TensorMixtureParams {
  type: CovarianceType;
  k: number;
  d: number;
  means: Float64Array;
  precisionsCholesky: Float64Array;
  /** Added to each component's log-density: log weights (plus Bayesian corrections). [k] */
  offsets: Float64Array;
}

/** Constant tensors for `weightedLogProbTensor`, built once per parameter set. Caller disposes. */
export interface TensorMixtureConstants {
  /** full: [d, k*d] factors side by side; tied: [d, d]; diag: [k, d] precisions; spherical: [k]. */
  factor: tf.Tensor;
  /** full/tied: means @ P, [k, d]; diag/spherical: means [k, d]. */
  shift: tf.Tensor2D;
  /** [k]: -d/2 log 2pi + log det P + offsets. */
  bias: tf.Tensor1D;
}

/** Builds the constant tensors (owned by the caller; dispose them, or build inside tf.tidy). */
export function mixtureConstants(p: TensorMixtureParams): TensorMixtureConstants {
  const { type, k, d, means, precisionsCholesky: pc, offsets } = p;
  const logDet = logDetCholesky(type, pc, k, d);
  const bias = new Float32Array(k);
  for (let c = 0; c < k; c++) bias[c] = -0.5 * d * Math.log(2 * Math.PI) + logDet[type === 'tied' ? 0 : c] + offsets[c];
  let factor: tf.Tensor;
  let shift: Float32Array;
  if (type === 'full' || type === 'tied') {
    const count = type === 'full' ? k : 1;
    // factor[a, c*d + j] = P_c[a, j]
    const f = new Float32Array(d * count * d);
    for (let c = 0; c < count; c++) {
      for (let a = 0; a < d; a++) for (let j = 0; j < d; j++) f[a * count * d + c * d + j] = pc[c * d * d + a * d + j];
    }
    factor = tf.tensor2d(f, [d, count * d]);
    shift = new Float32Array(k * d);
    for (let c = 0; c < k; c++) {
      const o = type === 'full' ? c * d * d : 0;
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let a = 0; a < d; a++) s += means[c * d + a] * pc[o + a * d + j];
        shift[c * d + j] = s;
      }
    }
  } else {
    factor = type === 'diag' ? tf.tensor2d(Float32Array.from(pc, (v) => v * v), [k, d]) : tf.tensor1d(Float32Array.from(pc, (v) => v * v));
    shift = Float32Array.from(means);
  }
  return { factor, shift: tf.tensor2d(shift, [k, d]), bias: tf.tensor1d(bias) };
}

/**
 * Weighted log-probabilities log w_k + log N(x_i | mu_k, Sigma_k), [n, k], for `x` [n, d] (float32).
 * Pure tensor ops (differentiable in `x`); the result belongs to the caller.
 */
export function weightedLogProbTensor(
  x: tf.Tensor2D,
  consts: TensorMixtureConstants,
  type: CovarianceType,
  k: number,
  d: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    const n = x.shape[0];
    let sq: tf.Tensor2D; // [n, k] squared Mahalanobis distances
    if (type === 'full' || type === 'tied') {
      const y = tf.matMul(x, consts.factor as tf.Tensor2D); // [n, k*d] or [n, d]
      const y3 = type === 'full' ? tf.reshape(y, [n, k, d]) : tf.reshape(y, [n, 1, d]); // [n, k|1, d]
      const diff = tf.sub(y3, tf.reshape(consts.shift, [1, k, d])); // [n, k, d]
      sq = tf.sum(tf.square(diff), 2) as tf.Tensor2D;
    } else {
      const diff = tf.sub(tf.reshape(x, [n, 1, d]), tf.reshape(consts.shift, [1, k, d])); // [n, k, d]
      const d2 = tf.square(diff);
      sq =
        type === 'diag'
          ? (tf.sum(tf.mul(d2, tf.reshape(consts.factor, [1, k, d])), 2) as tf.Tensor2D)
          : (tf.mul(tf.sum(d2, 2), tf.reshape(consts.factor, [1, k])) as tf.Tensor2D);
    }
    return tf.add(tf.mul(sq, tf.scalar(-0.5)), tf.reshape(consts.bias, [1, k])) as tf.Tensor2D;
  });
}
