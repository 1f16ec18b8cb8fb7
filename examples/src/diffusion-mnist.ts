// Class-conditional MNIST with classifier-free guidance: a small U-Net (base 16, levels 28/14/7,
// attention at 7x7) trained with label dropout (v-prediction, cosine schedule, min-SNR 5, Adam 1e-3,
// gradient clipping, EMA), sampled with DPM-Solver++(2M) in 25 steps at guidance 3 -- the recipe of
// packages/diffusion/bench/diffusion-mnist.bench.ts. Writes a grid with one row per class to
// out/diffusion-mnist and prints how often the shipped MNIST classifier agrees with the label.
// Run: pnpm example diffusion-mnist (GEN_SMOKE=1: seconds; GEN_DEMO_STEPS: training steps, default 6000,
// about an hour on 2 cores; GEN_DEMO_CHECKPOINT=out/diffusion-mnist-bench/unet.safetensors samples
// with the EMA weights of the bench's checkpoint instead of training).
import { mkdir } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { ExponentialMovingAverage, adam, batches, disposeParams, flattenParams, imageGrid, initBackend, loadCheckpointFile, train, writePng } from '@gen/core';
import { loadMnist, mnistSplit } from '@gen/datasets';
import { DPMSolverMultistepScheduler, UNet, diffusionLoss, generate } from '@gen/diffusion';
import { mnistClassify } from '@gen/eval';

const smoke = process.env.GEN_SMOKE === '1';
const steps = smoke ? 3 : Number(process.env.GEN_DEMO_STEPS ?? 6000);
const checkpoint = smoke ? undefined : process.env.GEN_DEMO_CHECKPOINT;
const perClass = smoke ? 2 : 10;
const outDir = 'out/diffusion-mnist';
await initBackend();

// 'linspace' spacing ends the sampler at t = 0 (with 'trailing' and 25 steps the last x0 estimate is
// taken at t = 39, which leaves visible pixel noise).
const schedule = new DPMSolverMultistepScheduler({ betaSchedule: 'squaredcos_cap_v2', predictionType: 'v_prediction', timestepSpacing: 'linspace' });
const net = UNet.create(0, smoke
  ? { inChannels: 1, baseChannels: 8, channelMults: [1, 2], numGroups: 4, numHeads: 2, numClasses: 10 }
  : { inChannels: 1, baseChannels: 16, channelMults: [1, 2, 2], numGroups: 8, numHeads: 4, numClasses: 10 });
if (checkpoint !== undefined) {
  // The bench saves Adam's slots and the EMA averages beside the params; sample with the averages.
  const ckpt = await loadCheckpointFile(checkpoint);
  const saved = flattenParams(ckpt.optimizerState ?? {});
  for (const [path, variable] of Object.entries(flattenParams(net.variables))) (variable as tf.Variable).assign(saved[`ema.${path}`]);
  console.log(`loaded the EMA weights of ${checkpoint} (step ${ckpt.step})`);
  disposeParams(ckpt.params);
  if (ckpt.optimizerState) disposeParams(ckpt.optimizerState);
} else {
  // Data in [-1, 1], [n, 28, 28, 1], with labels.
  const { train: trainSet } = mnistSplit(await loadMnist());
  const images = trainSet.images.map((v) => v * 2 - 1);
  const optimizer = adam(net.variables, { lr: 1e-3 });
  const ema = new ExponentialMovingAverage(net.variables, { decay: 0.999, warmup: true });
  const batchSize = smoke ? 8 : 32;
  await train({
    optimizer,
    ema,
    steps,
    seed: 1,
    clipNorm: 1,
    data: batches({ x: { values: images, shape: [trainSet.n, 28, 28, 1] }, y: { values: Int32Array.from(trainSet.labels), shape: [trainSet.n] } }, { batchSize, shuffle: true, seed: 2, dropLast: true, epochs: Math.ceil((steps * batchSize) / trainSet.n) + 1 }),
    lossFn: (batch, _step, key) => {
      return diffusionLoss({ model: net.denoiser, alphasCumprod: schedule.alphasCumprod, x0: batch.x, key, predictionType: 'v_prediction', classLabels: batch.y as tf.Tensor1D, labelDropout: 0.1, nullLabel: net.nullLabel, minSnrGamma: 5 });
    },
    progress: 'auto',
    log: process.stdout.isTTY ? undefined : { every: Math.max(1, Math.floor(steps / 10)) },
  });
  ema.copyTo(); // sample with the EMA weights
  optimizer.dispose();
  ema.dispose();
}

// Sample: one row per class, guidance scale 3.
const labels = Array.from({ length: 10 * perClass }, (_, i) => Math.floor(i / perClass));
const samples = await generate({ model: net.denoiser, scheduler: schedule, numInferenceSteps: smoke ? 2 : 25, shape: [labels.length, 28, 28, 1], seed: 3, classLabels: labels, guidanceScale: 3, nullLabel: net.nullLabel });
await mkdir(outDir, { recursive: true });
await writePng(`${outDir}/samples-per-class.png`, await imageGrid(samples, { columns: perClass, scale: 2, range: [-1, 1] }));
console.log(`wrote ${outDir}/samples-per-class.png (row k = digit k)`);
// How often the shipped MNIST classifier reads the conditioning label.
const unit = tf.tidy(() => tf.reshape(tf.clipByValue(tf.div(tf.add(samples, 1), 2), 0, 1), [labels.length, 784]));
const probs = await mnistClassify(unit);
const predicted = tf.argMax(probs, 1);
const read = await predicted.data();
console.log(`mnistClassify agrees with the label on ${labels.filter((c, i) => read[i] === c).length} of ${labels.length} digits`);
tf.dispose([samples, unit, probs, predicted]);
net.dispose();
