import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, uninstallWasmKernelFixes, installWasmKernelFixes } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { installNativeKernels, uninstallNativeKernels } from './index.js';
import { expectRelClose, onBackend, randomArray, referenceMatMul, skipReason } from './test-helpers.js';

const suiteBackend = (process.env.GEN_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

/** The same computation with the stock wasm kernels and with the native kernels. */
async function stockAndNative(fn: () => tf.Tensor | tf.Tensor[]): Promise<{ stock: Float32Array[]; native: Float32Array[] }> {
  uninstallNativeKernels();
  uninstallWasmKernelFixes();
  const stock = await onBackend('wasm', fn);
  installWasmKernelFixes();
  expect(installNativeKernels().ok).toBe(true);
  const native = await onBackend('wasm', fn);
  return { stock, native };
}

describe.skipIf(skipReason !== undefined)('native BatchMatMul and _FusedMatMul on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    expect(installNativeKernels().ok).toBe(true);
  });
  afterAll(async () => {
    uninstallNativeKernels();
    await initBackend(suiteBackend);
  });

  const sizes = [1, 7, 129];
  const cases: Array<[number, number, number, boolean, boolean]> = [];
  for (const m of sizes) for (const k of sizes) for (const n of sizes) {
    for (const ta of [false, true]) for (const tb of [false, true]) if ((m + k + n) % 2 === 1 || ta !== tb) cases.push([m, k, n, ta, tb]);
  }

  it.each(cases)('matMul m=%i k=%i n=%i transposeA=%s transposeB=%s matches the stock kernel', async (m, k, n, ta, tb) => {
    const av = randomArray(m * 1000 + k, m * k);
    const bv = randomArray(k * 1000 + n, k * n);
    const fn = () => tf.matMul(tf.tensor(av, ta ? [k, m] : [m, k]), tf.tensor(bv, tb ? [n, k] : [k, n]), ta, tb);
    const { stock, native } = await stockAndNative(fn);
    expectRelClose(native[0], stock[0], 1e-5, 'matMul');
  });

  // The reference is a float64 loop with NumPy broadcasting: tfjs's cpu and wasm kernels both
  // index batches modulo the larger batch, which is wrong for e.g. [2, 1] x [1, 3] batches.
  const broadcastCases: Array<[number[], number[], boolean, boolean, number[]]> = [
    [[2, 1, 9, 5], [1, 3, 4, 5], false, true, [2, 3, 9, 4]],
    [[3, 5, 9], [5, 2], true, false, [3, 9, 2]],
    [[4, 7, 129], [129, 33], false, false, [4, 7, 33]],
    [[7, 129], [3, 129, 5], false, false, [3, 7, 5]],
    [[2, 3, 6, 4], [3, 4, 6], true, true, [2, 3, 4, 4]],
    [[1, 1, 7, 7], [2, 1, 7, 7], false, false, [2, 1, 7, 7]],
  ];
  it.each(broadcastCases)('matMul %j x %j (transposeA=%s, transposeB=%s) broadcasts batches to %j', async (as, bs, ta, tb, outShape) => {
    const av = randomArray(11, as.reduce((p, d) => p * d, 1));
    const bv = randomArray(12, bs.reduce((p, d) => p * d, 1));
    const fn = () => tf.matMul(tf.tensor(av, as), tf.tensor(bv, bs), ta, tb);
    const reference = referenceMatMul(av, as, bv, bs, ta, tb);
    expect(reference.shape).toEqual(outShape);
    const result = tf.tidy(() => {
      const out = fn();
      expect(out.shape).toEqual(outShape);
      return out.dataSync() as Float32Array;
    });
    expectRelClose(result, reference.values, 1e-5, 'broadcast matMul');
  });

  const activations = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const;
  const fusedCases: Array<[string, boolean, boolean, string]> = [];
  for (const activation of activations) {
    fusedCases.push([activation, false, false, 'vector']);
    fusedCases.push([activation, true, true, 'scalar']);
    fusedCases.push([activation, false, true, 'none']);
  }
  it.each(fusedCases)('fused matMul activation=%s transposeA=%s transposeB=%s bias=%s matches the cpu backend', async (activation, ta, tb, biasKind) => {
    const [m, k, n] = [7, 129, 33];
    const av = randomArray(21, m * k);
    const bv = randomArray(22, k * n);
    const biasv = randomArray(23, n).map((v) => 3 * v);
    const alphav = randomArray(24, n);
    const fn = () => {
      const a = tf.tensor(av, ta ? [k, m] : [m, k]);
      const b = tf.tensor(bv, tb ? [n, k] : [k, n]);
      const bias = biasKind === 'vector' ? tf.tensor(biasv, [n]) : biasKind === 'scalar' ? tf.scalar(0.25) : undefined;
      const preluActivationWeights = activation === 'prelu' ? (biasKind === 'scalar' ? tf.scalar(0.3) : tf.tensor(alphav, [n])) : undefined;
      // Scale so that relu6 and elu see values on both sides of their kinks.
      return tf.fused.matMul({ a: tf.mul(a, 2), b, transposeA: ta, transposeB: tb, bias, activation: activation as 'relu', preluActivationWeights, leakyreluAlpha: 0.1 });
    };
    const [cpu] = await onBackend('cpu', fn);
    const [native] = await onBackend('wasm', fn);
    expectRelClose(native, cpu, 1e-5, `fused ${activation}`);
  });

  it('fused matMul with a batch and a [1, n] bias matches the cpu backend', async () => {
    const fn = () =>
      tf.fused.matMul({ a: tf.tensor(randomArray(31, 3 * 5 * 17), [3, 5, 17]), b: tf.tensor(randomArray(32, 3 * 17 * 9), [3, 17, 9]), bias: tf.tensor(randomArray(33, 9), [1, 9]), activation: 'relu' });
    const [cpu] = await onBackend('cpu', fn);
    const [native] = await onBackend('wasm', fn);
    expectRelClose(native, cpu, 1e-5, 'batched fused');
  });

  it('gradients through matMul match the cpu backend and leak nothing', async () => {
    const xv = randomArray(41, 16 * 129);
    const wv = randomArray(42, 129 * 7);
    const grads = () => {
      const x = tf.tensor(xv, [16, 129]);
      const w = tf.tensor(wv, [129, 7]);
      const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.mean(tf.square(tf.relu(tf.matMul(xx, ww)))));
      return g([x, w]);
    };
    const cpu = await onBackend('cpu', grads);
    const native = await onBackend('wasm', grads);
    expectRelClose(native[0], cpu[0], 1e-5, 'dx');
    expectRelClose(native[1], cpu[1], 1e-5, 'dw');
    await expectNoLeak(() => tf.tidy(grads), 'matMul gradient with native kernels');
  });

  it('leaks no tensors across plain, broadcast and fused matmuls', async () => {
    const a = tf.tensor(randomArray(51, 2 * 6 * 5), [2, 6, 5]);
    const b = tf.tensor(randomArray(52, 5 * 4), [5, 4]);
    await expectNoLeak(() => tf.matMul(a, b), 'matMul');
    await expectNoLeak(() => tf.matMul(a, a, true, false), 'matMul transposeA');
    await expectNoLeak(() => tf.tidy(() => tf.fused.matMul({ a, b, bias: tf.zeros([4]), activation: 'relu' })), 'fused matMul');
    tf.dispose([a, b]);
  });

  it('falls back to the previous kernel for non-float32 inputs', () => {
    const a = tf.tensor([[1, 2]], [1, 2], 'int32');
    const b = tf.tensor([[3], [4]], [2, 1], 'int32');
    // tfjs-backend-wasm's kernel rejects int32; the native wrapper hands it the call unchanged.
    expect(() => tf.matMul(a, b)).toThrow(/non-float32/);
    tf.dispose([a, b]);
  });

  it('reads the wasm memory after allocating the output, so memory growth is safe', async () => {
    const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
    const heapBefore = backend.wasm.HEAPU8.buffer;
    const heapFloats = heapBefore.byteLength / 4;
    if (heapFloats > 2 ** 26) return; // 256 MB already: growth would need an unreasonably large test
    const [m, k] = [1024, 4];
    const n = Math.ceil((heapFloats + 2 ** 20) / m);
    const av = randomArray(61, m * k);
    const bv = randomArray(62, k * n);
    const a = tf.tensor(av, [m, k]);
    const b = tf.tensor(bv, [k, n]);
    const out = tf.matMul(a, b);
    expect(backend.wasm.HEAPU8.buffer).not.toBe(heapBefore); // the output did not fit: the heap grew
    const values = out.dataSync();
    for (const [i, j] of [[0, 0], [m - 1, n - 1], [517, 3 * (n >> 2)], [m >> 1, n - 7]]) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += av[i * k + p] * bv[p * n + j];
      expect(Math.abs(values[i * n + j] - sum)).toBeLessThan(1e-5);
    }
    tf.dispose([a, b, out]);
  });
});
