import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';

describe('gradients after importing @gen/core', () => {
  it('tf.variableGrads works through matMul, relu and a mean', async () => {
    const w = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]]));
    const x = tf.tensor2d([[1, 2], [3, -4]]);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.relu(tf.matMul(x, w))));
    // y = relu(x @ w); d mean / d w = x^T @ (mask / 4)
    const mask = tf.tidy(() => tf.cast(tf.greater(tf.matMul(x, w), 0), 'float32'));
    const expected = tf.tidy(() => tf.div(tf.matMul(x, mask, true, false), 4));
    await expectTensorsClose(grads[w.name], expected, 1e-6);
    expect(Number.isFinite((await value.data())[0])).toBe(true);
    tf.dispose([w, x, value, grads, mask, expected]);
  });

  it('a gradient step leaks no tensors', async () => {
    const w = tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', 1));
    const x = tf.randomNormal([8, 4], 0, 1, 'float32', 2);
    await expectNoLeak(() => {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.matMul(x, w))));
        w.assign(tf.sub(w, tf.mul(grads[w.name], 0.1)));
      });
    }, 'gradient step');
    tf.dispose([w, x]);
  });
});
