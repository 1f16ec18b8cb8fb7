import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, convTranspose2d, initConv2d, initConvTranspose2d, prngKey, upsampleConv } from '@gen/core';
import type { ConvTranspose2dOptions } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { CLOSE, cases, expectGradsFlow, golden, unpack } from './golden.test-util.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const options = (c: any): ConvTranspose2dOptions => ({ stride: c.stride, padding: c.padding, outputPadding: c.outputPadding });

describe('convTranspose2d (PyTorch golden, NHWC)', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  it.each(cases(golden.convTranspose2d))('%s: forward and gradients match', async (_name, c) => {
    const x = unpack<tf.Rank.R4>(c.x);
    const weight = unpack<tf.Rank.R4>(c.weight);
    const bias = unpack<tf.Rank.R1>(c.bias);
    const y = convTranspose2d({ weight, bias }, x, options(c));
    await expectTensorsClose(y, unpack(c.y), CLOSE);
    const upstream = unpack(c.upstream);
    const [gx, gw, gb] = tf.grads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      convTranspose2d({ weight: w as tf.Tensor4D, bias: b as tf.Tensor1D }, a, options(c)),
    )([x, weight, bias], upstream);
    await expectTensorsClose(gx, c.gradX.data, CLOSE);
    await expectTensorsClose(gw, c.gradWeight.data, CLOSE);
    await expectTensorsClose(gb, c.gradBias.data, CLOSE);
    tf.dispose([x, weight, bias, y, upstream, gx, gw, gb]);
  });

  it('upsampleConv (nearest x2 + 3x3 conv) matches torch', async () => {
    const c = golden.upsampleConv;
    const x = unpack(c.x);
    const params = { weight: unpack<tf.Rank.R4>(c.weight), bias: unpack<tf.Rank.R1>(c.bias) };
    const y = upsampleConv(params, x, { padding: 1 });
    await expectTensorsClose(y, unpack(c.y), CLOSE);
    const ySame = upsampleConv(params, x);
    await expectTensorsClose(ySame, unpack(c.y), CLOSE);
    tf.dispose([x, params.weight, params.bias, y, ySame]);
  });
});

describe('convTranspose2d and upsampleConv', () => {
  it('initConvTranspose2d gives [kh, kw, out, in] kernels', () => {
    const p = initConvTranspose2d(prngKey(0), { inChannels: 8, outChannels: 3, kernelSize: 4 });
    expect(p.weight.shape).toEqual([4, 4, 3, 8]);
    expect(p.bias!.shape).toEqual([3]);
    tf.dispose([p.weight, p.bias!]);
  });

  it('output sizes follow the padding rules', () => {
    const p = initConvTranspose2d(prngKey(0), { inChannels: 2, outChannels: 3, kernelSize: 4 });
    const x = tf.zeros([1, 5, 6, 2]);
    const shape = (o: ConvTranspose2dOptions) => tf.tidy(() => convTranspose2d(p, x, o).shape);
    expect(shape({ stride: 2 })).toEqual([1, 10, 12, 3]);
    expect(shape({ stride: 2, padding: 1 })).toEqual([1, 10, 12, 3]);
    expect(shape({ stride: 2, padding: 'valid' })).toEqual([1, 12, 14, 3]);
    expect(shape({ stride: 2, padding: 1, outputPadding: 1 })).toEqual([1, 11, 13, 3]);
    tf.dispose([p.weight, p.bias!, x]);
  });

  it('gradients flow to every parameter', async () => {
    const x = tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 1);
    const t = initConvTranspose2d(prngKey(1), { inChannels: 2, outChannels: 3, kernelSize: 4, biasInit: (_k, s) => tf.fill([...s], 0.1) });
    await expectGradsFlow(t, (p) => tf.mean(tf.square(convTranspose2d(p as never, x, { stride: 2, padding: 1, activation: 'tanh' }))));
    const u = initConv2d(prngKey(2), { inChannels: 2, outChannels: 3, kernelSize: 3, biasInit: (_k, s) => tf.fill([...s], 0.1) });
    await expectGradsFlow(u, (p) => tf.mean(tf.square(upsampleConv(p as never, x, { activation: 'silu' }))));
    tf.dispose([x, t.weight, t.bias!, u.weight, u.bias!]);
  });

  it('validates its arguments', () => {
    const p = initConvTranspose2d(prngKey(0), { inChannels: 4, outChannels: 2, kernelSize: 3 });
    const x = tf.zeros([1, 3, 3, 2]);
    expect(() => convTranspose2d(p, x)).toThrow(ShapeError);
    expect(() => convTranspose2d(p, x)).toThrow(
      "Argument 'x' passed to 'convTranspose2d' must have shape [batch, height, width, 4], but got [1, 3, 3, 2].",
    );
    const ok = tf.zeros([1, 3, 3, 4]);
    expect(() => convTranspose2d(p, ok, { stride: 2, padding: 1, outputPadding: 2 })).toThrow(InvalidArgumentError);
    expect(() => convTranspose2d(p, ok, { stride: 2, outputPadding: 1 })).toThrow(/0 with padding 'same'/);
    expect(() => convTranspose2d(p, tf.zeros([1, 1, 1, 4]), { padding: 2 })).toThrow(/empty output \[-1, -1\]/);
    const c = initConv2d(prngKey(0), { inChannels: 3, outChannels: 2, kernelSize: 3 });
    expect(() => upsampleConv(c, ok)).toThrow("Argument 'x' passed to 'upsampleConv' must have shape [batch, height, width, 3], but got [1, 3, 3, 4].");
    expect(() => upsampleConv(c, tf.zeros([1, 3, 3, 3]), { scale: 1.5 })).toThrow(InvalidArgumentError);
    tf.dispose([p.weight, p.bias!, x, ok, c.weight, c.bias!]);
  });

  it('leaks nothing, forward and backward', async () => {
    const p = initConvTranspose2d(prngKey(0), { inChannels: 2, outChannels: 3, kernelSize: 4 });
    const c = initConv2d(prngKey(0), { inChannels: 2, outChannels: 3, kernelSize: 3 });
    const x = tf.ones([1, 3, 3, 2]);
    await expectNoLeak(() => initConvTranspose2d(prngKey(0), { inChannels: 2, outChannels: 3, kernelSize: 4 }));
    await expectNoLeak(() => convTranspose2d(p, x, { stride: 2, padding: 1, activation: 'relu' }));
    await expectNoLeak(() => upsampleConv(c, x, { activation: 'silu' }));
    await expectNoLeak(() =>
      tf.grads((w: tf.Tensor, b: tf.Tensor, a: tf.Tensor) =>
        tf.sum(convTranspose2d({ weight: w as tf.Tensor4D, bias: b as tf.Tensor1D }, a, { stride: 2, padding: 1, activation: 'gelu' })),
      )([p.weight, p.bias!, x]),
    );
    await expectNoLeak(() =>
      tf.grads((w: tf.Tensor, b: tf.Tensor, a: tf.Tensor) =>
        tf.sum(upsampleConv({ weight: w as tf.Tensor4D, bias: b as tf.Tensor1D }, a)),
      )([c.weight, c.bias!, x]),
    );
    tf.dispose([p.weight, p.bias!, c.weight, c.bias!, x]);
  });
});
