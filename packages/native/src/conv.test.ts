import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { installNativeKernels, uninstallNativeKernels } from './index.js';
import { convGeometry, expectRelClose, onBackend, randomArray, referenceConv, skipReason } from './test-helpers.js';

const suiteBackend = (process.env.GEN_BACKEND ?? 'cpu') as 'cpu' | 'wasm';
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
type Pair = number | [number, number];

/** [name, x shape, filter shape [kh, kw, c, oc], strides, pad, dilations, dimRoundingMode] */
type ConvCase = [string, number[], number[], Pair, Pad, Pair, 'ceil' | 'floor' | undefined];
const CASES: ConvCase[] = [
  ['DCGAN D1 [8,28,28,1] -> 32 3x3 s2 same', [8, 28, 28, 1], [3, 3, 1, 32], 2, 'same', 1, undefined],
  ['DCGAN D2 [8,14,14,64] -> 128 4x4 s2 same', [8, 14, 14, 64], [4, 4, 64, 128], 2, 'same', 1, undefined],
  ['U-Net [4,16,16,64] -> 64 3x3 s1 same', [4, 16, 16, 64], [3, 3, 64, 64], 1, 'same', 1, undefined],
  ['valid 3x3', [2, 7, 9, 3], [3, 3, 3, 5], 1, 'valid', 1, undefined],
  ['5x3 kernel, strides [2,3], valid', [1, 10, 11, 7], [5, 3, 7, 6], [2, 3], 'valid', 1, undefined],
  ['5x5 s2 same on odd size (asymmetric pad)', [2, 13, 13, 3], [5, 5, 3, 4], 2, 'same', 1, undefined],
  ['explicit padding', [2, 8, 8, 3], [3, 3, 3, 4], 2, [[0, 0], [1, 2], [0, 3], [0, 0]], 1, undefined],
  ['numeric pad 1', [2, 8, 8, 3], [3, 3, 3, 4], 1, 1, 1, undefined],
  ['numeric pad 0, ceil rounding', [1, 8, 8, 2], [3, 3, 2, 3], 2, 0, 1, 'ceil'],
  ['pointwise 1x1 to 129 channels', [2, 5, 5, 7], [1, 1, 7, 129], 1, 'valid', 1, undefined],
  ['odd sizes: 1 channel, 1x1 image', [1, 1, 1, 1], [1, 1, 1, 1], 1, 'same', 1, undefined],
  ['odd sizes: 7 -> 129 channels, 7x7 filter', [1, 7, 7, 7], [7, 7, 7, 129], 1, 'same', 1, undefined],
  ['odd sizes: 129 -> 7 channels', [1, 4, 5, 129], [2, 2, 129, 7], 1, 'valid', 1, undefined],
];
const DILATED: ConvCase[] = [
  ['dilation 2, same', [2, 9, 9, 3], [3, 3, 3, 4], 1, 'same', 2, undefined],
  ['dilations [2,3], valid', [1, 12, 13, 2], [3, 2, 2, 5], 1, 'valid', [2, 3], undefined],
];

const count = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
const asShape4 = (s: number[]) => s as [number, number, number, number];

function outShape([, xs, fs, strides, pad, dilations, rounding]: ConvCase): number[] {
  return tf.backend_util.computeConv2DInfo(asShape4(xs), asShape4(fs), strides, dilations, pad, rounding).outShape;
}

/** The case's tensors, deterministic per case. */
function data(c: ConvCase, seed: number) {
  const [, xs, fs] = c;
  const ys = outShape(c);
  return { xv: randomArray(seed, count(xs)), fv: randomArray(seed + 1, count(fs)), dyv: randomArray(seed + 2, count(ys)), ys };
}

describe.skipIf(skipReason !== undefined)('native Conv2D and its backprops on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    expect(installNativeKernels().ok).toBe(true);
  });
  afterAll(async () => {
    uninstallNativeKernels();
    await initBackend(suiteBackend);
  });

  /** Runs fn on stock wasm (native uninstalled) and with native kernels. */
  async function stockAndNative(fn: () => tf.Tensor | tf.Tensor[]) {
    uninstallNativeKernels();
    const stock = await onBackend('wasm', fn);
    expect(installNativeKernels().ok).toBe(true);
    const native = await onBackend('wasm', fn);
    return { stock, native };
  }

  /** The case's float64 reference (forward and both adjoints) and input data. */
  function reference(c: ConvCase, seed: number) {
    const [, xs, fs, strides, pad, dilations, rounding] = c;
    const info = tf.backend_util.computeConv2DInfo(asShape4(xs), asShape4(fs), strides, dilations, pad, rounding);
    const { xv, fv, dyv, ys } = data(c, seed);
    return { xv, fv, dyv, ys, ...referenceConv(convGeometry(info), xv, fv, dyv) };
  }

  // tfjs-backend-wasm 4.22's Conv2D ignores dimRoundingMode (its output is misaligned for 'ceil'):
  // that case is checked against the float64 reference only.
  const stockIsRight = (name: string) => !name.includes('ceil');

  it.each([...CASES, ...DILATED])('conv2d forward %s matches the float64 reference and the stock wasm kernel', async (...c) => {
    const [name, xs, fs, strides, pad, dilations, rounding] = c;
    const ref = reference(c, 100);
    const fn = () => tf.conv2d(tf.tensor4d(ref.xv, asShape4(xs)), tf.tensor4d(ref.fv, asShape4(fs)), strides, pad, 'NHWC', dilations, rounding);
    const { stock, native } = await stockAndNative(fn);
    expectRelClose(native[0], ref.y, 1e-5, 'conv2d vs float64');
    if (stockIsRight(name)) expectRelClose(native[0], stock[0], 1e-5, 'conv2d vs stock');
  });

  it.each(CASES)('conv2d backprop input (conv2dTranspose) %s matches the float64 reference and the stock wasm kernel', async (...c) => {
    const [, xs, fs, strides, pad, , rounding] = c;
    const ref = reference(c, 200);
    const fn = () => tf.conv2dTranspose(tf.tensor4d(ref.dyv, asShape4(ref.ys)), tf.tensor4d(ref.fv, asShape4(fs)), asShape4(xs), strides, pad, rounding);
    const { stock, native } = await stockAndNative(fn);
    expectRelClose(native[0], ref.dx, 1e-5, 'backprop input vs float64');
    expectRelClose(native[0], stock[0], 1e-5, 'backprop input vs stock');
  });

  // tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel (conv nets cannot train on stock wasm).
  it.each(CASES)('conv2d backprop filter %s matches the float64 reference', async (...c) => {
    const [, xs, fs, strides, pad, , rounding] = c;
    const ref = reference(c, 300);
    const grad = () => {
      const x = tf.tensor4d(ref.xv, asShape4(xs));
      const dy = tf.tensor4d(ref.dyv, asShape4(ref.ys));
      return tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, strides, pad, 'NHWC', 1, rounding), dy)))(tf.zeros(fs));
    };
    const [native] = await onBackend('wasm', grad);
    expectRelClose(native, ref.df, 1e-5, 'backprop filter vs float64');
  });

  it('gradients through a conv / conv-transpose / matmul network match the cpu backend', async () => {
    const xv = randomArray(401, 4 * 12 * 12 * 3);
    const f1v = randomArray(402, 3 * 3 * 3 * 8);
    const f2v = randomArray(403, 4 * 4 * 5 * 8);
    const wv = randomArray(404, 12 * 12 * 5 * 6);
    const grads = () => {
      const x = tf.tensor4d(xv, [4, 12, 12, 3]);
      const params = [tf.tensor4d(f1v, [3, 3, 3, 8]), tf.tensor4d(f2v, [4, 4, 5, 8]), tf.tensor2d(wv, [12 * 12 * 5, 6])];
      const loss = (xx: tf.Tensor, f1: tf.Tensor, f2: tf.Tensor, w: tf.Tensor) => {
        const h = tf.relu(tf.conv2d(xx as tf.Tensor4D, f1 as tf.Tensor4D, 2, 'same')); // [4, 6, 6, 8]
        const up = tf.conv2dTranspose(h, f2 as tf.Tensor4D, [4, 12, 12, 5], 2, 'same'); // [4, 12, 12, 5]
        return tf.mean(tf.square(tf.matMul(tf.reshape(tf.tanh(up), [4, -1]), w as tf.Tensor2D)));
      };
      return tf.grads(loss)([x, ...params]);
    };
    const cpu = await onBackend('cpu', grads);
    const native = await onBackend('wasm', grads);
    ['dx', 'df1', 'df2', 'dw'].forEach((name, i) => expectRelClose(native[i], cpu[i], 1e-5, name));
  });

  it('conv kernels and their gradients leak no tensors', async () => {
    const x = tf.tensor4d(randomArray(501, 2 * 9 * 9 * 3), [2, 9, 9, 3]);
    const f = tf.tensor4d(randomArray(502, 3 * 3 * 3 * 4), [3, 3, 3, 4]);
    await expectNoLeak(() => tf.conv2d(x, f, 2, 'same'), 'conv2d');
    await expectNoLeak(() => tf.tidy(() => tf.conv2dTranspose(tf.ones([2, 5, 5, 4]) as tf.Tensor4D, f, [2, 9, 9, 3], 2, 'same')), 'conv2dTranspose');
    await expectNoLeak(() => tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')))([x, f])), 'conv2d gradients');
    tf.dispose([x, f]);
  });

  it('leaves NCHW to the previous kernels (the stock Conv2D rejects it with its own message)', () => {
    const x = tf.ones([1, 3, 5, 5]) as tf.Tensor4D;
    const f = tf.ones([3, 3, 3, 2]) as tf.Tensor4D;
    expect(() => tf.conv2d(x, f, 1, 'same', 'NCHW')).toThrow(/dataFormat/);
    tf.dispose([x, f]);
  });
});
