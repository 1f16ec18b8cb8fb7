// Trains the MNIST feature network shipped by @gen/eval (src/mnist/mnist-net.ts) on the `mnist`
// package's digits (mnistSplit: the last 100 per class are held out) with random shifts of up to
// 2 pixels, then writes its weights as base64 F16 safetensors into src/mnist/weights.generated.ts.
// Run (from the repo root, after `pnpm build` of @gen/core; wasm backend, @gen/native if present):
//   node --import tsx packages/eval/scripts/train-mnist-classifier.ts
// Env: GEN_EPOCHS (default 30), GEN_SMOKE=1 (a few steps, writes nothing).
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  type BackendPreference,
  type ParamTree,
  Rng,
  adam,
  cosineDecay,
  crossEntropy,
  describeBackend,
  decodeSafetensors,
  disposeParams,
  flattenParams,
  initBackend,
  toVariables,
  train,
  unflattenParams,
  uniformFloat64,
} from '@gen/core';
import { loadMnist, mnistSplit } from '../../datasets/src/index.js';
import { type MnistNetParams, initMnistNet, mnistNetForward } from '../src/mnist/mnist-net.js';
import { encodeF16Safetensors } from './f16-safetensors.js';

const smoke = process.env.GEN_SMOKE === '1';
const epochs = Number(process.env.GEN_EPOCHS ?? 30);
const batchSize = 64;
const maxShift = 2;

await initBackend((process.env.GEN_BACKEND ?? 'wasm') as BackendPreference);
const backend = await describeBackend();
console.log(`backend: ${JSON.stringify(backend)}`);

const { train: trainSet, test: testSet } = mnistSplit(await loadMnist());
const stepsPerEpoch = Math.floor(trainSet.n / batchSize);
const steps = smoke ? 5 : epochs * stepsPerEpoch;
console.log(`train ${trainSet.n} digits, test ${testSet.n}; ${steps} steps of ${batchSize}`);

/** Copies image `src` into `dst` shifted by (dx, dy) pixels, zero fill. */
function shiftInto(dst: Float32Array, dstOffset: number, src: Float32Array, srcOffset: number, dx: number, dy: number): void {
  for (let r = 0; r < 28; r++) {
    const sr = r - dy;
    if (sr < 0 || sr >= 28) continue;
    for (let c = 0; c < 28; c++) {
      const sc = c - dx;
      if (sc < 0 || sc >= 28) continue;
      dst[dstOffset + r * 28 + c] = src[srcOffset + sr * 28 + sc];
    }
  }
}

// One epoch = one permutation of the train set; each batch gets fresh random shifts.
const rng = new Rng(11);
let order = new Int32Array(0);
function batchAt(step: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const epoch = Math.floor(step / stepsPerEpoch);
  const within = step % stepsPerEpoch;
  if (within === 0 || order.length === 0) {
    const u = uniformFloat64(rng.next(), trainSet.n);
    order = Int32Array.from([...u.keys()].sort((a, b) => u[a] - u[b]));
    void epoch;
  }
  const shifts = uniformFloat64(rng.next(), 2 * batchSize);
  const x = new Float32Array(batchSize * 784);
  const y = new Int32Array(batchSize);
  for (let b = 0; b < batchSize; b++) {
    const i = order[within * batchSize + b];
    const dx = Math.floor(shifts[2 * b] * (2 * maxShift + 1)) - maxShift;
    const dy = Math.floor(shifts[2 * b + 1] * (2 * maxShift + 1)) - maxShift;
    shiftInto(x, b * 784, trainSet.images, i * 784, dx, dy);
    y[b] = trainSet.labels[i];
  }
  return { x: tf.tensor4d(x, [batchSize, 28, 28, 1]), y: tf.tensor1d(y, 'int32') };
}

const params = toVariables(initMnistNet(7));
const optimizer = adam(params, { lr: cosineDecay({ peakLr: 2e-3, totalSteps: steps, warmupSteps: Math.min(100, steps), finalLr: 1e-5 }) });
const start = performance.now();
await train({
  optimizer,
  data: batchAt,
  lossFn: ({ x, y }, _step, key) => crossEntropy(mnistNetForward(params, x, key).logits, y) as tf.Scalar,
  steps,
  seed: 5,
  progress: 'auto',
  log: { every: smoke ? 1 : stepsPerEpoch },
});
console.log(`trained in ${((performance.now() - start) / 1000).toFixed(0)} s`);

/** Held-out accuracy (inference only, batches of 250). */
async function accuracyOf(net: MnistNetParams): Promise<number> {
  let correct = 0;
  for (let s = 0; s < testSet.n; s += 250) {
    const n = Math.min(250, testSet.n - s);
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(testSet.images.subarray(s * 784, (s + n) * 784), [n, 28, 28, 1]);
      return tf.argMax(mnistNetForward(net, x).logits, 1);
    });
    const p = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < n; i++) if (p[i] === testSet.labels[s + i]) correct++;
  }
  return correct / testSet.n;
}
const accuracy = await accuracyOf(params);
console.log(`held-out accuracy (float32 weights): ${(100 * accuracy).toFixed(2)}%`);

// Ship float16 weights (half the bytes); the accuracy that counts is that of the decoded weights.
const arrays: Record<string, { values: Float32Array; shape: number[] }> = {};
for (const [name, t] of Object.entries(flattenParams(params as unknown as ParamTree))) {
  arrays[name] = { values: (await t.data()) as Float32Array, shape: [...t.shape] };
}
const meta = { format: 'gen-eval-mnist-net', epochs: String(epochs), backend: backend.name };
const draft = encodeF16Safetensors(arrays, meta);
const decoded = decodeSafetensors(draft).tensors;
const shippedAccuracy = await accuracyOf(unflattenParams(decoded) as unknown as MnistNetParams);
tf.dispose(Object.values(decoded));
console.log(`held-out accuracy (shipped float16 weights): ${(100 * shippedAccuracy).toFixed(2)}% (${Math.round(shippedAccuracy * testSet.n)}/${testSet.n})`);

if (!smoke) {
  const bytes = encodeF16Safetensors(arrays, { ...meta, heldOutAccuracy: String(shippedAccuracy) });
  const base64 = Buffer.from(bytes).toString('base64');
  const lines = base64.match(/.{1,100}/g) ?? [];
  writeFileSync(
    new URL('../src/mnist/weights.generated.ts', import.meta.url),
    `// Generated by packages/eval/scripts/train-mnist-classifier.ts; do not edit.\n` +
      `// Safetensors (F16, ${bytes.length} bytes) of the MNIST feature network, base64; held-out accuracy ${(100 * shippedAccuracy).toFixed(2)}%.\n` +
      `export const MNIST_NET_SAFETENSORS_BASE64 =\n${lines.map((l) => `  '${l}'`).join(' +\n')};\n`,
  );
  console.log(`wrote src/mnist/weights.generated.ts (${bytes.length} bytes safetensors)`);
}
optimizer.dispose();
disposeParams(params);
