import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { stopGradient } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';

describe('stopGradient', () => {
  it('passes values and blocks gradients', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.add(tf.mul(v, v), stopGradient(tf.mul(v, v)))))(x);
    expect(Array.from(await g.data())).toEqual([2, 4, 6]);
    const y = stopGradient(x);
    expect(Array.from(await y.data())).toEqual([1, 2, 3]);
    tf.dispose([x, g, y]);
  });
  it('leaks nothing', async () => {
    const x = tf.tensor1d([1, 2]);
    await expectNoLeak(() => stopGradient(x));
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(stopGradient(v)))(x));
    x.dispose();
  });
});
