// Latent-space utilities: the truncation trick by resampling (Brock et al. 2019, BigGAN, sec. 3.1)
// and spherical linear interpolation (Shoemake 1985; White 2016, "Sampling Generative Networks").
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Seed, checkNumber, describeValue, foldIn, normalFloat32, toKey } from '@gen/core';

/**
 * Standard normal latents `[n, latentDim]` from `seed`. With `truncation` t > 0, every component
 * with |z| > t is redrawn until it lies within [-t, t] (the truncated normal of BigGAN): smaller t
 * gives higher-fidelity, less varied samples. The returned tensor belongs to the caller.
 *
 * @example
 * const z = sampleLatents(0, 16, 64, { truncation: 1 }); // [16, 64], |z| <= 1
 */
export function sampleLatents(seed: Seed, n: number, latentDim: number, options: { truncation?: number } = {}): tf.Tensor2D {
  const fn = 'sampleLatents';
  const key = toKey(seed, fn, 'seed');
  checkNumber(fn, 'n', n, { min: 1, integer: true });
  checkNumber(fn, 'latentDim', latentDim, { min: 1, integer: true });
  return tf.tensor2d(latentValues(key, n * latentDim, options.truncation, fn), [n, latentDim]);
}

/** The values behind `sampleLatents` (internal; also used for interpolation endpoints). */
export function latentValues(seed: Seed, count: number, truncation: number | undefined, fn: string): Float32Array {
  const key = toKey(seed, fn, 'seed');
  const values = normalFloat32(key, count);
  if (truncation === undefined) return values;
  checkNumber(fn, 'truncation', truncation, { min: 0, minExclusive: true });
  // Resample out-of-range entries; P(|z| > t) < 1, so this ends (t = 0.1 needs ~13 rounds per entry on average).
  for (let round = 1; ; round++) {
    const bad: number[] = [];
    for (let i = 0; i < values.length; i++) if (Math.abs(values[i]) > truncation) bad.push(i);
    if (bad.length === 0) return values;
    if (round > 10_000) {
      throw new InvalidArgumentError(`Argument 'truncation' passed to '${fn}' is too small to sample from, got ${describeValue(truncation)}.`);
    }
    const fresh = normalFloat32(foldIn(key, round), bad.length);
    bad.forEach((index, j) => {
      values[index] = fresh[j];
    });
  }
}

/**
 * Points along the path from latent `a [latentDim]` to `b [latentDim]`: `steps` points including
 * both ends, `[steps, latentDim]`. 'slerp' (default) follows the great circle, keeping the norm
 * typical of Gaussian latents; 'linear' is the straight line. Returns a tensor owned by the caller.
 *
 * @example
 * const path = interpolateLatents(za, zb, 8); // [8, latentDim]
 */
export function interpolateLatents(a: tf.Tensor, b: tf.Tensor, steps: number, method: 'slerp' | 'linear' = 'slerp'): tf.Tensor2D {
  const fn = 'interpolateLatents';
  checkNumber(fn, 'steps', steps, { min: 2, integer: true });
  if (method !== 'slerp' && method !== 'linear') {
    throw new InvalidArgumentError(`Argument 'method' passed to '${fn}' must be one of 'slerp', 'linear', but got ${describeValue(method)}.`);
  }
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (!(t instanceof tf.Tensor) || t.rank !== 1 || t.dtype !== 'float32') {
      throw new InvalidArgumentError(`Argument '${name}' passed to '${fn}' must be a float32 tf.Tensor [latentDim], but got ${t instanceof tf.Tensor ? describeValue(t.shape) : describeValue(t)}.`);
    }
  }
  if (a.shape[0] !== b.shape[0]) {
    throw new InvalidArgumentError(`Argument 'b' passed to '${fn}' must have shape [${a.shape[0]}], but got ${describeValue(b.shape)}.`);
  }
  const ts = Array.from({ length: steps }, (_, i) => i / (steps - 1));
  return tf.tidy(() => {
    const t = tf.tensor2d(ts, [steps, 1]); // [steps, 1]
    const a2 = tf.reshape(a, [1, -1]);
    const b2 = tf.reshape(b, [1, -1]);
    if (method === 'linear') return tf.add(tf.mul(tf.sub(1, t), a2), tf.mul(t, b2)) as tf.Tensor2D;
    // slerp: sin((1-t) omega)/sin(omega) a + sin(t omega)/sin(omega) b, omega = angle(a, b).
    const cos = tf.clipByValue(tf.div(tf.sum(tf.mul(a, b)), tf.add(tf.mul(tf.norm(a), tf.norm(b)), 1e-12)), -1, 1);
    const omega = tf.acos(cos);
    const sinOmega = tf.sin(omega);
    // Nearly parallel endpoints: fall back to linear (sin omega ~ 0).
    const nearlyParallel = tf.broadcastTo(tf.less(sinOmega, 1e-6), [steps, 1]); // [steps, 1]
    const wa = tf.where(nearlyParallel, tf.sub(1, t), tf.div(tf.sin(tf.mul(tf.sub(1, t), omega)), sinOmega));
    const wb = tf.where(nearlyParallel, t, tf.div(tf.sin(tf.mul(t, omega)), sinOmega));
    return tf.add(tf.mul(wa, a2), tf.mul(wb, b2)) as tf.Tensor2D;
  });
}
