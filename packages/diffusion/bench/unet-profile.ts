// Per-kernel profile of one class-conditional U-Net training step (forward + backward + Adam),
// to see where the time goes. Not a benchmark (tf.profile adds overhead per kernel).
// Run: node --import tsx packages/diffusion/bench/unet-profile.ts   (GEN_PROFILE_BASE, GEN_PROFILE_BATCH, GEN_PROFILE_MULTS=1,2,2)
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { adam, describeBackend, initBackend, randomUniform } from '@gen/core';
import { DDPMScheduler, UNet, diffusionLoss } from '../src/index.js';

const base = Number(process.env.GEN_PROFILE_BASE ?? 16);
const batch = Number(process.env.GEN_PROFILE_BATCH ?? 32);
const mults = (process.env.GEN_PROFILE_MULTS ?? '1,2,2').split(',').map(Number);
await initBackend();
console.log(`backend ${JSON.stringify(await describeBackend())}, base ${base}, mults [${mults}], batch ${batch}, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
const net = UNet.create(0, { inChannels: 1, baseChannels: base, channelMults: mults, numGroups: 8, numHeads: 4, numClasses: 10 });
const schedule = new DDPMScheduler({ betaSchedule: 'squaredcos_cap_v2', predictionType: 'v_prediction' });
const optimizer = adam(net.variables, { lr: 2e-4 });
const x0 = tf.tidy(() => tf.sub(tf.mul(randomUniform(1, [batch, 28, 28, 1]), 2), 1));
const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
const vars = Object.values(tf.engine().registeredVariables);
let step = 0;
const trainStep = () => {
  const { value, grads } = tf.variableGrads(
    () => diffusionLoss({ model: net.denoiser, alphasCumprod: schedule.alphasCumprod, x0, key: step++, predictionType: 'v_prediction', classLabels: labels as tf.Tensor1D, labelDropout: 0.1, nullLabel: 10, minSnrGamma: 5 }) as tf.Scalar,
    vars.filter((v) => v.trainable),
  );
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return loss;
};
for (let i = 0; i < 2; i++) trainStep();
const times: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < 7; i++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  trainStep();
  const c = process.cpuUsage(c0);
  times.push(performance.now() - t0);
  cpu.push((c.user + c.system) / 1000);
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
// CPU time of this process is less disturbed than wall time by other jobs on a shared machine.
console.log(`forward+backward (no optimizer): median wall ${med(times).toFixed(1)} ms, cpu ${med(cpu).toFixed(1)} ms over 7`);
const info = await tf.profile(() => {
  trainStep();
});
const byName = new Map<string, { ms: number; count: number }>();
let total = 0;
for (const k of info.kernels) {
  const ms = Number(k.kernelTimeMs);
  total += ms;
  const key = k.name;
  const e = byName.get(key) ?? { ms: 0, count: 0 };
  e.ms += ms;
  e.count += 1;
  byName.set(key, e);
}
console.log(`profiled kernels total ${total.toFixed(1)} ms, ${info.kernels.length} kernels`);
for (const [name, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`${name.padEnd(28)} ${e.ms.toFixed(1).padStart(8)} ms  x${e.count}`);
if (process.env.GEN_PROFILE_DETAIL) {
  const detail = new Map<string, { ms: number; count: number }>();
  for (const k of info.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const e = detail.get(key) ?? { ms: 0, count: 0 };
    e.ms += Number(k.kernelTimeMs);
    e.count += 1;
    detail.set(key, e);
  }
  for (const [name, e] of [...detail].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40)) console.log(`${e.ms.toFixed(1).padStart(8)} ms x${e.count} ${name}`);
}
tf.dispose([x0, labels]);
optimizer.dispose();
net.dispose();
