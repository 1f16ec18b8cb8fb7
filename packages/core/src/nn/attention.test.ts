import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  ShapeError,
  disposeKVCache,
  disposeParams,
  initMultiHeadAttention,
  multiHeadAttention,
  prngKey,
  scaledDotProductAttention,
  uniform,
} from '@gen/core';
import type { KVCache, MultiHeadAttentionParams } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { CLOSE, expectGradsFlow, golden, unpack, unpackTree } from './golden.test-util.js';

describe('scaledDotProductAttention (PyTorch golden)', () => {
  const fx = golden.attention;
  it('matches torch without mask, causal, and with a boolean mask', async () => {
    const [q, k, v] = [unpack(fx.q), unpack(fx.k), unpack(fx.v)];
    const mask = tf.tensor(fx.mask.data, fx.mask.shape, 'bool');
    const y = scaledDotProductAttention(q, k, v);
    const yc = scaledDotProductAttention(q, k, v, { causal: true });
    const ym = scaledDotProductAttention(q, k, v, { mask });
    await expectTensorsClose(y, unpack(fx.y), CLOSE);
    await expectTensorsClose(yc, unpack(fx.yCausal), CLOSE);
    await expectTensorsClose(ym, unpack(fx.yMasked), CLOSE);
    // An additive float mask is the same thing.
    const additive = tf.where(mask, tf.zeros(mask.shape), tf.fill(mask.shape, -1e9));
    const ya = scaledDotProductAttention(q, k, v, { mask: additive });
    await expectTensorsClose(ya, unpack(fx.yMasked), CLOSE);
    tf.dispose([q, k, v, mask, y, yc, ym, additive, ya]);
  });

  it('validates its arguments', () => {
    const q = tf.zeros([2, 3, 5, 4]);
    const k = tf.zeros([2, 3, 6, 8]);
    expect(() => scaledDotProductAttention(q, k, k)).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q, k, k)).toThrow(
      "Argument 'k' passed to 'scaledDotProductAttention' must have shape [2, 3, 'keyTime', 4], but got [2, 3, 6, 8].",
    );
    const m = tf.zeros([2, 3, 5, 7]);
    expect(() => scaledDotProductAttention(q, q, q, { mask: m })).toThrow(/must be broadcastable to \[batch, heads, queryTime, keyTime\] = \[2, 3, 5, 5\]/);
    tf.dispose([q, k, m]);
  });
});

describe('multiHeadAttention', () => {
  const fx = golden.multiHeadAttention;

  it('matches torch F.multi_head_attention_forward with a causal mask', async () => {
    const params = unpackTree(fx.params) as unknown as MultiHeadAttentionParams;
    const x = unpack(fx.x);
    const y = multiHeadAttention(params, x, { numHeads: fx.numHeads, causal: true });
    expect(y.shape).toEqual([2, 6, 8]);
    await expectTensorsClose(y, unpack(fx.yCausal), CLOSE);
    tf.dispose([x, y]);
    disposeParams(params);
  });

  it('decoding token by token with a KV cache equals full causal attention', async () => {
    const numHeads = 3;
    const params = initMultiHeadAttention(prngKey(0), { dModel: 12, numHeads, init: uniform(0.5) });
    const x = tf.randomNormal([2, 7, 12], 0, 1, 'float32', 11);
    const full = multiHeadAttention(params, x, { numHeads, causal: true });
    const before = tf.memory().numTensors;
    let cache: KVCache | null = null;
    const steps: tf.Tensor[] = [];
    // Prefill with the first 3 positions, then one token at a time.
    const chunks = [[0, 3], [3, 1], [4, 1], [5, 1], [6, 1]];
    for (const [start, size] of chunks) {
      const chunk = tf.slice(x, [0, start, 0], [2, size, 12]);
      const step: { output: tf.Tensor3D; cache: KVCache } = multiHeadAttention(params, chunk, { numHeads, causal: true, kvCache: cache });
      expect(step.cache.keys.shape).toEqual([2, numHeads, start + size, 4]);
      // The old cache is still valid after the call: the caller disposes it.
      if (cache) expect(cache.keys.isDisposed).toBe(false);
      disposeKVCache(cache);
      cache = step.cache;
      steps.push(step.output);
      chunk.dispose();
    }
    // Only the outputs and one cache (2 tensors) remain.
    expect(tf.memory().numTensors).toBe(before + steps.length + 2);
    const incremental = tf.concat(steps, 1);
    await expectTensorsClose(incremental, full, { rtol: 1e-5, atol: 1e-6 });
    // Without the causal mask the last position differs from the causal result at earlier positions.
    const nonCausal = multiHeadAttention(params, x, { numHeads });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(nonCausal, full))).dataSync()[0]);
    expect(diff).toBeGreaterThan(1e-3);
    disposeKVCache(cache);
    disposeKVCache(cache); // idempotent
    tf.dispose([x, full, incremental, nonCausal, ...steps]);
    disposeParams(params);
  });

  it('gradients flow to every parameter', async () => {
    const params = initMultiHeadAttention(prngKey(1), { dModel: 8, numHeads: 2 });
    const x = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 2);
    await expectGradsFlow(params, (p) => tf.mean(tf.square(multiHeadAttention(p as never, x, { numHeads: 2, causal: true }))));
    disposeParams(params);
    x.dispose();
  });

  it('validates its arguments', () => {
    const params = initMultiHeadAttention(prngKey(0), { dModel: 8, numHeads: 2 });
    const x = tf.zeros([2, 5, 6]);
    expect(() => multiHeadAttention(params, x, { numHeads: 2 })).toThrow(ShapeError);
    expect(() => multiHeadAttention(params, x, { numHeads: 2 })).toThrow(
      "Argument 'x' passed to 'multiHeadAttention' must have shape [batch, ..., 8], but got [2, 5, 6].",
    );
    const ok = tf.zeros([2, 5, 8]);
    expect(() => multiHeadAttention(params, ok, { numHeads: 3 })).toThrow(InvalidArgumentError);
    expect(() => multiHeadAttention(params, ok, { numHeads: 3 })).toThrow(
      "Argument 'numHeads' passed to 'multiHeadAttention' must divide dModel 8, but got 3.",
    );
    const badCache = { keys: tf.zeros([2, 2, 3, 3]), values: tf.zeros([2, 2, 3, 4]) } as unknown as KVCache;
    expect(() => multiHeadAttention(params, ok, { numHeads: 2, kvCache: badCache })).toThrow(
      "Argument 'kvCache.keys' passed to 'multiHeadAttention' must have shape [2, 2, cachedTime, 4], but got [2, 2, 3, 3].",
    );
    expect(() => initMultiHeadAttention(prngKey(0), { dModel: 10, numHeads: 4 })).toThrow(InvalidArgumentError);
    tf.dispose([x, ok]);
    disposeKVCache(badCache);
    disposeParams(params);
  });

  it('leaks nothing, forward, with a cache, and backward', async () => {
    const params = initMultiHeadAttention(prngKey(0), { dModel: 8, numHeads: 2 });
    const x = tf.randomNormal([1, 4, 8], 0, 1, 'float32', 3);
    const q = tf.randomNormal([1, 2, 4, 3], 0, 1, 'float32', 4);
    const mask = tf.tensor2d([[true, false, true, true]], [1, 4], 'bool');
    await expectNoLeak(() => initMultiHeadAttention(prngKey(0), { dModel: 8, numHeads: 2 }));
    await expectNoLeak(() => scaledDotProductAttention(q, q, q, { causal: true, mask }));
    await expectNoLeak(() => multiHeadAttention(params, x, { numHeads: 2, causal: true, mask }));
    await expectNoLeak(() => {
      const first = multiHeadAttention(params, x, { numHeads: 2, causal: true, kvCache: null });
      const second = multiHeadAttention(params, x, { numHeads: 2, causal: true, kvCache: first.cache });
      disposeKVCache(first.cache);
      return [first.output, second.output, second.cache.keys, second.cache.values];
    });
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(multiHeadAttention(params, v, { numHeads: 2, causal: true })))(x));
    tf.dispose([x, q, mask]);
    disposeParams(params);
  });
});
