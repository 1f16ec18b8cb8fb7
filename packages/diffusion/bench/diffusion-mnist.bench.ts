// MNIST, two parts, each against PyTorch (CPU, 1 thread) from the same run:
// 1. the class-conditional U-Net: time per training step (v-prediction, min-SNR 5, label dropout 0.1,
//    Adam) and per guided sampling step (model on the doubled batch, scale 3) (bench/diffusion_mnist_peer.py);
// 2. quality with the class-conditional MLP denoiser (the U-Net trains at ~7 s/step on wasm here, too
//    slow to train to quality in a session): train both for the same steps, sample 1000 digits with
//    DPM-Solver++(2M) 25 steps and guidance 3, and compare mnistClassify agreement with the conditioning
//    label and fidMnist to the 1000 held-out digits (bench/diffusion_mnist_mlp_peer.py).
// Run: node --import tsx packages/diffusion/bench/diffusion-mnist.bench.ts   (GEN_SMOKE=1: seconds)
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { adam, describeBackend, initBackend, randomUniform, train } from '@gen/core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ExponentialMovingAverage, batches } from '@gen/core';
import { DDPMScheduler, DPMSolverMultistepScheduler, MlpDenoiser, UNet, diffusionLoss, generate, guidedOutput } from '../src/index.js';
// Other workspace packages by source path until @gen/diffusion's devDependencies are installed.
import { loadMnist, mnistSplit } from '@gen/datasets';
import { fidMnist, mnistClassify } from '@gen/eval';
import { type BenchRow, median, recordResults, repoRoot, runPython, timeMs } from '../../../scripts/bench/kit.js';

const smoke = process.env.GEN_SMOKE === '1';
const base = smoke ? 8 : 16;
const batch = smoke ? 4 : 32;
const backend = await initBackend();
console.log(`backend ${JSON.stringify(await describeBackend())}, load ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
const load = loadavg()[0];

const net = UNet.create(0, { inChannels: 1, baseChannels: base, channelMults: [1, 2, 2], numGroups: 8, numHeads: 4, numClasses: 10 });
const schedule = new DDPMScheduler({ betaSchedule: 'squaredcos_cap_v2', predictionType: 'v_prediction' });
const optimizer = adam(net.variables, { lr: 2e-4 });
const x0 = tf.tidy(() => tf.sub(tf.mul(randomUniform(1, [batch, 28, 28, 1]), 2), 1));
const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
const result = await train({
  optimizer,
  steps: smoke ? 2 : 6,
  seed: 1,
  data: () => ({ x: x0, y: labels }),
  disposeBatches: false,
  lossFn: ({ x, y }, _step, key) => diffusionLoss({ model: net.denoiser, alphasCumprod: schedule.alphasCumprod, x0: x, key, predictionType: 'v_prediction', classLabels: y as tf.Tensor1D, labelDropout: 0.1, nullLabel: 10, minSnrGamma: 5 }),
  progress: false,
});
const trainMs = median(result.metrics.rows.slice(1).map((r) => r.stepMs)); // first step is warm-up
const sampleMs = await timeMs(
  () => {
    const out = guidedOutput(net.denoiser, x0, 500, { classLabels: labels as tf.Tensor1D, guidanceScale: 3, nullLabel: 10 });
    return out.data().then(() => out.dispose());
  },
  { warmup: 1, repeats: smoke ? 1 : 5 },
);
const peer = runPython<{ trainStepMs: number; sampleStepMs: number; torch: string }>(`${repoRoot}/packages/diffusion/bench/diffusion_mnist_peer.py`, [String(base), String(batch)]);
const peerName = peer.ok ? `PyTorch ${peer.value.torch} CPU, 1 thread` : 'PyTorch';
const note = peer.ok ? `U-Net base ${base}, mults [1,2,2], batch ${batch}; load average ${load.toFixed(1)} on 2 cores` : peer.reason;
const rows: BenchRow[] = [
  { name: `U-Net training step (batch ${batch})`, ours: trainMs, peer: peer.ok ? peer.value.trainStepMs : null, peerName, unit: 'ms', lowerIsBetter: true, note },
  { name: `guided sampling step (model on 2 x ${batch})`, ours: sampleMs, peer: peer.ok ? peer.value.sampleStepMs : null, peerName, unit: 'ms', lowerIsBetter: true, note },
];
tf.dispose([x0, labels]);
optimizer.dispose();
net.dispose();

// Part 2: quality with the MLP denoiser.
const qSteps = Number(process.env.GEN_BENCH_STEPS ?? (smoke ? 20 : 3000));
const [qBatch, qHidden, qDepth, qSamples, qSampling, qGuidance] = [128, smoke ? 64 : 256, 3, smoke ? 50 : 1000, 25, 3];
const { train: trainSet, test: testSet } = mnistSplit(await loadMnist());
const images = trainSet.images.map((v) => v * 2 - 1); // [-1, 1]
const dir = `${repoRoot}/out/diffusion-mnist-bench`;
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}/train.f32`, new Uint8Array(images.buffer));
writeFileSync(`${dir}/labels.i32`, new Uint8Array(Int32Array.from(trainSet.labels).buffer));
// 'linspace' (diffusers' default for DPM-Solver++) ends at t = 0; with 'trailing' and 25 steps the last
// x0 estimate is taken at t = 39, which left visible pixel noise after 2000 training steps (first run).
const qMinSnr = process.env.GEN_BENCH_MIN_SNR === 'none' ? undefined : Number(process.env.GEN_BENCH_MIN_SNR ?? 5);
const qSpacing = (process.env.GEN_BENCH_SPACING ?? 'linspace') as 'linspace' | 'trailing' | 'leading';
const qScheduler = new DPMSolverMultistepScheduler({ betaSchedule: 'squaredcos_cap_v2', predictionType: 'v_prediction', timestepSpacing: qSpacing });
const mlpNet = MlpDenoiser.create(0, { dataDim: 784, hidden: qHidden, depth: qDepth, numClasses: 10 });
const qOptimizer = adam(mlpNet.variables, { lr: 1e-3 });
const ema = new ExponentialMovingAverage(mlpNet.variables, { decay: 0.999, warmup: true });
const qStart = performance.now();
const qResult = await train({
  optimizer: qOptimizer,
  ema,
  steps: qSteps,
  seed: 2,
  data: batches({ x: { values: images, shape: [trainSet.n, 784] }, y: { values: Int32Array.from(trainSet.labels), shape: [trainSet.n] } }, { batchSize: qBatch, shuffle: true, seed: 3, dropLast: true, epochs: Math.ceil((qSteps * qBatch) / trainSet.n) + 1 }),
  lossFn: (b, _step, key) => diffusionLoss({ model: mlpNet.denoiser, alphasCumprod: qScheduler.alphasCumprod, x0: b.x, key, predictionType: 'v_prediction', classLabels: b.y as tf.Tensor1D, labelDropout: 0.1, nullLabel: 10, minSnrGamma: qMinSnr }),
  progress: false,
  log: { every: Math.max(1, Math.floor(qSteps / 10)) },
});
const qTrainMs = (performance.now() - qStart) / qSteps;
ema.copyTo();
const conditioning = Array.from({ length: qSamples }, (_, i) => i % 10);
const sampleStart = performance.now();
const ours = await generate({ model: mlpNet.denoiser, scheduler: qScheduler, numInferenceSteps: qSampling, shape: [qSamples, 784], seed: 4, classLabels: conditioning, guidanceScale: qGuidance, nullLabel: 10 });
await ours.data();
const qSampleMs = (performance.now() - sampleStart) / qSampling;
const reference = tf.tensor2d(testSet.images, [testSet.n, 784]);
async function quality(samples: tf.Tensor): Promise<{ agreement: number; fid: number }> {
  const unit = tf.tidy(() => tf.clipByValue(tf.div(tf.add(samples, 1), 2), 0, 1)); // [-1, 1] -> [0, 1]
  const probs = await mnistClassify(unit);
  const predicted = tf.argMax(probs, 1);
  const p = await predicted.data();
  const agreement = conditioning.filter((c, i) => p[i] === c).length / conditioning.length;
  const fid = (await fidMnist(unit, reference)).value;
  tf.dispose([unit, probs, predicted]);
  return { agreement, fid };
}
const oursQuality = await quality(ours);
console.log(`ours: agreement ${oursQuality.agreement}, FID ${oursQuality.fid.toFixed(3)}, ${qTrainMs.toFixed(1)} ms/train step, ${qSampleMs.toFixed(1)} ms/sampling step`);
const qPeer = runPython<{ trainStepMs: number; sampleStepMs: number; finalLoss: number; torch: string }>(
  `${repoRoot}/packages/diffusion/bench/diffusion_mnist_mlp_peer.py`,
  [`${dir}/train.f32`, `${dir}/labels.i32`, `${dir}/peer-samples.f32`, String(qSteps), String(qBatch), String(qHidden), String(qDepth), String(qSamples), String(qSampling), String(qGuidance), qSpacing, String(qMinSnr ?? 'none')],
  3_600_000,
);
let peerQuality: { agreement: number; fid: number } | null = null;
if (qPeer.ok) {
  const peerSamples = tf.tensor2d(new Float32Array(readFileSync(`${dir}/peer-samples.f32`).buffer.slice(0)), [qSamples, 784]);
  peerQuality = await quality(peerSamples);
  console.log(`peer: agreement ${peerQuality.agreement}, FID ${peerQuality.fid.toFixed(3)}, ${JSON.stringify(qPeer.value)}`);
  peerSamples.dispose();
}
const qPeerName = qPeer.ok ? `PyTorch ${qPeer.value.torch} CPU, 1 thread, same MLP/steps/schedule` : 'PyTorch';
const qNote = `MLP denoiser ${qHidden}x${qDepth}, ${qSteps} steps of batch ${qBatch}, min-SNR ${qMinSnr ?? 'off'}, DPM-Solver++(2M) ${qSampling} steps (${qSpacing}), guidance ${qGuidance}, ${qSamples} samples; load average ${loadavg()[0].toFixed(1)}${qPeer.ok ? '' : `; ${qPeer.reason}`}`;
rows.push(
  { name: 'mnistClassify agreement with the conditioning label (target >= 0.90)', ours: oursQuality.agreement, peer: peerQuality?.agreement ?? null, peerName: qPeerName, unit: 'fraction', lowerIsBetter: false, note: qNote },
  { name: 'fidMnist to the 1000 held-out digits', ours: oursQuality.fid, peer: peerQuality?.fid ?? null, peerName: qPeerName, unit: 'FID (MNIST net)', lowerIsBetter: true, note: qNote },
  { name: `MLP denoiser training step (batch ${qBatch})`, ours: qTrainMs, peer: qPeer.ok ? qPeer.value.trainStepMs : null, peerName: qPeerName, unit: 'ms', lowerIsBetter: true, note: `final loss ours ${qResult.metrics.last()?.loss.toFixed(4)}, peer ${qPeer.ok ? qPeer.value.finalLoss.toFixed(4) : 'n/a'}` },
  { name: `MLP guided sampling step (${qSamples} digits, model on 2 x ${qSamples})`, ours: qSampleMs, peer: qPeer.ok ? qPeer.value.sampleStepMs : null, peerName: qPeerName, unit: 'ms', lowerIsBetter: true },
);
writeFileSync(`${dir}/ours-samples.f32`, new Uint8Array(((await ours.data()) as Float32Array).buffer));
tf.dispose([ours, reference]);
qOptimizer.dispose();
ema.dispose();
mlpNet.dispose();

if (smoke) for (const r of rows) console.log(r.name, r.ours, r.peer);
else recordResults('diffusion-mnist', `Class-conditional diffusion on MNIST (backend ${backend})`, `${['GEN_BENCH_STEPS', 'GEN_BENCH_SPACING', 'GEN_BENCH_MIN_SNR'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `).join('')}node --import tsx packages/diffusion/bench/diffusion-mnist.bench.ts`, rows);
