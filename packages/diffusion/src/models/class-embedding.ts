// Class-label embedding as one-hot @ table (Ho & Salimans 2022 condition the denoiser on a learned
// class embedding). Local workaround: @gen/core's `embedding` disposes its reshaped ids before the
// backward pass, so its gradient fails on the wasm backend ("Cannot read properties of undefined
// (reading 'backend')" in Reshape); reported to core. Replace with `embedding` once fixed.
import * as tf from '@tensorflow/tfjs-core';
import type { EmbeddingParams } from '@gen/core';

/** Rows `labels [batch]` (int32) of `params.weight [numClasses + 1, dim]` as `[batch, dim]`; a new tensor owned by the caller. */
export function classEmbedding(params: EmbeddingParams, labels: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const rows = params.weight.shape[0];
    const oneHot = tf.oneHot(tf.reshape(labels, [-1]) as tf.Tensor1D, rows); // [batch, rows] int32
    return tf.matMul(tf.cast(oneHot, 'float32'), params.weight); // [batch, dim]
  });
}
