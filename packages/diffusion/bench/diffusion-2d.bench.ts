// 2-D swiss roll with the MLP denoiser: train once (epsilon, linear betas, T = 1000, min-SNR 5, EMA),
// then sliced Wasserstein-2 (@gen/eval, 256 directions) of N samples to N held-out points for DDPM (1000 steps), DDIM (50),
// DPM-Solver++ (20), Euler (50), Heun (25), Euler ancestral (50), all from the same EMA weights.
// Run: node --import tsx packages/diffusion/bench/diffusion-2d.bench.ts
//      (GEN_SMOKE=1: seconds; GEN_BENCH_STEPS, GEN_BENCH_SAMPLES override; GEN_BACKEND picks the backend)
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { ExponentialMovingAverage, adam, cosineDecay, describeBackend, initBackend, scatterSvg, swissRoll, train } from '@gen/core';
import { DDPMScheduler, MlpDenoiser, createScheduler, diffusionLoss, generate, type SchedulerName } from '../src/index.js';
import { type BenchRow, recordResults, repoRoot } from '../../../scripts/bench/kit.js';
// @gen/eval by source path until @gen/diffusion's devDependencies are installed.
import { slicedWasserstein } from '@gen/eval';

/** SW2 with 256 directions (seed 0) between two [n, 2] point sets. */
async function slicedWasserstein2d(a: Float32Array, b: Float32Array): Promise<number> {
  const [x, y] = [tf.tensor2d(a, [a.length / 2, 2]), tf.tensor2d(b, [b.length / 2, 2])];
  const { value } = await slicedWasserstein(x, y, { projections: 256, p: 2, seed: 0 });
  tf.dispose([x, y]);
  return value;
}

const smoke = process.env.GEN_SMOKE === '1';
const trainSteps = Number(process.env.GEN_BENCH_STEPS ?? (smoke ? 30 : 4000));
const numSamples = Number(process.env.GEN_BENCH_SAMPLES ?? (smoke ? 500 : 10000));
const batchSize = 512;
const runs: Array<{ name: SchedulerName; label: string; steps: number }> = [
  { name: 'DDPMScheduler', label: 'DDPM', steps: smoke ? 50 : 1000 },
  { name: 'DDIMScheduler', label: 'DDIM', steps: 50 },
  { name: 'DPMSolverMultistepScheduler', label: 'DPM-Solver++(2M)', steps: 20 },
  { name: 'EulerDiscreteScheduler', label: 'Euler', steps: 50 },
  { name: 'HeunDiscreteScheduler', label: 'Heun', steps: 25 },
  { name: 'EulerAncestralDiscreteScheduler', label: 'Euler ancestral', steps: 50 },
];

const backend = await initBackend();
console.log(`backend ${JSON.stringify(await describeBackend())}, load ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
const loadAtStart = loadavg()[0];

// Data: 20k training points, N held-out points (another seed), and a second held-out set for the floor.
const trainSet = swissRoll({ n: 20000, seed: 1 });
const heldOut = swissRoll({ n: numSamples, seed: 2 });
const heldOut2 = swissRoll({ n: numSamples, seed: 3 });
const floor = await slicedWasserstein2d(heldOut.x, heldOut2.x);

// Model, schedule and training (the core loop, with EMA).
const trainScheduler = new DDPMScheduler({ betaSchedule: 'linear', predictionType: 'epsilon', timestepSpacing: 'trailing' });
const model = MlpDenoiser.create(0, { dataDim: 2, hidden: 128, depth: 3 });
const optimizer = adam(model.variables, { lr: cosineDecay({ peakLr: 2e-3, totalSteps: trainSteps, warmupSteps: Math.min(100, trainSteps), finalLr: 1e-4 }) });
const ema = new ExponentialMovingAverage(model.variables, { decay: 0.995, warmup: true });
const data = tf.tensor2d(trainSet.x, [trainSet.n, 2]);
const trainStart = performance.now();
const result = await train({
  optimizer,
  ema,
  steps: trainSteps,
  seed: 4,
  data: (step) => tf.tidy(() => tf.slice(data, [((step * batchSize) % (trainSet.n - batchSize)), 0], [batchSize, 2])),
  lossFn: (x0, _step, key) => diffusionLoss({ model: model.denoiser, alphasCumprod: trainScheduler.alphasCumprod, x0, key, predictionType: 'epsilon', minSnrGamma: 5 }),
  progress: false,
  log: { every: Math.max(1, Math.floor(trainSteps / 10)) },
});
const msPerTrainStep = (performance.now() - trainStart) / trainSteps;
ema.copyTo();

const rows: BenchRow[] = [];
const outDir = `${repoRoot}/out/diffusion-2d-bench`;
mkdirSync(outDir, { recursive: true });
const distances: Record<string, number> = {};
for (const run of runs) {
  const scheduler = createScheduler(run.name, trainScheduler.config);
  const start = performance.now();
  const samples = await generate({ model: model.denoiser, scheduler, numInferenceSteps: run.steps, shape: [numSamples, 2], seed: 5 });
  const values = (await samples.data()) as Float32Array;
  const seconds = (performance.now() - start) / 1000;
  const evaluations = run.steps * scheduler.order - (scheduler.order - 1);
  const sw = await slicedWasserstein2d(values, heldOut.x);
  distances[run.label] = sw;
  console.log(`${run.label} ${run.steps} steps: SW2 ${sw.toFixed(4)} (floor ${floor.toFixed(4)}), ${seconds.toFixed(1)} s, ${((1000 * seconds) / evaluations).toFixed(1)} ms per model call`);
  writeFileSync(`${outDir}/${run.name}.svg`, scatterSvg(values, { title: `${run.label}, ${run.steps} steps, SW2 ${sw.toFixed(3)}` }));
  rows.push({
    name: `SW2 to held-out, ${run.label}, ${run.steps} steps (${evaluations} model calls)`,
    ours: sw,
    peer: floor,
    peerName: 'held-out vs held-out (floor)',
    unit: 'SW2',
    lowerIsBetter: true,
    note: `${numSamples} samples, ${(seconds / evaluations * 1000).toFixed(0)} ms per model call`,
  });
  samples.dispose();
  scheduler.dispose();
}
rows.push({
  name: 'SW2 DPM-Solver++(2M) 20 steps vs DDPM 1000 steps (target ratio <= 1.10)',
  ours: distances['DPM-Solver++(2M)'],
  peer: distances.DDPM,
  peerName: 'DDPM 1000 steps, same model',
  unit: 'SW2',
  lowerIsBetter: true,
});
rows.push({ name: 'training step (MLP 128x3, batch 512)', ours: msPerTrainStep, peer: null, peerName: 'none', unit: 'ms', lowerIsBetter: true, note: `${trainSteps} steps, final loss ${result.metrics.last()?.loss.toFixed(4)}` });
const envs = ['GEN_BENCH_STEPS', 'GEN_BENCH_SAMPLES'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `).join('');
const command = `${envs}node --import tsx packages/diffusion/bench/diffusion-2d.bench.ts${smoke ? ' (GEN_SMOKE=1)' : ''}`;
if (!smoke) {
  recordResults('diffusion-2d', `Diffusion on the 2-D swiss roll (backend ${backend}, load average ${loadAtStart.toFixed(1)} on 2 cores)`, command, rows);
} else {
  for (const r of rows) console.log(r.name, r.ours, r.peer);
}
tf.dispose(data);
optimizer.dispose();
ema.dispose();
model.dispose();
