// Numerically stable log-space helpers: log-sum-exp with max subtraction, softplus, and
// log1mexp after Maechler (2012), "Accurately computing log(1 - exp(-|a|))", CRAN Rmpfr vignette.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import { stopGradient } from '../ops/stop-gradient.js';
import { checkFloat32 } from './check.js';
import { log1pUnchecked } from './log1p.js';
import { mask } from './mask.js';

/**
 * log(sum(exp(x))) along `axis` (all axes when omitted), computed stably by subtracting the
 * maximum. All -Infinity gives -Infinity (not NaN); +Infinity gives +Infinity. The gradient is
 * softmax(x) along the reduced axes. The returned tensor belongs to the caller.
 *
 * @example
 * logSumExp(tf.tensor2d([[1000, 1000], [0, -Infinity]]), -1); // [1000.6931, 0]
 */
export function logSumExp(x: tf.Tensor, axis?: number | number[], keepDims = false): tf.Tensor {
  checkFloat32('logSumExp', x);
  const axes = axis === undefined ? x.shape.map((_, i) => i) : Array.isArray(axis) ? axis : [axis];
  for (const a of axes) {
    if (!Number.isInteger(a) || a < -x.rank || a >= Math.max(x.rank, 1)) {
      throw new InvalidArgumentError(
        `Argument 'axis' passed to 'logSumExp' must be integers in [-${x.rank}, ${x.rank}), but got ${describeValue(axis)}.`,
      );
    }
  }
  return tf.tidy(() => {
    if (x.rank === 0) return tf.clone(x);
    const m = stopGradient(tf.max(x, axes, true));
    // A non-finite max (all -inf, or some +inf) would give NaN in x - m; shift by 0 instead.
    const safeM = tf.where(mask((v) => tf.isFinite(v), m), m, tf.zerosLike(m));
    const s = tf.log(tf.sum(tf.exp(tf.sub(x, safeM)), axes, true));
    const out = tf.add(s, safeM);
    if (keepDims) return out;
    const norm = axes.map((a) => (a < 0 ? a + x.rank : a));
    return tf.reshape(out, x.shape.filter((_, i) => !norm.includes(i)));
  });
}

const softplusOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    // max(x, 0) + log1p(exp(-|x|)): no overflow, and exact for large |x|.
    value: tf.add(tf.relu(x), log1pUnchecked(tf.exp(tf.neg(tf.abs(x))))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sigmoid(saved[0])),
  };
});

/**
 * softplus(x) = log(1 + exp(x)) elementwise, stable for all x; gradient sigmoid(x).
 * The returned tensor belongs to the caller.
 *
 * @example
 * softplus(tf.tensor1d([-100, 0, 100])); // [3.7e-44, 0.6931, 100]
 */
export function softplus<T extends tf.Tensor>(x: T): T {
  checkFloat32('softplus', x);
  return tf.tidy(() => softplusOp(x)) as T;
}

/**
 * log(sigmoid(x)) = -softplus(-x) elementwise, stable for all x. The returned tensor belongs to
 * the caller.
 *
 * @example
 * logSigmoid(tf.tensor1d([-100])); // [-100]
 */
export function logSigmoid<T extends tf.Tensor>(x: T): T {
  checkFloat32('logSigmoid', x);
  return tf.tidy(() => tf.neg(softplusOp(tf.neg(x)))) as T;
}

/**
 * log(1 - exp(-a)) elementwise for a >= 0 (Maechler 2012): log(-expm1(-a)) for a <= log 2,
 * log1p(-exp(-a)) above. -Infinity at 0, NaN for a < 0. Gradient 1 / expm1(a).
 * The returned tensor belongs to the caller.
 *
 * @example
 * log1mexp(tf.tensor1d([1e-6, 1, 50])); // [-13.8155, -0.4587, -1.9e-22]
 */
export function log1mexp<T extends tf.Tensor>(a: T): T {
  checkFloat32('log1mexp', a, 'a');
  return tf.tidy(() => {
    const small = mask((v) => tf.lessEqual(v, Math.LN2), a);
    // Each branch sees only arguments in its own range, so no branch makes NaN gradients.
    const a1 = tf.where(small, a, tf.fill(a.shape, 0.5));
    const a2 = tf.where(small, tf.fill(a.shape, 1), a);
    const r1 = tf.log(tf.neg(tf.expm1(tf.neg(a1))));
    const r2 = log1pUnchecked(tf.neg(tf.exp(tf.neg(a2))));
    const out = tf.where(small, r1, r2);
    return tf.where(mask((v) => tf.less(v, 0), a), tf.fill(a.shape, NaN), out);
  }) as T;
}

/**
 * logit(p) = log(p / (1 - p)) elementwise (±Infinity at 0 and 1, NaN outside [0, 1]).
 * The returned tensor belongs to the caller.
 *
 * @example
 * logit(tf.tensor1d([0.25, 0.5])); // [-1.0986, 0]
 */
export function logit<T extends tf.Tensor>(p: T): T {
  checkFloat32('logit', p, 'p');
  return tf.tidy(() => tf.sub(tf.log(p), log1pUnchecked(tf.neg(p)))) as T;
}
