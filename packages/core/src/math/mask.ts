// Boolean masks that are invisible to tfjs' gradient tape.
//
// Comparison ops (Less, Equal, LogicalOr, IsNaN, ...) have no registered gradients, so when a
// mask computed from a tensor being differentiated feeds tf.where, tf.grad fails with "gradient
// function not found for Less". Computing the mask inside a customGrad op whose gradient is zero
// keeps the comparisons off the tape (tfjs does not record ops run inside a kernel function).
import * as tf from '@tensorflow/tfjs-core';

/**
 * (internal) Runs `fn(...inputs)` (a comparison producing a mask) without recording it on the
 * gradient tape; the mask gets a zero gradient. The returned tensor belongs to the caller.
 */
export function mask(fn: (...xs: tf.Tensor[]) => tf.Tensor, ...inputs: tf.Tensor[]): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const xs = args.slice(0, inputs.length) as tf.Tensor[];
    return {
      value: fn(...xs),
      gradFunc: () => xs.map((x) => tf.zerosLike(x)),
    };
  });
  return op(...inputs);
}
