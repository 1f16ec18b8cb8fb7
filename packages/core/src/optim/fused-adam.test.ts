// The fused GenAdamUpdate kernel (wasm; @gen/native's when it is installed) against the generic
// tfjs-op path of adamUpdate, which the PyTorch fixtures in optimizers.test.ts check.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adam, adamW, initBackend, randomNormal, type Optimizer } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';

const KERNEL = 'GenAdamUpdate';
const suiteBackend = (process.env.GEN_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

/** Runs `fn` with the kernel unregistered (the generic path), then registers it again. */
function withoutFusedKernel<T>(fn: () => T): T {
  const config = tf.getKernel(KERNEL, 'wasm');
  if (config) tf.unregisterKernel(KERNEL, 'wasm');
  try {
    return fn();
  } finally {
    if (config) tf.registerKernel(config);
  }
}

type Make = (params: { w: tf.Variable }) => Optimizer;
const CONFIGS: Array<[string, Make]> = [
  ['adam', (p) => adam(p, { lr: 0.01 })],
  ['adam with L2 weight decay', (p) => adam(p, { lr: 0.003, beta1: 0.5, weightDecay: 0.1 })],
  ['adamW', (p) => adamW(p, { lr: 0.01, weightDecay: 0.05 })],
  ['adamW with a schedule', (p) => adamW(p, { lr: (step) => 0.01 / (1 + step), beta2: 0.99, eps: 1e-6 })],
];

/** Five steps of `make` from the same start and grads; returns the param and both slots. */
async function run(make: Make, shape: number[]): Promise<Float32Array[]> {
  const w = tf.variable(randomNormal(1, shape));
  const opt = make({ w });
  for (let step = 0; step < 5; step++) {
    const grad = randomNormal(10 + step, shape, 0, step === 2 ? 1e-4 : 1); // a step with tiny grads
    opt.step({ w: grad });
    grad.dispose();
  }
  const state = opt.state();
  const out = [await w.data(), await state.slots['expAvg.w'].data(), await state.slots['expAvgSq.w'].data()] as Float32Array[];
  tf.dispose(Object.values(state.slots));
  opt.dispose();
  w.dispose();
  return out;
}

function maxDiff(actual: Float32Array, expected: Float32Array): { worst: number; scale: number } {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  expect(Number.isFinite(worst)).toBe(true);
  return { worst, scale };
}

describe('fused Adam kernel on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(async () => {
    await initBackend(suiteBackend);
  });

  it('is registered for wasm and used by adam/adamW', async () => {
    expect(tf.getKernel(KERNEL, 'wasm')).toBeDefined();
    const w = tf.variable(randomNormal(2, [7]));
    const grad = randomNormal(3, [7]);
    const opt = adam({ w });
    const fused = await tf.profile(() => opt.step({ w: grad }));
    expect(fused.kernelNames).toEqual([KERNEL]);
    const generic = await tf.profile(() => withoutFusedKernel(() => opt.step({ w: grad })));
    expect(generic.kernelNames).not.toContain(KERNEL);
    expect(generic.kernelNames).toContain('Sqrt');
    opt.dispose();
    tf.dispose([w, grad]);
  });

  for (const [label, make] of CONFIGS) {
    for (const shape of [[1], [7], [129, 7]]) {
      it(`${label}, shape [${shape}]: param and moments match the generic path to 1e-6 over 5 steps`, async () => {
        const fused = await run(make, shape);
        const generic = await withoutFusedKernel(() => run(make, shape));
        for (const [i, name] of ['param', 'expAvg', 'expAvgSq'].entries()) {
          // At the tensor's scale, as optimizers.test.ts compares with PyTorch: where a moment or
          // parameter cancels to near 0, each op's float32 rounding in the generic path is a large
          // elementwise relative difference (the fused kernel rounds once).
          const { worst, scale } = maxDiff(fused[i], generic[i]);
          expect(worst, `${name}: max |fused - generic| ${worst} vs 1e-6 * max |generic| ${scale}`).toBeLessThanOrEqual(1e-6 * scale);
        }
      });
    }
  }

  it('step() leaks nothing and state()/loadState() continue exactly', async () => {
    const w = tf.variable(randomNormal(4, [129]));
    const grad = randomNormal(5, [129]);
    const opt = adamW({ w });
    await expectNoLeak(() => {
      for (let i = 0; i < 3; i++) opt.step({ w: grad });
    }, 'fused adamW.step');
    const state = opt.state();
    const saved = await w.data();
    opt.step({ w: grad });
    const next = await w.data();
    const copy = tf.variable(tf.tensor(saved));
    const restored = adamW({ w: copy });
    restored.loadState(state);
    restored.step({ w: grad });
    expect(Array.from(await copy.data())).toEqual(Array.from(next));
    tf.dispose([w, grad, copy, ...Object.values(state.slots)]);
    opt.dispose();
    restored.dispose();
  });
});

describe('fused Adam kernel on cpu', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  afterAll(async () => {
    await initBackend(suiteBackend);
  });

  it('is not registered, and adam takes the generic path', async () => {
    expect(tf.getKernel(KERNEL, 'cpu')).toBeUndefined();
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    const grad = tf.tensor1d([0.5, 0.5, -0.5]);
    const opt = adam({ w }, { lr: 0.1 });
    const profile = await tf.profile(() => opt.step({ w: grad }));
    expect(profile.kernelNames).not.toContain(KERNEL);
    // First Adam step moves each parameter by lr * sign(grad) (up to eps).
    await expectTensorsClose(w, [0.9, -2.1, 3.1], { rtol: 1e-6, atol: 0 });
    opt.dispose();
    tf.dispose([w, grad]);
  });
});
