// MNIST for the VAE and diffusion sections, loaded once: the fixed split (the last 100 digits of
// each class are held out) and the fidMnist reference statistics of the held-out digits, with the
// score of real training digits against them as the floor a perfect generator would reach.
import * as tf from '@tensorflow/tfjs-core';
import { type MnistData, loadMnist, mnistSplit } from '@gen/datasets';
import { type FeatureStatistics, fidMnist, mnistStatistics } from '@gen/eval';
import type { Budget } from './types.js';

let data: Promise<{ train: MnistData; test: MnistData }> | null = null;

/** The fixed train/test split (9000 / 1000 digits, [n, 784] in [0, 1]). */
export function mnist(): Promise<{ train: MnistData; test: MnistData }> {
  data ??= loadMnist().then((all) => mnistSplit(all));
  return data;
}

/** Every `step`-th digit of a set (the sets are grouped by class, so every class stays in). */
export function everyNth(set: MnistData, step: number): MnistData {
  const n = Math.ceil(set.n / step);
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    images.set(set.images.subarray(i * step * 784, (i * step + 1) * 784), i * 784);
    labels[i] = set.labels[i * step];
  }
  return { images, labels, n };
}

/** How many samples each MNIST model is scored with, per budget (FID is biased like 1/n: compare at equal n). */
export const FID_SAMPLES: Record<Budget, number> = { smoke: 200, small: 1000, full: 1000 };

export interface FidReference {
  statistics: FeatureStatistics;
  /** Held-out digits behind the statistics. */
  n: number;
  /** fidMnist of as many real training digits as samples are scored with: the floor. */
  floor: number;
}

const references = new Map<Budget, Promise<FidReference>>();

/** Reference statistics (held-out digits) and the real-data floor, computed once per budget. */
export function fidReference(budget: Budget): Promise<FidReference> {
  let ref = references.get(budget);
  if (ref === undefined) {
    ref = (async () => {
      const { train, test } = await mnist();
      const n = FID_SAMPLES[budget];
      const held = everyNth(test, Math.max(1, Math.floor(test.n / n)));
      const heldX = tf.tensor2d(held.images, [held.n, 784]);
      const statistics = await mnistStatistics(heldX);
      heldX.dispose();
      const real = everyNth(train, Math.floor(train.n / n));
      const realX = tf.tensor2d(real.images.subarray(0, n * 784), [n, 784]);
      const floor = (await fidMnist(realX, statistics, { smallSample: 'ignore' })).value;
      realX.dispose();
      return { statistics, n: held.n, floor };
    })();
    references.set(budget, ref);
  }
  return ref;
}
