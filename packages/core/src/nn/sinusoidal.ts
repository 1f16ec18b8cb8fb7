// Sinusoidal position / timestep embeddings. Vaswani et al. (2017), "Attention Is All You Need"
// §3.5; Ho et al. (2020), DDPM (timestep embedding).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { checkNumber } from '../validate.js';

/** Options of `sinusoidalEmbedding`. */
export interface SinusoidalOptions {
  /** Frequencies run from 1 down to 1 / maxPeriod (wavelengths 2 pi .. 2 pi maxPeriod). Default 10000 (the Transformer paper). */
  readonly maxPeriod?: number;
  /**
   * Layout of the output. `false` (default): `[sin(p w_0..w_{h-1}), cos(p w_0..w_{h-1})]`
   * (DDPM / diffusers); `true`: sin and cos interleaved, PE[2i] = sin, PE[2i+1] = cos
   * (the Transformer paper).
   */
  readonly interleave?: boolean;
}

/**
 * Embeds positions (or diffusion timesteps) `[n]` as `[n, dim]` (dim even) with frequencies
 * w_i = maxPeriod^(-i / (dim/2)), i = 0..dim/2-1, i.e. PE(p, 2i) = sin(p / maxPeriod^(2i/dim)),
 * PE(p, 2i+1) = cos(...). Positions may be fractional; they are cast to float32. Returns a new
 * tensor owned by the caller.
 *
 * @example
 * const temb = sinusoidalEmbedding(tf.tensor1d([0, 10, 999]), 128); // [3, 128]
 * const pos = sinusoidalEmbedding([0, 1, 2, 3], 64, { interleave: true });
 */
export function sinusoidalEmbedding(
  positions: tf.Tensor | readonly number[],
  dim: number,
  options: SinusoidalOptions = {},
): tf.Tensor2D {
  const fn = 'sinusoidalEmbedding';
  const { maxPeriod = 10000, interleave = false } = options;
  checkNumber(fn, 'dim', dim, { min: 2, integer: true });
  if (dim % 2 !== 0) {
    throw new InvalidArgumentError(`Argument 'dim' passed to '${fn}' must be even, but got ${dim}.`);
  }
  checkNumber(fn, 'maxPeriod', maxPeriod, { min: 0, minExclusive: true });
  if (Array.isArray(positions)) {
    if (!positions.every((p) => typeof p === 'number' && Number.isFinite(p))) {
      throw new InvalidArgumentError(`Argument 'positions' passed to '${fn}' must hold finite numbers, but got ${describeValue(positions)}.`);
    }
  } else if (!(positions instanceof tf.Tensor) || positions.rank !== 1) {
    throw new ShapeError(
      `Argument 'positions' passed to '${fn}' must have shape [n], but got ${positions instanceof tf.Tensor ? describeValue([...positions.shape]) : describeValue(positions)}.`,
    );
  }
  const half = dim / 2;
  const freqs = new Float32Array(half);
  for (let i = 0; i < half; i++) freqs[i] = Math.exp((-Math.log(maxPeriod) * i) / half);
  return tf.tidy(() => {
    const p = positions instanceof tf.Tensor ? tf.cast(positions, 'float32') : tf.tensor1d(positions as number[], 'float32');
    const n = p.shape[0];
    const angles = tf.mul(tf.reshape(p, [n, 1]), tf.tensor2d(freqs, [1, half])); // [n, half]
    const sin = tf.sin(angles);
    const cos = tf.cos(angles);
    if (!interleave) return tf.concat([sin, cos], 1) as tf.Tensor2D; // [n, dim]
    return tf.reshape(tf.stack([sin, cos], 2), [n, dim]) as tf.Tensor2D; // [n, half, 2] -> [n, dim]
  });
}
