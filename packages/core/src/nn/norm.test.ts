import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, groupNorm, initGroupNorm, initLayerNorm, layerNorm } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { CLOSE, expectGradsFlow, golden, unpack } from './golden.test-util.js';

describe('layerNorm', () => {
  const fx = golden.layerNorm;
  it('matches torch F.layer_norm, forward and backward', async () => {
    const x = unpack(fx.x);
    const weight = unpack<tf.Rank.R1>(fx.weight);
    const bias = unpack<tf.Rank.R1>(fx.bias);
    const y = layerNorm({ weight, bias }, x, { eps: fx.eps });
    await expectTensorsClose(y, unpack(fx.y), CLOSE);
    const plain = layerNorm({}, x);
    await expectTensorsClose(plain, unpack(fx.yNoAffine), CLOSE);
    const upstream = unpack(fx.upstream);
    const [gx, gw, gb] = tf.grads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      layerNorm({ weight: w as tf.Tensor1D, bias: b as tf.Tensor1D }, a),
    )([x, weight, bias], upstream);
    await expectTensorsClose(gx, fx.gradX.data, CLOSE);
    await expectTensorsClose(gw, fx.gradWeight.data, CLOSE);
    await expectTensorsClose(gb, fx.gradBias.data, CLOSE);
    tf.dispose([x, weight, bias, y, plain, upstream, gx, gw, gb]);
  });

  it('init gives ones and zeros (or nothing), and gradients flow', async () => {
    const p = initLayerNorm({ dim: 4 });
    expect(Array.from(await p.weight!.data())).toEqual([1, 1, 1, 1]);
    expect(Array.from(await p.bias!.data())).toEqual([0, 0, 0, 0]);
    expect(initLayerNorm({ dim: 4, affine: false })).toEqual({});
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 5);
    const target = tf.randomNormal([3, 4], 0, 1, 'float32', 6);
    await expectGradsFlow(p, (q) => tf.mean(tf.square(tf.sub(layerNorm(q as never, x), target))));
    tf.dispose([p.weight!, p.bias!, x, target]);
  });

  it('validates its arguments', () => {
    const p = initLayerNorm({ dim: 8 });
    const x = tf.zeros([2, 5]);
    expect(() => layerNorm(p, x)).toThrow(ShapeError);
    expect(() => layerNorm(p, x)).toThrow("Argument 'x' passed to 'layerNorm' must have shape [..., 8], but got [2, 5].");
    expect(() => layerNorm(p, tf.zeros([2, 8]), { eps: -1 })).toThrow(InvalidArgumentError);
    expect(() => initLayerNorm({ dim: 0 })).toThrow("Argument 'dim' passed to 'initLayerNorm' must be an integer >= 1, but got 0.");
    tf.dispose([p.weight!, p.bias!, x]);
  });

  it('leaks nothing, forward and backward', async () => {
    const p = initLayerNorm({ dim: 3 });
    const x = tf.randomNormal([2, 3], 0, 1, 'float32', 1);
    await expectNoLeak(() => initLayerNorm({ dim: 3 }));
    await expectNoLeak(() => layerNorm(p, x));
    await expectNoLeak(() => tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(layerNorm({ weight: w as tf.Tensor1D }, a))))([x, p.weight!]));
    tf.dispose([p.weight!, p.bias!, x]);
  });
});

describe('groupNorm', () => {
  const fx = golden.groupNorm;
  it('matches torch F.group_norm (NCHW there, NHWC here), forward and backward', async () => {
    const x = unpack(fx.x);
    const weight = unpack<tf.Rank.R1>(fx.weight);
    const bias = unpack<tf.Rank.R1>(fx.bias);
    const y = groupNorm({ weight, bias }, x, { numGroups: fx.numGroups, eps: fx.eps });
    await expectTensorsClose(y, unpack(fx.y), CLOSE);
    const upstream = unpack(fx.upstream);
    const [gx, gw, gb] = tf.grads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      groupNorm({ weight: w as tf.Tensor1D, bias: b as tf.Tensor1D }, a, { numGroups: fx.numGroups }),
    )([x, weight, bias], upstream);
    await expectTensorsClose(gx, fx.gradX.data, CLOSE);
    await expectTensorsClose(gw, fx.gradWeight.data, CLOSE);
    await expectTensorsClose(gb, fx.gradBias.data, CLOSE);
    tf.dispose([x, weight, bias, y, upstream, gx, gw, gb]);
  });

  it('gradients flow to every parameter', async () => {
    const p = initGroupNorm({ numChannels: 4 });
    const x = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 5);
    const target = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 6);
    await expectGradsFlow(p, (q) => tf.mean(tf.square(tf.sub(groupNorm(q as never, x, { numGroups: 2 }), target))));
    tf.dispose([p.weight!, p.bias!, x, target]);
  });

  it('validates its arguments', () => {
    const p = initGroupNorm({ numChannels: 6 });
    const x = tf.zeros([2, 4, 4, 6]);
    expect(() => groupNorm(p, x, { numGroups: 4 })).toThrow(InvalidArgumentError);
    expect(() => groupNorm(p, x, { numGroups: 4 })).toThrow(
      "Argument 'numGroups' passed to 'groupNorm' must divide the number of channels 6, but got 4.",
    );
    const bad = tf.zeros([2, 4, 6]);
    expect(() => groupNorm(p, bad, { numGroups: 3 })).toThrow(
      "Argument 'x' passed to 'groupNorm' must have shape [batch, height, width, 6], but got [2, 4, 6].",
    );
    tf.dispose([p.weight!, p.bias!, x, bad]);
  });

  it('leaks nothing, forward and backward', async () => {
    const p = initGroupNorm({ numChannels: 4 });
    const x = tf.randomNormal([1, 2, 2, 4], 0, 1, 'float32', 1);
    await expectNoLeak(() => initGroupNorm({ numChannels: 4 }));
    await expectNoLeak(() => groupNorm(p, x, { numGroups: 2 }));
    await expectNoLeak(() =>
      tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(groupNorm({ weight: w as tf.Tensor1D }, a, { numGroups: 2 }))))([x, p.weight!]),
    );
    tf.dispose([p.weight!, p.bias!, x]);
  });
});
