// Synthetic binary data for fast tests: 8x8 images, each one of 8 random prototype patterns with
// 5% of its pixels flipped, from a seed. An untrained Bernoulli decoder scores about 64 ln 2 = 44
// nats per image; the true model needs about ln 8 + 64 H(0.05) = 15 nats.
import * as tf from '@tensorflow/tfjs-core';
import { uniformFloat64 } from '@gen/core';

const PROTOTYPES = uniformFloat64(12345, 8 * 64);

/** `n` images, float32 zeros and ones, `[n, 64]` (or `[n, 8, 8, 1]` with `image`); labels are the prototypes. */
export function prototypes(n: number, seed: number, image = false): tf.Tensor {
  const u = uniformFloat64(seed, n * 65);
  const values = new Float32Array(n * 64);
  for (let i = 0; i < n; i++) {
    const proto = Math.floor(u[i * 65] * 8);
    for (let j = 0; j < 64; j++) {
      const bit = PROTOTYPES[proto * 64 + j] < 0.5 ? 1 : 0;
      values[i * 64 + j] = u[i * 65 + 1 + j] < 0.05 ? 1 - bit : bit;
    }
  }
  return image ? tf.tensor4d(values, [n, 8, 8, 1]) : tf.tensor2d(values, [n, 64]);
}
