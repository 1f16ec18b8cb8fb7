// Where a training step's time goes, per kernel, for each model family on the wasm backend: the MLP
// VAE (@gen/vae, 784-400-20, batch 128, Adam), DCGAN-28 (@gen/gan preset, batch 64, Adam), the
// class-conditional U-Net of the MNIST diffusion bench (@gen/diffusion, base 16, mults [1,2,2],
// batch 32, Adam) and GPT (@gen/lm, 4 layers / 4 heads / d128 / context 128, batch 16, AdamW), each with gen's JS wasm
// kernels alone and with @gen/native. Every registered wasm kernel is wrapped with a timer that
// counts its own (exclusive) time; "outside kernels" is the rest of the step (tape, gradient
// bookkeeping, JS glue). Step times come from unwrapped steps, before and after interleaved.
// Run: node --import tsx --import ./packages/core/bench/from-source.mjs packages/core/bench/step-profile.bench.ts
//   GEN_PROFILE_FAMILIES=vae,dcgan,unet,gpt  GEN_PROFILE_MODES=wasm,native  GEN_PROFILE_SUITE=core-step-profile
//   GEN_PROFILE_GENERIC=1 also runs each mode without the kernels this profile led to (stock Sum,
//   GatherV2 and Identity, Adam as ~15 elementwise kernels; with native, wasm's own Exp, Erf,
//   LeakyRelu, Greater, Select and leading-axes Sum): before/after from one run.
// DCGAN and the U-Net run with @gen/native only (plain wasm has no Conv2DBackpropFilter;
// GEN_PROFILE_CONV_WASM=1 runs core's fallback, seconds per step). The U-Net's group norm fix (one op
// with a hand-written gradient instead of a composite of ~20 ops) is not a kernel swap, so it has no
// "before" here; its before/after is in the commit that made it (936187b: 520 -> 300 ms CPU per step).
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { adam, adamW, initBackend, installWasmKernelFixes, randomUniform, train } from '@gen/core';
import { installNativeKernels, uninstallNativeKernels } from '@gen/native';
import { DDPMScheduler, UNet, diffusionLoss } from '@gen/diffusion';
import { Gan } from '@gen/gan';
import { CharTokenizer, Gpt, lmBatches } from '@gen/lm';
import { Vae } from '@gen/vae';
import { type BenchRow, median, recordResults } from '../../../scripts/bench/kit.js';
import { STEP_PROFILE_KERNELS, uninstallWasmKernelFixes } from '../src/backend/wasm-kernels.js';

process.env.GEN_NATIVE = '0'; // this bench installs the native kernels itself
await initBackend('wasm');
delete process.env.GEN_NATIVE;

const families = (process.env.GEN_PROFILE_FAMILIES ?? 'vae,dcgan,unet,gpt').split(',');
const modes = (process.env.GEN_PROFILE_MODES ?? 'wasm,native').split(',') as Array<'wasm' | 'native'>;
const suite = process.env.GEN_PROFILE_SUITE ?? 'core-step-profile';
const withGeneric = process.env.GEN_PROFILE_GENERIC === '1';
const STEPS = Number(process.env.GEN_PROFILE_STEPS ?? 8);

// ---- kernel timers -----------------------------------------------------------------------------

interface KernelStat {
  ms: number;
  calls: number;
}
const stats = new Map<string, KernelStat>();
let wrapped: tf.KernelConfig[] = [];
/** Time of the kernels running now, innermost last: a nested kernel's time is its parent's child time. */
const childMs: number[] = [];

function wrapKernels(): void {
  wrapped = tf.getKernelsForBackend('wasm');
  for (const config of wrapped) {
    const inner = config.kernelFunc;
    const name = config.kernelName;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        childMs.push(0);
        const start = performance.now();
        try {
          return inner(args);
        } finally {
          const total = performance.now() - start;
          const nested = childMs.pop() as number;
          if (childMs.length > 0) childMs[childMs.length - 1] += total;
          const s = stats.get(name) ?? { ms: 0, calls: 0 };
          s.ms += total - nested;
          s.calls += 1;
          stats.set(name, s);
        }
      },
    });
  }
}

function unwrapKernels(): void {
  for (const config of wrapped) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  wrapped = [];
}

// ---- kernel sets -------------------------------------------------------------------------------

type Variant = { mode: 'wasm' | 'native'; generic: boolean };

/** @gen/native's kernels added after this profile (the "before" runs restore what was there). */
const NATIVE_STEP_KERNELS = ['GenAdamUpdate', 'Exp', 'Erf', 'LeakyRelu', 'Greater', 'Select', 'Sum'];

/**
 * `generic`: without the kernels added after this profile (stock Sum, GatherV2 and Identity, Adam
 * as ~15 elementwise kernels, and with native, wasm's own Exp, Erf, LeakyRelu, Greater, Select).
 */
function useKernels({ mode, generic }: Variant): void {
  uninstallNativeKernels();
  uninstallWasmKernelFixes();
  installWasmKernelFixes({ exclude: generic ? STEP_PROFILE_KERNELS : [] });
  const previous = new Map(NATIVE_STEP_KERNELS.map((name) => [name, tf.getKernel(name, 'wasm')]));
  if (mode === 'native' && !installNativeKernels().ok) throw new Error('native kernels did not install');
  if (!generic) return;
  for (const [name, config] of previous) {
    if (tf.getKernel(name, 'wasm') != null) tf.unregisterKernel(name, 'wasm');
    if (config) tf.registerKernel(config);
  }
}

// ---- the four steps ---------------------------------------------------------------------------

interface Family {
  /** Runs `n` training steps, returns each step's wall time in ms. */
  run(n: number): Promise<number[]>;
  dispose(): void;
}

function makeVae(): Family {
  const vae = new Vae({ inputShape: [784], latentDim: 20, hidden: [400] }, { seed: 0 });
  const x = tf.tidy(() => tf.cast(tf.greater(randomUniform(6, [128 * 8, 784]), 0.5), 'float32'));
  let done = 0; // fit's steps count in total, like train's
  return {
    async run(n) {
      done += n;
      const result = await vae.fit(x, { steps: done, batchSize: 128, progress: false });
      return result.metrics.rows.slice(-n).map((r) => r.stepMs);
    },
    dispose: () => {
      vae.dispose();
      x.dispose();
    },
  };
}

function makeDcgan(): Family {
  const gan = new Gan({ latentDim: 64, dataShape: [28, 28, 1], architecture: 'dcgan28', channels: 32, r1Gamma: 0 }, { seed: 0 });
  const real = tf.tidy(() => tf.sub(tf.mul(randomUniform(1, [64, 28, 28, 1]), 2), 1));
  return {
    async run(n) {
      const times: number[] = [];
      for (let i = 0; i < n; i++) times.push((await gan.trainStep({ x: real })).stepMs);
      return times;
    },
    dispose: () => {
      gan.dispose();
      real.dispose();
    },
  };
}

function makeUnet(): Family {
  const net = UNet.create(0, { inChannels: 1, baseChannels: 16, channelMults: [1, 2, 2], numGroups: 8, numHeads: 4, numClasses: 10 });
  const schedule = new DDPMScheduler({ betaSchedule: 'squaredcos_cap_v2', predictionType: 'v_prediction' });
  const optimizer = adam(net.variables, { lr: 1e-3 });
  const x0 = tf.tidy(() => tf.sub(tf.mul(randomUniform(1, [32, 28, 28, 1]), 2), 1));
  const labels = tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 10), 'int32');
  return {
    async run(n) {
      const steps = optimizer.stepCount + n; // train's steps count in total
      const result = await train({
        optimizer,
        steps,
        seed: 0,
        data: () => ({ x: x0, y: labels }),
        disposeBatches: false,
        lossFn: ({ x, y }, _s, key) => diffusionLoss({ model: net.denoiser, alphasCumprod: schedule.alphasCumprod, x0: x, key, predictionType: 'v_prediction', classLabels: y as tf.Tensor1D, labelDropout: 0.1, nullLabel: 10, minSnrGamma: 5 }),
        progress: false,
      });
      return result.metrics.rows.map((r) => r.stepMs);
    },
    dispose: () => {
      tf.dispose([x0, labels]);
      optimizer.dispose();
      net.dispose();
    },
  };
}

function makeGpt(): Family {
  const alphabet = Array.from({ length: 63 }, (_, i) => String.fromCharCode(48 + i)).join('');
  const tok = CharTokenizer.train(alphabet);
  const gpt = Gpt.create(tok, { contextLength: 128, numLayers: 4, numHeads: 4, dModel: 128 }, 0);
  const ids = Int32Array.from({ length: 100_000 }, (_, i) => 2 + ((i * 7919) % 63));
  const optimizer = adamW(gpt.params as never, { lr: 3e-4 });
  const data = lmBatches(ids, { batchSize: 16, contextLength: 128, seed: 1 });
  return {
    async run(n) {
      const steps = optimizer.stepCount + n; // train's steps count in total
      const result = await train({ optimizer, data, lossFn: (b, _s, key) => gpt.loss(b, { key }), steps, seed: 0, progress: false });
      return result.metrics.rows.map((r) => r.stepMs);
    },
    dispose: () => {
      optimizer.dispose();
      gpt.dispose();
    },
  };
}

const FAMILIES: Record<string, { label: string; make: () => Family; steps: number }> = {
  vae: { label: 'MLP VAE 784-400-20, batch 128, Adam', make: makeVae, steps: STEPS * 2 },
  dcgan: { label: 'DCGAN-28 (32 channels, latent 64), batch 64, Adam', make: makeDcgan, steps: STEPS },
  unet: { label: 'U-Net base 16 [1,2,2] (MNIST diffusion bench), batch 32, Adam', make: makeUnet, steps: STEPS },
  gpt: { label: 'GPT 4L/4H/d128/ctx128, batch 16, AdamW', make: makeGpt, steps: Math.max(3, STEPS / 2) },
};

const rows: BenchRow[] = [];
const load = () => loadavg()[0].toFixed(2);
const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const tagOf = (variant: Variant) =>
  `${variant.mode === 'native' ? 'wasm + @gen/native' : 'wasm (JS kernel fixes)'}${withGeneric ? (variant.generic ? ', before' : ', after') : ''}`;

for (const family of families) {
  const spec = FAMILIES[family];
  if (!spec) throw new Error(`unknown family '${family}' (vae, dcgan, unet, gpt)`);
  for (const mode of modes) {
    if (mode === 'wasm' && (family === 'dcgan' || family === 'unet') && process.env.GEN_PROFILE_CONV_WASM !== '1') continue;
    const variants: Variant[] = withGeneric ? [{ mode, generic: true }, { mode, generic: false }] : [{ mode, generic: false }];
    const before = tf.memory().numTensors;
    const model = spec.make();
    useKernels(variants[0]);
    await model.run(2); // warm-up
    // Step times with the variants interleaved step by step (one model; the kernels are swapped
    // between steps), so that load from other processes hits both alike.
    const wall = variants.map(() => [] as number[]);
    const cpuMs = variants.map(() => 0);
    for (let i = 0; i < spec.steps; i++) {
      for (let j = 0; j < variants.length; j++) {
        const v = (i + j) % variants.length;
        useKernels(variants[v]);
        const c0 = cpuNow();
        wall[v].push(...(await model.run(1)));
        cpuMs[v] += (cpuNow() - c0) / spec.steps;
      }
    }
    for (const [v, variant] of variants.entries()) {
      useKernels(variant);
      stats.clear();
      wrapKernels();
      const profiled = await model.run(spec.steps);
      unwrapKernels();
      const stepMs = median(wall[v]);
      const minMs = Math.min(...wall[v]);
      const perStep = (ms: number) => ms / spec.steps;
      const profiledStep = profiled.reduce((a, b) => a + b, 0) / spec.steps;
      const kernelTotal = perStep([...stats.values()].reduce((a, s) => a + s.ms, 0));
      const ranked = [...stats.entries()].map(([name, s]) => ({ name, ms: perStep(s.ms), calls: s.calls / spec.steps })).sort((a, b) => b.ms - a.ms);
      const calls = ranked.reduce((a, r) => a + r.calls, 0).toFixed(0);
      const tag = tagOf(variant);
      const where = `load ${load()} on ${cpus().length} cores`;
      console.log(`\n${spec.label} — ${tag}: step ${stepMs.toFixed(1)} ms (min ${minMs.toFixed(1)}), ${cpuMs[v].toFixed(1)} ms CPU (profiled ${profiledStep.toFixed(1)} ms; kernels ${kernelTotal.toFixed(1)} ms, ${calls} kernel calls/step; ${where})`);
      for (const r of ranked.slice(0, 15)) console.log(`  ${r.name.padEnd(28)} ${r.ms.toFixed(2).padStart(8)} ms ${((100 * r.ms) / profiledStep).toFixed(1).padStart(5)}%  ${r.calls.toFixed(0)} calls`);
      console.log(`  ${'(outside kernels)'.padEnd(28)} ${(profiledStep - kernelTotal).toFixed(2).padStart(8)} ms ${((100 * (profiledStep - kernelTotal)) / profiledStep).toFixed(1).padStart(5)}%`);
      rows.push({ name: `${spec.label}, ${tag}: step time`, ours: stepMs, peer: null, peerName: '-', unit: 'ms', lowerIsBetter: true, note: `median of ${spec.steps} steps interleaved with the other variant (fastest ${minMs.toFixed(1)} ms); ${cpuMs[v].toFixed(1)} ms CPU per step (all threads); ${calls} kernel calls per step; ${where}` });
      for (const [i, r] of ranked.slice(0, 5).entries()) {
        rows.push({ name: `${spec.label}, ${tag}: kernel #${i + 1} ${r.name}`, ours: r.ms, peer: null, peerName: '-', unit: 'ms/step', lowerIsBetter: true, note: `${((100 * r.ms) / profiledStep).toFixed(1)}% of the profiled step, ${r.calls.toFixed(0)} calls` });
      }
      rows.push({ name: `${spec.label}, ${tag}: outside kernels`, ours: profiledStep - kernelTotal, peer: null, peerName: '-', unit: 'ms/step', lowerIsBetter: true, note: `${((100 * (profiledStep - kernelTotal)) / profiledStep).toFixed(1)}% of the profiled step (engine, tape, JS glue)` });
    }
    model.dispose();
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) throw new Error(`${spec.label} (${mode}) leaked ${leaked} tensors`);
  }
}
recordResults(suite, 'Training step profile per model family on wasm: step time and the top-5 kernels by own time', 'node --import tsx --import ./packages/core/bench/from-source.mjs packages/core/bench/step-profile.bench.ts', rows);
