import * as tf from '@tensorflow/tfjs-core';

const stop = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/**
 * Returns a copy of `x` through which no gradient flows (tfjs has no stop-gradient op).
 * The returned tensor belongs to the caller.
 *
 * @example
 * const target = stopGradient(tf.mul(x, 2)); // treated as a constant by tf.grad
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stop(x) as T;
}
