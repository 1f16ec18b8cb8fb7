// Generator and discriminator presets: MLPs, and DCGAN-style conv nets (Radford et al. 2016,
// "Unsupervised Representation Learning with Deep Convolutional GANs", without batch norm so that
// gradient penalties stay per-example); class conditioning by concatenated one-hot labels (Mirza &
// Osindero 2014), a projection discriminator (Miyato & Koyama 2018, eq. 3) or an auxiliary
// classifier head (Odena et al. 2017, ACGAN).
import * as tf from '@tensorflow/tfjs-core';
import {
  type Activation,
  type ConvTranspose2dParams,
  type Conv2dParams,
  type EmbeddingParams,
  type LinearParams,
  type MlpParams,
  type ParamTree,
  type Seed,
  conv2d,
  convTranspose2d,
  embedding,
  initConv2d,
  initConvTranspose2d,
  initEmbedding,
  initLinear,
  initMlp,
  linear,
  mlp,
  normal,
  split,
} from '@gen/core';

/** How class labels enter the networks. */
export type Conditioning = 'concat' | 'projection' | 'acgan';
/** The allowed values of `Conditioning`. */
export const CONDITIONINGS: readonly Conditioning[] = Object.freeze(['concat', 'projection', 'acgan'] as const);

/** Built-in architectures. */
export type Architecture = 'mlp' | 'dcgan28' | 'dcgan32';
/** The allowed values of `Architecture`. */
export const ARCHITECTURES: readonly Architecture[] = Object.freeze(['mlp', 'dcgan28', 'dcgan32'] as const);

/** Output activation of a preset generator. */
export type OutputActivation = 'linear' | 'tanh' | 'sigmoid';

/** What a discriminator returns: one realness logit per example, plus class logits for ACGAN. */
export interface DiscriminatorOutput {
  /** `[batch]`. */
  logits: tf.Tensor;
  /** `[batch, numClasses]`, only with ACGAN conditioning. */
  classLogits?: tf.Tensor;
}

/**
 * A generator: maps latents `z [batch, latentDim]` (and int32 labels `[batch]` when conditional) to
 * samples `[batch, ...dataShape]`. Must be synchronous and use `params` (so gradients reach them).
 */
export type GeneratorApply = (params: ParamTree, z: tf.Tensor, labels?: tf.Tensor) => tf.Tensor;
/**
 * A discriminator: maps samples `[batch, ...dataShape]` (and labels) to logits `[batch]` (or
 * `[batch, 1]`), or to `{logits, classLogits}`. Each output must depend only on its own example
 * (no batch statistics), since the gradient penalties need per-example input gradients.
 */
export type DiscriminatorApply = (params: ParamTree, x: tf.Tensor, labels?: tf.Tensor) => tf.Tensor | DiscriminatorOutput;

/** A network: an initialiser (new tensors, owned by the caller) and a pure forward function. */
export interface Network<A> {
  init: (key: Seed) => ParamTree;
  apply: A;
}

/** Shape-level description that the presets are built from (the relevant part of `GanConfig`). */
export interface PresetSpec {
  architecture: Architecture;
  latentDim: number;
  dataShape: readonly number[];
  numClasses: number; // 0 when unconditional
  conditioning: Conditioning;
  /** Hidden widths of the MLPs (G uses them in order, D too). */
  hidden: readonly number[];
  /** Base channel count of the DCGAN presets. */
  channels: number;
  outputActivation: OutputActivation;
}

const LEAKY: Activation = { name: 'leakyRelu', alpha: 0.2 };
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** One-hot float32 `[batch, numClasses]` of int32 labels `[batch]`. Call inside tidy. */
export function oneHotLabels(labels: tf.Tensor, numClasses: number): tf.Tensor {
  return tf.cast(tf.oneHot(labels as tf.Tensor1D, numClasses), 'float32');
}

function outputAct(x: tf.Tensor, act: OutputActivation): tf.Tensor {
  if (act === 'tanh') return tf.tanh(x);
  if (act === 'sigmoid') return tf.sigmoid(x);
  return x;
}

/** Generator input: z, with the one-hot label appended when conditional (all three modes). */
function generatorInput(spec: PresetSpec, z: tf.Tensor, labels?: tf.Tensor): tf.Tensor {
  return spec.numClasses > 0 && labels ? tf.concat([z, oneHotLabels(labels, spec.numClasses)], 1) : z;
}

/** Adds the conditional parts shared by all discriminator presets and returns the output. */
function discriminatorHeads(spec: PresetSpec, params: ParamTree, h: tf.Tensor, labels?: tf.Tensor): DiscriminatorOutput {
  const p = params as { head: LinearParams; classHead?: LinearParams; embed?: EmbeddingParams };
  let logits = tf.reshape(linear(p.head, h), [-1]); // [batch]
  if (spec.numClasses > 0 && spec.conditioning === 'projection' && labels && p.embed) {
    // Projection: logit += <embed(y), phi(x)>.
    logits = tf.add(logits, tf.sum(tf.mul(embedding(p.embed, labels), h), 1));
  }
  if (spec.numClasses > 0 && spec.conditioning === 'acgan' && p.classHead) {
    return { logits, classLogits: linear(p.classHead, h) };
  }
  return { logits };
}

function headParams(spec: PresetSpec, key: Seed, features: number): ParamTree {
  const [kHead, kClass, kEmbed] = split(key, 3);
  const out: Record<string, ParamTree> = { head: initLinear(kHead, { inFeatures: features, outFeatures: 1 }) };
  if (spec.numClasses > 0 && spec.conditioning === 'acgan') {
    out.classHead = initLinear(kClass, { inFeatures: features, outFeatures: spec.numClasses });
  }
  if (spec.numClasses > 0 && spec.conditioning === 'projection') {
    out.embed = initEmbedding(kEmbed, { numEmbeddings: spec.numClasses, embeddingDim: features, init: normal(0.02) });
  }
  return out;
}

/** D input for 'concat' conditioning appends the one-hot label (to features, or as channels). */
function concatLabelInput(spec: PresetSpec, x: tf.Tensor, labels?: tf.Tensor): tf.Tensor {
  if (!(spec.numClasses > 0 && spec.conditioning === 'concat' && labels)) return x;
  const onehot = oneHotLabels(labels, spec.numClasses); // [batch, K]
  if (x.rank === 2) return tf.concat([x, onehot], 1);
  const [b, h, w] = x.shape;
  const maps = tf.tile(tf.reshape(onehot, [b, 1, 1, spec.numClasses]), [1, h, w, 1]); // [batch, H, W, K]
  return tf.concat([x, maps], 3);
}

function dInputExtra(spec: PresetSpec): number {
  return spec.numClasses > 0 && spec.conditioning === 'concat' ? spec.numClasses : 0;
}

/** MLP generator: [latent (+K)] -> hidden (leaky ReLU) -> prod(dataShape), reshaped to dataShape. */
export function mlpGenerator(spec: PresetSpec): Network<GeneratorApply> {
  const zIn = spec.latentDim + spec.numClasses;
  const out = size(spec.dataShape);
  return {
    init: (key) => ({ body: initMlp(key, { widths: [zIn, ...spec.hidden, out] }) }),
    apply: (params, z, labels) =>
      tf.tidy(() => {
        const h = mlp((params as { body: MlpParams }).body, generatorInput(spec, z, labels), { activation: LEAKY });
        return tf.reshape(outputAct(h, spec.outputActivation), [-1, ...spec.dataShape]); // [batch, ...dataShape]
      }),
  };
}

/** MLP discriminator: flatten (+one-hot for 'concat') -> hidden (leaky ReLU) -> logit (+heads). */
export function mlpDiscriminator(spec: PresetSpec): Network<DiscriminatorApply> {
  const inDim = size(spec.dataShape) + dInputExtra(spec);
  const last = spec.hidden[spec.hidden.length - 1];
  return {
    init: (key) => {
      const [kBody, kHeads] = split(key, 2);
      return { body: initMlp(kBody, { widths: [inDim, ...spec.hidden] }), ...headParams(spec, kHeads, last) };
    },
    apply: (params, x, labels) =>
      tf.tidy(() => {
        const flat = tf.reshape(x, [-1, size(spec.dataShape)]); // [batch, features]
        const h = mlp((params as { body: MlpParams }).body, concatLabelInput(spec, flat, labels), {
          activation: LEAKY,
          finalActivation: LEAKY,
        });
        return discriminatorHeads(spec, params, h, labels) as unknown as tf.NamedTensorMap;
      }) as unknown as DiscriminatorOutput,
  };
}

/**
 * DCGAN generator for 28x28 (two 2x upsamplings from 7x7) or 32x32 (three from 4x4): linear to
 * `[start, start, 2^(n-1) * channels]`, ReLU, then 4x4 stride-2 transposed convs halving the
 * channels, the last to the data channels with the output activation.
 */
export function dcganGenerator(spec: PresetSpec): Network<GeneratorApply> {
  const [start, ups] = spec.architecture === 'dcgan28' ? [7, 2] : [4, 3];
  const outChannels = spec.dataShape[2];
  const widths = Array.from({ length: ups }, (_, i) => spec.channels * 2 ** (ups - 1 - i)); // e.g. [128, 64]
  const zIn = spec.latentDim + spec.numClasses;
  return {
    init: (key) => {
      const keys = split(key, ups + 1);
      const up: Record<string, ConvTranspose2dParams> = {};
      for (let i = 0; i < ups; i++) {
        const cout = i === ups - 1 ? outChannels : widths[i + 1];
        up[String(i)] = initConvTranspose2d(keys[i + 1], { inChannels: widths[i], outChannels: cout, kernelSize: 4 });
      }
      return { project: initLinear(keys[0], { inFeatures: zIn, outFeatures: start * start * widths[0] }), up };
    },
    apply: (params, z, labels) =>
      tf.tidy(() => {
        const p = params as { project: LinearParams; up: Record<string, ConvTranspose2dParams> };
        let h = tf.reshape(linear(p.project, generatorInput(spec, z, labels), 'relu'), [-1, start, start, widths[0]]); // [b, s, s, C0]
        for (let i = 0; i < ups; i++) {
          const last = i === ups - 1;
          h = convTranspose2d(p.up[String(i)], h, { stride: 2, padding: 1, activation: last ? 'linear' : 'relu' }); // spatial x2
        }
        return outputAct(h, spec.outputActivation); // [b, H, W, C]
      }),
  };
}

/**
 * DCGAN discriminator: 4x4 stride-2 convs (leaky ReLU 0.2) doubling the channels from `channels`,
 * 28 -> 14 -> 7 or 32 -> 16 -> 8 -> 4, then flatten and a linear logit (+ conditional heads).
 */
export function dcganDiscriminator(spec: PresetSpec): Network<DiscriminatorApply> {
  const [final, downs] = spec.architecture === 'dcgan28' ? [7, 2] : [4, 3];
  const inChannels = spec.dataShape[2] + dInputExtra(spec);
  const widths = Array.from({ length: downs }, (_, i) => spec.channels * 2 ** i); // e.g. [64, 128]
  const features = final * final * widths[downs - 1];
  return {
    init: (key) => {
      const keys = split(key, downs + 1);
      const down: Record<string, Conv2dParams> = {};
      for (let i = 0; i < downs; i++) {
        down[String(i)] = initConv2d(keys[i], { inChannels: i === 0 ? inChannels : widths[i - 1], outChannels: widths[i], kernelSize: 4 });
      }
      return { down, ...headParams(spec, keys[downs], features) };
    },
    apply: (params, x, labels) =>
      tf.tidy(() => {
        const p = params as { down: Record<string, Conv2dParams> };
        let h = concatLabelInput(spec, x, labels); // [b, H, W, C (+K)]
        for (let i = 0; i < downs; i++) h = conv2d(p.down[String(i)], h, { stride: 2, padding: 1, activation: LEAKY }); // spatial /2
        return discriminatorHeads(spec, params, tf.reshape(h, [-1, features]), labels) as unknown as tf.NamedTensorMap; // h: [b, features]
      }) as unknown as DiscriminatorOutput,
  };
}

/** The preset generator and discriminator for `spec.architecture`. */
export function presetNetworks(spec: PresetSpec): { generator: Network<GeneratorApply>; discriminator: Network<DiscriminatorApply> } {
  return spec.architecture === 'mlp'
    ? { generator: mlpGenerator(spec), discriminator: mlpDiscriminator(spec) }
    : { generator: dcganGenerator(spec), discriminator: dcganDiscriminator(spec) };
}
