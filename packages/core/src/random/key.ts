// Splittable random keys in the style of JAX: a key is an immutable pair of uint32 words; new
// keys come from `split` or `foldIn`, never from hidden global state.
import { InvalidArgumentError, describeValue } from '../errors.js';
import { threefry2x32 } from './threefry.js';

declare const keyBrand: unique symbol;

/** An immutable random key: two uint32 words. Create with `prngKey(seed)`. */
export type PRNGKey = readonly [number, number] & { readonly [keyBrand]: true };

/** Anything a random function accepts: an integer seed or a key. */
export type Seed = number | PRNGKey;

// Counter tags keep the streams of `split`, `foldIn` and sampling apart.
const SPLIT_TAG = 0x53504c54;
const FOLD_TAG = 0x464f4c44;

function makeKey(k0: number, k1: number): PRNGKey {
  return Object.freeze([k0 >>> 0, k1 >>> 0]) as unknown as PRNGKey;
}

/** True for a value made by `prngKey`, `split` or `foldIn` (or a plain uint32 pair). */
export function isPRNGKey(value: unknown): value is PRNGKey {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)
  );
}

/**
 * Makes a key from an integer seed (any safe integer, negative allowed).
 *
 * @example
 * const key = prngKey(0);
 * const [a, b] = split(key);
 */
export function prngKey(seed: number): PRNGKey {
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError(
      `Argument 'seed' passed to 'prngKey' must be a safe integer, but got ${describeValue(seed)}.`,
    );
  }
  const high = Math.floor(seed / 0x100000000);
  const out = [0, 0];
  // Hash the seed so that nearby seeds give unrelated keys.
  threefry2x32(0, 0, seed >>> 0, high >>> 0, out);
  return makeKey(out[0], out[1]);
}

/** Converts a seed or key argument to a key, validating it. */
export function toKey(seed: Seed, fn = 'toKey', arg = 'seed'): PRNGKey {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed)) {
      throw new InvalidArgumentError(
        `Argument '${arg}' passed to '${fn}' must be an integer seed or a PRNGKey, but got ${describeValue(seed)}.`,
      );
    }
    return prngKey(seed);
  }
  if (!isPRNGKey(seed)) {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must be an integer seed or a PRNGKey, but got ${describeValue(seed)}.`,
    );
  }
  return seed;
}

/** Splits a key into `num` new, independent keys. The input key should not be used again. */
export function split(key: Seed, num = 2): PRNGKey[] {
  const k = toKey(key, 'split', 'key');
  if (!Number.isInteger(num) || num < 1) {
    throw new InvalidArgumentError(
      `Argument 'num' passed to 'split' must be a positive integer, but got ${describeValue(num)}.`,
    );
  }
  const out = [0, 0];
  const keys: PRNGKey[] = [];
  for (let i = 0; i < num; i++) {
    threefry2x32(k[0], k[1], i, SPLIT_TAG, out);
    keys.push(makeKey(out[0], out[1]));
  }
  return keys;
}

/** Derives a key from `key` and an integer (a step number, a layer index). */
export function foldIn(key: Seed, data: number): PRNGKey {
  const k = toKey(key, 'foldIn', 'key');
  if (!Number.isSafeInteger(data)) {
    throw new InvalidArgumentError(
      `Argument 'data' passed to 'foldIn' must be a safe integer, but got ${describeValue(data)}.`,
    );
  }
  const out = [0, 0];
  threefry2x32(k[0], k[1], data >>> 0, (FOLD_TAG ^ Math.floor(data / 0x100000000)) >>> 0, out);
  return makeKey(out[0], out[1]);
}

/**
 * A 53-bit integer derived from a key, for tfjs ops that take a numeric `seed`
 * (e.g. `tf.dropout`, `tf.randomGamma`).
 */
export function seedFromKey(key: Seed): number {
  const k = toKey(key, 'seedFromKey', 'key');
  const out = [0, 0];
  threefry2x32(k[0], k[1], 0xffffffff, FOLD_TAG, out);
  return (out[0] >>> 11) * 0x100000000 + out[1];
}
