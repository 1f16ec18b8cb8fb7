// DCGAN-28 training step time (one D and one G update, non-saturating loss, no R1), @gen/gan on
// the current backend vs the same architecture in PyTorch (CPU, 1 thread), from one run.
// Run: node --import tsx packages/gan/bench/dcgan-step.bench.ts   (GEN_DCGAN_CHANNELS, GEN_DCGAN_BATCH)
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend, nativeKernelsLoaded, randomUniform } from '@gen/core';
import { type BenchRow, median, recordResults, repoRoot, runPython } from '../../../scripts/bench/kit.js';
import { Gan } from '../src/index.js';

const batch = Number(process.env.GEN_DCGAN_BATCH ?? 32);
const channels = Number(process.env.GEN_DCGAN_CHANNELS ?? 32);
const latent = 64;
const repeats = Number(process.env.GEN_DCGAN_REPEATS ?? 10);

const backend = await initBackend();
const baseline = tf.memory().numTensors;
const gan = new Gan({ latentDim: latent, dataShape: [28, 28, 1], architecture: 'dcgan28', channels, r1Gamma: 0 }, { seed: 0 });
const real = tf.tidy(() => tf.sub(tf.mul(randomUniform(1, [batch, 28, 28, 1]), 2), 1));
const first = await gan.trainStep({ x: real });
const times: number[] = [];
let last = first;
for (let i = 0; i < repeats; i++) {
  last = await gan.trainStep({ x: real });
  times.push(last.stepMs);
}
const ours = median(times);
const moved = last.dLoss !== first.dLoss && last.gLoss !== first.gLoss && Number.isFinite(last.dLoss + last.gLoss);
tf.dispose(real);
gan.dispose();
const leaked = tf.memory().numTensors - baseline;
const peer = runPython<{ msPerStep: number; torch: string }>(join(repoRoot, 'packages/gan/bench/dcgan_step_peer.py'), [String(batch), String(channels), String(latent), String(repeats)]);
const load = loadavg()[0].toFixed(1);
const rows: BenchRow[] = [
  {
    name: `DCGAN-28 step (D+G update), batch ${batch}, channels ${channels}, ${backend}${nativeKernelsLoaded() ? ' + @gen/native' : ''}`,
    ours,
    peer: peer.ok ? peer.value.msPerStep : null,
    peerName: peer.ok ? `PyTorch ${peer.value.torch} CPU, 1 thread` : 'PyTorch',
    unit: 'ms',
    lowerIsBetter: true,
    note: `${peer.ok ? '' : `${peer.reason}; `}losses moved and finite: ${moved}; load average ${load} on ${cpus().length} cores; tensors left after dispose: ${leaked}`,
  },
];
recordResults('gan-dcgan', 'DCGAN-28 training step time', 'node --import tsx packages/gan/bench/dcgan-step.bench.ts', rows);
