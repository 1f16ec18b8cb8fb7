import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, countParams, disposeParams, initMlp, linear, mlp, prngKey } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { expectGradsFlow } from './golden.test-util.js';

describe('mlp', () => {
  const config = Object.freeze({ widths: [6, 5, 4, 3], activation: 'gelu', finalActivation: 'sigmoid' } as const);

  it('is the composition of its linear layers', async () => {
    const params = initMlp(prngKey(0), config);
    expect(Object.keys(params.layers)).toEqual(['0', '1', '2']);
    expect(countParams(params)).toBe(6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3);
    const x = tf.randomNormal([7, 6], 0, 1, 'float32', 3);
    const y = mlp(params, x, config);
    const expected = tf.tidy(() => {
      const h1 = linear(params.layers['0'], x, 'gelu');
      const h2 = linear(params.layers['1'], h1, 'gelu');
      return linear(params.layers['2'], h2, 'sigmoid');
    });
    await expectTensorsClose(y, expected, { rtol: 1e-6, atol: 1e-7 });
    tf.dispose([x, y, expected]);
    disposeParams(params);
  });

  it('gradients flow to every parameter', async () => {
    const params = initMlp(prngKey(1), { widths: [4, 8, 2], activation: 'silu' });
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 4);
    // Zero biases get non-zero gradients too.
    await expectGradsFlow(params, (p) => tf.mean(tf.square(mlp(p as never, x, { activation: 'silu' }))));
    disposeParams(params);
    x.dispose();
  });

  it('validates its arguments', () => {
    expect(() => initMlp(prngKey(0), { widths: [3] })).toThrow(
      "Argument 'widths' passed to 'initMlp' must be an array of at least two positive integers, but got [3].",
    );
    expect(() => initMlp(prngKey(0), { widths: [3, 2], activation: 'elu' as never })).toThrow(InvalidArgumentError);
    const params = initMlp(prngKey(0), { widths: [784, 10] });
    const x = tf.zeros([32, 28, 28]);
    expect(() => mlp(params, x)).toThrow("Argument 'x' passed to 'mlp' must have shape [batch, ..., 784], but got [32, 28, 28].");
    expect(() => mlp(params, tf.zeros([1, 784]), { finalActivation: 'softmax' as never })).toThrow(
      /Argument 'finalActivation' passed to 'mlp' must be one of 'linear', 'relu'/,
    );
    expect(() => mlp({ layers: { 0: params.layers['0'], 2: params.layers['0'] } }, tf.zeros([1, 784]))).toThrow(
      "Parameter 'params.layers' passed to 'mlp' must have keys '0'..'1', but got ['0', '2'].",
    );
    expect(() => mlp({ layers: { 0: params.layers['0'], 1: params.layers['0'] } }, tf.zeros([1, 784]))).toThrow(ShapeError);
    disposeParams(params);
    x.dispose();
  });

  it('leaks nothing, forward and backward', async () => {
    await expectNoLeak(() => initMlp(prngKey(0), config));
    const params = initMlp(prngKey(0), config);
    const x = tf.ones([2, 6]);
    await expectNoLeak(() => mlp(params, x, config));
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(mlp(params, v, config)))(x));
    disposeParams(params);
    x.dispose();
  });
});
