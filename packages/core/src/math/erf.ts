// Float32 erfc (Chebyshev fit of Press et al., Numerical Recipes 2nd ed. §6.2, fractional error
// < 1.2e-7 everywhere), erfinv (Giles 2010, "Approximating the erfinv function", GPU Computing
// Gems), and the standard normal cdf/quantile built on them.
import * as tf from '@tensorflow/tfjs-core';
import { checkFloat32 } from './check.js';
import { log1pUnchecked } from './log1p.js';
import { mask } from './mask.js';

const ERFC_COEFFS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398,
  1.48851587, -0.82215223, 0.17087277,
];
// Giles' single-precision coefficients, highest order first.
const GILES_CENTRAL = [
  2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503,
  -0.00417768164, 0.246640727, 1.50140941,
];
const GILES_TAIL = [
  -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
  0.00943887047, 1.00167406, 2.83297682,
];

function horner(coeffsHighFirst: readonly number[], t: tf.Tensor): tf.Tensor {
  let acc: tf.Tensor = tf.fill(t.shape, coeffsHighFirst[0]);
  for (let k = 1; k < coeffsHighFirst.length; k++) acc = tf.add(tf.mul(acc, t), coeffsHighFirst[k]);
  return acc;
}

function erfcForward(x: tf.Tensor): tf.Tensor {
  const z = tf.abs(x);
  const t = tf.reciprocal(tf.add(tf.mul(z, 0.5), 1));
  let poly: tf.Tensor = tf.fill(t.shape, ERFC_COEFFS[ERFC_COEFFS.length - 1]);
  for (let k = ERFC_COEFFS.length - 2; k >= 0; k--) poly = tf.add(tf.mul(poly, t), ERFC_COEFFS[k]);
  const ans = tf.mul(t, tf.exp(tf.sub(poly, tf.square(z))));
  return tf.where(tf.greaterEqual(x, 0), ans, tf.sub(2, ans)); // inside customGrad: no tape
}

const erfcOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: erfcForward(x),
    // d/dx erfc(x) = -2/sqrt(pi) exp(-x^2)
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.mul(dy, tf.mul(tf.exp(tf.neg(tf.square(saved[0]))), -2 / Math.sqrt(Math.PI))),
  };
});

/** Giles' polynomial p(w) with erfinv(x) = x p(w), w = -log((1 - x)(1 + x)). */
function gilesPoly(w: tf.Tensor): tf.Tensor {
  const central = mask((v) => tf.less(v, 5), w);
  const wc = tf.where(central, tf.sub(w, 2.5), tf.zerosLike(w));
  const wt = tf.where(central, tf.fill(w.shape, 2), tf.sub(tf.sqrt(w), 3));
  return tf.where(central, horner(GILES_CENTRAL, wc), horner(GILES_TAIL, wt));
}

/**
 * erfc(x) = 1 - erf(x) elementwise, float32, with relative accuracy ~1e-7 in both tails (unlike
 * 1 - tf.erf(x)). Gradient -2/sqrt(pi) exp(-x^2). The returned tensor belongs to the caller.
 *
 * @example
 * erfc(tf.tensor1d([0, 3])); // [1, 2.209e-5]
 */
export function erfc<T extends tf.Tensor>(x: T): T {
  checkFloat32('erfc', x);
  return tf.tidy(() => erfcOp(x)) as T;
}

/**
 * The inverse error function elementwise on (-1, 1), float32 (±Infinity at ±1, NaN outside).
 * Differentiable through its polynomial. The returned tensor belongs to the caller.
 *
 * @example
 * erfinv(tf.tensor1d([0, 0.5])); // [0, 0.4769]
 */
export function erfinv<T extends tf.Tensor>(x: T): T {
  checkFloat32('erfinv', x);
  return tf.tidy(() => {
    const w = tf.neg(tf.log(tf.mul(tf.sub(1, x), tf.add(1, x))));
    const out = tf.mul(x, gilesPoly(w));
    const edge = mask((v) => tf.equal(tf.abs(v), 1), x);
    return tf.where(edge, tf.mul(x, Infinity), out);
  }) as T;
}

/**
 * Standard normal cdf Phi(x) = erfc(-x / sqrt 2) / 2 elementwise, accurate in the lower tail.
 * The returned tensor belongs to the caller.
 *
 * @example
 * ndtr(tf.tensor1d([-5, 0])); // [2.8665e-7, 0.5]
 */
export function ndtr<T extends tf.Tensor>(x: T): T {
  checkFloat32('ndtr', x);
  return tf.tidy(() => tf.mul(erfcOp(tf.mul(x, -Math.SQRT1_2)), 0.5)) as T;
}

/**
 * Standard normal quantile Phi^-1(p) elementwise on [0, 1] (±Infinity at the ends, NaN outside).
 * Works on q = min(p, 1 - p) so both tails keep full relative precision: for q >= 1e-3, Giles'
 * erfinv with w computed from q directly and one Newton step on `ndtr`; below, the rational
 * guess of Abramowitz & Stegun 26.2.23 and two Newton steps on log Phi (written through the
 * erfc fit so nothing underflows, down to the smallest float32). The returned tensor belongs to
 * the caller.
 *
 * @example
 * ndtri(tf.tensor1d([0.025, 0.5])); // [-1.96, 0]
 */
export function ndtri<T extends tf.Tensor>(p: T): T {
  checkFloat32('ndtri', p, 'p');
  return tf.tidy(() => {
    const upper = mask((v) => tf.greater(v, 0.5), p);
    const q = tf.where(upper, tf.sub(1, p), p); // in [0, 0.5], exact
    const central = mask((v) => tf.greaterEqual(v, 1e-3), q);
    const interior = mask((v) => tf.greater(v, 0), q);

    // Central: erfinv(2q - 1) with w = -log(4 q (1 - q)), then Newton x1 = x0 - (Phi(x0) - q) / phi(x0).
    const qc = tf.where(central, q, tf.fill(q.shape, 0.25));
    const w = tf.neg(tf.add(tf.log(tf.mul(qc, 4)), log1pUnchecked(tf.neg(qc))));
    const x0 = tf.mul(tf.mul(gilesPoly(w), tf.sub(tf.mul(qc, 2), 1)), Math.SQRT2);
    const cdf = tf.mul(erfcOp(tf.mul(x0, -Math.SQRT1_2)), 0.5);
    const pdf = tf.mul(tf.exp(tf.mul(tf.square(x0), -0.5)), 1 / Math.sqrt(2 * Math.PI));
    const xCentral = tf.sub(x0, tf.div(tf.sub(cdf, qc), pdf));

    // Tail (q < 1e-3, x < -3): log Phi(x) = log(t / 2) + poly(t) - z^2 with z = -x / sqrt 2,
    // t = 1 / (1 + z / 2), and Phi / phi = sqrt(2 pi) t exp(poly(t)) / 2.
    const tail = mask((v) => tf.logicalAnd(tf.greater(v, 0), tf.less(v, 1e-3)), q);
    const qt = tf.where(tail, q, tf.fill(q.shape, 1e-4));
    const logQ = tf.log(qt);
    const s = tf.sqrt(tf.mul(logQ, -2));
    const guess = tf.div(
      tf.add(2.515517, tf.mul(s, tf.add(0.802853, tf.mul(s, 0.010328)))),
      tf.add(1, tf.mul(s, tf.add(1.432788, tf.mul(s, tf.add(0.189269, tf.mul(s, 0.001308)))))),
    );
    let x: tf.Tensor = tf.neg(tf.sub(s, guess));
    for (let iter = 0; iter < 2; iter++) {
      const z = tf.mul(x, -Math.SQRT1_2);
      const t = tf.reciprocal(tf.add(tf.mul(z, 0.5), 1));
      let poly: tf.Tensor = tf.fill(t.shape, ERFC_COEFFS[ERFC_COEFFS.length - 1]);
      for (let k = ERFC_COEFFS.length - 2; k >= 0; k--) poly = tf.add(tf.mul(poly, t), ERFC_COEFFS[k]);
      const logPhi = tf.sub(tf.add(tf.log(tf.mul(t, 0.5)), poly), tf.square(z));
      const ratio = tf.mul(tf.mul(t, tf.exp(poly)), Math.sqrt(2 * Math.PI) / 2);
      x = tf.sub(x, tf.mul(tf.sub(logPhi, logQ), ratio));
    }

    const lower = tf.where(
      central,
      xCentral,
      tf.where(interior, x, tf.fill(q.shape, -Infinity)),
    );
    const out = tf.where(upper, tf.neg(lower), lower);
    const bad = mask((v) => tf.logicalOr(tf.logicalOr(tf.less(v, 0), tf.greater(v, 1)), tf.isNaN(v)), p);
    return tf.where(bad, tf.fill(p.shape, NaN), out);
  }) as T;
}
