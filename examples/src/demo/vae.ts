// VAE on MNIST (the first demo, now one section): a 784-400-20 MLP VAE with a Bernoulli decoder
// trained on binarised digits; samples from the prior, test digits beside their reconstructions,
// the training curve, the test negative ELBO and fidMnist of prior samples.
import * as tf from '@tensorflow/tfjs-core';
import { imageGrid, lineChartSvg } from '@gen/core';
import { fidMnist } from '@gen/eval';
import { Vae } from '@gen/vae';
import { FID_SAMPLES, fidReference, mnist } from './mnist-data.js';
import type { Budget, DemoContext, FamilyRunner, SectionResult } from './types.js';

/** Training steps (batch 128) per budget: ~18 ms/step on wasm with @gen/native on 2 cores. */
export const VAE_BUDGETS: Record<Budget, { steps: number; latentDim: number; hidden: number[] }> = {
  smoke: { steps: 30, latentDim: 20, hidden: [400] },
  small: { steps: 3000, latentDim: 20, hidden: [400] },
  full: { steps: 14000, latentDim: 20, hidden: [400] },
};

async function run({ budget, log }: DemoContext): Promise<SectionResult> {
  const { steps, latentDim, hidden } = VAE_BUDGETS[budget];
  const { train, test } = await mnist();
  const binarise = (images: Float32Array) => images.map((v) => (v > 0.5 ? 1 : 0));
  const xTrain = tf.tensor2d(binarise(train.images), [train.n, 784]);
  const xTest = tf.tensor2d(binarise(test.images), [test.n, 784]);

  const vae = new Vae({ inputShape: [784], latentDim, hidden }, { seed: 0 });
  const started = performance.now();
  const result = await vae.fit(xTrain, { steps, batchSize: 128, lr: 1e-3, seed: 0, progress: 'auto' });
  const trainSeconds = (performance.now() - started) / 1000;

  log('scoring: test negative ELBO and fidMnist of prior samples');
  const elbo = vae.elbo(xTest, { seed: 3 }); // [1000] nats per digit
  const testNelbo = -(await tf.mean(elbo).data())[0];
  const n = FID_SAMPLES[budget];
  const probabilities = vae.sample(n, { seed: 1 }); // [n, 784] decoder means in [0, 1]
  const reference = await fidReference(budget);
  const fid = await fidMnist(probabilities, reference.statistics, { smallSample: 'ignore' });

  const first64 = tf.slice(probabilities, 0, 64);
  const samples = await imageGrid(first64, { columns: 8, scale: 2, imageShape: [28, 28] });
  const pairs = tf.tidy(() => {
    const x = tf.gather(xTest, tf.tensor1d(Array.from({ length: 32 }, (_, i) => i * 31), 'int32')); // every class
    return tf.reshape(tf.stack([x, vae.reconstruct(x)], 1), [64, 784]); // digit, reconstruction, ...
  });
  const reconstructions = await imageGrid(pairs, { columns: 8, scale: 2, imageShape: [28, 28] });
  const rows = result.metrics.rows;
  const curve = lineChartSvg([{ name: 'negative ELBO (train batch)', points: rows.map((r) => [r.step, r.loss] as const) }], {
    title: 'VAE on MNIST digits', xLabel: 'step', yLabel: 'nats per digit',
  });
  tf.dispose([xTrain, xTest, elbo, probabilities, first64, pairs]);
  vae.dispose();

  return {
    family: 'vae',
    title: 'Variational autoencoder on MNIST digits',
    description: `@gen/vae MLP VAE (784-${hidden.join('-')}-${latentDim} encoder, mirrored decoder, Bernoulli likelihood) trained for ${result.step} steps of 128 binarised digits (Adam 1e-3) on the 9000 training digits of the \`mnist\` package; the 1000 held-out digits score it.`,
    figures: [
      { kind: 'png', file: 'vae-samples.png', caption: '64 samples from the prior (decoder pixel probabilities)', image: samples },
      { kind: 'png', file: 'vae-reconstructions.png', caption: 'held-out digits (odd columns) and their reconstructions (even columns)', image: reconstructions },
      { kind: 'svg', file: 'vae-loss.svg', caption: 'training curve', svg: curve },
    ],
    metrics: [
      { name: 'test negative ELBO', value: testNelbo, unit: 'nats/digit', meaning: 'an upper bound on the negative log-likelihood of held-out binarised digits; lower is better (~97 after 50 epochs, see BENCHMARKS.md)' },
      { name: `fidMnist, ${fid.n1} prior samples`, value: fid.value, unit: '', meaning: `Frechet distance of the shipped MNIST network's features to ${reference.n} held-out digits; lower is better` },
      { name: `fidMnist, ${n} real training digits`, value: reference.floor, unit: '', meaning: 'the same score for real digits: the floor a perfect generator would reach at this n' },
      { name: 'time per training step', value: rows.reduce((s, r) => s + r.stepMs, 0) / Math.max(1, rows.length), unit: 'ms', meaning: 'mean wall time of one Adam step on this backend', digits: 3 },
    ],
    details: { steps: result.step, trainSeconds, trainNelbo: rows[rows.length - 1]?.loss, testNelbo, fid: fid.value, fidFloor: reference.floor },
  };
}

export const vaeSection: FamilyRunner = { family: 'vae', run };
