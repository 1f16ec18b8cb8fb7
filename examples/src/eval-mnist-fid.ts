// @gen/eval on MNIST: classify held-out digits with the shipped network, compute reference
// statistics of the train digits once (saved to out/eval-mnist-fid/reference.safetensors), then
// FID, KID, precision/recall and the class histogram of held-out digits and of blurred and noised
// copies — a metric sanity check that any generator's samples can go through the same way.
// Run: node --import tsx examples/src/eval-mnist-fid.ts     (GEN_SMOKE=1: seconds; GEN_BACKEND picks the backend)
import { mkdir, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describeBackend, initBackend, randomUniform } from '@gen/core';
import { loadMnist, mnistSplit } from '@gen/datasets';
import {
  disposeMnistNet,
  encodeFeatureStatistics,
  fidMnist,
  kernelInceptionDistance,
  mnistClassHistogram,
  mnistClassify,
  mnistFeatures,
  mnistStatistics,
  precisionRecall,
} from '@gen/eval';

const smoke = process.env.GEN_SMOKE === '1';
const outDir = 'out/eval-mnist-fid';
await initBackend();
console.log(`backend: ${JSON.stringify(await describeBackend())}`);

// Data: the fixed split; in smoke mode every 10th digit (still all classes).
const { train, test } = mnistSplit(await loadMnist());
const take = (set: typeof train, step: number) => {
  const n = Math.ceil(set.n / step);
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    images.set(set.images.subarray(i * step * 784, (i * step + 1) * 784), i * 784);
    labels[i] = set.labels[i * step];
  }
  return { images, labels, n };
};
const trainPart = take(train, smoke ? 30 : 1);
const testPart = take(test, smoke ? 5 : 1);
const trainX = tf.tensor2d(trainPart.images, [trainPart.n, 784]);
const testX = tf.tensor2d(testPart.images, [testPart.n, 784]);

// 1. Accuracy of the shipped classifier on held-out digits.
const probs = await mnistClassify(testX);
const predicted = await tf.tidy(() => tf.argMax(probs, 1)).data();
let correct = 0;
predicted.forEach((p, i) => (correct += p === testPart.labels[i] ? 1 : 0));
probs.dispose();
console.log(`held-out accuracy: ${((100 * correct) / testPart.n).toFixed(1)}% of ${testPart.n}`);

// 2. Reference statistics, computed once and saved for reuse.
const reference = await mnistStatistics(trainX);
await mkdir(outDir, { recursive: true });
await writeFile(`${outDir}/reference.safetensors`, encodeFeatureStatistics(reference));

// 3. Scores of held-out digits and of corrupted copies.
const corruptions: Record<string, (x: tf.Tensor2D) => tf.Tensor2D> = {
  'held-out digits': (x) => tf.clone(x),
  'blur 3x3': (x) => tf.tidy(() => tf.reshape(tf.avgPool(tf.reshape(x, [-1, 28, 28, 1]) as tf.Tensor4D, 3, 1, 'same'), [-1, 784]) as tf.Tensor2D),
  'noise 0.3': (x) => tf.tidy(() => tf.clipByValue(tf.add(x, randomUniform(7, x.shape, -0.3, 0.3)), 0, 1) as tf.Tensor2D),
  'noise 0.6': (x) => tf.tidy(() => tf.clipByValue(tf.add(x, randomUniform(8, x.shape, -0.6, 0.6)), 0, 1) as tf.Tensor2D),
};
// k-NN and kernel metrics hold n x n float64 matrices: use every 4th train digit (2250) for them.
const realSubset = take(trainPart, smoke ? 1 : 4);
const realX = tf.tensor2d(realSubset.images, [realSubset.n, 784]);
const realFeatures = await mnistFeatures(realX);
realX.dispose();
const rows: Record<string, unknown>[] = [];
for (const [name, corrupt] of Object.entries(corruptions)) {
  const x = corrupt(testX);
  const fid = await fidMnist(x, reference, { smallSample: 'ignore' });
  const fakeFeatures = await mnistFeatures(x);
  const kid = await kernelInceptionDistance(realFeatures, fakeFeatures, { subsets: smoke ? 3 : 20, subsetSize: Math.min(smoke ? 30 : 500, testPart.n) });
  const pr = await precisionRecall(realFeatures, fakeFeatures, { k: 3 });
  const histogram = await mnistClassHistogram(x);
  rows.push({ name, fid: fid.value, kid: kid.mean, kidStd: kid.std, precision: pr.precision, recall: pr.recall, modes: histogram.modesCovered, n: fid.n1, referenceN: fid.n2 });
  console.log(
    `${name.padEnd(16)} FID ${fid.value.toFixed(2).padStart(7)}  KID ${kid.mean.toFixed(4)} ± ${kid.std.toFixed(4)}  precision ${pr.precision.toFixed(3)} recall ${pr.recall.toFixed(3)}  modes ${histogram.modesCovered}/10  (n = ${fid.n1} vs ${fid.n2})`,
  );
  tf.dispose([x, fakeFeatures]);
}
await writeFile(`${outDir}/summary.json`, `${JSON.stringify({ accuracy: correct / testPart.n, rows }, null, 2)}\n`);
console.log(`wrote ${outDir}/reference.safetensors, summary.json`);
tf.dispose([trainX, testX, realFeatures]);
disposeMnistNet();
