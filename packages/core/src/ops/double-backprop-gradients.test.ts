import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ensureDoubleBackpropGradients } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';

const xs = [-1.3, -0.2, 0.4, 0.7, 2.1];
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
// Analytic second derivatives.
const cases: Array<[string, (x: tf.Tensor) => tf.Tensor, (v: number) => number]> = [
  ['tanh', tf.tanh, (v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)],
  ['sigmoid', tf.sigmoid, (v) => sigmoid(v) * (1 - sigmoid(v)) * (1 - 2 * sigmoid(v))],
  ['exp', tf.exp, (v) => Math.exp(v)],
  ['elu', tf.elu, (v) => (v > 0 ? 0 : Math.exp(v))],
  ['leakyRelu(x) * x', (x) => tf.mul(tf.leakyRelu(x, 0.2), x), (v) => (v > 0 ? 2 : 0.4)],
  ['maximum(x, 0)^2', (x) => tf.square(tf.maximum(x, 0)), (v) => (v > 0 ? 2 : 0)],
  ['clip(x)^2', (x) => tf.square(tf.clipByValue(x, -1, 1)), (v) => (Math.abs(v) < 1 ? 2 : 0)],
];

// No explicit call: importing @gen/core must be enough.
describe('second-order gradients after importing @gen/core', () => {
  it('ensureDoubleBackpropGradients stays callable and idempotent', () => {
    expect(() => {
      ensureDoubleBackpropGradients();
      ensureDoubleBackpropGradients();
    }).not.toThrow();
  });

  it.each(cases)('tf.grad(tf.grad(%s)) equals the analytic second derivative', async (_name, f, d2) => {
    const x = tf.tensor1d(xs);
    const g2 = tf.grad((t: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(f(u)))(t)))(x);
    await expectTensorsClose(g2, xs.map(d2), { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([x, g2]);
  });

  it('softmax: the Hessian-vector product matches the analytic one', async () => {
    // f(x) = sum(softmax(x) * c); grad = s * (c - s.c); d/dx sum(grad * v) computed analytically below.
    const x = [0.3, -1.2, 0.8];
    const c = [1, 2, -0.5];
    const v = [0.5, -1, 2];
    const xt = tf.tensor1d(x);
    const ct = tf.tensor1d(c);
    const vt = tf.tensor1d(v);
    const hv = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.softmax(u), ct)))(t), vt)),
    )(xt);
    // Numerical Hessian-vector product by central differences in float64.
    const grad = (p: number[]) => {
      const m = Math.max(...p);
      const e = p.map((q) => Math.exp(q - m));
      const z = e.reduce((a, b) => a + b, 0);
      const s = e.map((q) => q / z);
      const sc = s.reduce((a, q, i) => a + q * c[i], 0);
      return s.map((q, i) => q * (c[i] - sc));
    };
    const h = 1e-5;
    const expected = x.map((_, j) => {
      const plus = [...x];
      const minus = [...x];
      plus[j] += h;
      minus[j] -= h;
      const gp = grad(plus);
      const gm = grad(minus);
      return gp.reduce((a, q, i) => a + ((q - gm[i]) / (2 * h)) * v[i], 0);
    });
    await expectTensorsClose(hv, expected, { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([xt, ct, vt, hv]);
  });

  it('keeps first-order gradients and leaks nothing', async () => {
    const x = tf.tensor1d(xs);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.tanh(t)))(x);
    await expectTensorsClose(g, xs.map((v) => 1 - Math.tanh(v) ** 2), 1e-6);
    await expectNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(tf.tanh(u)))(t)))(x));
    expect(tf.getGradient('Greater')).toBeDefined();
    tf.dispose([x, g]);
  });
});
