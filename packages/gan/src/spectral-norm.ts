// Spectral normalisation: Miyato et al. (2018), "Spectral Normalization for Generative Adversarial
// Networks", Algorithm 1 (one power iteration per update, W_SN = W / sigma(W)).
import * as tf from '@tensorflow/tfjs-core';
import { type ParamTree, type Seed, flattenParams, normalFloat32, split, stopGradient, toKey, unflattenParams } from '@gen/core';

/** Which parameters get normalised: every `weight` of rank >= 2 outside an embedding table. */
export function spectralNormPaths(params: ParamTree): string[] {
  return Object.entries(flattenParams(params))
    .filter(([path, t]) => /(^|\.)weight$/.test(path) && t.rank >= 2 && !/(^|\.)embed\./.test(path))
    .map(([path]) => path);
}

/** Weight as a matrix `[fanIn, out]` (linear `[in, out]`; conv `[kh, kw, in, out]` -> `[kh*kw*in, out]`). */
function asMatrix(w: tf.Tensor): tf.Tensor2D {
  const out = w.shape[w.rank - 1];
  return tf.reshape(w, [-1, out]) as tf.Tensor2D;
}

/**
 * Creates the power-iteration vectors `u [out]` (unit norm, random), one per normalised weight, as
 * non-trainable variables named by parameter path. They belong to the caller.
 *
 * @example
 * const u = initSpectralNorm(0, discriminatorParams);
 */
export function initSpectralNorm(seed: Seed, params: ParamTree): Record<string, tf.Variable> {
  const flat = flattenParams(params);
  const paths = spectralNormPaths(params);
  const keys = split(toKey(seed, 'initSpectralNorm'), Math.max(paths.length, 1));
  const out: Record<string, tf.Variable> = {};
  paths.forEach((path, i) => {
    const w = flat[path];
    const n = w.shape[w.rank - 1];
    const values = normalFloat32(keys[i], n);
    let norm = 0;
    for (const v of values) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < n; j++) values[j] /= norm;
    const initial = tf.tensor1d(values);
    out[path] = tf.variable(initial, false); // shares initial's data, so initial can go
    initial.dispose();
  });
  return out;
}

const unit = (v: tf.Tensor) => tf.div(v, tf.add(tf.norm(v), 1e-12));

/**
 * One power iteration per weight, in place: v = normalise(W u), u = normalise(W^T v). Run once
 * before each discriminator update (outside gradient recording).
 */
export function updateSpectralNorm(params: ParamTree, u: Record<string, tf.Variable>): void {
  const flat = flattenParams(params);
  tf.tidy(() => {
    for (const [path, uVar] of Object.entries(u)) {
      const w = asMatrix(flat[path]); // [fanIn, out]
      const v = unit(tf.reshape(tf.matMul(w, tf.reshape(uVar, [-1, 1])), [-1])); // [fanIn]
      uVar.assign(unit(tf.reshape(tf.matMul(tf.reshape(v, [1, -1]), w), [-1])) as tf.Tensor1D); // [out]
    }
  });
}

/**
 * The params with each normalised weight divided by its spectral-norm estimate
 * sigma = v^T W u (v = normalise(W u) held constant), so gradients flow through W as in the paper.
 * Call inside tidy; the returned tree's new tensors belong to that scope.
 */
export function spectralNormalized(params: ParamTree, u: Record<string, tf.Variable>): ParamTree {
  const flat = flattenParams(params);
  const out: Record<string, tf.Tensor> = { ...flat };
  for (const [path, uVar] of Object.entries(u)) {
    const w = flat[path];
    const wu = tf.reshape(tf.matMul(asMatrix(w), tf.reshape(uVar, [-1, 1])), [-1]); // [fanIn]
    // sigma = <v, W u> with v = W u / |W u| treated as a constant: gradient is v u^T.
    const v = tf.div(wu, tf.add(tf.norm(wu), 1e-12));
    const sigma = tf.sum(tf.mul(wu, stopGradient(v)));
    out[path] = tf.div(w, sigma);
  }
  return unflattenParams(out);
}

