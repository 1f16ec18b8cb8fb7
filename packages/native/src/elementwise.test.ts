// @gen/native's Exp, Erf, LeakyRelu, Greater and Select against the stock wasm kernels.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { installNativeKernels, uninstallNativeKernels } from './index.js';
import { onBackend, randomArray, skipReason } from './test-helpers.js';

const suiteBackend = (process.env.GEN_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

async function stockAndNative(fn: () => tf.Tensor | tf.Tensor[]): Promise<{ stock: Float32Array[]; native: Float32Array[] }> {
  uninstallNativeKernels();
  const stock = await onBackend('wasm', fn);
  expect(installNativeKernels().ok).toBe(true);
  const native = await onBackend('wasm', fn);
  return { stock, native };
}

/** Elementwise |a - e| <= rtol |e| with NaN where the stock kernel has NaN and equal infinities. */
function expectElementwiseClose(actual: Float32Array, expected: Float32Array, rtol: number, label: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      expect(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)), `${label}[${i}]: ${a} vs ${e}`).toBe(true);
    } else {
      expect(Math.abs(a - e), `${label}[${i}]: ${a} vs ${e}`).toBeLessThanOrEqual(rtol * Math.abs(e));
    }
  }
}

// Edges: overflow/underflow thresholds of expf (88.72, -87.34 normal, -103.97 denormal), signed zeros.
const EDGES = [0, -0, 1e-30, -1e-30, 1, -1, 87, 88, 88.5, 88.7, 88.8, 100, -87, -87.3, -87.5, -90, -100, -104, -200, 4, -4, 10, Infinity, -Infinity, NaN];

describe.skipIf(skipReason !== undefined)('native elementwise kernels on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(async () => {
    expect(installNativeKernels().ok).toBe(true);
    await initBackend(suiteBackend);
  });

  for (const count of [1, 7, 129, 100_003]) {
    it(`exp and erf of ${count} values match the stock kernels to 1e-6 (with edge values)`, async () => {
      const values = Float32Array.from(randomArray(count, count), (v) => v * 30);
      values.set(EDGES.slice(0, Math.min(count, EDGES.length)));
      for (const [name, op] of [['exp', tf.exp], ['erf', tf.erf]] as const) {
        const { stock, native } = await stockAndNative(() => op(tf.tensor1d(values)));
        expectElementwiseClose(native[0], stock[0], 1e-6, name);
      }
    });

    it(`leakyRelu, greater and select of ${count} values are identical to the stock kernels`, async () => {
      const a = randomArray(count, count);
      const b = randomArray(count + 1, count);
      a.set(EDGES.slice(0, Math.min(count, EDGES.length)));
      const fn = () => {
        const [x, y] = [tf.tensor1d(a), tf.tensor1d(b)];
        const mask = tf.greater(x, y);
        return [tf.leakyRelu(x, 0.3), tf.cast(mask, 'float32'), tf.cast(tf.greater(x, 0), 'float32'), tf.cast(tf.greater(x, tf.scalar(0.25)), 'float32'), tf.where(mask, x, y)];
      };
      const { stock, native } = await stockAndNative(fn);
      for (let i = 0; i < stock.length; i++) expect(Array.from(native[i]), `output ${i}`).toEqual(Array.from(stock[i]));
    });
  }

  it('the leaky-relu and GELU gradients match the stock kernels; no leaks', async () => {
    const x = Float32Array.from(randomArray(3, 7 * 129), (v) => v * 4);
    const grads = () => {
      const t = tf.tensor2d(x, [7, 129]);
      return [
        tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(u, 0.2), u)))(t),
        tf.grad((u: tf.Tensor) => tf.sum(tf.mul(u, tf.erf(u))))(t),
        tf.grad((u: tf.Tensor) => tf.sum(tf.exp(tf.neg(tf.square(u)))))(t),
      ];
    };
    const { stock, native } = await stockAndNative(grads);
    for (let i = 0; i < stock.length; i++) expectElementwiseClose(native[i], stock[i], 1e-5, `gradient ${i}`);
    expect(installNativeKernels().ok).toBe(true);
    await expectNoLeak(() => tf.tidy(() => grads()), 'gradients with native elementwise kernels');
  });

  it('other dtypes and broadcasting keep the kernels registered before', async () => {
    expect(installNativeKernels().ok).toBe(true);
    const i = tf.tensor1d([1, -2, 3], 'int32');
    expect(Array.from(await tf.greater(i, tf.scalar(0, 'int32')).data())).toEqual([1, 0, 1]);
    const row = tf.tensor2d([[1, 5, -1]]);
    const col = tf.tensor2d([[0], [2]]);
    expect(Array.from(await tf.greater(row, col).data())).toEqual([1, 1, 0, 0, 1, 0]);
    tf.dispose([i, row, col]);
  });
});

describe.skipIf(skipReason !== undefined)('native Sum over leading axes on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(async () => {
    expect(installNativeKernels().ok).toBe(true);
    await initBackend(suiteBackend);
  });

  const cases: Array<[number[], number | number[], boolean]> = [];
  for (const a of [1, 7, 129]) for (const b of [1, 7, 129]) cases.push([[a, b], 0, a % 2 === 1 && b === 7]);
  cases.push([[3, 7, 129], [0, 1], false], [[3, 7, 129], [0, 1], true], [[64, 14, 14, 32], [0, 1, 2], false], [[3, 7, 5], [1, 0], false], [[3, 7, 5], 2, false], [[3, 7, 5], [0, 2], false]);

  it.each(cases)('sum of %j over %j (keepDims %s) is identical to the stock kernel', async (shape, axis, keepDims) => {
    const values = randomArray(shape.length, shape.reduce((p, d) => p * d, 1));
    const { stock, native } = await stockAndNative(() => tf.sum(tf.tensor(values, shape), axis, keepDims));
    expect(Array.from(native[0])).toEqual(Array.from(stock[0]));
    expect(installNativeKernels().ok).toBe(true);
    const x = tf.tensor(values, shape);
    await expectNoLeak(() => tf.sum(x, axis, keepDims), 'native sum');
    x.dispose();
  });
});
