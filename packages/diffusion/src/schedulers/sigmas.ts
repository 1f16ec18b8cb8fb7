// Karras et al. (2022) sigma parameterisation of a VP schedule: sigma_t = sqrt((1 - alphaBar_t) / alphaBar_t),
// x_sigma = x_vp / sqrt(alphaBar) = x0 + sigma eps (Table 1, "VP" column; diffusers' Euler/Heun schedulers).
import * as tf from '@tensorflow/tfjs-core';
import type { PredictionType } from './config.js';

/**
 * sigma_t for every training timestep, float64.
 *
 * @example
 * const sigmas = sigmasFromAlphasCumprod(scheduler.alphasCumprod); // [T]
 */
export function sigmasFromAlphasCumprod(alphasCumprod: Float64Array): Float64Array {
  return alphasCumprod.map((a) => Math.sqrt((1 - a) / a));
}

/** np.interp(t, arange(T), table) for t in [0, T-1]. */
export function interpolate(table: Float64Array, t: number): number {
  const lo = Math.floor(t);
  const hi = Math.min(lo + 1, table.length - 1);
  return table[lo] + (table[hi] - table[lo]) * (t - lo);
}

/**
 * x0 from a model output in sigma space (the model saw x / sqrt(sigma^2 + 1)). Returns a new tensor.
 *
 * @example
 * const x0 = sigmaX0('epsilon', eps, x, sigma); // x - sigma eps
 */
export function sigmaX0(predictionType: PredictionType, modelOutput: tf.Tensor, sample: tf.Tensor, sigma: number): tf.Tensor {
  return tf.tidy(() => {
    if (predictionType === 'epsilon') return tf.sub(sample, tf.mul(modelOutput, sigma));
    if (predictionType === 'v_prediction') {
      // x0 = alpha x_vp - s v with alpha = 1/sqrt(sigma^2+1), s = sigma/sqrt(sigma^2+1), x_vp = alpha x.
      return tf.add(tf.mul(modelOutput, -sigma / Math.sqrt(sigma * sigma + 1)), tf.div(sample, sigma * sigma + 1));
    }
    return tf.clone(modelOutput);
  });
}
