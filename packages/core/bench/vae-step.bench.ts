// MLP VAE training step (784-400-20, batch 128, Bernoulli decoder, Adam) on each CPU path:
// tfjs cpu, stock wasm, wasm with gen's kernel fixes, against PyTorch CPU on the same machine.
// Run: pnpm --filter @gen/core build && node --import tsx packages/core/bench/vae-step.bench.ts
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend, randomNormal, randomUniform, uninstallWasmKernelFixes } from '@gen/core';
import { recordResults, runPython, timeMs } from '../../../scripts/bench/kit.js';

// This suite measures @gen/core's own paths; @gen/native's are in packages/native/bench.
process.env.GEN_NATIVE = '0';

const [D, H, Z, B] = [784, 400, 20, 128];

function makeStep() {
  const dense = (seed: number, inF: number, outF: number) => ({
    w: tf.variable(randomNormal(seed, [inF, outF], 0, Math.sqrt(2 / (inF + outF)))),
    b: tf.variable(tf.zeros([outF])),
  });
  const layers = { enc: dense(1, D, H), mu: dense(2, H, Z), logVar: dense(3, H, Z), dec1: dense(4, Z, H), dec2: dense(5, H, D) };
  const vars = Object.values(layers).flatMap((l) => [l.w, l.b]);
  const m = vars.map((v) => tf.variable(tf.zerosLike(v)));
  const v2 = vars.map((v) => tf.variable(tf.zerosLike(v)));
  const x = tf.tidy(() => tf.cast(tf.greater(randomUniform(6, [B, D]), 0.5), 'float32'));
  const eps = randomNormal(7, [B, Z]);
  let t = 0;
  const [lr, beta1, beta2, epsilon] = [1e-3, 0.9, 0.999, 1e-8];
  const step = () => {
    t += 1;
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const h = tf.relu(tf.add(tf.matMul(x, layers.enc.w), layers.enc.b));
        const mu = tf.add(tf.matMul(h, layers.mu.w), layers.mu.b);
        const logVar = tf.add(tf.matMul(h, layers.logVar.w), layers.logVar.b);
        const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
        const h2 = tf.relu(tf.add(tf.matMul(z, layers.dec1.w), layers.dec1.b));
        const logits = tf.add(tf.matMul(h2, layers.dec2.w), layers.dec2.b);
        // BCE with logits: max(l, 0) - l x + log(1 + exp(-|l|))
        const bce = tf.sum(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))));
        const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mu)), tf.exp(logVar))));
        return tf.div(tf.add(bce, kl), B);
      }, vars);
      vars.forEach((variable, i) => {
        const g = grads[variable.name];
        m[i].assign(tf.add(tf.mul(m[i], beta1), tf.mul(g, 1 - beta1)));
        v2[i].assign(tf.add(tf.mul(v2[i], beta2), tf.mul(tf.square(g), 1 - beta2)));
        const mHat = tf.div(m[i], 1 - beta1 ** t);
        const vHat = tf.div(v2[i], 1 - beta2 ** t);
        variable.assign(tf.sub(variable, tf.mul(lr, tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon)))));
      });
      return value;
    });
  };
  const dispose = () => tf.dispose([...vars, ...m, ...v2, x, eps]);
  return { step, dispose };
}

async function timeStep(repeats: number): Promise<number> {
  const { step, dispose } = makeStep();
  // Read a value back so that asynchronous backends finish their work inside the timing.
  const ms = await timeMs(async () => {
    step();
    const probe = tf.zeros([1]);
    await probe.data();
    probe.dispose();
  }, { warmup: 2, repeats });
  dispose();
  return ms;
}

await initBackend('cpu');
const cpu = await timeStep(3);
await initBackend('wasm');
const fixed = await timeStep(15);
uninstallWasmKernelFixes();
const stock = await timeStep(10);

const peer = runPython<{ ms: number; threads: number; torch: string }>(new URL('./vae_step_peer.py', import.meta.url).pathname);
const torchMs = peer.ok ? peer.value.ms : null;
const peerName = peer.ok ? `PyTorch ${peer.value.torch} CPU (${peer.value.threads} threads)` : 'PyTorch CPU';
const note = peer.ok ? '' : peer.reason;

recordResults('core-vae-step', 'MLP VAE training step on CPU (784-400-20, batch 128, Adam)', 'pnpm --filter @gen/core build && node --import tsx packages/core/bench/vae-step.bench.ts', [
  { name: 'step, tfjs cpu backend', ours: cpu, peer: torchMs, peerName, unit: 'ms', lowerIsBetter: true, note },
  { name: 'step, stock tfjs wasm', ours: stock, peer: torchMs, peerName, unit: 'ms', lowerIsBetter: true, note },
  { name: 'step, wasm + gen kernel fixes', ours: fixed, peer: torchMs, peerName, unit: 'ms', lowerIsBetter: true, note: `${(stock / fixed).toFixed(2)}x faster than stock wasm` },
]);
