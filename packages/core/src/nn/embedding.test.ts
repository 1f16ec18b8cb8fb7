import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, embedding, initEmbedding, normal, prngKey } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { CLOSE, expectGradsFlow, golden, unpack } from './golden.test-util.js';

const fx = golden.embedding;
const ids = () => tf.tensor(fx.ids.data, fx.ids.shape, 'int32');

describe('embedding', () => {
  it('matches torch F.embedding, and its table gradient sums repeated ids', async () => {
    const weight = unpack<tf.Rank.R2>(fx.weight);
    const i = ids();
    const y = embedding({ weight }, i);
    expect(y.shape).toEqual([2, 5, 4]);
    await expectTensorsClose(y, unpack(fx.y), CLOSE);
    const upstream = unpack(fx.upstream);
    const g = tf.grad((w: tf.Tensor) => embedding({ weight: w as tf.Tensor2D }, i))(weight, upstream);
    await expectTensorsClose(g, fx.gradWeight.data, CLOSE);
    // Row 4 is never looked up: its gradient is exactly zero.
    expect(Array.from((await g.data()).slice(16, 20))).toEqual([0, 0, 0, 0]);
    tf.dispose([weight, i, y, upstream, g]);
  });

  it('initEmbedding draws N(0, 1) by default, or the given initialiser', async () => {
    const p = initEmbedding(prngKey(0), { numEmbeddings: 100, embeddingDim: 50 });
    const q = initEmbedding(prngKey(0), { numEmbeddings: 100, embeddingDim: 50, init: normal(0.02) });
    const v = Array.from(await p.weight.data());
    const std = Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
    expect(Math.abs(std - 1)).toBeLessThan(4 * Math.sqrt(0.5 / v.length));
    const w = await q.weight.data();
    expect(w[3] / v[3]).toBeCloseTo(0.02, 5);
    tf.dispose([p.weight, q.weight]);
  });

  it('gradients flow to the table', async () => {
    const params = initEmbedding(prngKey(1), { numEmbeddings: 5, embeddingDim: 3 });
    const i = tf.tensor1d([0, 1, 2, 3, 4, 4], 'int32');
    await expectGradsFlow(params, (p) => tf.sum(tf.square(embedding(p as never, i))));
    tf.dispose([params.weight, i]);
  });

  it('validates its arguments', () => {
    const params = initEmbedding(prngKey(0), { numEmbeddings: 5, embeddingDim: 3 });
    const f = tf.tensor1d([1, 2]);
    expect(() => embedding(params, f)).toThrow(InvalidArgumentError);
    expect(() => embedding(params, f)).toThrow("Argument 'ids' passed to 'embedding' must be an int32 tf.Tensor, but got dtype float32.");
    expect(() => embedding({ weight: tf.zeros([5]) as never }, tf.tensor1d([1], 'int32'))).toThrow(ShapeError);
    expect(() => initEmbedding(prngKey(0), { numEmbeddings: 5, embeddingDim: 0 })).toThrow(
      "Argument 'embeddingDim' passed to 'initEmbedding' must be an integer >= 1, but got 0.",
    );
    tf.dispose([params.weight, f]);
  });

  it('leaks nothing, forward and backward', async () => {
    const params = initEmbedding(prngKey(0), { numEmbeddings: 7, embeddingDim: 4 });
    const i = ids();
    await expectNoLeak(() => initEmbedding(prngKey(0), { numEmbeddings: 7, embeddingDim: 4 }));
    await expectNoLeak(() => embedding(params, i));
    await expectNoLeak(() => tf.grad((w: tf.Tensor) => tf.sum(embedding({ weight: w as tf.Tensor2D }, i)))(params.weight));
    tf.dispose([params.weight, i]);
  });
});

describe('embedding gradient with ids made inside the differentiated function', () => {
  it('works (regression: the backward pass used ids this function had disposed)', async () => {
    const params = { weight: tf.variable(tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]])) };
    const { value, grads } = tf.variableGrads(() => tf.sum(embedding(params, tf.tensor1d([0, 2, 2, 3], 'int32'))));
    expect((await value.data())[0]).toBe(1 + 2 + 2 * (5 + 6) + 7 + 8);
    expect(Array.from(await grads[params.weight.name].data())).toEqual([1, 1, 0, 0, 2, 2, 1, 1]);
    tf.dispose([value, grads, params.weight]);
  });
});
