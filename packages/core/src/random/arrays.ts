// Random arrays computed on the CPU from a key. Every element is a pure function of (key, index),
// so results are identical on every backend and platform.
import { InvalidArgumentError, describeValue } from '../errors.js';
import { type Seed, toKey } from './key.js';
import { threefry2x32 } from './threefry.js';

const TWO_POW_32 = 0x100000000;
const TWO_POW_53 = 9007199254740992;

function checkCount(fn: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new InvalidArgumentError(
      `Argument 'n' passed to '${fn}' must be a non-negative integer, but got ${describeValue(n)}.`,
    );
  }
}

/** `n` uniform doubles in [0, 1) with 53 random bits each. */
export function uniformFloat64(seed: Seed, n: number): Float64Array {
  checkCount('uniformFloat64', n);
  const [k0, k1] = toKey(seed, 'uniformFloat64');
  const out = new Float64Array(n);
  const words = new Uint32Array(2);
  for (let i = 0; i < n; i++) {
    threefry2x32(k0, k1, i % TWO_POW_32, Math.floor(i / TWO_POW_32), words);
    out[i] = ((words[0] >>> 5) * 67108864 + (words[1] >>> 6)) / TWO_POW_53;
  }
  return out;
}

/** `n` uniform floats in [0, 1) with 24 random bits each (exactly representable in float32). */
export function uniformFloat32(seed: Seed, n: number): Float32Array {
  checkCount('uniformFloat32', n);
  const [k0, k1] = toKey(seed, 'uniformFloat32');
  const out = new Float32Array(n);
  const words = new Uint32Array(2);
  // Each counter gives two words, so two floats.
  for (let i = 0; i < n; i += 2) {
    threefry2x32(k0, k1, (i / 2) % TWO_POW_32, Math.floor(i / 2 / TWO_POW_32), words);
    out[i] = (words[0] >>> 8) / 16777216;
    if (i + 1 < n) out[i + 1] = (words[1] >>> 8) / 16777216;
  }
  return out;
}

/** `n` standard normal doubles (Box-Muller on 53-bit uniforms). */
export function normalFloat64(seed: Seed, n: number): Float64Array {
  checkCount('normalFloat64', n);
  const u = uniformFloat64(seed, n + (n % 2));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    // 1 - u is in (0, 1], so the log is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - u[i]));
    const angle = 2 * Math.PI * u[i + 1];
    out[i] = radius * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/** `n` standard normal floats, computed in float64 and rounded to float32. */
export function normalFloat32(seed: Seed, n: number): Float32Array {
  return Float32Array.from(normalFloat64(seed, n));
}

/** `n` integers uniform in [low, high), without modulo bias. */
export function randomIntegers(seed: Seed, n: number, low: number, high: number): Int32Array {
  checkCount('randomIntegers', n);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low || high - low > TWO_POW_32) {
    throw new InvalidArgumentError(
      `Arguments 'low' and 'high' passed to 'randomIntegers' must be integers with low < high and high - low <= 2^32, but got low ${describeValue(low)}, high ${describeValue(high)}.`,
    );
  }
  const u = uniformFloat64(seed, n);
  const range = high - low;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = low + Math.floor(u[i] * range);
  return out;
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(seed: Seed, n: number): Int32Array {
  checkCount('permutation', n);
  const u = uniformFloat64(seed, n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i] * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/**
 * A sequential stream of random numbers from a key, for samplers that consume a variable number of
 * draws (rejection sampling). Deterministic for a given key.
 */
export class RandomStream {
  private readonly k0: number;
  private readonly k1: number;
  private counter = 0;
  private readonly words = new Uint32Array(2);
  private spareNormal: number | undefined;

  constructor(seed: Seed) {
    [this.k0, this.k1] = toKey(seed, 'RandomStream');
  }

  /** A uniform double in [0, 1). */
  uniform(): number {
    const c = this.counter++;
    threefry2x32(this.k0, this.k1, c % TWO_POW_32, Math.floor(c / TWO_POW_32), this.words);
    return ((this.words[0] >>> 5) * 67108864 + (this.words[1] >>> 6)) / TWO_POW_53;
  }

  /** A standard normal double. */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return z;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}
