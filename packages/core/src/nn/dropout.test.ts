import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, dropout, prngKey } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';

describe('dropout', () => {
  it('the same key gives the same mask; another key a different one', async () => {
    const x = tf.ones([50, 40]);
    const a = await dropout(x, 0.3, prngKey(1), true).data();
    const b = await dropout(x, 0.3, prngKey(1), true).data();
    const c = await dropout(x, 0.3, prngKey(2), true).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    // Kept elements are scaled by 1 / (1 - rate); dropped ones are zero.
    expect(new Set(Array.from(a).map((v) => v.toFixed(5)))).toEqual(new Set(['0.00000', (1 / 0.7).toFixed(5)]));
    x.dispose();
  });

  it('is the identity when not training or with rate 0', async () => {
    const x = tf.randomNormal([10, 10], 0, 1, 'float32', 3);
    const values = Array.from(await x.data());
    for (const y of [dropout(x, 0.5, prngKey(0), false), dropout(x, 0, prngKey(0), true)]) {
      expect(Array.from(await y.data())).toEqual(values);
      y.dispose();
    }
    x.dispose();
  });

  it('keeps the expected value and drops about `rate` of the elements', async () => {
    const n = 200_000;
    const rate = 0.25;
    const x = tf.fill([n], 2);
    const y = Array.from(await dropout(x, rate, prngKey(7), true).data());
    const mean = y.reduce((s, v) => s + v, 0) / n;
    const dropped = y.reduce((s, v) => s + (v === 0 ? 1 : 0), 0) / n;
    // Each element is 2/(1-rate) with probability 1-rate: mean 2, variance 4 * rate / (1 - rate).
    expect(Math.abs(mean - 2)).toBeLessThan(4 * Math.sqrt((4 * rate) / (1 - rate) / n));
    expect(Math.abs(dropped - rate)).toBeLessThan(4 * Math.sqrt((rate * (1 - rate)) / n));
    x.dispose();
  });

  it('passes gradients through the kept elements only', async () => {
    const x = tf.ones([1000]);
    const y = dropout(x, 0.5, prngKey(4), true);
    const g = tf.grad((v: tf.Tensor) => tf.sum(dropout(v, 0.5, prngKey(4), true)))(x);
    expect(Array.from(await g.data())).toEqual(Array.from(await y.data()));
    tf.dispose([x, y, g]);
  });

  it('validates its arguments', () => {
    const x = tf.ones([3]);
    expect(() => dropout(x, 1, prngKey(0), true)).toThrow(InvalidArgumentError);
    expect(() => dropout(x, 1, prngKey(0), true)).toThrow("Argument 'rate' passed to 'dropout' must be in [0, 1), but got 1.");
    expect(() => dropout(x, -0.1, prngKey(0), true)).toThrow(InvalidArgumentError);
    expect(() => dropout(x, 0.1, 'k' as never, true)).toThrow(/Argument 'key' passed to 'dropout'/);
    expect(() => dropout(x, 0.1, prngKey(0), 1 as never)).toThrow("Argument 'training' passed to 'dropout' must be a boolean, but got 1.");
    x.dispose();
  });

  it('leaks nothing, forward and backward', async () => {
    const x = tf.ones([4, 4]);
    await expectNoLeak(() => dropout(x, 0.5, prngKey(0), true));
    await expectNoLeak(() => dropout(x, 0.5, prngKey(0), false));
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(dropout(v, 0.5, prngKey(0), true)))(x));
    x.dispose();
  });
});
