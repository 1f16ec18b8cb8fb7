// Float64 scalar special functions: Stirling series with upward recurrence and reflection
// (Abramowitz & Stegun 6.1.40, 6.3.18), Taylor series of lgamma about 1 (A&S 6.1.33), and
// erfc by continued fraction / Taylor series (A&S 7.1.5, 7.1.14; Numerical Recipes 6.2).

const LOG_SQRT_2PI = 0.9189385332046728; // 0.5 * log(2 pi)
const EULER_GAMMA = 0.5772156649015329;

/** Stirling coefficients B_2k / (2k (2k - 1)) for k = 1..7. */
const STIRLING = [
  1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156,
];
/** Asymptotic digamma coefficients B_2k / (2k) for k = 1..7. */
const DIGAMMA_ASYM = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];

/** sin(pi x), exact at integers and accurate for large |x| (reduces x mod 2 first). */
function sinPi(x: number): number {
  let r = x % 2; // exact in floating point
  if (r < 0) r += 2;
  if (r === 0 || r === 1) return 0;
  if (r > 1) return -sinPi(r - 1);
  return r <= 0.5 ? Math.sin(Math.PI * r) : Math.sin(Math.PI * (1 - r));
}

/**
 * Hurwitz zeta(s, a) = sum_k (a + k)^-s for s > 1, a > 0, by Euler-Maclaurin summation after
 * 20 terms (relative error < 1e-16). Used to build Taylor coefficients of lgamma and digamma.
 */
export function hurwitzZetaF64(s: number, a: number): number {
  const n = 20;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += Math.pow(a + k, -s);
  const m = a + n;
  sum += Math.pow(m, 1 - s) / (s - 1) + 0.5 * Math.pow(m, -s);
  // Bernoulli corrections B_2j / (2j)! * s (s+1) ... (s+2j-2) m^(-s-2j+1)
  const b = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730];
  let fact = 1; // (2j)!
  let rising = s; // s (s+1) ... (s + 2j - 2)
  for (let j = 1; j <= b.length; j++) {
    fact *= (2 * j - 1) * (2 * j);
    sum += (b[j - 1] / fact) * rising * Math.pow(m, -s - 2 * j + 1);
    rising *= (s + 2 * j - 1) * (s + 2 * j);
  }
  return sum;
}

function zeta(s: number): number {
  return hurwitzZetaF64(s, 1);
}

/** (internal) Taylor coefficients of lgamma(1 + e) = -gamma e + sum_k (-1)^k zeta(k) / k e^k, k = 2..30. */
export const LGAMMA1_TAYLOR: number[] = (() => {
  const c: number[] = [];
  for (let k = 2; k <= 30; k++) c.push(((k % 2 === 0 ? 1 : -1) * zeta(k)) / k);
  return c;
})();

/** lgamma(1 + e) for |e| <= 0.25 by its Taylor series (relative accuracy near the zero at e = 0). */
function lgamma1p(e: number): number {
  let acc = 0;
  for (let k = LGAMMA1_TAYLOR.length - 1; k >= 0; k--) acc = acc * e + LGAMMA1_TAYLOR[k];
  return e === 0 ? 0 : e * (-EULER_GAMMA + e * acc);
}

/**
 * log|Gamma(x)| in float64 (scipy.special.gammaln). +Infinity at 0 and the negative integers.
 * Relative error ~1e-15 away from the zeros at 1 and 2, which are handled by series.
 *
 * @example
 * lgammaF64(0.5); // 0.5723649429247001 (= log(sqrt(pi)))
 */
export function lgammaF64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x === -Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) {
    // Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x).
    return Math.log(Math.PI / Math.abs(sinPi(x))) - lgammaF64(1 - x);
  }
  if (Math.abs(x - 1) <= 0.25) return lgamma1p(x - 1);
  if (Math.abs(x - 2) <= 0.25) return lgamma1p(x - 2) + Math.log1p(x - 2);
  let y = x;
  let logShift = 0;
  if (y < 15) {
    // Recurrence Gamma(y + 1) = y Gamma(y) up to y >= 15, where Stirling's series converges fast.
    let prod = 1;
    while (y < 15) {
      prod *= y;
      y += 1;
    }
    logShift = Math.log(prod);
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * inv2 + STIRLING[k];
  return (y - 0.5) * Math.log(y) - y + LOG_SQRT_2PI + series * inv - logShift;
}

/**
 * The digamma function psi(x) = d/dx log Gamma(x) in float64 (scipy.special.psi). NaN at 0 and
 * the negative integers. Absolute error ~1e-15 (relative error grows only next to its zero at
 * x ~ 1.4616).
 *
 * @example
 * digammaF64(1); // -0.5772156649015329 (minus the Euler-Mascheroni constant)
 */
export function digammaF64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return NaN;
  if (x < 0.5) {
    // Reflection: psi(1 - x) - psi(x) = pi cot(pi x).
    const s = sinPi(x);
    const c = sinPi(x + 0.5); // cos(pi x)
    return digammaF64(1 - x) - (Math.PI * c) / s;
  }
  let y = x;
  let shift = 0;
  while (y < 15) {
    shift += 1 / y;
    y += 1;
  }
  const inv2 = 1 / (y * y);
  let series = 0;
  for (let k = DIGAMMA_ASYM.length - 1; k >= 0; k--) series = series * inv2 + DIGAMMA_ASYM[k];
  return Math.log(y) - 0.5 / y - series * inv2 - shift;
}

/**
 * The trigamma function psi'(x) in float64 (scipy.special.polygamma(1, x)), for x > 0 or
 * non-integer x < 0.
 *
 * @example
 * trigammaF64(1); // 1.6449340668482264 (= pi^2 / 6)
 */
export function trigammaF64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 0;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) {
    // Reflection: psi'(1 - x) + psi'(x) = pi^2 / sin^2(pi x).
    const s = sinPi(x);
    return (Math.PI * Math.PI) / (s * s) - trigammaF64(1 - x);
  }
  let y = x;
  let shift = 0;
  while (y < 15) {
    shift += 1 / (y * y);
    y += 1;
  }
  // psi'(y) ~ 1/y + 1/(2y^2) + sum_k B_2k / y^(2k+1)
  const b = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6];
  const inv = 1 / y;
  const inv2 = inv * inv;
  let series = 0;
  for (let k = b.length - 1; k >= 0; k--) series = series * inv2 + b[k];
  return inv + 0.5 * inv2 + series * inv2 * inv + shift;
}

/**
 * The complementary error function erfc(x) = 1 - erf(x) in float64 with relative accuracy in
 * both tails (scipy.special.erfc).
 *
 * @example
 * erfcF64(3); // 2.209049699858544e-5
 */
export function erfcF64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfcF64(-x);
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27.3) return 0;
  // Continued fraction (A&S 7.1.14) evaluated by the modified Lentz method.
  const tiny = 1e-300;
  const z = x * x;
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z) / (f * Math.sqrt(Math.PI));
}

/** erf by its Maclaurin series (A&S 7.1.5), accurate for |x| < 2. */
function erfSeries(x: number): number {
  const z = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= -z / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/**
 * The error function erf(x) in float64 (scipy.special.erf).
 *
 * @example
 * erfF64(0.5); // 0.5204998778130465
 */
export function erfF64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) < 2) return erfSeries(x);
  return x > 0 ? 1 - erfcF64(x) : erfcF64(-x) - 1;
}

/**
 * log(1 + exp(x)) in float64 without overflow or loss of precision (softplus).
 *
 * @example
 * log1pexpF64(800); // 800
 */
export function log1pexpF64(x: number): number {
  // Maechler (2012), eq. (10).
  if (x <= -37) return Math.exp(x);
  if (x <= 18) return Math.log1p(Math.exp(x));
  if (x <= 33.3) return x + Math.exp(-x);
  return x;
}

/**
 * log(1 - exp(-a)) for a >= 0 in float64, accurate for small and large a (Maechler 2012).
 * Returns -Infinity at a = 0 and NaN for a < 0.
 *
 * @example
 * log1mexpF64(1e-20); // -46.0517...
 */
export function log1mexpF64(a: number): number {
  if (a < 0 || Number.isNaN(a)) return NaN;
  return a <= Math.LN2 ? Math.log(-Math.expm1(-a)) : Math.log1p(-Math.exp(-a));
}
