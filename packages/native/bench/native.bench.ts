// @gen/native against the wasm backend and PyTorch CPU, on this machine, in one run:
// (1) the MLP VAE step of packages/core/bench/vae-step.bench.ts (784-400-20, batch 128, Adam);
// (2) conv2d forward / input gradient / filter gradient GFLOP/s on DCGAN and U-Net shapes;
// (3) a 28x28 DCGAN training step (batch 64, Adam).
// Both steps use @gen/core's adam optimizer (what gen's models use), as PyTorch uses torch.optim.Adam.
// Run: pnpm --filter @gen/core build && node --import tsx packages/native/bench/native.bench.ts
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { adam as adamOptimizer, initBackend, installWasmKernelFixes, randomNormal, randomUniform, uninstallWasmKernelFixes, type Optimizer } from '@gen/core';
import { recordResults, runPython, timeMs, type BenchRow } from '../../../scripts/bench/kit.js';
import { installNativeKernels, nativeKernelsInfo, setNativeThreads, uninstallNativeKernels } from '../src/index.js';

const info = nativeKernelsInfo();
if (!info.available) {
  console.error(info.reason);
  process.exit(1);
}
const threads = info.threads;
console.log(`native: ${info.blas}, ${threads} threads`);

// This benchmark switches kernels itself: keep initBackend from installing (or hinting about) them.
process.env.GEN_NATIVE = '0';
await initBackend('wasm');
delete process.env.GEN_NATIVE;
uninstallNativeKernels();
installWasmKernelFixes();

type Mode = 'stock' | 'fixes' | 'native';
/** Stock tfjs-backend-wasm kernels, gen's JS fixes (core), or the native kernels over the fixes. */
function useKernels(mode: Mode): void {
  uninstallNativeKernels();
  if (mode === 'stock') uninstallWasmKernelFixes();
  else installWasmKernelFixes();
  if (mode === 'native' && !installNativeKernels().ok) throw new Error('native kernels did not install');
}

/** @gen/core's Adam over `vars` (its fused update kernel where installed, else ~15 tfjs ops per tensor). */
function makeAdam(vars: tf.Variable[], lr: number, beta1: number): { step(grads: Record<string, tf.Tensor>): void; dispose(): void } {
  const params = Object.fromEntries(vars.map((v, i) => [`p${i}`, v]));
  const optimizer: Optimizer = adamOptimizer(params, { lr, beta1, beta2: 0.999, eps: 1e-8 });
  return {
    step: (grads) => optimizer.step(Object.fromEntries(vars.map((v, i) => [`p${i}`, grads[v.name]]))),
    dispose: () => optimizer.dispose(),
  };
}

/** BCE with logits, summed: max(l, 0) - l y + log(1 + exp(-|l|)). */
function bceWithLogits(logits: tf.Tensor, labels: tf.Tensor | number): tf.Tensor {
  return tf.sum(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, labels)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))));
}

// ---------------------------------------------------------------------------------------------
// (1) MLP VAE step, shape for shape the one in packages/core/bench/vae-step.bench.ts.

const [D, H, Z, B] = [784, 400, 20, 128];

function makeVaeStep() {
  const dense = (seed: number, inF: number, outF: number) => ({
    w: tf.variable(randomNormal(seed, [inF, outF], 0, Math.sqrt(2 / (inF + outF)))),
    b: tf.variable(tf.zeros([outF])),
  });
  const layers = { enc: dense(1, D, H), mu: dense(2, H, Z), logVar: dense(3, H, Z), dec1: dense(4, Z, H), dec2: dense(5, H, D) };
  const vars = Object.values(layers).flatMap((l) => [l.w, l.b]);
  const optimizer = makeAdam(vars, 1e-3, 0.9);
  const x = tf.tidy(() => tf.cast(tf.greater(randomUniform(6, [B, D]), 0.5), 'float32'));
  const eps = randomNormal(7, [B, Z]);
  const step = () => {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const h = tf.relu(tf.add(tf.matMul(x, layers.enc.w), layers.enc.b));
        const mu = tf.add(tf.matMul(h, layers.mu.w), layers.mu.b);
        const logVar = tf.add(tf.matMul(h, layers.logVar.w), layers.logVar.b);
        const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
        const h2 = tf.relu(tf.add(tf.matMul(z, layers.dec1.w), layers.dec1.b));
        const logits = tf.add(tf.matMul(h2, layers.dec2.w), layers.dec2.b);
        const bce = bceWithLogits(logits, x);
        const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mu)), tf.exp(logVar))));
        return tf.div(tf.add(bce, kl), B);
      }, vars);
      optimizer.step(grads);
      return value;
    });
  };
  return { step, dispose: () => { optimizer.dispose(); tf.dispose([...vars, x, eps]); } };
}

async function timeSteps(make: () => { step: () => void; dispose: () => void }, repeats: number, warmup = 2): Promise<number> {
  const { step, dispose } = make();
  const ms = await timeMs(async () => {
    step();
    const probe = tf.zeros([1]);
    await probe.data();
    probe.dispose();
  }, { warmup, repeats });
  dispose();
  return ms;
}

useKernels('stock');
const vaeStock = await timeSteps(makeVaeStep, 10);
useKernels('fixes');
const vaeFixes = await timeSteps(makeVaeStep, 15);
useKernels('native');
const vaeNative = await timeSteps(makeVaeStep, 30);
setNativeThreads(1);
const vaeNative1 = await timeSteps(makeVaeStep, 30);
setNativeThreads(threads);

const vaePeer = runPython<{ ms: number; threads: number; torch: string }>(new URL('../../core/bench/vae_step_peer.py', import.meta.url).pathname);
const vaeTorch = vaePeer.ok ? vaePeer.value.ms : null;
const vaePeerName = vaePeer.ok ? `PyTorch ${vaePeer.value.torch} CPU (${vaePeer.value.threads} threads)` : 'PyTorch CPU';
const vaeNote = vaePeer.ok ? '' : vaePeer.reason;
recordResults('native-vae-step', 'MLP VAE training step on CPU with @gen/native (784-400-20, batch 128, Adam)', 'pnpm --filter @gen/core build && node --import tsx packages/native/bench/native.bench.ts', [
  { name: 'step, stock tfjs wasm', ours: vaeStock, peer: vaeTorch, peerName: vaePeerName, unit: 'ms', lowerIsBetter: true, note: vaeNote },
  { name: 'step, wasm + gen JS kernel fixes', ours: vaeFixes, peer: vaeTorch, peerName: vaePeerName, unit: 'ms', lowerIsBetter: true, note: vaeNote },
  { name: `step, wasm + @gen/native (${threads} BLAS threads)`, ours: vaeNative, peer: vaeTorch, peerName: vaePeerName, unit: 'ms', lowerIsBetter: true, note: `${(vaeStock / vaeNative).toFixed(1)}x faster than stock wasm, ${(vaeFixes / vaeNative).toFixed(1)}x than the JS fixes` },
  { name: 'step, wasm + @gen/native (1 BLAS thread)', ours: vaeNative1, peer: vaeTorch, peerName: vaePeerName, unit: 'ms', lowerIsBetter: true, note: vaeNote },
]);

// ---------------------------------------------------------------------------------------------
// (2) conv2d GFLOP/s. FLOPs = 2 N OH OW OC KH KW C for each of the three ops (direct convolution).

const CONVS: Array<{ name: string; label: string; x: [number, number, number, number]; filter: [number, number, number, number]; stride: number }> = [
  { name: 'D1', label: 'DCGAN D1 [8,28,28,1] -> 32, 3x3 s2 same', x: [8, 28, 28, 1], filter: [3, 3, 1, 32], stride: 2 },
  { name: 'D2', label: 'DCGAN D2 [8,14,14,64] -> 128, 4x4 s2 same', x: [8, 14, 14, 64], filter: [4, 4, 64, 128], stride: 2 },
  { name: 'U', label: 'U-Net [4,16,16,64] -> 64, 3x3 s1 same', x: [4, 16, 16, 64], filter: [3, 3, 64, 64], stride: 1 },
];
// Both sides at 1 thread and at all cores: on a 2-core machine shared with other work, spinning
// BLAS / OpenMP threads can lose whole scheduler slices, so the 1-thread rows are the steadier ones.
const threadCounts = [...new Set([1, threads])];
const convPeers = new Map(threadCounts.map((n) => [n, runPython<{ rows: Record<string, number>; threads: number; torch: string }>(new URL('./conv_peer.py', import.meta.url).pathname, [String(n)])]));
const convRows: BenchRow[] = [];
for (const conv of CONVS) {
  const info = tf.backend_util.computeConv2DInfo(conv.x, conv.filter, conv.stride, 1, 'same');
  const gflop = (2 * info.outShape.reduce((p, d) => p * d, 1) * conv.filter[0] * conv.filter[1] * conv.filter[2]) / 1e9;
  const x = randomNormal(1, conv.x);
  const filter = randomNormal(2, conv.filter);
  const dy = randomNormal(3, info.outShape);
  const attrs = { strides: conv.stride, pad: 'same', dataFormat: 'NHWC' };
  const ops: Record<string, () => tf.Tensor> = {
    forward: () => tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, conv.stride, 'same'),
    'backprop input': () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: conv.x }) as tf.Tensor,
    'backprop filter': () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: conv.filter }) as tf.Tensor,
  };
  for (const [op, fn] of Object.entries(ops)) {
    const time = (repeats: number) => timeMs(() => tf.dispose(fn()), { warmup: 2, repeats });
    const peerOf = (n: number) => {
      const peer = convPeers.get(n)!;
      const ms = peer.ok ? peer.value.rows[`${conv.name} ${op}`] : undefined;
      return {
        peer: ms == null ? null : gflop / (ms / 1e3),
        peerName: peer.ok ? `PyTorch ${peer.value.torch} CPU (${peer.value.threads} threads)` : 'PyTorch CPU',
        note: peer.ok ? `${(gflop * 1e3).toFixed(1)} MFLOP per call` : peer.reason,
      };
    };
    if (op !== 'backprop filter') {
      useKernels('stock');
      const ms = await time(conv.name === 'D1' ? 10 : 3);
      convRows.push({ name: `${conv.label}, ${op}, stock wasm (1 thread)`, ours: gflop / (ms / 1e3), ...peerOf(1), unit: 'GFLOP/s', lowerIsBetter: false });
    }
    useKernels('native');
    for (const n of threadCounts) {
      setNativeThreads(n);
      const ms = await time(20);
      const p = peerOf(n);
      convRows.push({
        name: `${conv.label}, ${op}, wasm + @gen/native (${n} thread${n > 1 ? 's' : ''})`,
        ours: gflop / (ms / 1e3),
        ...p,
        unit: 'GFLOP/s',
        lowerIsBetter: false,
        note: op === 'backprop filter' ? `${p.note}; stock tfjs-backend-wasm has no Conv2DBackpropFilter kernel` : p.note,
      });
    }
    setNativeThreads(threads);
  }
  tf.dispose([x, filter, dy]);
}
recordResults('native-conv2d', 'conv2d GFLOP/s on CPU (NHWC float32; FLOPs of the direct convolution): stock wasm, @gen/native, PyTorch', 'pnpm --filter @gen/core build && node --import tsx packages/native/bench/native.bench.ts', convRows);

// ---------------------------------------------------------------------------------------------
// (3) DCGAN step (the architecture of dcgan_step_peer.py, no batch norm), batch 64, Adam(2e-4, 0.5).

const [GB, GZ] = [64, 100];

function makeDcganStep() {
  // LeCun-normal weights, zero biases (the init does not affect the timing).
  const zerosVar = (n: number) => tf.tidy(() => tf.variable(tf.zeros([n])));
  const init = (seed: number, shape: number[], fanIn: number) => tf.tidy(() => tf.variable(randomNormal(seed, shape, 0, Math.sqrt(1 / fanIn))));
  const g = {
    fcW: init(11, [GZ, 7 * 7 * 128], GZ), fcB: zerosVar(7 * 7 * 128),
    up1: init(12, [4, 4, 64, 128], 128 * 4), up1B: zerosVar(64),
    up2: init(13, [4, 4, 1, 64], 64 * 4), up2B: zerosVar(1),
  };
  const d = {
    c1: init(21, [4, 4, 1, 64], 16), c1B: zerosVar(64),
    c2: init(22, [4, 4, 64, 128], 64 * 16), c2B: zerosVar(128),
    fcW: init(23, [7 * 7 * 128, 1], 7 * 7 * 128), fcB: zerosVar(1),
  };
  const gVars = Object.values(g);
  const dVars = Object.values(d);
  const [gOpt, dOpt] = [makeAdam(gVars, 2e-4, 0.5), makeAdam(dVars, 2e-4, 0.5)];
  const real = tf.tidy(() => tf.sub(tf.mul(randomUniform(31, [GB, 28, 28, 1]), 2), 1));
  const z = randomNormal(32, [GB, GZ]);
  const generate = () => {
    const h = tf.reshape(tf.relu(tf.add(tf.matMul(z, g.fcW), g.fcB)), [GB, 7, 7, 128]);
    const h1 = tf.relu(tf.add(tf.conv2dTranspose(h as tf.Tensor4D, g.up1 as tf.Tensor4D, [GB, 14, 14, 64], 2, 'same'), g.up1B));
    return tf.tanh(tf.add(tf.conv2dTranspose(h1 as tf.Tensor4D, g.up2 as tf.Tensor4D, [GB, 28, 28, 1], 2, 'same'), g.up2B));
  };
  const discriminate = (images: tf.Tensor) => {
    const h1 = tf.leakyRelu(tf.add(tf.conv2d(images as tf.Tensor4D, d.c1 as tf.Tensor4D, 2, 'same'), d.c1B), 0.2);
    const h2 = tf.leakyRelu(tf.add(tf.conv2d(h1 as tf.Tensor4D, d.c2 as tf.Tensor4D, 2, 'same'), d.c2B), 0.2);
    return tf.add(tf.matMul(tf.reshape(h2, [GB, 7 * 7 * 128]), d.fcW), d.fcB);
  };
  const step = () => {
    tf.tidy(() => {
      const fake = tf.tidy(generate); // no gradient to the generator in the discriminator step
      const dStep = tf.variableGrads(() => tf.div(tf.add(bceWithLogits(discriminate(real), 1), bceWithLogits(discriminate(fake), 0)), GB), dVars);
      dOpt.step(dStep.grads);
      const gStep = tf.variableGrads(() => tf.div(bceWithLogits(discriminate(generate()), 1), GB), gVars);
      gOpt.step(gStep.grads);
    });
  };
  return { step, dispose: () => { gOpt.dispose(); dOpt.dispose(); tf.dispose([...gVars, ...dVars, real, z]); } };
}

useKernels('native');
const dcganRows: BenchRow[] = [];
for (const n of threadCounts) {
  setNativeThreads(n);
  const before = tf.memory().numTensors;
  const ms = await timeSteps(makeDcganStep, 10);
  if (tf.memory().numTensors !== before) throw new Error(`DCGAN step leaked ${tf.memory().numTensors - before} tensors`);
  const peer = runPython<{ ms: number; threads: number; torch: string }>(new URL('./dcgan_step_peer.py', import.meta.url).pathname, [String(n)]);
  dcganRows.push({
    name: `step, wasm + @gen/native (${n} BLAS thread${n > 1 ? 's' : ''})`,
    ours: ms,
    peer: peer.ok ? peer.value.ms : null,
    peerName: peer.ok ? `PyTorch ${peer.value.torch} CPU (${peer.value.threads} threads)` : 'PyTorch CPU',
    unit: 'ms',
    lowerIsBetter: true,
    note: `${peer.ok ? '' : `${peer.reason}; `}stock tfjs-backend-wasm cannot run this step (no Conv2DBackpropFilter kernel)`,
  });
}
setNativeThreads(threads);
recordResults('native-dcgan-step', 'DCGAN (28x28, batch 64, no batch norm) training step on CPU: D update + G update, Adam', 'pnpm --filter @gen/core build && node --import tsx packages/native/bench/native.bench.ts', dcganRows);
