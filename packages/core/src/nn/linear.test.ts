import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, initLinear, linear, prngKey } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { CLOSE, expectGradsFlow, golden, unpack } from './golden.test-util.js';

const fx = golden.linear;

describe('linear', () => {
  it('matches torch.nn.functional.linear, forward and backward', async () => {
    const x = unpack(fx.x);
    const weight = unpack<tf.Rank.R2>(fx.weight);
    const bias = unpack<tf.Rank.R1>(fx.bias);
    const y = linear({ weight, bias }, x);
    await expectTensorsClose(y, unpack(fx.y), CLOSE);
    const upstream = unpack(fx.upstream);
    const [gx, gw, gb] = tf.grads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      linear({ weight: w as tf.Tensor2D, bias: b as tf.Tensor1D }, a),
    )([x, weight, bias], upstream);
    await expectTensorsClose(gx, fx.gradX.data, CLOSE);
    await expectTensorsClose(gw, fx.gradWeight.data, CLOSE);
    await expectTensorsClose(gb, fx.gradBias.data, CLOSE);
    tf.dispose([x, weight, bias, y, upstream, gx, gw, gb]);
  });

  it('fused and separately applied activations agree; rank-3 inputs work', async () => {
    const params = initLinear(prngKey(0), { inFeatures: 5, outFeatures: 3, biasInit: (_k, s) => tf.fill([...s], 0.3) });
    const x = tf.randomNormal([2, 4, 5], 0, 1, 'float32', 7);
    for (const act of ['relu', 'sigmoid', 'gelu', 'silu', 'tanh'] as const) {
      const y = linear(params, x, act);
      expect(y.shape).toEqual([2, 4, 3]);
      const expected = tf.tidy(() => {
        const z = tf.add(tf.matMul(tf.reshape(x, [8, 5]), params.weight), params.bias!);
        const map = { relu: tf.relu, sigmoid: tf.sigmoid, tanh: tf.tanh, silu: (t: tf.Tensor) => tf.mul(t, tf.sigmoid(t)), gelu: (t: tf.Tensor) => tf.mul(tf.mul(t, 0.5), tf.add(1, tf.erf(tf.div(t, Math.SQRT2)))) };
        return tf.reshape(map[act](z), [2, 4, 3]);
      });
      await expectTensorsClose(y, expected, { rtol: 1e-5, atol: 1e-6 });
      tf.dispose([y, expected]);
    }
    tf.dispose([x, params.weight, params.bias!]);
  });

  it('initLinear gives [in, out] weights, zero bias, and no bias when asked', async () => {
    const p = initLinear(prngKey(1), { inFeatures: 6, outFeatures: 2 });
    expect(p.weight.shape).toEqual([6, 2]);
    expect(Array.from(await p.bias!.data())).toEqual([0, 0]);
    const q = initLinear(prngKey(1), { inFeatures: 6, outFeatures: 2, bias: false });
    expect('bias' in q).toBe(false);
    expect(Array.from(await q.weight.data())).toEqual(Array.from(await p.weight.data()));
    const x = tf.ones([1, 6]);
    const y = linear(q, x);
    expect(y.shape).toEqual([1, 2]);
    tf.dispose([p.weight, p.bias!, q.weight, x, y]);
  });

  it('gradients flow to every parameter', async () => {
    const x = tf.randomNormal([4, 5], 0, 1, 'float32', 1);
    const params = initLinear(prngKey(2), { inFeatures: 5, outFeatures: 3, biasInit: (_k, s) => tf.fill([...s], 0.1) });
    await expectGradsFlow(params, (p) => tf.mean(tf.square(linear(p as never, x, 'gelu'))));
    tf.dispose([x, params.weight, params.bias!]);
  });

  it('validates its arguments', () => {
    const params = initLinear(prngKey(0), { inFeatures: 784, outFeatures: 10 });
    const x = tf.zeros([32, 28, 28]);
    expect(() => linear(params, x)).toThrow(ShapeError);
    expect(() => linear(params, x)).toThrow("Argument 'x' passed to 'linear' must have shape [batch, ..., 784], but got [32, 28, 28].");
    const x2 = tf.zeros([32, 100]);
    expect(() => linear(params, x2)).toThrow("Argument 'x' passed to 'linear' must have shape [batch, 784], but got [32, 100].");
    expect(() => linear(params, tf.zeros([784]))).toThrow(ShapeError);
    expect(() => linear(params, tf.zeros([2, 784]), 'swish' as never)).toThrow(InvalidArgumentError);
    expect(() => linear({ weight: params.weight, bias: tf.zeros([3]) as tf.Tensor1D }, tf.zeros([1, 784]))).toThrow(
      "Parameter 'params.bias' passed to 'linear' must have shape [10], but got [3].",
    );
    expect(() => initLinear(prngKey(0), { inFeatures: 0, outFeatures: 3 })).toThrow(
      "Argument 'inFeatures' passed to 'initLinear' must be an integer >= 1, but got 0.",
    );
    tf.dispose([params.weight, params.bias!, x, x2]);
  });

  it('leaks nothing, forward and backward', async () => {
    const params = initLinear(prngKey(0), { inFeatures: 5, outFeatures: 3 });
    const x = tf.ones([2, 2, 5]);
    await expectNoLeak(() => initLinear(prngKey(0), { inFeatures: 5, outFeatures: 3 }));
    await expectNoLeak(() => linear(params, x, 'silu'));
    await expectNoLeak(() => linear(params, x, 'relu'));
    await expectNoLeak(() =>
      tf.grads((w: tf.Tensor, b: tf.Tensor) => tf.sum(linear({ weight: w as tf.Tensor2D, bias: b as tf.Tensor1D }, x, 'gelu')))([params.weight, params.bias!]),
    );
    tf.dispose([params.weight, params.bias!, x]);
  });
});
