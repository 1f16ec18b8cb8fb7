// Class-conditional MLP GAN on MNIST with the default recipe (projection discriminator): samples
// classified as their label by @gen/eval's mnistClassify, the class histogram of samples with
// uniformly drawn labels, and fidMnist against the test digits, next to the same architecture
// trained with PyTorch for the same steps (bench/mnist_peer.py), with time per step from one run.
// Run: node --import tsx packages/gan/bench/mnist.bench.ts   (GEN_MNIST_STEPS, default 3000)
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { batchIndices, initBackend } from '@gen/core';
import { type BenchRow, median, recordResults, repoRoot, runPython } from '../../../scripts/bench/kit.js';
// Benches may import other workspace packages by source path until they are devDependencies here.
import { loadMnist, mnistSplit } from '@gen/datasets';
import { fidMnist, mnistClassHistogram, mnistClassify } from '@gen/eval';
import { Gan } from '../src/index.js';

const steps = Number(process.env.GEN_MNIST_STEPS ?? 3000);
const [pixels, batchSize, classes, latentDim] = [784, 64, 10, 64];

const backend = await initBackend();
const { train, test } = mnistSplit(await loadMnist());
const images = train.images.map((v) => 2 * v - 1); // [-1, 1] for the tanh generator
const perEpoch = Math.floor(train.n / batchSize);
let cache: { epoch: number; batches: Int32Array[] } | undefined;
const data = (k: number) => {
  const epoch = Math.floor(k / perEpoch);
  if (cache?.epoch !== epoch) cache = { epoch, batches: batchIndices(train.n, { batchSize, shuffle: true, seed: 1, dropLast: true, epoch }) };
  const idx = cache.batches[k % perEpoch];
  const x = new Float32Array(batchSize * pixels);
  const y = new Int32Array(batchSize);
  idx.forEach((row, i) => {
    x.set(images.subarray(row * pixels, (row + 1) * pixels), i * pixels);
    y[i] = train.labels[row];
  });
  return { x: tf.tensor2d(x, [batchSize, pixels]), labels: tf.tensor1d(y, 'int32') };
};

const gan = new Gan(
  { latentDim, dataShape: [pixels], hidden: [256, 512], numClasses: classes, conditioning: 'projection', outputActivation: 'tanh' },
  { seed: 0 },
);
const result = await gan.fit({ data, steps, progress: false, log: { every: Math.max(1, Math.floor(steps / 10)) }, onWarning: (w) => console.error(w.message) });
const ours = median(result.history.map((h) => h.stepMs));

/** Accuracy of mnistClassify against the conditioning labels, for images in [0, 1]. */
async function labelAccuracy(samples01: tf.Tensor, labels: number[]): Promise<number> {
  const probs = await mnistClassify(samples01);
  const predicted = tf.argMax(probs, 1);
  const p = await predicted.data();
  tf.dispose([probs, predicted]);
  return labels.filter((label, i) => p[i] === label).length / labels.length;
}

// Ours: 100 EMA samples per class (labels uniform over classes, so their predicted-class histogram
// is that of unconditional sampling with uniform labels).
const perClass = Array.from({ length: 1000 }, (_, i) => Math.floor(i / 100));
const oursPerClass = tf.tidy(() => tf.div(tf.add(gan.sample(1000, { seed: 11, labels: perClass }), 1), 2));
const testImages = tf.tensor2d(test.images, [test.n, pixels]);
const accuracy = await labelAccuracy(oursPerClass, perClass);
const histogram = await mnistClassHistogram(oursPerClass);
const fid = (await fidMnist(oursPerClass, testImages)).value;

// The PyTorch peer: same data (train split), same steps.
const dir = mkdtempSync(join(tmpdir(), 'gan-mnist-'));
writeFileSync(join(dir, 'x.f32'), Buffer.from(train.images.buffer, train.images.byteOffset, train.images.byteLength));
writeFileSync(join(dir, 'y.i32'), Buffer.from(train.labels.buffer, train.labels.byteOffset, train.labels.byteLength));
const peer = runPython<{ msPerStep: number; steps: number; torch: string }>(
  join(repoRoot, 'packages/gan/bench/mnist_peer.py'),
  [join(dir, 'x.f32'), join(dir, 'y.i32'), String(train.n), String(steps), join(dir, 'samples.f32')],
  3_600_000,
);
let peerAccuracy: number | null = null;
let peerFid: number | null = null;
let peerFractions: number[] | null = null;
if (peer.ok) {
  const bytes = readFileSync(join(dir, 'samples.f32'));
  const peerSamples = tf.tensor2d(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), [1000, pixels]);
  peerAccuracy = await labelAccuracy(peerSamples, perClass);
  peerFid = (await fidMnist(peerSamples, testImages)).value;
  peerFractions = (await mnistClassHistogram(peerSamples)).fractions;
  peerSamples.dispose();
}
tf.dispose([oursPerClass, testImages]);
gan.dispose();

const peerName = peer.ok ? `PyTorch ${peer.value.torch} CPU, 1 thread` : 'PyTorch';
const load = `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`;
const rows: BenchRow[] = [
  { name: `samples classified as their label (${steps} steps)`, ours: 100 * accuracy, peer: peerAccuracy === null ? null : 100 * peerAccuracy, peerName, unit: '%', lowerIsBetter: false, note: 'target >= 90%' },
  {
    name: 'smallest predicted-class share of samples (uniform labels)',
    ours: 100 * Math.min(...histogram.fractions),
    peer: peerFractions === null ? null : 100 * Math.min(...peerFractions),
    peerName,
    unit: '%',
    lowerIsBetter: false,
    note: `target >= 5%; ours ${histogram.fractions.map((f) => (100 * f).toFixed(1)).join(' ')}${peerFractions ? `; peer ${peerFractions.map((f) => (100 * f).toFixed(1)).join(' ')}` : ''}`,
  },
  {
    name: 'largest predicted-class share of samples (uniform labels)',
    ours: 100 * Math.max(...histogram.fractions),
    peer: peerFractions === null ? null : 100 * Math.max(...peerFractions),
    peerName,
    unit: '%',
    lowerIsBetter: true,
    note: 'target <= 15%',
  },
  { name: 'fidMnist vs the 1000 test digits (1000 samples, 100 per class)', ours: fid, peer: peerFid, peerName, unit: 'FID', lowerIsBetter: true },
  {
    name: `time per step (D + G update, batch ${batchSize}), ${backend}`,
    ours,
    peer: peer.ok ? peer.value.msPerStep : null,
    peerName,
    unit: 'ms',
    lowerIsBetter: true,
    note: `${peer.ok ? '' : `${peer.reason}; `}${load}`,
  },
];
if (process.env.GEN_SMOKE !== '1') {
  recordResults('gan-mnist', `Conditional MLP GAN on MNIST (projection D, default recipe), ${steps} steps`, `GEN_MNIST_STEPS=${steps} node --import tsx packages/gan/bench/mnist.bench.ts`, rows);
} else console.log(JSON.stringify(rows, null, 1));
