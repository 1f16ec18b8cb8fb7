// @gen/native's C++ GenAdamUpdate against @gen/core's JS kernel and the generic tfjs-op path.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adam, adamW, initBackend, installWasmKernelFixes, uninstallWasmKernelFixes, type Optimizer } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { installNativeKernels, nativeKernelsInstalled, uninstallNativeKernels } from './index.js';
import { expectRelClose, randomArray, skipReason } from './test-helpers.js';

const suiteBackend = (process.env.GEN_BACKEND ?? 'cpu') as 'cpu' | 'wasm';
type Path = 'native' | 'js' | 'generic';

/** Selects the implementation of GenAdamUpdate: native (C++), core's JS kernel, or none (generic ops). */
function use(path: Path): void {
  uninstallNativeKernels();
  uninstallWasmKernelFixes();
  installWasmKernelFixes({ exclude: path === 'generic' ? ['GenAdamUpdate'] : [] });
  if (path === 'native') expect(installNativeKernels().ok).toBe(true);
}

/** Five updates from one start with fixed grads (one of them tiny); returns param, expAvg, expAvgSq. */
async function run(make: (p: { w: tf.Variable }) => Optimizer, count: number): Promise<Float32Array[]> {
  const w = tf.variable(tf.tensor1d(randomArray(1, count)));
  const opt = make({ w });
  for (let step = 0; step < 5; step++) {
    const grad = tf.tidy(() => tf.mul(tf.tensor1d(randomArray(10 + step, count)), step === 2 ? 1e-4 : 1));
    opt.step({ w: grad });
    grad.dispose();
  }
  const state = opt.state();
  const out = [await w.data(), await state.slots['expAvg.w'].data(), await state.slots['expAvgSq.w'].data()] as Float32Array[];
  tf.dispose([w, ...Object.values(state.slots)]);
  opt.dispose();
  return out;
}

describe.skipIf(skipReason !== undefined)('native fused Adam update on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(async () => {
    use('native');
    await initBackend(suiteBackend);
  });

  it('is installed with the other native kernels, over core JS kernel', () => {
    use('native');
    expect(nativeKernelsInstalled()).toBe(true);
    const before = tf.getKernel('GenAdamUpdate', 'wasm')?.kernelFunc;
    uninstallNativeKernels();
    expect(tf.getKernel('GenAdamUpdate', 'wasm')?.kernelFunc).not.toBe(before); // back to core's JS kernel
    expect(tf.getKernel('GenAdamUpdate', 'wasm')).toBeDefined();
  });

  const configs: Array<[string, (p: { w: tf.Variable }) => Optimizer]> = [
    ['adam', (p) => adam(p, { lr: 0.01 })],
    ['adam with L2 weight decay', (p) => adam(p, { lr: 0.003, beta1: 0.5, weightDecay: 0.1 })],
    ['adamW', (p) => adamW(p, { lr: 0.01, weightDecay: 0.05 })],
  ];
  for (const [label, make] of configs) {
    for (const count of [1, 7, 129, 903]) {
      it(`${label}, ${count} values: native matches core's JS kernel and the generic path to 1e-6`, async () => {
        use('native');
        const native = await run(make, count);
        use('js');
        const js = await run(make, count);
        use('generic');
        const generic = await run(make, count);
        for (const [i, name] of ['param', 'expAvg', 'expAvgSq'].entries()) {
          expectRelClose(native[i], js[i], 1e-6, `${name} native vs JS kernel`);
          expectRelClose(native[i], generic[i], 1e-6, `${name} native vs generic`);
        }
      });
    }
  }

  it('step() leaks nothing', async () => {
    use('native');
    const w = tf.variable(tf.tensor1d(randomArray(3, 129)));
    const grad = tf.tensor1d(randomArray(4, 129));
    const opt = adamW({ w });
    await expectNoLeak(() => {
      for (let i = 0; i < 3; i++) opt.step({ w: grad });
    }, 'native adamW.step');
    opt.dispose();
    tf.dispose([w, grad]);
  });
});
