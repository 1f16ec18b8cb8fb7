// Test helpers: an exact (Bayes-optimal) denoiser for Gaussian data, in any prediction type.
import * as tf from '@tensorflow/tfjs-core';
import type { PredictionType } from './schedulers/config.js';
import type { Denoiser } from './pipelines/denoiser.js';
import { interpolate, sigmasFromAlphasCumprod } from './schedulers/sigmas.js';

/**
 * For data x0 ~ N(mean, std^2) per coordinate, E[x0 | x_t] = mean + a std^2 / (a^2 std^2 + s^2) (x_t - a mean)
 * with a = sqrt(alphaBar_t), s = sqrt(1 - alphaBar_t); alphaBar at fractional t from interpolated sigma.
 * Class label c shifts the mean by c (so guidance is visible).
 */
export function gaussianDenoiser(alphasCumprod: Float64Array, predictionType: PredictionType, mean = 0.5, std = 0.7): Denoiser {
  const sigmas = sigmasFromAlphasCumprod(alphasCumprod);
  return (x, t, labels) =>
    tf.tidy(() => {
      const tv = t.dataSync();
      const batch = x.shape[0];
      const ones = x.shape.slice(1).map(() => 1);
      const aBar = Float32Array.from(tv, (v) => 1 / (1 + interpolate(sigmas, v) ** 2));
      const a = tf.reshape(tf.tensor1d(aBar.map(Math.sqrt)), [batch, ...ones]);
      const s = tf.reshape(tf.tensor1d(aBar.map((v) => Math.sqrt(1 - v))), [batch, ...ones]);
      const m = labels ? tf.reshape(tf.add(tf.cast(labels, 'float32'), mean), [batch, ...ones]) : tf.scalar(mean);
      const gain = tf.div(tf.mul(a, std * std), tf.add(tf.mul(tf.square(a), std * std), tf.square(s)));
      const x0 = tf.add(m, tf.mul(gain, tf.sub(x, tf.mul(a, m))));
      if (predictionType === 'sample') return x0;
      const eps = tf.div(tf.sub(x, tf.mul(a, x0)), s);
      if (predictionType === 'epsilon') return eps;
      return tf.sub(tf.mul(a, eps), tf.mul(s, x0));
    });
}
