import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, installWasmKernelFixes, randomNormal, uninstallWasmKernelFixes, wasmKernelFixesInstalled } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';

const suiteBackend = process.env.GEN_BACKEND ?? 'cpu';

/** Runs `fn` on the stock kernels and on the fixed kernels; returns both results as arrays. */
async function both(fn: () => tf.Tensor): Promise<{ stock: Float32Array; fixed: Float32Array; shape: number[] }> {
  uninstallWasmKernelFixes();
  const a = fn();
  installWasmKernelFixes();
  const b = fn();
  expect(b.shape).toEqual(a.shape);
  const result = { stock: (await a.data()) as Float32Array, fixed: (await b.data()) as Float32Array, shape: b.shape };
  tf.dispose([a, b]);
  return result;
}

describe('wasm matmul kernels with explicit transposes', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(async () => {
    await initBackend(suiteBackend as 'cpu' | 'wasm');
  });

  it('are installed when initBackend selects wasm', () => {
    expect(wasmKernelFixesInstalled()).toBe(true);
  });

  const sizes = [1, 7, 129];
  const cases: Array<[number, number, number, boolean, boolean]> = [];
  for (const m of sizes) for (const k of sizes) for (const n of [1, 7, 129]) {
    for (const ta of [false, true]) for (const tb of [false, true]) if ((m + k + n) % 2 === 1 || ta !== tb) cases.push([m, k, n, ta, tb]);
  }

  it.each(cases)('matMul m=%i k=%i n=%i transposeA=%s transposeB=%s matches the stock kernel', async (m, k, n, ta, tb) => {
    const a = randomNormal(m * 1000 + k, ta ? [k, m] : [m, k]);
    const b = randomNormal(k * 1000 + n, tb ? [n, k] : [k, n]);
    const { stock, fixed } = await both(() => tf.matMul(a, b, ta, tb));
    await expectTensorsClose(fixed, stock, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([a, b]);
  });

  it('handles batch broadcasting and higher rank', async () => {
    const a = randomNormal(1, [2, 1, 9, 5]);
    const b = randomNormal(2, [1, 3, 4, 5]);
    const { stock, fixed, shape } = await both(() => tf.matMul(a, b, false, true));
    expect(shape).toEqual([2, 3, 9, 4]);
    await expectTensorsClose(fixed, stock, { rtol: 1e-5, atol: 1e-5 });
    const c = randomNormal(3, [3, 5, 9]);
    const r2 = await both(() => tf.matMul(c, randomNormal(4, [5, 2]), true, false));
    await expectTensorsClose(r2.fixed, r2.stock, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([a, b, c]);
  });

  // Compared with a float64 reference rather than the stock kernel: tfjs-backend-wasm 4.22's own
  // _FusedMatMul returns wrong values for transposeB at this shape (max error ~2.9 here).
  it('fused matmul with bias and activation matches a float64 reference under transposes', async () => {
    const [m, k, n] = [7, 129, 33];
    const a = randomNormal(5, [m, k]);
    const b = randomNormal(6, [n, k]);
    const bias = randomNormal(7, [n]);
    const [av, bv, biasv] = [await a.data(), await b.data(), await bias.data()];
    const linear = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = biasv[j];
        for (let p = 0; p < k; p++) sum += av[i * k + p] * bv[j * k + p];
        linear[i * n + j] = sum;
      }
    }
    const activations = {
      linear: (x: number) => x,
      relu: (x: number) => Math.max(0, x),
      sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
    };
    installWasmKernelFixes();
    for (const [activation, f] of Object.entries(activations)) {
      const out = tf.fused.matMul({ a, b, transposeB: true, bias, activation: activation as 'relu' });
      await expectTensorsClose(out, linear.map(f), { rtol: 1e-5, atol: 1e-5 });
      out.dispose();
    }
    tf.dispose([a, b, bias]);
  });

  it('gradients through matMul match the stock kernels and leak nothing', async () => {
    const x = randomNormal(8, [16, 129]);
    const w = tf.variable(randomNormal(9, [129, 7]));
    const grad = () => tf.tidy(() => tf.variableGrads(() => tf.mean(tf.square(tf.relu(tf.matMul(x, w))))).grads[w.name]);
    const { stock, fixed } = await both(grad);
    await expectTensorsClose(fixed, stock, { rtol: 1e-5, atol: 1e-6 });
    await expectNoLeak(grad, 'matMul gradient with fixed kernels');
    tf.dispose([x, w]);
  });
});

describe('wasm Log1p and OneHot corrections', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(async () => {
    await initBackend(suiteBackend as 'cpu' | 'wasm');
  });

  it('log1p is accurate for tiny inputs and matches Math.log1p elsewhere', async () => {
    const values = [1e-12, -1e-9, 1e-7, 3e-5, 0.5, 2, 1000, -0.75];
    const x = tf.tensor1d(values);
    const y = tf.log1p(x);
    await expectTensorsClose(y, values.map(Math.log1p), { rtol: 1e-6, atol: 0 });
    await expectNoLeak(() => tf.log1p(x));
    tf.dispose([x, y]);
  });

  it('oneHot gives real float32 ones and zeros, and int32 as before', async () => {
    const indices = tf.tensor1d([0, 2, 1], 'int32');
    const asFloat = tf.oneHot(indices, 3, 1, 0, 'float32');
    expect(asFloat.dtype).toBe('float32');
    expect(Array.from(await asFloat.data())).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
    const asInt = tf.oneHot(indices, 3);
    expect(asInt.dtype).toBe('int32');
    expect(Array.from(await asInt.data())).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
    await expectNoLeak(() => tf.oneHot(indices, 3, 1, 0, 'float32'));
    tf.dispose([indices, asFloat, asInt]);
  });
});

/** Runs `fn` with stock `names` and with gen's; returns both results. */
async function stockAndOurs(names: readonly string[], fn: () => tf.Tensor) {
  uninstallWasmKernelFixes();
  installWasmKernelFixes({ exclude: names });
  const a = fn();
  uninstallWasmKernelFixes();
  installWasmKernelFixes();
  const b = fn();
  expect(b.shape).toEqual(a.shape);
  expect(b.dtype).toBe(a.dtype);
  const result = { stock: Array.from(await a.data()), ours: Array.from(await b.data()) };
  tf.dispose([a, b]);
  return result;
}

describe('wasm Sum over leading axes and slice-copy GatherV2', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(async () => {
    installWasmKernelFixes();
    await initBackend(suiteBackend as 'cpu' | 'wasm');
  });

  const sumCases: Array<[number[], number | number[], boolean]> = [];
  for (const a of [1, 7, 129]) for (const b of [1, 7, 129]) for (const keepDims of [false, true]) sumCases.push([[a, b], 0, keepDims]);
  sumCases.push([[3, 7, 129], [0, 1], false], [[3, 7, 129], [1, 0], true], [[7, 3, 5], 0, false], [[7, 3, 5], [-3], true]);
  // Not leading: these keep the stock kernel, and must still agree.
  sumCases.push([[7, 129], 1, false], [[3, 7, 5], [0, 2], false], [[3, 7, 5], [0, 1, 2], false], [[7, 5], [1, 0], false]);

  it.each(sumCases)('sum of %j over %j (keepDims %s) is identical to the stock kernel', async (shape, axis, keepDims) => {
    const x = randomNormal(shape.reduce((p, d) => p * d, 1), shape);
    const { stock, ours } = await stockAndOurs(['Sum'], () => tf.sum(x, axis, keepDims));
    expect(ours).toEqual(stock);
    await expectNoLeak(() => tf.sum(x, axis, keepDims), 'sum');
    x.dispose();
  });

  it('sum of int32 and of bias gradients matches the stock kernel', async () => {
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32');
    const r = await stockAndOurs(['Sum'], () => tf.sum(x, 0));
    expect(r.ours).toEqual([5, 7, 9]);
    expect(r.ours).toEqual(r.stock);
    const w = tf.variable(randomNormal(3, [129]));
    const y = randomNormal(4, [16, 7, 129]);
    const grad = () => tf.tidy(() => tf.variableGrads(() => tf.sum(tf.square(tf.add(y, w)))).grads[w.name]);
    const g = await stockAndOurs(['Sum'], grad);
    expect(g.ours).toEqual(g.stock);
    await expectNoLeak(grad, 'bias gradient');
    tf.dispose([x, w, y]);
  });

  const gatherCases: Array<[string, number[], number[], number, number, tf.DataType]> = [
    ['rows of a matrix', [129, 7], [7], 0, 0, 'float32'],
    ['one row', [1, 129], [1], 0, 0, 'float32'],
    ['columns', [7, 129], [129], 1, 0, 'float32'],
    ['2-D indices (embedding lookup)', [7, 5], [3, 129], 0, 0, 'float32'],
    ['middle axis of a 3-D tensor', [3, 7, 5], [4], 1, 0, 'float32'],
    ['int32 values', [7, 3], [129], 0, 0, 'int32'],
    ['bool values', [7, 3], [5], 0, 0, 'bool'],
  ];

  it.each(gatherCases)('gather: %s is identical to the stock kernel', async (_label, xShape, indexShape, axis, batchDims, dtype) => {
    const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
    const base = randomNormal(size(xShape), xShape);
    const x = dtype === 'float32' ? base : dtype === 'int32' ? tf.cast(tf.mul(base, 100), 'int32') : tf.greater(base, 0);
    const dim = xShape[axis];
    const indices = tf.tensor(Array.from({ length: size(indexShape) }, (_, i) => (i * 5 + 3) % dim), indexShape, 'int32');
    const { stock, ours } = await stockAndOurs(['GatherV2'], () => tf.gather(x, indices, axis, batchDims));
    expect(ours).toEqual(stock);
    await expectNoLeak(() => tf.gather(x, indices, axis, batchDims), 'gather');
    tf.dispose([base, x, indices]);
  });

  // The stock wasm kernel reads the wrong batch with batchDims > 0 (tfjs-backend-wasm 4.22), so
  // this case is checked against the definition out[b, i, :] = x[b, ids[b, i], :].
  it('gather with batchDims 1 follows the definition (the stock wasm kernel does not)', async () => {
    installWasmKernelFixes();
    const x = tf.tensor3d(Array.from({ length: 105 }, (_, i) => i), [3, 7, 5]);
    const ids = [[3, 1, 6, 4], [2, 0, 5, 3], [1, 6, 4, 2]];
    const indices = tf.tensor2d(ids, [3, 4], 'int32');
    const out = tf.gather(x, indices, 1, 1);
    expect(out.shape).toEqual([3, 4, 5]);
    const expected = ids.flatMap((row, b) => row.flatMap((i) => Array.from({ length: 5 }, (_, c) => b * 35 + i * 5 + c)));
    expect(Array.from(await out.data())).toEqual(expected);
    tf.dispose([x, indices, out]);
  });

  it('gather rejects an index out of range with the stock message', () => {
    installWasmKernelFixes();
    const x = randomNormal(1, [7, 3]);
    const bad = tf.tensor1d([0, 7], 'int32');
    expect(() => tf.gather(x, bad)).toThrow('GatherV2: the index value 7 is not in [0, 6]');
    const negative = tf.tensor1d([-1], 'int32');
    expect(() => tf.gather(x, negative)).toThrow('GatherV2: the index value -1 is not in [0, 6]');
    tf.dispose([x, bad, negative]);
  });
});

describe('wasm Identity shares data', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    installWasmKernelFixes();
  });
  afterAll(async () => {
    await initBackend(suiteBackend as 'cpu' | 'wasm');
  });

  it.each([[[1]], [[7]], [[129, 7]]])('clone of %j keeps its values after the original is freed, and frees its memory', async (shape) => {
    const bytesBefore = tf.memory().numBytes;
    const x = randomNormal(7, shape as number[]);
    const values = Array.from(await x.data());
    const copy = tf.clone(x);
    const backend = tf.backend() as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } };
    expect(backend.dataIdMap.get(copy.dataId)).toBe(backend.dataIdMap.get(x.dataId)); // no copy made
    x.dispose();
    expect(Array.from(await copy.data())).toEqual(values);
    copy.dispose();
    expect(tf.memory().numBytes).toBe(bytesBefore);
    await expectNoLeak(() => tf.tidy(() => tf.clone(tf.ones(shape as number[]))), 'clone');
  });

  it('a variable assigned after a clone leaves the clone unchanged; int32 and bool clone too', async () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor1d([4, 5, 6]));
    expect(Array.from(await snapshot.data())).toEqual([1, 2, 3]);
    expect(Array.from(await v.data())).toEqual([4, 5, 6]);
    const i = tf.tensor1d([1, -2], 'int32');
    const b = tf.tensor1d([true, false], 'bool');
    const [ic, bc] = [tf.clone(i), tf.clone(b)];
    expect([ic.dtype, bc.dtype]).toEqual(['int32', 'bool']);
    expect([Array.from(await ic.data()), Array.from(await bc.data())]).toEqual([[1, -2], [1, 0]]);
    tf.dispose([v, snapshot, i, b, ic, bc]);
  });

  it('gradients that save tensors for the backward pass match the copying kernel', async () => {
    const w = tf.variable(randomNormal(11, [129, 7]));
    const x = randomNormal(12, [16, 129]);
    const grad = () => tf.tidy(() => tf.variableGrads(() => tf.sum(tf.exp(tf.tanh(tf.matMul(x, w))))).grads[w.name]);
    const { stock, ours } = await stockAndOurs(['Identity'], grad);
    expect(ours).toEqual(stock);
    await expectNoLeak(grad, 'gradient');
    tf.dispose([w, x]);
  });
});
