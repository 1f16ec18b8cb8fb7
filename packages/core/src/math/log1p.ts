// log1p with full relative accuracy on every backend (tfjs-backend-wasm 4.22 computes
// log(1 + x), so log1p(1e-7) comes out as 1.19e-7 and log1p(1e-12) as 0). Uses the identity
// log1p(x) = log(u) * x / (u - 1) with u = 1 + x rounded (Goldberg 1991, "What every computer
// scientist should know about floating-point arithmetic", Theorem 4).
import * as tf from '@tensorflow/tfjs-core';
import { checkFloat32 } from './check.js';

const log1pOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  const u = tf.add(x, 1);
  const d = tf.sub(u, 1);
  const exact = tf.equal(d, 0); // u rounded to 1: log1p(x) = x to working precision
  const safeD = tf.where(exact, tf.onesLike(d), d);
  return {
    value: tf.where(exact, x, tf.mul(tf.log(u), tf.div(x, safeD))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.div(dy, tf.add(saved[0], 1)),
  };
});

/** (internal) log1p without argument checks, for use inside other ops. */
export function log1pUnchecked(x: tf.Tensor): tf.Tensor {
  return log1pOp(x);
}

/**
 * log(1 + x) elementwise with full float32 relative accuracy for tiny |x| on every backend
 * (tf.log1p on the wasm backend loses it). Gradient 1 / (1 + x). The returned tensor belongs to
 * the caller.
 *
 * @example
 * log1p(tf.tensor1d([1e-10, 1])); // [1e-10, 0.6931]
 */
export function log1p<T extends tf.Tensor>(x: T): T {
  checkFloat32('log1p', x);
  return tf.tidy(() => log1pOp(x)) as T;
}
