// Class-conditional diffusion on MNIST: a denoiser trained with v-prediction on the cosine schedule
// (min-SNR 5, label dropout 0.1 for classifier-free guidance, EMA weights), sampled with
// DPM-Solver++(2M) at guidance 3, one row per digit. Scored by fidMnist and by how often the
// shipped classifier reads each sample as the digit it was asked for.
//
// The model and budget are one table (DIFFUSION_BUDGETS): `denoiser: 'mlp'` (fast on CPU) or
// `'unet'` (far better digits, ~0.26 s per step of 32 on 2 quiet CPU cores, so only for long
// budgets or GPUs). The `full` budget is the recipe of packages/diffusion/bench/diffusion-mnist.bench.ts,
// whose 1000 samples the shipped classifier read as the asked-for digit 99.7% of the time.
import * as tf from '@tensorflow/tfjs-core';
import { ExponentialMovingAverage, adam, batches, imageGrid, lineChartSvg, train as trainLoop } from '@gen/core';
import { DPMSolverMultistepScheduler, MlpDenoiser, UNet, diffusionLoss, generate } from '@gen/diffusion';
import { fidMnist, mnistClassify } from '@gen/eval';
import { FID_SAMPLES, fidReference, mnist } from './mnist-data.js';
import type { Budget, DemoContext, FamilyRunner, SectionResult } from './types.js';

export interface DiffusionBudget {
  denoiser: 'mlp' | 'unet';
  steps: number;
  batchSize: number;
  lr: number;
  /** MLP: hidden width and depth. */
  hidden: number;
  depth: number;
  /** U-Net: channels of the first level and the per-level multipliers. */
  baseChannels: number;
  channelMults: number[];
  samplingSteps: number;
}

/** MLP 256 x 3 trains at ~50 ms per step of 128 on wasm with @gen/native (2 cores). */
export const DIFFUSION_BUDGETS: Record<Budget, DiffusionBudget> = {
  smoke: { denoiser: 'mlp', steps: 20, batchSize: 64, lr: 1e-3, hidden: 64, depth: 2, baseChannels: 8, channelMults: [1, 2], samplingSteps: 10 },
  small: { denoiser: 'mlp', steps: 1500, batchSize: 128, lr: 1e-3, hidden: 256, depth: 3, baseChannels: 16, channelMults: [1, 2, 2], samplingSteps: 25 },
  full: { denoiser: 'unet', steps: 6000, batchSize: 32, lr: 1e-3, hidden: 256, depth: 3, baseChannels: 16, channelMults: [1, 2, 2], samplingSteps: 25 },
};

const GUIDANCE = 3;

async function run({ budget, log }: DemoContext): Promise<SectionResult> {
  const b = DIFFUSION_BUDGETS[budget];
  const { train } = await mnist();
  const images = train.images.map((v) => v * 2 - 1); // [-1, 1]
  // Both denoisers see the same numbers; only the layout differs: [n, 784] rows or [n, 28, 28, 1] images.
  const sampleShape = b.denoiser === 'mlp' ? [784] : [28, 28, 1];
  const net =
    b.denoiser === 'mlp'
      ? MlpDenoiser.create(0, { dataDim: 784, hidden: b.hidden, depth: b.depth, numClasses: 10 })
      : UNet.create(0, { inChannels: 1, baseChannels: b.baseChannels, channelMults: b.channelMults, numGroups: Math.min(8, b.baseChannels), numHeads: 4, numClasses: 10 });
  const scheduler = new DPMSolverMultistepScheduler({ betaSchedule: 'squaredcos_cap_v2', predictionType: 'v_prediction', timestepSpacing: 'linspace' });
  const optimizer = adam(net.variables, { lr: b.lr });
  const ema = new ExponentialMovingAverage(net.variables, { decay: 0.999, warmup: true });
  const epochs = Math.ceil((b.steps * b.batchSize) / train.n) + 1;
  const started = performance.now();
  const result = await trainLoop({
    optimizer,
    ema,
    steps: b.steps,
    seed: 1,
    clipNorm: b.denoiser === 'unet' ? 1 : undefined, // as in the U-Net bench
    data: batches(
      { x: { values: images, shape: [train.n, ...sampleShape] }, y: { values: Int32Array.from(train.labels), shape: [train.n] } },
      { batchSize: b.batchSize, shuffle: true, seed: 2, dropLast: true, epochs },
    ),
    lossFn: (batch, _step, key) =>
      diffusionLoss({ model: net.denoiser, alphasCumprod: scheduler.alphasCumprod, x0: batch.x, key, predictionType: 'v_prediction', classLabels: batch.y as tf.Tensor1D, labelDropout: 0.1, nullLabel: net.nullLabel, minSnrGamma: 5 }),
    progress: 'auto',
  });
  const trainSeconds = (performance.now() - started) / 1000;

  // Sample with the EMA weights: n digits, labels 0..9 in turn.
  ema.copyTo();
  const n = FID_SAMPLES[budget];
  const labels = Array.from({ length: n }, (_, i) => i % 10);
  log(`sampling ${n} digits (DPM-Solver++ ${b.samplingSteps} steps, guidance ${GUIDANCE}) and scoring them`);
  const sampled = await generate({ model: net.denoiser, scheduler, numInferenceSteps: b.samplingSteps, shape: [n, ...sampleShape], seed: 3, classLabels: labels, guidanceScale: GUIDANCE, nullLabel: net.nullLabel });
  const unit = tf.tidy(() => tf.reshape(tf.clipByValue(tf.div(tf.add(sampled, 1), 2), 0, 1), [n, 784])); // [n, 784] in [0, 1]
  const probs = await mnistClassify(unit);
  const predicted = await tf.tidy(() => tf.argMax(probs, 1)).data();
  const agreement = labels.filter((label, i) => predicted[i] === label).length / n;
  const reference = await fidReference(budget);
  const fid = await fidMnist(unit, reference.statistics, { smallSample: 'ignore' });

  // Grid: row k = digit k, ten per row. Sample i has label i % 10, so sample 10 j + k is the j-th of class k.
  const perRow = Math.min(10, Math.floor(n / 10));
  const order = Array.from({ length: 10 * perRow }, (_, i) => (i % perRow) * 10 + Math.floor(i / perRow));
  const gridImages = tf.tidy(() => tf.gather(unit, tf.tensor1d(order, 'int32')));
  const grid = await imageGrid(gridImages, { columns: perRow, scale: 2, imageShape: [28, 28] });
  const rows = result.metrics.rows;
  const curve = lineChartSvg([{ name: 'diffusion loss (v-prediction, min-SNR weighted)', points: rows.map((r) => [r.step, r.loss] as const) }], {
    title: `Class-conditional ${b.denoiser === 'mlp' ? 'MLP' : 'U-Net'} denoiser on MNIST`, xLabel: 'step', yLabel: 'loss',
  });
  tf.dispose([sampled, unit, probs, gridImages]);
  optimizer.dispose();
  ema.dispose();
  net.dispose();

  const model = b.denoiser === 'mlp' ? `MLP denoiser (${b.depth} hidden layers of ${b.hidden}, time and class embeddings)` : `U-Net (base ${b.baseChannels} channels, multipliers [${b.channelMults.join(', ')}], attention at the lowest resolution)`;
  return {
    family: 'diffusion',
    title: 'Class-conditional diffusion on MNIST digits',
    description: `@gen/diffusion ${model} trained for ${result.step} steps of ${b.batchSize} digits in [-1, 1] (v-prediction, cosine schedule, min-SNR 5, label dropout 0.1, EMA 0.999); sampled with DPM-Solver++(2M), ${b.samplingSteps} steps, classifier-free guidance ${GUIDANCE}. A short CPU budget: expect recognisable but noisy digits; the U-Net (set \`denoiser: 'unet'\` in DIFFUSION_BUDGETS) gives cleaner ones at far more compute.`,
    figures: [
      { kind: 'png', file: 'diffusion-samples.png', caption: `samples with guidance ${GUIDANCE}: row k was asked for digit k`, image: grid },
      { kind: 'svg', file: 'diffusion-loss.svg', caption: 'training curve', svg: curve },
    ],
    metrics: [
      { name: `fidMnist, ${fid.n1} samples`, value: fid.value, unit: '', meaning: `Frechet distance of the shipped MNIST network's features to ${reference.n} held-out digits; lower is better` },
      { name: `fidMnist, ${n} real training digits`, value: reference.floor, unit: '', meaning: 'the same score for real digits: the floor a perfect generator would reach at this n' },
      { name: 'samples classified as their label', value: 100 * agreement, unit: '%', meaning: 'share of samples the shipped classifier (98.7% on held-out digits) reads as the digit that was asked for; higher is better, 10% is chance', digits: 3 },
      { name: 'time per training step', value: rows.reduce((s, r) => s + r.stepMs, 0) / Math.max(1, rows.length), unit: 'ms', meaning: 'mean wall time of one Adam step on this backend', digits: 3 },
    ],
    details: { ...b, trainedSteps: result.step, trainSeconds, finalLoss: rows[rows.length - 1]?.loss, fid: fid.value, agreement },
  };
}

export const diffusionSection: FamilyRunner = { family: 'diffusion', run };
