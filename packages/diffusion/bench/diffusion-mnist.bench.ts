// Class-conditional U-Net diffusion on MNIST against PyTorch (CPU, 1 thread; bench/diffusion_mnist_peer.py),
// the same architecture, schedule, loss, optimizer, steps, batch and sampler on both sides:
// 1. time per training step (v-prediction, min-SNR 5, label dropout 0.1, Adam) and per guided sampling
//    step (model on the doubled batch), from one run on random data;
// 2. quality: train on the MNIST train split (9000 digits) with EMA, sample 1000 digits (100 per class)
//    with DPM-Solver++(2M) and classifier-free guidance, and score both sides' samples with the same
//    mnistClassify (agreement with the conditioning label) and fidMnist (to the 1000 held-out digits).
// Our training saves a checkpoint every GEN_BENCH_CHECKPOINT_EVERY steps to out/diffusion-mnist-bench/
// and resumes from it when rerun with the same config (kill it and rerun: it continues).
// Run: node --import tsx packages/diffusion/bench/diffusion-mnist.bench.ts   (GEN_SMOKE=1: seconds)
// Knobs: GEN_BENCH_STEPS (6000), GEN_BENCH_BATCH (32), GEN_BENCH_BASE (16), GEN_BENCH_MULTS (1,2,2),
// GEN_BENCH_LR (1e-3), GEN_BENCH_GUIDANCE (3), GEN_BENCH_SAMPLING_STEPS (25), GEN_BENCH_SKIP_TIMING=1.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  ExponentialMovingAverage,
  Rng,
  adam,
  describeBackend,
  flattenParams,
  unflattenParams,
  initBackend,
  loadCheckpointFile,
  randomUniform,
  restoreTrainState,
  saveCheckpointFile,
  train,
  type TrainState,
} from '@gen/core';
import { DDPMScheduler, DPMSolverMultistepScheduler, UNet, diffusionLoss, generate, guidedOutput } from '../src/index.js';
import { loadMnist, mnistSplit } from '@gen/datasets';
import { fidMnist, mnistClassify } from '@gen/eval';
import { type BenchRow, median, recordResults, repoRoot, runPython, timeMs } from '../../../scripts/bench/kit.js';

const smoke = process.env.GEN_SMOKE === '1';
const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const base = Number(env('GEN_BENCH_BASE', smoke ? '8' : '16'));
const mults = env('GEN_BENCH_MULTS', '1,2,2').split(',').map(Number);
const batch = Number(env('GEN_BENCH_BATCH', smoke ? '4' : '32'));
const steps = Number(env('GEN_BENCH_STEPS', smoke ? '4' : '6000'));
const lr = Number(env('GEN_BENCH_LR', '1e-3'));
const clipNorm = 1;
const emaDecay = 0.999;
const guidance = Number(env('GEN_BENCH_GUIDANCE', '3'));
const samplingSteps = Number(env('GEN_BENCH_SAMPLING_STEPS', smoke ? '3' : '25'));
const numSamples = smoke ? 20 : 1000;
const spacing = 'linspace'; // diffusers' default for DPM-Solver++; ends at t = 0
const checkpointEvery = Number(env('GEN_BENCH_CHECKPOINT_EVERY', smoke ? '2' : '250'));
const modelConfig = { inChannels: 1, baseChannels: base, channelMults: mults, numGroups: 8, numHeads: 4, numClasses: 10 };
const backend = await initBackend();
const fmtLoad = () => loadavg().map((v) => v.toFixed(1)).join(' ');
console.log(`backend ${JSON.stringify(await describeBackend())}, load ${fmtLoad()}`);
const dir = `${repoRoot}/out/diffusion-mnist-bench${smoke ? '-smoke' : ''}`;
mkdirSync(dir, { recursive: true });
const rows: BenchRow[] = [];
const arch = `U-Net base ${base}, mults [${mults}], batch ${batch}`;

// Part 1: step times on random data, ours and PyTorch's from the same run.
if (process.env.GEN_BENCH_SKIP_TIMING !== '1') {
  const net = UNet.create(0, modelConfig);
  const schedule = new DDPMScheduler({ betaSchedule: 'squaredcos_cap_v2', predictionType: 'v_prediction' });
  const optimizer = adam(net.variables, { lr: 2e-4 });
  const x0 = tf.tidy(() => tf.sub(tf.mul(randomUniform(1, [batch, 28, 28, 1]), 2), 1));
  const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
  const load = loadavg()[0];
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
  tf.dispose([x0, labels]);
  optimizer.dispose();
  net.dispose();
  const peer = runPython<{ trainStepMs: number; sampleStepMs: number; torch: string }>(`${repoRoot}/packages/diffusion/bench/diffusion_mnist_peer.py`, [String(base), String(batch), mults.join(',')]);
  const peerName = peer.ok ? `PyTorch ${peer.value.torch} CPU, 1 thread` : 'PyTorch';
  const note = peer.ok ? `${arch}; load average ${load.toFixed(1)} on 2 cores` : peer.reason;
  rows.push(
    { name: `U-Net training step (batch ${batch})`, ours: trainMs, peer: peer.ok ? peer.value.trainStepMs : null, peerName, unit: 'ms', lowerIsBetter: true, note },
    { name: `guided sampling step (model on 2 x ${batch})`, ours: sampleMs, peer: peer.ok ? peer.value.sampleStepMs : null, peerName, unit: 'ms', lowerIsBetter: true, note },
  );
  console.log(`timing: ours ${trainMs.toFixed(1)} / ${sampleMs.toFixed(1)} ms, peer ${peer.ok ? `${peer.value.trainStepMs.toFixed(1)} / ${peer.value.sampleStepMs.toFixed(1)} ms` : peer.reason}`);
}

// Part 2: quality of the class-conditional U-Net trained on MNIST.
const { train: trainSet, test: testSet } = mnistSplit(await loadMnist());
const images = trainSet.images.map((v) => v * 2 - 1); // [-1, 1]
writeFileSync(`${dir}/train.f32`, new Uint8Array(images.buffer));
writeFileSync(`${dir}/labels.i32`, new Uint8Array(Int32Array.from(trainSet.labels).buffer));
const scheduler = new DPMSolverMultistepScheduler({ betaSchedule: 'squaredcos_cap_v2', predictionType: 'v_prediction', timestepSpacing: spacing });
const net = UNet.create(0, modelConfig);
const optimizer = adam(net.variables, { lr });
const ema = new ExponentialMovingAverage(net.variables, { decay: emaDecay, warmup: true });
const runConfig = { model: modelConfig, batch, lr, clipNorm, emaDecay };
const checkpointPath = `${dir}/unet.safetensors`;
let rng: Rng | number = 2;
// Training wall time of the steps before this process (from the checkpoint), so a resumed run
// reports the mean over all steps when the earlier processes recorded theirs.
let priorMs: number | undefined;
let priorSteps = 0;
// Losses of the last 100 steps, kept in the checkpoint so a run resumed at its end still reports them.
const recentLosses: number[] = [];
if (existsSync(checkpointPath)) {
  // Resume: params, Adam slots, EMA averages and the Rng, saved as one checkpoint file.
  const ckpt = await loadCheckpointFile(checkpointPath);
  const meta = ckpt.config as { run: unknown; optimizer: TrainState['optimizer']['config']; ema: { config: { decay: number; warmup: boolean }; step: number }; trainMs?: number; recentLosses?: number[] };
  if (JSON.stringify(meta.run) === JSON.stringify(runConfig)) {
    const extra = flattenParams(ckpt.optimizerState ?? {});
    const pick = (prefix: string) => Object.fromEntries(Object.entries(extra).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    const state: TrainState = {
      step: ckpt.step,
      params: flattenParams(ckpt.params),
      optimizer: { config: meta.optimizer, step: ckpt.step, slots: pick('slot.') },
      rng: ckpt.rngState ?? { key: [0, 2] },
      ema: { config: meta.ema.config, step: meta.ema.step, shadow: pick('ema.') },
    };
    rng = restoreTrainState(state, optimizer, ema);
    priorMs = meta.trainMs;
    priorSteps = ckpt.step;
    recentLosses.push(...(meta.recentLosses ?? []));
    console.log(`resumed from ${checkpointPath} at step ${ckpt.step}`);
  } else console.log(`ignoring ${checkpointPath}: it was made with another config`);
  tf.dispose([...Object.values(flattenParams(ckpt.params)), ...Object.values(flattenParams(ckpt.optimizerState ?? {}))]);
}
const startStep = optimizer.stepCount;
// Batch of a step: `batch` digits drawn uniformly with replacement by a generator seeded by the
// step, so a resumed run sees the batches an uninterrupted one would.
function batchAt(step: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  let s = (step * 2654435761 + 12345) >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0; // mulberry32
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const x = new Float32Array(batch * 784);
  const y = new Int32Array(batch);
  for (let i = 0; i < batch; i++) {
    const j = Math.floor(next() * trainSet.n);
    x.set(images.subarray(j * 784, (j + 1) * 784), i * 784);
    y[i] = trainSet.labels[j];
  }
  return { x: tf.tensor4d(x, [batch, 28, 28, 1]), y: tf.tensor1d(y, 'int32') };
}
const reference = tf.tensor2d(testSet.images, [testSet.n, 784]);
// Guided samples, label i % 10, in chunks (the model runs on the doubled chunk).
async function sampleDigits(n: number, numSteps: number, seed: number): Promise<tf.Tensor2D> {
  const parts: tf.Tensor[] = [];
  for (let c0 = 0; c0 < n; c0 += 200) {
    const labels = Array.from({ length: Math.min(200, n - c0) }, (_, i) => (c0 + i) % 10);
    const out = await generate({ model: net.denoiser, scheduler, numInferenceSteps: numSteps, shape: [labels.length, 28, 28, 1], seed: seed + c0, classLabels: labels, guidanceScale: guidance, nullLabel: 10 });
    parts.push(out);
  }
  const all = tf.tidy(() => tf.reshape(tf.concat(parts, 0), [n, 784]) as tf.Tensor2D);
  tf.dispose(parts);
  return all;
}
async function quality(samples: tf.Tensor, withFid: boolean): Promise<{ agreement: number; fid: number }> {
  const n = samples.shape[0];
  const unit = tf.tidy(() => tf.clipByValue(tf.div(tf.add(samples, 1), 2), 0, 1)); // [-1, 1] -> [0, 1]
  const probs = await mnistClassify(unit);
  const predicted = tf.argMax(probs, 1);
  const p = await predicted.data();
  let agree = 0;
  for (let i = 0; i < n; i++) if (p[i] === i % 10) agree++;
  const fid = withFid ? (await fidMnist(unit, reference)).value : NaN;
  tf.dispose([unit, probs, predicted]);
  return { agreement: agree / n, fid };
}
const trainStart = performance.now();
await train({
  optimizer,
  ema,
  clipNorm,
  steps,
  seed: rng,
  data: batchAt,
  lossFn: (b, _step, key) => diffusionLoss({ model: net.denoiser, alphasCumprod: scheduler.alphasCumprod, x0: b.x, key, predictionType: 'v_prediction', classLabels: b.y, labelDropout: 0.1, nullLabel: 10, minSnrGamma: 5 }),
  progress: false,
  onStep: (m) => {
    recentLosses.push(m.loss);
    if (recentLosses.length > 100) recentLosses.shift();
  },
  log: { every: smoke ? 1 : 50, write: (line) => console.log(`${line} | load ${fmtLoad()}`) },
  // A quick look at quality while training: 100 guided digits, 10 DPM-Solver++ steps, EMA weights.
  evaluate: {
    every: smoke ? 2 : 1000,
    fn: async () => {
      const digits = await ema.withAverage(() => sampleDigits(smoke ? 10 : 100, 10, 99));
      const { agreement } = await quality(digits, false);
      digits.dispose();
      return { agreement };
    },
  },
  checkpoint: {
    every: checkpointEvery,
    save: async (state) => {
      const optimizerState = { ...Object.fromEntries(Object.entries(state.optimizer.slots).map(([k, v]) => [`slot.${k}`, v])), ...Object.fromEntries(Object.entries(state.ema?.shadow ?? {}).map(([k, v]) => [`ema.${k}`, v])) };
      await saveCheckpointFile(checkpointPath, {
        params: unflattenParams(state.params),
        optimizerState: unflattenParams(optimizerState),
        step: state.step,
        rngState: state.rng,
        config: {
          run: runConfig,
          optimizer: state.optimizer.config,
          ema: { config: state.ema!.config, step: state.ema!.step },
          ...(priorSteps === 0 || priorMs !== undefined ? { trainMs: (priorMs ?? 0) + (performance.now() - trainStart) } : {}),
          recentLosses,
        } as never,
      });
    },
  },
});
const trainedNow = optimizer.stepCount - startStep;
const nowMs = performance.now() - trainStart;
const timedAll = priorSteps === 0 || priorMs !== undefined;
const qTrainMs = timedAll ? ((priorMs ?? 0) + nowMs) / optimizer.stepCount : trainedNow > 0 ? nowMs / trainedNow : NaN;
const finalLoss = recentLosses.length > 0 ? recentLosses.reduce((a, b) => a + b, 0) / recentLosses.length : NaN;
console.log(`trained to step ${optimizer.stepCount} (${trainedNow} now, ${qTrainMs.toFixed(1)} ms/step, loss of the last ${recentLosses.length} steps ${finalLoss.toFixed(4)}), load ${fmtLoad()}`);
ema.copyTo();
const sampleStart = performance.now();
const ours = await sampleDigits(numSamples, samplingSteps, 4);
const qSampleMs = (performance.now() - sampleStart) / samplingSteps;
writeFileSync(`${dir}/ours-samples.f32`, new Uint8Array(((await ours.data()) as Float32Array).buffer.slice(0)));
const oursQuality = await quality(ours, true);
console.log(`ours: agreement ${oursQuality.agreement}, FID ${oursQuality.fid.toFixed(3)}, ${qSampleMs.toFixed(1)} ms/sampling step, load ${fmtLoad()}`);
const qPeer = runPython<{ trainStepMs: number; sampleStepMs: number; finalLoss: number; torch: string }>(
  `${repoRoot}/packages/diffusion/bench/diffusion_mnist_peer.py`,
  ['quality', `${dir}/train.f32`, `${dir}/labels.i32`, `${dir}/peer-samples.f32`, String(base), mults.join(','), String(steps), String(batch), String(lr), String(clipNorm), String(emaDecay), String(numSamples), String(samplingSteps), String(guidance), spacing],
  7_200_000,
);
let peerQuality: { agreement: number; fid: number } | null = null;
if (qPeer.ok) {
  const peerSamples = tf.tensor2d(new Float32Array(readFileSync(`${dir}/peer-samples.f32`).buffer.slice(0)), [numSamples, 784]);
  peerQuality = await quality(peerSamples, true);
  console.log(`peer: agreement ${peerQuality.agreement}, FID ${peerQuality.fid.toFixed(3)}, ${JSON.stringify(qPeer.value)}`);
  peerSamples.dispose();
} else console.log(`peer failed: ${qPeer.reason}`);
const qPeerName = qPeer.ok ? `PyTorch ${qPeer.value.torch} CPU, 1 thread, same U-Net/schedule/steps/sampler` : 'PyTorch';
const qNote = `${arch}, ${steps} steps, Adam lr ${lr}, clip ${clipNorm}, EMA ${emaDecay}, v-prediction, cosine schedule, min-SNR 5, label dropout 0.1; DPM-Solver++(2M) ${samplingSteps} steps (${spacing}), guidance ${guidance}, ${numSamples} samples (100 per class); load average ${loadavg()[0].toFixed(1)}${qPeer.ok ? '' : `; ${qPeer.reason}`}`;
rows.push(
  { name: 'mnistClassify agreement with the conditioning label (target >= 0.90)', ours: oursQuality.agreement, peer: peerQuality?.agreement ?? null, peerName: qPeerName, unit: 'fraction', lowerIsBetter: false, note: qNote },
  { name: 'fidMnist to the 1000 held-out digits', ours: oursQuality.fid, peer: peerQuality?.fid ?? null, peerName: qPeerName, unit: 'FID (MNIST net)', lowerIsBetter: true, note: qNote },
  {
    name: `U-Net training step over the whole run (batch ${batch})`,
    ours: qTrainMs,
    peer: qPeer.ok ? qPeer.value.trainStepMs : null,
    peerName: qPeerName,
    unit: 'ms',
    lowerIsBetter: true,
    note: `mean wall time over ${timedAll ? `all ${optimizer.stepCount} steps` : `the last ${trainedNow} steps (this process resumed a run that did not record its time)`} (including the in-training agreement checks) under the load of a shared machine, vs the peer's mean over its ${steps} steps; final loss (mean of the last 100 steps) ours ${finalLoss.toFixed(4)}, peer ${qPeer.ok ? qPeer.value.finalLoss.toFixed(4) : 'n/a'}`,
  },
  { name: `U-Net guided sampling step (${numSamples} digits in chunks of 200, model on 2 x 200)`, ours: qSampleMs, peer: qPeer.ok ? qPeer.value.sampleStepMs : null, peerName: qPeerName, unit: 'ms', lowerIsBetter: true },
);
tf.dispose([ours, reference]);
optimizer.dispose();
ema.dispose();
net.dispose();

if (smoke) for (const r of rows) console.log(r.name, r.ours, r.peer);
else recordResults('diffusion-mnist', `Class-conditional U-Net diffusion on MNIST (backend ${backend})`, `${['GEN_BENCH_STEPS', 'GEN_BENCH_BATCH', 'GEN_BENCH_BASE', 'GEN_BENCH_MULTS', 'GEN_BENCH_LR', 'GEN_BENCH_GUIDANCE', 'GEN_BENCH_SAMPLING_STEPS'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `).join('')}node --import tsx packages/diffusion/bench/diffusion-mnist.bench.ts`, rows);
