// Class-conditional MNIST with classifier-free guidance: a small U-Net trained with label dropout
// (v-prediction, cosine schedule, min-SNR 5, EMA), sampled with DPM-Solver++ at guidance 3; writes a
// grid with one row per class to out/diffusion-mnist. Run: pnpm example diffusion-mnist (GEN_SMOKE=1: seconds)
import { mkdir } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { ExponentialMovingAverage, adam, batches, imageGrid, initBackend, train, writePng } from '@gen/core';
import { loadMnist, mnistSplit } from '@gen/datasets';
import { DPMSolverMultistepScheduler, UNet, diffusionLoss, generate } from '@gen/diffusion';

const smoke = process.env.GEN_SMOKE === '1';
const steps = smoke ? 3 : Number(process.env.GEN_DEMO_STEPS ?? 3000);
const perClass = smoke ? 2 : 8;
const outDir = 'out/diffusion-mnist';
await initBackend();

// Data in [-1, 1], [n, 28, 28, 1], with labels.
const { train: trainSet } = mnistSplit(await loadMnist());
const images = trainSet.images.map((v) => v * 2 - 1);
const schedule = new DPMSolverMultistepScheduler({ betaSchedule: 'squaredcos_cap_v2', predictionType: 'v_prediction', timestepSpacing: 'trailing' });
const net = UNet.create(0, smoke ? { inChannels: 1, baseChannels: 8, channelMults: [1, 2], numGroups: 4, numHeads: 2, numClasses: 10 } : { inChannels: 1, numClasses: 10 });
const optimizer = adam(net.variables, { lr: 2e-4 });
const ema = new ExponentialMovingAverage(net.variables, { decay: 0.999, warmup: true });
const batchSize = smoke ? 8 : 64;
await train({
  optimizer,
  ema,
  steps,
  seed: 1,
  data: batches({ x: { values: images, shape: [trainSet.n, 28, 28, 1] }, y: { values: Int32Array.from(trainSet.labels), shape: [trainSet.n] } }, { batchSize, shuffle: true, seed: 2, dropLast: true, epochs: Math.ceil((steps * batchSize) / trainSet.n) + 1 }),
  lossFn: (batch, _step, key) => {
    return diffusionLoss({ model: net.denoiser, alphasCumprod: schedule.alphasCumprod, x0: batch.x, key, predictionType: 'v_prediction', classLabels: batch.y as tf.Tensor1D, labelDropout: 0.1, nullLabel: net.nullLabel, minSnrGamma: 5 });
  },
  progress: 'auto',
  log: process.stdout.isTTY ? undefined : { every: Math.max(1, Math.floor(steps / 10)) },
});

// Sample: one row per class, guidance scale 3, with the EMA weights.
ema.copyTo();
const labels = Array.from({ length: 10 * perClass }, (_, i) => Math.floor(i / perClass));
const samples = await generate({ model: net.denoiser, scheduler: schedule, numInferenceSteps: smoke ? 2 : 25, shape: [labels.length, 28, 28, 1], seed: 3, classLabels: labels, guidanceScale: 3, nullLabel: net.nullLabel });
await mkdir(outDir, { recursive: true });
await writePng(`${outDir}/samples-per-class.png`, await imageGrid(samples, { columns: perClass, scale: 2, range: [-1, 1] }));
console.log(`wrote ${outDir}/samples-per-class.png (row k = digit k)`);
samples.dispose();
optimizer.dispose();
ema.dispose();
net.dispose();
