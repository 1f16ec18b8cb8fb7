// Float32 tensor lgamma, digamma, trigamma: Stirling/asymptotic series after upward recurrence,
// reflection for x < 1/2 (Abramowitz & Stegun 6.1.40, 6.3.18, 6.4.12), and Taylor series about
// the zeros of lgamma (A&S 6.1.33) and digamma (coefficients from the Hurwitz zeta function).
import * as tf from '@tensorflow/tfjs-core';
import { checkFloat32 } from './check.js';
import { log1pUnchecked } from './log1p.js';
import { mask } from './mask.js';
import { LGAMMA1_TAYLOR, hurwitzZetaF64 } from './special-f64.js';

const LOG_SQRT_2PI = 0.9189385332046728;
const EULER_GAMMA = 0.5772156649015329;
const DIGAMMA_ROOT = 1.4616321449683623; // the positive zero of digamma

/** Taylor coefficients of lgamma(1 + e) / e beyond -gamma, truncated for float32 on |e| <= 0.5. */
const LGAMMA1 = LGAMMA1_TAYLOR.slice(0, 24);
/** Taylor coefficients of digamma(x0 + e): (-1)^(n+1) zeta(n + 1, x0), n = 1..12 (|e| <= 0.25). */
const DIGAMMA_ROOT_TAYLOR: number[] = Array.from(
  { length: 12 },
  (_, i) => (i % 2 === 0 ? 1 : -1) * hurwitzZetaF64(i + 2, DIGAMMA_ROOT),
);

/** Horner evaluation of sum_k coeffs[k] t^k. */
function polyval(coeffs: readonly number[], t: tf.Tensor): tf.Tensor {
  let acc: tf.Tensor = tf.fill(t.shape, coeffs[coeffs.length - 1]);
  for (let k = coeffs.length - 2; k >= 0; k--) acc = tf.add(tf.mul(acc, t), coeffs[k]);
  return acc;
}

/** x reduced to [0, 2) modulo 2 (exact in float32), for sin(pi x) and cot(pi x) at large |x|. */
function mod2(x: tf.Tensor): tf.Tensor {
  return tf.sub(x, tf.mul(tf.floor(tf.div(x, 2)), 2));
}

/** lgamma(1 + e) for |e| <= 0.5 by its Taylor series. */
function lgamma1p(e: tf.Tensor): tf.Tensor {
  return tf.mul(e, tf.add(-EULER_GAMMA, tf.mul(e, polyval(LGAMMA1, e))));
}

/** Stirling's series for lgamma(y), accurate in float32 for y >= 6. */
function stirling(y: tf.Tensor): tf.Tensor {
  const inv = tf.reciprocal(y);
  const inv2 = tf.square(inv);
  const series = tf.mul(polyval([1 / 12, -1 / 360, 1 / 1260, -1 / 1680], inv2), inv);
  return tf.add(tf.sub(tf.mul(tf.sub(y, 0.5), tf.log(y)), y), tf.add(series, LOG_SQRT_2PI));
}

/** lgamma for x >= 1/2 (other inputs give finite garbage, to be masked by the caller). */
function lgammaPositive(x: tf.Tensor): tf.Tensor {
  const near1 = tf.lessEqual(tf.abs(tf.sub(x, 1)), 0.5);
  const large = tf.greaterEqual(x, 6);
  // Keep every branch's argument in its own valid range so no branch produces inf or NaN.
  const e1 = tf.where(near1, tf.sub(x, 1), tf.zerosLike(x));
  const t1 = lgamma1p(e1);
  // On (1.5, 6): lgamma(x) = lgamma(z) + log((x-1)(x-2)...(x-n)) with z = x - n in [1.5, 2.5),
  // and lgamma(z) = lgamma(1 + (z - 2)) + log1p(z - 2) by the series. No cancellation: the
  // series part is small and the log of the product is positive.
  const xm = tf.where(tf.logicalOr(near1, large), tf.fill(x.shape, 2), x);
  const n = tf.floor(tf.sub(xm, 1.5)); // 0..4
  const z = tf.sub(xm, n);
  let prod: tf.Tensor = tf.onesLike(x);
  for (let k = 1; k <= 4; k++) {
    prod = tf.mul(prod, tf.where(tf.lessEqual(k, n), tf.sub(xm, k), tf.onesLike(x)));
  }
  const e2 = tf.sub(z, 2);
  const middle = tf.add(tf.add(lgamma1p(e2), log1pUnchecked(e2)), tf.log(prod));
  const xl = tf.where(large, x, tf.fill(x.shape, 6));
  return tf.where(near1, t1, tf.where(large, stirling(xl), middle));
}

function lgammaForward(x: tf.Tensor): tf.Tensor {
  const reflect = tf.less(x, 0.5);
  const xp = tf.where(reflect, tf.sub(1, x), x); // >= 1/2
  const pos = lgammaPositive(xp);
  // Reflection: lgamma(x) = log(pi / |sin(pi x)|) - lgamma(1 - x); +inf at the poles.
  const sinPi = tf.abs(tf.sin(tf.mul(mod2(x), Math.PI)));
  const onPole = tf.logicalAnd(tf.lessEqual(x, 0), tf.equal(x, tf.floor(x)));
  const reflected = tf.where(
    onPole,
    tf.fill(x.shape, Infinity),
    tf.sub(tf.sub(Math.log(Math.PI), tf.log(sinPi)), pos),
  );
  return tf.where(reflect, reflected, pos);
}

/** Asymptotic digamma for y >= 6. */
function digammaAsymptotic(y: tf.Tensor): tf.Tensor {
  const inv2 = tf.reciprocal(tf.square(y));
  const series = tf.mul(polyval([1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132], inv2), inv2);
  return tf.sub(tf.sub(tf.log(y), tf.div(0.5, y)), series);
}

function digammaPositive(x: tf.Tensor): tf.Tensor {
  const large = tf.greaterEqual(x, 6);
  const nearRoot = tf.less(tf.abs(tf.sub(x, DIGAMMA_ROOT)), 0.25);
  const xl = tf.where(large, x, tf.fill(x.shape, 6));
  const xs = tf.where(large, tf.fill(x.shape, 3), x);
  // psi(x) = psi(x + 6) - sum_{k<6} 1/(x + k)
  let shift: tf.Tensor = tf.reciprocal(xs);
  for (let k = 1; k < 6; k++) shift = tf.add(shift, tf.reciprocal(tf.add(xs, k)));
  const small = tf.sub(digammaAsymptotic(tf.add(xs, 6)), shift);
  const e = tf.where(nearRoot, tf.sub(x, DIGAMMA_ROOT), tf.zerosLike(x));
  const root = tf.mul(e, polyval(DIGAMMA_ROOT_TAYLOR, e));
  return tf.where(nearRoot, root, tf.where(large, digammaAsymptotic(xl), small));
}

function digammaForward(x: tf.Tensor): tf.Tensor {
  const reflect = tf.less(x, 0.5);
  const xp = tf.where(reflect, tf.sub(1, x), x);
  const pos = digammaPositive(xp);
  // Reflection: psi(x) = psi(1 - x) - pi cot(pi x); NaN at the poles.
  const r = tf.mul(mod2(tf.where(reflect, x, tf.fill(x.shape, 0.25))), Math.PI);
  const reflected = tf.sub(pos, tf.div(Math.PI, tf.tan(r)));
  const onPole = tf.logicalAnd(tf.lessEqual(x, 0), tf.equal(x, tf.floor(x)));
  return tf.where(reflect, tf.where(onPole, tf.fill(x.shape, NaN), reflected), pos);
}

function trigammaPositive(x: tf.Tensor): tf.Tensor {
  const large = mask((v) => tf.greaterEqual(v, 6), x);
  const xl = tf.where(large, x, tf.fill(x.shape, 6));
  const xs = tf.where(large, tf.fill(x.shape, 3), x);
  const asym = (y: tf.Tensor) => {
    // psi'(y) ~ 1/y + 1/(2y^2) + sum_k B_2k / y^(2k+1)
    const inv = tf.reciprocal(y);
    const inv2 = tf.square(inv);
    const series = tf.mul(polyval([1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66], inv2), tf.mul(inv2, inv));
    return tf.add(tf.add(inv, tf.mul(inv2, 0.5)), series);
  };
  let shift: tf.Tensor = tf.reciprocal(tf.square(xs));
  for (let k = 1; k < 6; k++) shift = tf.add(shift, tf.reciprocal(tf.square(tf.add(xs, k))));
  return tf.where(large, asym(xl), tf.add(asym(tf.add(xs, 6)), shift));
}

function trigammaForward(x: tf.Tensor): tf.Tensor {
  const reflect = mask((v) => tf.less(v, 0.5), x);
  const xp = tf.where(reflect, tf.sub(1, x), x);
  const pos = trigammaPositive(xp);
  // Reflection: psi'(x) = pi^2 / sin^2(pi x) - psi'(1 - x).
  const s = tf.sin(tf.mul(mod2(tf.where(reflect, x, tf.fill(x.shape, 0.25))), Math.PI));
  const reflected = tf.sub(tf.div(Math.PI * Math.PI, tf.square(s)), pos);
  return tf.where(reflect, reflected, pos);
}

const lgammaOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  save([x]);
  return {
    value: lgammaForward(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, digamma(saved[0])),
  };
});

const digammaOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  save([x]);
  return {
    value: digammaForward(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, trigamma(saved[0])),
  };
});

/**
 * log|Gamma(x)| elementwise, float32, for any real x (+Infinity at 0 and negative integers).
 * Differentiable: the gradient is `digamma(x)`. Relative error ~1e-6 (absolute ~1e-7 near the
 * zeros at 1 and 2). The returned tensor belongs to the caller.
 *
 * @example
 * lgamma(tf.tensor1d([0.5, 1, 10])); // [0.5724, 0, 12.8018]
 */
export function lgamma<T extends tf.Tensor>(x: T): T {
  checkFloat32('lgamma', x);
  return tf.tidy(() => lgammaOp(x)) as T;
}

/**
 * The digamma function psi(x) = d/dx log Gamma(x) elementwise, float32 (NaN at 0 and negative
 * integers). Differentiable: the gradient is `trigamma(x)`. The returned tensor belongs to the
 * caller.
 *
 * @example
 * digamma(tf.tensor1d([1, 2])); // [-0.5772, 0.4228]
 */
export function digamma<T extends tf.Tensor>(x: T): T {
  checkFloat32('digamma', x);
  return tf.tidy(() => digammaOp(x)) as T;
}

/**
 * The trigamma function psi'(x) elementwise, float32 (for x > 0 and non-integer x < 0). Its own
 * gradient is by automatic differentiation of the series. The returned tensor belongs to the
 * caller.
 *
 * @example
 * trigamma(tf.tensor1d([1])); // [1.6449] (= pi^2 / 6)
 */
export function trigamma<T extends tf.Tensor>(x: T): T {
  checkFloat32('trigamma', x);
  return tf.tidy(() => trigammaForward(x)) as T;
}

/**
 * log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b), broadcasting a and b. Differentiable.
 * The returned tensor belongs to the caller.
 *
 * @example
 * lbeta(tf.scalar(2), tf.scalar(3)); // log(1/12) = -2.4849
 */
export function lbeta(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  checkFloat32('lbeta', a, 'a');
  checkFloat32('lbeta', b, 'b');
  return tf.tidy(() => tf.sub(tf.add(lgammaOp(a), lgammaOp(b)), lgammaOp(tf.add(a, b))));
}
