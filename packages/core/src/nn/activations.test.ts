import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, InvalidArgumentError, activate, gelu, leakyRelu, relu, sigmoid, silu, tanh } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { CLOSE, golden, unpack } from './golden.test-util.js';

const fx = golden.activations;

describe('activations (PyTorch golden)', () => {
  const x = () => unpack(fx.x);
  it.each([
    ['relu', (t: tf.Tensor) => relu(t)],
    ['leakyRelu', (t: tf.Tensor) => leakyRelu(t)],
    ['leakyRelu0.2', (t: tf.Tensor) => leakyRelu(t, 0.2)],
    ['gelu', (t: tf.Tensor) => gelu(t)],
    ['geluTanh', (t: tf.Tensor) => gelu(t, 'tanh')],
    ['silu', (t: tf.Tensor) => silu(t)],
    ['tanh', (t: tf.Tensor) => tanh(t)],
    ['sigmoid', (t: tf.Tensor) => sigmoid(t)],
  ])('%s matches torch', async (name, f) => {
    const input = x();
    const y = f(input);
    await expectTensorsClose(y, fx[name].data, CLOSE);
    tf.dispose([input, y]);
  });

  it('activate() by name agrees with the functions, including { name: leakyRelu, alpha }', async () => {
    const input = x();
    for (const name of ACTIVATION_NAMES) {
      const y = activate(input, name);
      const key = name === 'linear' ? 'x' : name;
      await expectTensorsClose(y, fx[key].data, CLOSE);
      y.dispose();
    }
    const y = activate(input, { name: 'leakyRelu', alpha: 0.2 });
    await expectTensorsClose(y, fx['leakyRelu0.2'].data, CLOSE);
    tf.dispose([input, y]);
  });

  it('the exact and tanh GELU forms differ measurably', async () => {
    const input = tf.tensor1d([-2, -1.5, 1.5, 2]);
    const exact = await gelu(input).data();
    const approx = await gelu(input, 'tanh').data();
    const diff = Math.max(...exact.map((e, i) => Math.abs(e - approx[i])));
    expect(diff).toBeGreaterThan(1e-4);
    expect(diff).toBeLessThan(1e-3);
    input.dispose();
  });

  it('gradients are finite and non-zero', async () => {
    const input = tf.tensor1d([-1.5, -0.3, 0.4, 2]);
    for (const name of ACTIVATION_NAMES) {
      const g = tf.grad((v: tf.Tensor) => tf.sum(activate(v, name)))(input);
      const values = await g.data();
      expect(values.every(Number.isFinite)).toBe(true);
      expect(values.some((v) => v !== 0)).toBe(true);
      g.dispose();
    }
    input.dispose();
  });

  it('unknown names throw InvalidArgumentError listing the allowed ones', () => {
    const input = tf.tensor1d([1]);
    expect(() => activate(input, 'swish' as never)).toThrow(InvalidArgumentError);
    expect(() => activate(input, 'swish' as never)).toThrow(
      "Argument 'activation' passed to 'activate' must be one of 'linear', 'relu', 'leakyRelu', 'gelu', 'geluTanh', 'silu', 'tanh', 'sigmoid', but got 'swish'.",
    );
    expect(() => activate(input, { name: 'relu', alpha: 1 } as never)).toThrow(/or \{ name: 'leakyRelu', alpha \}/);
    expect(() => gelu(input, 'erf' as never)).toThrow("Argument 'approximate' passed to 'gelu' must be one of 'none', 'tanh', but got 'erf'.");
    expect(() => relu(tf.tensor1d([1], 'int32'))).toThrow("Argument 'x' passed to 'relu' must have dtype float32, but got int32.");
    input.dispose();
  });

  it('leaks nothing, forward and backward', async () => {
    const input = tf.tensor1d([-1, 0.5, 2]);
    for (const name of ACTIVATION_NAMES) {
      await expectNoLeak(() => activate(input, name), name);
      await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(activate(v, name)))(input), `${name} backward`);
    }
    await expectNoLeak(() => [relu(input), leakyRelu(input), gelu(input), gelu(input, 'tanh'), silu(input), tanh(input), sigmoid(input)]);
    input.dispose();
  });
});
