// The denoising loss (Ho et al. 2020, eq. 14) for epsilon, v (Salimans & Ho 2022) and x0 targets, with
// min-SNR-gamma weighting (Hang et al. 2023, eq. 10-11) and label dropout for classifier-free guidance (Ho & Salimans 2022).
import * as tf from '@tensorflow/tfjs-core';
import {
  InvalidArgumentError,
  ShapeError,
  checkFloatTensor,
  checkNumber,
  checkOneOf,
  describeValue,
  randomInt,
  randomNormal,
  randomUniform,
  split,
  type Seed,
} from '@gen/core';
import { PREDICTION_TYPES, type PredictionType } from '../schedulers/config.js';
import type { Denoiser } from '../pipelines/denoiser.js';

/** Options of `diffusionLoss`. Tensors are borrowed. */
export interface DiffusionLossOptions {
  /** The denoiser being trained (use the trainable variables directly). */
  readonly model: Denoiser;
  /** alphaBar_t of the training schedule, e.g. `scheduler.alphasCumprod`. */
  readonly alphasCumprod: Float64Array;
  /** Clean data `[batch, ...]`. */
  readonly x0: tf.Tensor;
  /** Key of the timesteps, noise and label dropout of this batch (the `train` loop's per-step key). */
  readonly key: Seed;
  /** What the model predicts. */
  readonly predictionType: PredictionType;
  /** Class labels `[batch]` (int32) of a conditional model. */
  readonly classLabels?: tf.Tensor1D;
  /** Probability of replacing a label with `nullLabel` (classifier-free guidance training). Default 0. */
  readonly labelDropout?: number;
  /** The null label id (numClasses). Required with `labelDropout > 0`. */
  readonly nullLabel?: number;
  /** Min-SNR-gamma weighting (e.g. 5); off when undefined. */
  readonly minSnrGamma?: number;
}

/**
 * The training loss of a diffusion model, a scalar owned by the caller: t ~ U{0..T-1}, eps ~ N(0, I),
 * x_t = sqrt(aBar) x0 + sqrt(1 - aBar) eps; target eps, v = sqrt(aBar) eps - sqrt(1 - aBar) x0, or x0;
 * loss = mean_b w_b mean((model(x_t, t, labels) - target)^2), with min-SNR-gamma weights
 * w = min(snr, gamma) / snr (eps), / (snr + 1) (v), or min(snr, gamma) (x0), snr = aBar / (1 - aBar);
 * w = 1 without gamma. Synchronous: use it as (part of) `train`'s `lossFn`.
 *
 * @example
 * await train({ optimizer, data, steps: 5000, seed: 0, ema,
 *   lossFn: (x0, _step, key) => diffusionLoss({ model: net.denoiser, alphasCumprod: scheduler.alphasCumprod, x0, key, predictionType: 'epsilon', minSnrGamma: 5 }) });
 */
export function diffusionLoss(options: DiffusionLossOptions): tf.Scalar {
  const fn = 'diffusionLoss';
  const { model, alphasCumprod, x0, key, predictionType, classLabels, labelDropout = 0, nullLabel, minSnrGamma } = options;
  if (typeof model !== 'function') throw new InvalidArgumentError(`Argument 'model' passed to '${fn}' must be a function, but got ${describeValue(model)}.`);
  if (!(alphasCumprod instanceof Float64Array) || alphasCumprod.length < 2) {
    throw new InvalidArgumentError(`Argument 'alphasCumprod' passed to '${fn}' must be a Float64Array of at least 2 values, but got ${describeValue(alphasCumprod)}.`);
  }
  checkFloatTensor(fn, 'x0', x0);
  if (x0.rank < 2) throw new ShapeError(`Argument 'x0' passed to '${fn}' must have shape [batch, ...], but got [${x0.shape.join(', ')}].`);
  checkOneOf(fn, 'predictionType', predictionType, PREDICTION_TYPES);
  checkNumber(fn, 'labelDropout', labelDropout, { min: 0, max: 1 });
  if (minSnrGamma !== undefined) checkNumber(fn, 'minSnrGamma', minSnrGamma, { min: 0, minExclusive: true });
  const batch = x0.shape[0];
  if (classLabels !== undefined && (!(classLabels instanceof tf.Tensor) || classLabels.dtype !== 'int32' || classLabels.rank !== 1 || classLabels.shape[0] !== batch)) {
    throw new ShapeError(`Argument 'classLabels' passed to '${fn}' must be int32 of shape [${batch}], but got ${classLabels instanceof tf.Tensor ? `${classLabels.dtype} [${classLabels.shape.join(', ')}]` : describeValue(classLabels)}.`);
  }
  if (labelDropout > 0) {
    if (classLabels === undefined) throw new InvalidArgumentError(`Argument 'labelDropout' passed to '${fn}' needs 'classLabels', but got none.`);
    checkNumber(fn, 'nullLabel', nullLabel, { min: 0, integer: true });
  }
  const T = alphasCumprod.length;
  const [tKey, noiseKey, dropKey] = split(key, 3);
  return tf.tidy(() => {
    const ones = x0.shape.slice(1).map(() => 1);
    const t = randomInt(tKey, [batch], 0, T) as tf.Tensor1D; // int32 [batch]
    const aBar = tf.gather(tf.tensor1d(Float32Array.from(alphasCumprod)), t); // [batch]
    const a = tf.reshape(tf.sqrt(aBar), [batch, ...ones]);
    const s = tf.reshape(tf.sqrt(tf.sub(1, aBar)), [batch, ...ones]);
    const eps = randomNormal(noiseKey, x0.shape);
    const xt = tf.add(tf.mul(a, x0), tf.mul(s, eps));
    let labels = classLabels;
    if (classLabels !== undefined && labelDropout > 0) {
      const drop = tf.less(randomUniform(dropKey, [batch]), labelDropout);
      labels = tf.where(drop, tf.fill([batch], nullLabel as number, 'int32'), classLabels) as tf.Tensor1D;
    }
    const prediction = model(xt, tf.cast(t, 'float32') as tf.Tensor1D, labels);
    const target = predictionType === 'epsilon' ? eps : predictionType === 'v_prediction' ? tf.sub(tf.mul(a, eps), tf.mul(s, x0)) : x0;
    const perExample = tf.mean(tf.reshape(tf.square(tf.sub(prediction, target)), [batch, -1]), 1); // [batch]
    if (minSnrGamma === undefined) return tf.mean(perExample) as tf.Scalar;
    const snr = tf.div(aBar, tf.sub(1, aBar));
    const clipped = tf.minimum(snr, minSnrGamma);
    const weight = predictionType === 'epsilon' ? tf.div(clipped, snr) : predictionType === 'v_prediction' ? tf.div(clipped, tf.add(snr, 1)) : clipped;
    return tf.mean(tf.mul(weight, perExample)) as tf.Scalar;
  });
}
