// 2-D diffusion: an MLP denoiser learns to predict the noise added to points of a toy data set
// (DDPM training, epsilon target, min-SNR weighting); samples come from DDIM in 20 steps, always
// from the same starting noise, so the picture changes only because the model does. The network
// is small (2 hidden layers of 64) so that it also trains at a few steps per second on WebGPU's
// software adapter (SwiftShader) in CI.
import * as tf from '@tensorflow/tfjs-core';
import { Rng, adam, foldIn } from '@gen/core';
import { DDIMScheduler, DDPMScheduler, MlpDenoiser, diffusionLoss, generate } from '@gen/diffusion';
import type { SampleView, StartOptions } from '../../protocol.js';
import { NUM_POINTS_2D as NUM_POINTS, restoreTrainCheckpoint, saveTrainCheckpoint, toyPoints, trainUntilStopped, type ModelAdapter, type ModelFactory, type Settings2D as Settings } from '../model.js';

const BATCH = 256;
const NUM_SAMPLES = 500;
const SAMPLING_STEPS = 20;

async function build(settings: Settings, checkpoint?: Uint8Array): Promise<ModelAdapter> {
  const { dataset, seed } = settings;
  const { points, extent, shown } = toyPoints(settings);
  const data = tf.tensor2d(points, [NUM_POINTS, 2]);
  // One training schedule (linear betas, T = 1000); DDIM samples from the same alphas.
  const schedule = new DDPMScheduler({ predictionType: 'epsilon', timestepSpacing: 'trailing' });
  // x0 estimates clipped to the drawn square: an untrained denoiser's would land far outside it.
  const sampler = new DDIMScheduler({ ...schedule.config, clipSample: true, clipSampleRange: extent });
  const model = MlpDenoiser.create(foldIn(seed, 1), { dataDim: 2, hidden: 64, depth: 2 });
  const optimizer = adam(model.variables, { lr: 2e-3 });
  let rng = new Rng(foldIn(seed, 2));
  if (checkpoint) rng = restoreTrainCheckpoint(checkpoint, optimizer);

  return {
    name: 'diffusion-2d',
    get step() {
      return optimizer.stepCount;
    },
    train: (signal, onStep) =>
      trainUntilStopped(
        {
          optimizer,
          rng,
          // Batch of step s: a window of the (already shuffled) points, a function of s alone.
          data: (step) => tf.tidy(() => tf.slice(data, [(step * BATCH) % (NUM_POINTS - BATCH), 0], [BATCH, 2])),
          lossFn: (x0, _step, key) =>
            diffusionLoss({ model: model.denoiser, alphasCumprod: schedule.alphasCumprod, x0, key, predictionType: 'epsilon', minSnrGamma: 5 }),
        },
        signal,
        onStep,
      ),
    async samples(signal): Promise<SampleView> {
      const x = await generate({ model: model.denoiser, scheduler: sampler, numInferenceSteps: SAMPLING_STEPS, shape: [NUM_SAMPLES, 2], seed: foldIn(seed, 3), signal });
      const values = (await x.data()) as Float32Array; // [NUM_SAMPLES, 2]
      x.dispose();
      return { kind: 'points', points: values, data: shown, extent };
    },
    save: () => saveTrainCheckpoint(optimizer, rng, { playground: 'diffusion-2d', dataset, seed }),
    dispose() {
      tf.dispose(data);
      optimizer.dispose();
      model.dispose();
      schedule.dispose();
      sampler.dispose();
    },
  };
}

export const diffusion2d: ModelFactory = {
  name: 'diffusion-2d',
  create: (options: StartOptions) => build({ dataset: options.dataset, seed: options.seed }),
  recognises: (config) => (config as { playground?: string })?.playground === 'diffusion-2d',
  load: (bytes, config) => build(config as Settings, bytes),
};
