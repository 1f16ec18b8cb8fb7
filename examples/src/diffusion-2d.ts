// Diffusion on 2-D toy data: train the MLP denoiser on the swiss roll and the checkerboard, then
// sample with each of the six schedulers and write a density PNG and a scatter SVG per scheduler to
// out/diffusion-2d. Run: pnpm example diffusion-2d   (GEN_SMOKE=1 for a seconds-long run)
import { mkdir, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { ExponentialMovingAverage, adam, checkerboard, imageGrid, initBackend, scatterSvg, swissRoll, train, writePng } from '@gen/core';
import { DDPMScheduler, MlpDenoiser, SCHEDULER_NAMES, createScheduler, diffusionLoss, generate } from '@gen/diffusion';

const smoke = process.env.GEN_SMOKE === '1';
const trainSteps = smoke ? 20 : 3000;
const numSamples = smoke ? 200 : 4000;
const stepsFor: Record<string, number> = { DDPMScheduler: smoke ? 20 : 1000, HeunDiscreteScheduler: 25, DPMSolverMultistepScheduler: 20 };
const outDir = 'out/diffusion-2d';
await initBackend();
await mkdir(outDir, { recursive: true });

/** A [1, 128, 128] density picture of points in [-3, 3]^2 (log counts). */
function density(points: Float32Array): tf.Tensor {
  const size = 128;
  const counts = new Float32Array(size * size);
  for (let i = 0; i < points.length / 2; i++) {
    const col = Math.floor(((points[2 * i] + 3) / 6) * size);
    const row = Math.floor(((3 - points[2 * i + 1]) / 6) * size);
    if (col >= 0 && col < size && row >= 0 && row < size) counts[row * size + col] += 1;
  }
  const max = Math.log1p(Math.max(...counts));
  return tf.tensor3d(counts.map((c) => Math.log1p(c) / max), [1, size, size]);
}

for (const [dataName, make] of [['swiss-roll', swissRoll], ['checkerboard', checkerboard]] as const) {
  const points = make({ n: 20000, seed: 1 });
  const data = tf.tensor2d(points.x, [points.n, 2]);
  // One schedule for training (epsilon, linear betas, T = 1000); every scheduler samples from it.
  const schedule = new DDPMScheduler({ predictionType: 'epsilon', timestepSpacing: 'trailing' });
  const model = MlpDenoiser.create(0, { dataDim: 2, hidden: 128, depth: 3 });
  const optimizer = adam(model.variables, { lr: 1e-3 });
  const ema = new ExponentialMovingAverage(model.variables, { decay: 0.995, warmup: true });
  await train({
    optimizer,
    ema,
    steps: trainSteps,
    seed: 2,
    data: (step) => tf.tidy(() => tf.slice(data, [(step * 256) % (points.n - 256), 0], [256, 2])),
    lossFn: (x0, _step, key) => diffusionLoss({ model: model.denoiser, alphasCumprod: schedule.alphasCumprod, x0, key, predictionType: 'epsilon', minSnrGamma: 5 }),
    progress: 'auto',
    log: process.stdout.isTTY ? undefined : { every: Math.max(1, Math.floor(trainSteps / 5)) },
  });
  ema.copyTo(); // sample with the averaged weights
  for (const name of SCHEDULER_NAMES) {
    const scheduler = createScheduler(name, schedule.config);
    const steps = stepsFor[name] ?? 50;
    const samples = await generate({ model: model.denoiser, scheduler, numInferenceSteps: steps, shape: [numSamples, 2], seed: 3 });
    const values = (await samples.data()) as Float32Array;
    const picture = density(values);
    await writePng(`${outDir}/${dataName}-${name}.png`, await imageGrid(picture, { scale: 2 }));
    await writeFile(`${outDir}/${dataName}-${name}.svg`, scatterSvg(values, { title: `${dataName}: ${name}, ${steps} steps` }));
    console.log(`${dataName}: ${name} (${steps} steps) -> ${outDir}/${dataName}-${name}.png`);
    tf.dispose([samples, picture]);
    scheduler.dispose();
  }
  tf.dispose(data);
  optimizer.dispose();
  ema.dispose();
  model.dispose();
}
