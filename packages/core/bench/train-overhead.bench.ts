// Overhead of the training kit (train + adam: metrics read, grad norm, guards, checkpoint hooks)
// over the raw tfjs ops it runs (tf.variableGrads + a hand-written Adam update + one loss read),
// for the same 2-32-32-2 MLP step on the same backend. Runs against the built package:
//   cd packages/core && npx tsup && cd ../.. && node --import tsx packages/core/bench/train-overhead.bench.ts
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { adam, foldIn, initBackend, prngKey, randomNormal, train } from '../dist/index.js';
import { median, recordResults, timeMs, type BenchRow } from '../../../scripts/bench/kit.js';

const BATCH = 256;
const WIDTHS = [2, 32, 32, 2];
const STEPS_PER_ROUND = 50;
const ROUNDS = Number(process.env.GEN_BENCH_ROUNDS ?? 21);

type Params = Record<string, { weight: tf.Variable; bias: tf.Variable }>;

function makeParams(seed: number): Params {
  const layers: Params = {};
  for (let i = 0; i + 1 < WIDTHS.length; i++) {
    const std = Math.sqrt(2 / (WIDTHS[i] + WIDTHS[i + 1]));
    layers[String(i)] = {
      weight: tf.tidy(() => tf.variable(randomNormal(foldIn(prngKey(seed), i), [WIDTHS[i], WIDTHS[i + 1]], 0, std))),
      bias: tf.tidy(() => tf.variable(tf.zeros([WIDTHS[i + 1]]))),
    };
  }
  return layers;
}

function loss(layers: Params, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  let h = x;
  const n = Object.keys(layers).length;
  for (let i = 0; i < n; i++) {
    h = tf.add(tf.matMul(h, layers[String(i)].weight), layers[String(i)].bias);
    if (i < n - 1) h = tf.tanh(h);
  }
  return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(h)), -1)));
}

/** The raw loop: variableGrads, Adam by hand (PyTorch's formula), one read of the loss per step. */
function rawAdam(layers: Params, lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8) {
  const vars = Object.values(layers).flatMap((l) => [l.weight, l.bias]);
  const m = vars.map((v) => tf.variable(tf.zerosLike(v), false));
  const v2 = vars.map((v) => tf.variable(tf.zerosLike(v), false));
  let t = 0;
  return async (x: tf.Tensor, y: tf.Tensor) => {
    t += 1;
    const value = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => loss(layers, x, y), vars);
      const stepSize = lr / (1 - beta1 ** t);
      const bc2 = Math.sqrt(1 - beta2 ** t);
      vars.forEach((p, i) => {
        const g = grads[p.name];
        const mi = tf.add(tf.mul(m[i], beta1), tf.mul(g, 1 - beta1));
        const vi = tf.add(tf.mul(v2[i], beta2), tf.mul(tf.mul(g, g), 1 - beta2));
        p.assign(tf.sub(p, tf.div(tf.mul(mi, stepSize), tf.add(tf.div(tf.sqrt(vi), bc2), eps))));
        m[i].assign(mi);
        v2[i].assign(vi);
      });
      return value;
    });
    await value.data();
    value.dispose();
  };
}

async function benchBackend(backend: 'cpu' | 'wasm'): Promise<BenchRow> {
  await initBackend(backend);
  const x = randomNormal(prngKey(1), [BATCH, 2]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 2), 'int32'), 2);
  const kitParams = makeParams(0);
  const rawParams = makeParams(0);
  const optimizer = adam(kitParams, { lr: 1e-3 });
  const rawStep = rawAdam(rawParams);
  const lossFn = () => loss(kitParams, x, y);

  const kitRound = () =>
    train({ optimizer, lossFn, data: () => null, steps: optimizer.stepCount + STEPS_PER_ROUND, seed: 0, progress: false, disposeBatches: false });
  const rawRound = async () => {
    for (let i = 0; i < STEPS_PER_ROUND; i++) await rawStep(x, y);
  };
  // Warm up both, then interleave rounds so drift on a shared machine hits both alike.
  await kitRound();
  await rawRound();
  const kit: number[] = [];
  const raw: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    kit.push((await timeMs(kitRound, { warmup: 0, repeats: 1 })) / STEPS_PER_ROUND);
    raw.push((await timeMs(rawRound, { warmup: 0, repeats: 1 })) / STEPS_PER_ROUND);
  }
  const ours = median(kit);
  const peer = median(raw);
  const overhead = ((ours / peer - 1) * 100).toFixed(1);
  console.log(`${backend}: kit ${ours.toFixed(3)} ms/step, raw ${peer.toFixed(3)} ms/step, overhead ${overhead}%`);
  tf.dispose([x, y]);
  optimizer.dispose();
  tf.dispose(Object.values(kitParams).flatMap((l) => [l.weight, l.bias]));
  tf.dispose(Object.values(rawParams).flatMap((l) => [l.weight, l.bias]));
  return {
    name: `MLP ${WIDTHS.join('-')} Adam step, batch ${BATCH}, ${backend}`,
    ours,
    peer,
    peerName: 'raw tfjs ops',
    unit: 'ms',
    lowerIsBetter: true,
    note: `kit overhead ${overhead}% (median of ${ROUNDS} rounds x ${STEPS_PER_ROUND} steps; goal < 10%)`,
  };
}

const rows = [await benchBackend('wasm'), await benchBackend('cpu')];
recordResults(
  'core-train-overhead',
  'Training-loop overhead: train() + adam vs raw tfjs ops (variableGrads + hand-written Adam)',
  'cd packages/core && npx tsup && cd ../.. && node --import tsx packages/core/bench/train-overhead.bench.ts',
  rows,
);
