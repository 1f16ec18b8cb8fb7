import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, conv2d, heNormal, initConv2d, prngKey } from '@gen/core';
import type { Conv2dOptions } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { CLOSE, cases, expectGradsFlow, golden, unpack } from './golden.test-util.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const options = (c: any): Conv2dOptions => ({ stride: c.stride, padding: c.padding, dilation: c.dilation, activation: c.activation });

describe('conv2d (PyTorch golden, NHWC)', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  it.each(cases(golden.conv2d))('%s: forward and gradients match', async (_name, c) => {
    const x = unpack<tf.Rank.R4>(c.x);
    const weight = unpack<tf.Rank.R4>(c.weight);
    const bias = unpack<tf.Rank.R1>(c.bias);
    const y = conv2d({ weight, bias }, x, options(c));
    await expectTensorsClose(y, unpack(c.y), CLOSE);
    const upstream = unpack(c.upstream);
    const [gx, gw, gb] = tf.grads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      conv2d({ weight: w as tf.Tensor4D, bias: b as tf.Tensor1D }, a, options(c)),
    )([x, weight, bias], upstream);
    await expectTensorsClose(gx, c.gradX.data, CLOSE);
    await expectTensorsClose(gw, c.gradWeight.data, CLOSE);
    await expectTensorsClose(gb, c.gradBias.data, CLOSE);
    tf.dispose([x, weight, bias, y, upstream, gx, gw, gb]);
  });
});

describe('conv2d', () => {
  it('initConv2d gives [kh, kw, in, out] kernels with He statistics when asked', async () => {
    const p = initConv2d(prngKey(0), { inChannels: 3, outChannels: 8, kernelSize: [3, 5], init: heNormal });
    expect(p.weight.shape).toEqual([3, 5, 3, 8]);
    expect(p.bias!.shape).toEqual([8]);
    const q = initConv2d(prngKey(0), { inChannels: 3, outChannels: 8, kernelSize: 3, bias: false });
    expect('bias' in q).toBe(false);
    tf.dispose([p.weight, p.bias!, q.weight]);
  });

  it('output sizes follow the padding rules', () => {
    const p = initConv2d(prngKey(0), { inChannels: 2, outChannels: 3, kernelSize: 3 });
    const x = tf.zeros([1, 9, 8, 2]);
    const shape = (o: Conv2dOptions) => tf.tidy(() => conv2d(p, x, o).shape);
    expect(shape({})).toEqual([1, 9, 8, 3]);
    expect(shape({ stride: 2 })).toEqual([1, 5, 4, 3]);
    expect(shape({ padding: 'valid' })).toEqual([1, 7, 6, 3]);
    expect(shape({ padding: 1, stride: 2 })).toEqual([1, 5, 4, 3]);
    expect(shape({ padding: 'valid', dilation: 2 })).toEqual([1, 5, 4, 3]);
    tf.dispose([p.weight, p.bias!, x]);
  });

  it('gradients flow to every parameter (with stride, dilation and a non-fused activation)', async () => {
    const x = tf.randomNormal([2, 7, 7, 3], 0, 1, 'float32', 1);
    const params = initConv2d(prngKey(1), { inChannels: 3, outChannels: 4, kernelSize: 3, biasInit: (_k, s) => tf.fill([...s], 0.1) });
    await expectGradsFlow(params, (p) => tf.mean(tf.square(conv2d(p as never, x, { stride: 2, dilation: 2, activation: 'silu' }))));
    tf.dispose([x, params.weight, params.bias!]);
  });

  it('validates its arguments', () => {
    const p = initConv2d(prngKey(0), { inChannels: 3, outChannels: 4, kernelSize: 3 });
    const x = tf.zeros([2, 8, 8, 1]);
    expect(() => conv2d(p, x)).toThrow(ShapeError);
    expect(() => conv2d(p, x)).toThrow("Argument 'x' passed to 'conv2d' must have shape [batch, height, width, 3], but got [2, 8, 8, 1].");
    const ok = tf.zeros([1, 4, 4, 3]);
    expect(() => conv2d(p, ok, { padding: 'full' as never })).toThrow(InvalidArgumentError);
    expect(() => conv2d(p, ok, { padding: 'full' as never })).toThrow(
      "Argument 'padding' passed to 'conv2d' must be 'same', 'valid', a non-negative integer or a pair of them, but got 'full'.",
    );
    expect(() => conv2d(p, ok, { stride: 0 })).toThrow("Argument 'stride' passed to 'conv2d' must be a positive integer or a pair of them, but got 0.");
    expect(() => conv2d(p, tf.zeros([1, 2, 2, 3]), { padding: 'valid' })).toThrow(/at least as large as the \(dilated\) kernel \[3, 3\]/);
    expect(() => conv2d({ weight: tf.zeros([3, 3, 3]) as never }, ok)).toThrow(
      "Parameter 'params.weight' passed to 'conv2d' must have shape [kernelHeight, kernelWidth, inChannels, outChannels], but got [3, 3, 3].",
    );
    expect(() => initConv2d(prngKey(0), { inChannels: 3, outChannels: 4, kernelSize: [3] as never })).toThrow(InvalidArgumentError);
    tf.dispose([p.weight, p.bias!, x, ok]);
  });

  it('leaks nothing, forward and backward', async () => {
    const p = initConv2d(prngKey(0), { inChannels: 2, outChannels: 3, kernelSize: 3 });
    const x = tf.ones([1, 6, 6, 2]);
    await expectNoLeak(() => initConv2d(prngKey(0), { inChannels: 2, outChannels: 3, kernelSize: 3 }));
    await expectNoLeak(() => conv2d(p, x, { activation: 'relu' }));
    await expectNoLeak(() => conv2d(p, x, { dilation: 2, stride: 2, activation: 'gelu' }));
    await expectNoLeak(() =>
      tf.grads((w: tf.Tensor, b: tf.Tensor, a: tf.Tensor) =>
        tf.sum(conv2d({ weight: w as tf.Tensor4D, bias: b as tf.Tensor1D }, a, { stride: 2, dilation: 2, activation: 'relu' })),
      )([p.weight, p.bias!, x]),
    );
    tf.dispose([p.weight, p.bias!, x]);
  });
});
