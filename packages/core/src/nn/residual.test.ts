import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  ShapeError,
  disposeParams,
  initResBlock,
  initResidualMlpBlock,
  prngKey,
  resBlock,
  residualMlpBlock,
} from '@gen/core';
import type { ResBlockParams, ResidualMlpBlockParams } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { CLOSE, expectGradsFlow, golden, unpack, unpackTree } from './golden.test-util.js';

describe('residualMlpBlock', () => {
  it('matches torch: x + fc2(gelu(fc1(layer_norm(x))))', async () => {
    const fx = golden.residualMlpBlock;
    const params = unpackTree({ norm: fx.norm, fc1: fx.fc1, fc2: fx.fc2 }) as unknown as ResidualMlpBlockParams;
    const x = unpack(fx.x);
    const y = residualMlpBlock(params, x);
    await expectTensorsClose(y, unpack(fx.y), CLOSE);
    tf.dispose([x, y]);
    disposeParams(params);
  });

  it('init shapes, gradient flow, validation, leaks', async () => {
    const params = initResidualMlpBlock(prngKey(0), { dim: 6 });
    expect(params.fc1.weight.shape).toEqual([6, 24]);
    expect(params.fc2.weight.shape).toEqual([24, 6]);
    const x = tf.randomNormal([3, 6], 0, 1, 'float32', 1);
    await expectGradsFlow(params, (p) => tf.mean(tf.square(residualMlpBlock(p as never, x, { activation: 'silu' }))));
    const bad = tf.zeros([3, 5]);
    expect(() => residualMlpBlock(params, bad)).toThrow(ShapeError);
    expect(() => residualMlpBlock(params, bad)).toThrow("Argument 'x' passed to 'residualMlpBlock' must have shape [batch, 6], but got [3, 5].");
    expect(() => residualMlpBlock(params, x, { activation: 'swish' as never })).toThrow(InvalidArgumentError);
    await expectNoLeak(() => initResidualMlpBlock(prngKey(0), { dim: 6, hiddenDim: 8 }));
    await expectNoLeak(() => residualMlpBlock(params, x));
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(residualMlpBlock(params, v)))(x));
    tf.dispose([x, bad]);
    disposeParams(params);
  });
});

describe('resBlock', () => {
  const fx = golden.resBlock;
  it('matches torch: group norm + SiLU + conv, time embedding, 1x1 skip', async () => {
    const params = unpackTree(fx.params) as unknown as ResBlockParams;
    const x = unpack(fx.x);
    const temb = unpack(fx.timeEmbedding);
    const y = resBlock(params, x, { numGroups: fx.numGroups, timeEmbedding: temb });
    await expectTensorsClose(y, unpack(fx.y), CLOSE);
    tf.dispose([x, temb, y]);
    disposeParams(params);
  });

  it('init: skip only when channels change, time projection only when asked', () => {
    const a = initResBlock(prngKey(0), { inChannels: 4, outChannels: 4 });
    expect(a.skip).toBeUndefined();
    expect(a.time).toBeUndefined();
    const b = initResBlock(prngKey(0), { inChannels: 4, outChannels: 8, timeEmbeddingDim: 16 });
    expect(b.skip!.weight.shape).toEqual([1, 1, 4, 8]);
    expect(b.time!.weight.shape).toEqual([16, 8]);
    expect(b.conv1.weight.shape).toEqual([3, 3, 4, 8]);
    disposeParams(a);
    disposeParams(b);
  });

  it('gradients flow to every parameter (with time embedding and dropout)', async () => {
    const params = initResBlock(prngKey(2), { inChannels: 4, outChannels: 6, timeEmbeddingDim: 5 });
    const x = tf.randomNormal([2, 4, 4, 4], 0, 1, 'float32', 1);
    const temb = tf.randomNormal([2, 5], 0, 1, 'float32', 2);
    await expectGradsFlow(params, (p) =>
      tf.mean(tf.square(resBlock(p as never, x, { numGroups: 2, timeEmbedding: temb, dropoutRate: 0.1, key: prngKey(3), training: true }))),
    );
    tf.dispose([x, temb]);
    disposeParams(params);
  });

  it('validates its arguments', () => {
    const params = initResBlock(prngKey(0), { inChannels: 4, outChannels: 6, timeEmbeddingDim: 5 });
    const x = tf.zeros([2, 4, 4, 4]);
    const temb = tf.zeros([2, 5]);
    expect(() => resBlock(params, x, { numGroups: 4, timeEmbedding: temb })).toThrow(
      "Argument 'numGroups' passed to 'resBlock' must divide the number of channels 6, but got 4.",
    );
    expect(() => resBlock(params, x, { numGroups: 2 })).toThrow(InvalidArgumentError);
    const badTemb = tf.zeros([2, 7]);
    expect(() => resBlock(params, x, { numGroups: 2, timeEmbedding: badTemb })).toThrow(
      "Argument 'timeEmbedding' passed to 'resBlock' must have shape [2, 5], but got [2, 7].",
    );
    const badX = tf.zeros([2, 4, 4, 3]);
    expect(() => resBlock(params, badX, { numGroups: 2, timeEmbedding: temb })).toThrow(
      "Argument 'x' passed to 'resBlock' must have shape [batch, height, width, 4], but got [2, 4, 4, 3].",
    );
    expect(() => resBlock(params, x, { numGroups: 2, timeEmbedding: temb, dropoutRate: 0.1, training: true })).toThrow(/'key' passed to 'resBlock' is required/);
    tf.dispose([x, temb, badTemb, badX]);
    disposeParams(params);
  });

  it('leaks nothing, forward and backward', async () => {
    const params = initResBlock(prngKey(0), { inChannels: 2, outChannels: 4, timeEmbeddingDim: 3 });
    const x = tf.randomNormal([1, 3, 3, 2], 0, 1, 'float32', 1);
    const temb = tf.randomNormal([1, 3], 0, 1, 'float32', 2);
    await expectNoLeak(() => initResBlock(prngKey(0), { inChannels: 2, outChannels: 4, timeEmbeddingDim: 3 }));
    await expectNoLeak(() => resBlock(params, x, { numGroups: 2, timeEmbedding: temb }));
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(resBlock(params, v, { numGroups: 2, timeEmbedding: temb })))(x));
    tf.dispose([x, temb]);
    disposeParams(params);
  });
});
