// The denoiser contract of the pipelines, and classifier-free guidance (Ho & Salimans 2022, eq. 6).
import * as tf from '@tensorflow/tfjs-core';

/**
 * A denoiser: `(x [batch, ...], t [batch] float32, classLabels? [batch] int32) -> [batch, ...]`
 * in the scheduler's prediction type. Must not dispose its inputs; returns a new tensor.
 */
export type Denoiser = (x: tf.Tensor, t: tf.Tensor1D, classLabels?: tf.Tensor1D) => tf.Tensor;

/**
 * The guided model output: with `guidanceScale` w != 1, the model runs once on a doubled batch
 * (labels, then `nullLabel`) and returns `uncond + w (cond - uncond)`; otherwise one plain call.
 * Returns a new tensor owned by the caller.
 *
 * @example
 * const out = guidedOutput(model, x, 500, { classLabels, guidanceScale: 3, nullLabel: 10 });
 */
export function guidedOutput(
  model: Denoiser,
  x: tf.Tensor,
  timestep: number,
  options: { classLabels?: tf.Tensor1D; guidanceScale?: number; nullLabel?: number } = {},
): tf.Tensor {
  const { classLabels, guidanceScale = 1, nullLabel } = options;
  return tf.tidy(() => {
    const batch = x.shape[0];
    if (classLabels === undefined || guidanceScale === 1 || nullLabel === undefined) {
      return model(x, tf.fill([batch], timestep, 'float32') as tf.Tensor1D, classLabels);
    }
    const labels = tf.concat([classLabels, tf.fill([batch], nullLabel, 'int32')]) as tf.Tensor1D; // [2 batch]
    const both = model(tf.concat([x, x]), tf.fill([2 * batch], timestep, 'float32') as tf.Tensor1D, labels);
    const [cond, uncond] = tf.split(both, 2, 0);
    return tf.add(uncond, tf.mul(tf.sub(cond, uncond), guidanceScale));
  });
}
