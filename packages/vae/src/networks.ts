// Encoder/decoder networks of a VAE: the MLP and conv presets, and the interface for your own.
// The encoder gives the diagonal Gaussian q(z | x) = N(mu, exp(logVar)) (Kingma & Welling 2014).
import * as tf from '@tensorflow/tfjs-core';
import {
  type ParamTree,
  type Seed,
  conv2d,
  convTranspose2d,
  initConv2d,
  initConvTranspose2d,
  initLinear,
  initMlp,
  linear,
  mlp,
  split,
} from '@gen/core';
import type { ResolvedVaeConfig } from './config.js';

/**
 * A VAE's networks: initial parameters and two pure functions over them. Both run inside
 * `tf.tidy` and under gradient tapes, so they must be synchronous and use only tfjs ops.
 * `condition` is the one-hot label `[batch, numClasses]` of a conditional VAE, or null.
 *
 * @example
 * const networks: VaeNetworks = {
 *   params: { enc: initMlp(0, { widths: [784, 256, 2 * 8] }), dec: initMlp(1, { widths: [8, 256, 784] }) },
 *   encode: (p, x) => { const h = mlp(p.enc as MlpParams, x); const [mu, logVar] = tf.split(h, 2, -1); return { mu, logVar }; },
 *   decode: (p, z) => mlp(p.dec as MlpParams, z),
 * };
 */
export interface VaeNetworks<P extends ParamTree = ParamTree> {
  /** Initial parameter tensors; the `Vae` copies them into variables it owns (the originals are yours). */
  readonly params: P;
  /** `x [batch, ...inputShape]` to `mu, logVar [batch, latentDim]`. */
  encode(params: P, x: tf.Tensor, condition: tf.Tensor | null): { mu: tf.Tensor; logVar: tf.Tensor };
  /** `z [batch, latentDim]` to the decoder output `[batch, ...inputShape]` (logits or means). */
  decode(params: P, z: tf.Tensor, condition: tf.Tensor | null): tf.Tensor;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function withCondition(h: tf.Tensor, condition: tf.Tensor | null): tf.Tensor {
  return condition === null ? h : tf.concat([h, condition], 1);
}

/**
 * The MLP preset: encoder [D(+C), ...hidden, 2 latentDim], decoder [latentDim(+C), ...hidden reversed, D].
 * Returns new parameter tensors owned by the caller (a `Vae` built from them copies them).
 * @example
 * const nets = mlpNetworks(0, resolveConfig('example', { inputShape: [784], latentDim: 20 }));
 */
export function mlpNetworks(key: Seed, config: ResolvedVaeConfig): VaeNetworks {
  const features = product(config.inputShape);
  const classes = config.numClasses ?? 0;
  const [kEnc, kDec] = split(key, 2);
  const params = {
    encoder: initMlp(kEnc, { widths: [features + classes, ...config.hidden, 2 * config.latentDim] }),
    decoder: initMlp(kDec, { widths: [config.latentDim + classes, ...[...config.hidden].reverse(), features] }),
  };
  type P = typeof params;
  return {
    params,
    encode: (p, x, condition) => {
      const flat = tf.reshape(x, [x.shape[0], features]); // [batch, D]
      const h = mlp((p as P).encoder, withCondition(flat, condition)); // [batch, 2 latent]
      const [mu, logVar] = tf.split(h, 2, 1);
      return { mu, logVar };
    },
    decode: (p, z, condition) => {
      const out = mlp((p as P).decoder, withCondition(z, condition)); // [batch, D]
      return tf.reshape(out, [z.shape[0], ...config.inputShape]);
    },
  };
}

/**
 * The conv preset for images `[H, W, C]`: two 3x3 stride-2 convolutions (relu) and a linear layer
 * to (mu, logVar); the decoder is a linear layer to `[H/4, W/4, c2]` and two 4x4 stride-2
 * transposed convolutions (DCGAN-style, padding 1) back to `[H, W, C]`. Returns new parameter
 * tensors owned by the caller.
 * @example
 * const nets = convNetworks(0, resolveConfig('example', { inputShape: [28, 28, 1], latentDim: 16, architecture: 'conv' }));
 */
export function convNetworks(key: Seed, config: ResolvedVaeConfig): VaeNetworks {
  const [height, width, channels] = config.inputShape;
  const [c1, c2] = config.hidden;
  const classes = config.numClasses ?? 0;
  const [h4, w4] = [height / 4, width / 4];
  const flatFeatures = h4 * w4 * c2;
  const keys = split(key, 6);
  const params = {
    conv1: initConv2d(keys[0], { inChannels: channels, outChannels: c1, kernelSize: 3 }),
    conv2: initConv2d(keys[1], { inChannels: c1, outChannels: c2, kernelSize: 3 }),
    head: initLinear(keys[2], { inFeatures: flatFeatures + classes, outFeatures: 2 * config.latentDim }),
    project: initLinear(keys[3], { inFeatures: config.latentDim + classes, outFeatures: flatFeatures }),
    deconv1: initConvTranspose2d(keys[4], { inChannels: c2, outChannels: c1, kernelSize: 4 }),
    deconv2: initConvTranspose2d(keys[5], { inChannels: c1, outChannels: channels, kernelSize: 4 }),
  };
  type P = typeof params;
  return {
    params,
    encode: (p, x, condition) => {
      const q = p as P;
      const h1 = conv2d(q.conv1, x, { stride: 2, activation: 'relu' }); // [batch, H/2, W/2, c1]
      const h2 = conv2d(q.conv2, h1, { stride: 2, activation: 'relu' }); // [batch, H/4, W/4, c2]
      const flat = tf.reshape(h2, [x.shape[0], flatFeatures]); // [batch, H/4 * W/4 * c2]
      const out = linear(q.head, withCondition(flat, condition)); // [batch, 2 latent]
      const [mu, logVar] = tf.split(out, 2, 1);
      return { mu, logVar };
    },
    decode: (p, z, condition) => {
      const q = p as P;
      const h = linear(q.project, withCondition(z, condition), 'relu'); // [batch, H/4 * W/4 * c2]
      const grid = tf.reshape(h, [z.shape[0], h4, w4, c2]); // [batch, H/4, W/4, c2]
      const up = convTranspose2d(q.deconv1, grid, { stride: 2, padding: 1, activation: 'relu' }); // [batch, H/2, W/2, c1]
      return convTranspose2d(q.deconv2, up, { stride: 2, padding: 1 }); // [batch, H, W, C]
    },
  };
}
