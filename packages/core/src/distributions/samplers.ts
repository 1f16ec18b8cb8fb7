// CPU rejection samplers driven by a RandomStream, in float64: Marsaglia & Tsang (2000),
// "A simple method for generating gamma variables", ACM TOMS 26(3), with the U^(1/a) boost for
// a < 1; and Hormann (1993), "The transformed rejection method for generating Poisson random
// variables" (PTRS) for rates >= 10, sequential inversion below.
import { lgammaF64 } from '../math/special-f64.js';
import type { RandomStream } from '../random/arrays.js';

/** Smallest positive normal float32: gamma draws are clamped here so that logs stay finite. */
const TINY = 1.1754943508222875e-38;

/** One standard gamma(a) variate (a > 0). */
export function sampleStandardGamma(stream: RandomStream, a: number): number {
  if (a < 1) {
    // G(a) = G(a + 1) * U^(1/a), computed in log space.
    const g = sampleStandardGamma(stream, a + 1);
    const logU = Math.log(1 - stream.uniform()); // 1 - u is in (0, 1]
    return Math.max(Math.exp(Math.log(g) + logU / a), TINY);
  }
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = stream.normal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = stream.uniform();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** One Poisson(lambda) variate (lambda >= 0). */
export function samplePoisson(stream: RandomStream, lambda: number): number {
  if (lambda === 0) return 0;
  if (lambda < 10) {
    // Sequential inversion: P(0) = e^-lambda, P(k) = P(k-1) lambda / k.
    const u = stream.uniform();
    let k = 0;
    let p = Math.exp(-lambda);
    let cdf = p;
    while (u > cdf && k < 1000) {
      k += 1;
      p *= lambda / k;
      cdf += p;
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const logLam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = stream.uniform() - 0.5;
    const v = stream.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * logLam - lgammaF64(k + 1)
    ) {
      return k;
    }
  }
}
