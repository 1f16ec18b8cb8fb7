import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Relative source import: tests only (see package.json devDependencies note in the README).
import { loadMnist, mnistSplit } from '@gen/datasets';
import { decodeFeatureStatistics, encodeFeatureStatistics } from '../statistics.js';
import { decodeBase64, disposeMnistNet, fidMnist, loadMnistNet, mnistClassHistogram, mnistClassify, mnistFeatures, mnistStatistics } from './mnist.js';

type Split = ReturnType<typeof mnistSplit>;
let split: Split;
let testImages: tf.Tensor2D;

/** Every `step`-th image of a set (keeps all classes). */
function every(set: Split['train'], step: number): { images: Float32Array; labels: Int32Array; n: number } {
  const n = Math.ceil(set.n / step);
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    images.set(set.images.subarray(i * step * 784, (i * step + 1) * 784), i * 784);
    labels[i] = set.labels[i * step];
  }
  return { images, labels, n };
}

/** Box blur of radius r (clamped at the borders). */
function blur(images: Float32Array, n: number, r: number): Float32Array {
  const out = new Float32Array(images.length);
  for (let k = 0; k < n; k++) {
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        let s = 0;
        let c = 0;
        for (let dy = -r; dy <= r; dy++) {
          for (let dx = -r; dx <= r; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy < 0 || yy >= 28 || xx < 0 || xx >= 28) continue;
            s += images[k * 784 + yy * 28 + xx];
            c++;
          }
        }
        out[k * 784 + y * 28 + x] = s / c;
      }
    }
  }
  return out;
}

/** Adds deterministic uniform noise of amplitude a, clipped to [0, 1]. */
function noise(images: Float32Array, a: number): Float32Array {
  let state = 12345;
  return images.map((v) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return Math.min(1, Math.max(0, v + a * (state / 4294967296 - 0.5) * 2));
  });
}

beforeAll(async () => {
  split = mnistSplit(await loadMnist());
  testImages = tf.tensor2d(split.test.images, [split.test.n, 784]);
  loadMnistNet(); // cached weights, so that leak tests count only per-call tensors
});
afterAll(() => {
  testImages.dispose();
  disposeMnistNet();
});

describe('shipped MNIST classifier', () => {
  it('classifies the 1000 held-out digits with >= 98% accuracy', async () => {
    const probs = await mnistClassify(testImages);
    expect(probs.shape).toEqual([1000, 10]);
    const predicted = tf.argMax(probs, 1);
    const p = await predicted.data();
    let correct = 0;
    for (let i = 0; i < 1000; i++) if (p[i] === split.test.labels[i]) correct++;
    console.log(`MNIST classifier held-out accuracy (${tf.getBackend()}): ${(correct / 10).toFixed(1)}% (${correct}/1000)`);
    expect(correct / 1000).toBeGreaterThanOrEqual(0.98);
    const sums = await tf.sum(probs, 1).data();
    expect(Math.max(...Array.from(sums, (s) => Math.abs(s - 1)))).toBeLessThan(1e-5);
    tf.dispose([probs, predicted]);
  });

  it('FID of held-out digits vs train digits is small and grows monotonically with blur and noise', async () => {
    const reference = every(split.train, 9); // 1000 train digits, all classes
    const stats = await mnistStatistics(tf.tidy(() => tf.tensor2d(reference.images, [reference.n, 784])));
    // Saved and loaded reference statistics give the same numbers.
    const loaded = decodeFeatureStatistics(encodeFeatureStatistics(stats));
    const base = every(split.test, 5); // 200 held-out digits (n > d = 128)
    const fidOf = async (images: Float32Array) => {
      const t = tf.tensor2d(images, [base.n, 784]);
      const r = await fidMnist(t, loaded);
      t.dispose();
      expect([r.n1, r.n2, r.dim]).toEqual([200, 1000, 128]);
      return r.value;
    };
    const clean = await fidOf(base.images);
    const blurred = [await fidOf(blur(base.images, base.n, 1)), await fidOf(blur(base.images, base.n, 2))];
    const noised = [await fidOf(noise(base.images, 0.3)), await fidOf(noise(base.images, 0.6))];
    console.log(`fidMnist: held-out ${clean.toFixed(3)}, blur r=1,2 ${blurred.map((v) => v.toFixed(2))}, noise 0.3,0.6 ${noised.map((v) => v.toFixed(2))}`);
    expect(clean).toBeLessThan(0.25 * Math.min(blurred[0], noised[0]));
    expect(blurred[1]).toBeGreaterThan(blurred[0]);
    expect(noised[1]).toBeGreaterThan(noised[0]);
  });

  it('class histogram of held-out digits covers all 10 modes; of ones only, one mode', async () => {
    const sub = every(split.test, 5); // 200 digits, 20 per class
    const x = tf.tensor2d(sub.images, [sub.n, 784]);
    const h = await mnistClassHistogram(x);
    x.dispose();
    expect(h.modesCovered).toBe(10);
    expect(h.n).toBe(200);
    expect(h.klToUniform).toBeLessThan(0.01);
    const ones = tf.tidy(() => tf.slice(testImages, [100, 0], [100, 784])); // class 1
    const h1 = await mnistClassHistogram(ones, { minFraction: 0.05 });
    expect(h1.modesCovered).toBe(1);
    expect(h1.counts[1]).toBeGreaterThanOrEqual(98);
    expect(h1.klToUniform).toBeGreaterThan(2);
    ones.dispose();
  });

  it('features are [n, 128]; calls do not leak; shapes [n,28,28] and [n,28,28,1] give the same result', async () => {
    const x = tf.tidy(() => tf.slice(testImages, [0, 0], [7, 784]));
    await expectNoLeak(() => mnistFeatures(x));
    await expectNoLeak(() => mnistClassify(x));
    await expectNoLeak(async () => {
      await fidMnist(x, x, { smallSample: 'ignore' });
      await mnistClassHistogram(x);
      const stats = await mnistStatistics(x);
      expect([stats.n, stats.dim]).toEqual([7, 128]);
    });
    const f2 = await mnistFeatures(x);
    const x3 = tf.reshape(x, [7, 28, 28]);
    const f3 = await mnistFeatures(x3);
    expect(f2.shape).toEqual([7, 128]);
    expect(Array.from(await f3.data())).toEqual(Array.from(await f2.data()));
    tf.dispose([x, f2, x3, f3]);
  });

  it('rejects bad images with clear errors', async () => {
    const bad = tf.zeros([2, 27, 27]);
    await expect(mnistFeatures(bad)).rejects.toThrow(ShapeError);
    await expect(mnistFeatures(bad)).rejects.toThrow(
      "Argument 'images' passed to 'mnistFeatures' must have shape [n, 784], [n, 28, 28] or [n, 28, 28, 1], but got [2, 27, 27].",
    );
    const nan = tf.fill([1, 784], Number.NaN);
    await expect(mnistClassify(nan)).rejects.toThrow(InvalidArgumentError);
    await expect(mnistClassify([1, 2] as never)).rejects.toThrow(InvalidArgumentError);
    tf.dispose([bad, nan]);
    expect(Array.from(decodeBase64('AAEC/w=='))).toEqual([0, 1, 2, 255]);
  });
});
