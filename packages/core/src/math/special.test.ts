import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  digamma,
  digammaF64,
  erfF64,
  erfc,
  erfcF64,
  erfinv,
  lbeta,
  lgamma,
  lgammaF64,
  log1mexp,
  log1mexpF64,
  log1p,
  log1pexpF64,
  logSigmoid,
  logSumExp,
  logit,
  ndtr,
  ndtri,
  softplus,
  trigamma,
  trigammaF64,
} from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';

// The fixture writes non-finite numbers as strings (JSON has no Infinity).
const fx = JSON.parse(
  readFileSync(new URL('../../fixtures/distributions/special.json', import.meta.url), 'utf8'),
  (_key, v) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v),
);

/** Largest |a - e| / (atol + rtol |e|) over the arrays; <= 1 passes. */
function worstRatio(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number) {
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === e) continue;
    const r = Math.abs(a - e) / (atol + rtol * Math.abs(e));
    if (!(r <= worst)) {
      worst = Number.isNaN(r) ? Infinity : r;
      at = i;
    }
  }
  return { worst, at };
}

function expectClose64(fn: (x: number) => number, xs: number[], ys: number[], rtol: number, atol: number) {
  const got = xs.map(fn);
  const { worst, at } = worstRatio(got, ys, rtol, atol);
  expect(worst, `x=${xs[at]} got ${got[at]} want ${ys[at]}`).toBeLessThanOrEqual(1);
}

async function expectClose32(
  fn: (x: tf.Tensor) => tf.Tensor,
  xs: number[],
  ys: number[],
  rtol: number,
  atol: number,
) {
  const x = tf.tensor1d(xs);
  const y = fn(x);
  const got = await y.data();
  tf.dispose([x, y]);
  const { worst, at } = worstRatio(got, ys, rtol, atol);
  expect(worst, `x=${xs[at]} got ${got[at]} want ${ys[at]}`).toBeLessThanOrEqual(1);
}

describe('float64 special functions agree with SciPy', () => {
  const { x, lgamma: lg, digamma: dg, trigamma: tg } = fx.f64;
  it('lgammaF64 to 1e-13 relative (1e-15 absolute near the zeros)', () => {
    expectClose64(lgammaF64, x, lg, 1e-13, 1e-15);
  });
  it('digammaF64 to 1e-13 relative (1e-14 absolute near its zero)', () => {
    expectClose64(digammaF64, x, dg, 1e-13, 1e-14);
  });
  it('trigammaF64 to 1e-12 relative', () => {
    expectClose64(trigammaF64, x, tg, 1e-12, 0);
  });
  it('erfF64 and erfcF64 to 1e-12 relative', () => {
    expectClose64(erfF64, fx.erf64.x, fx.erf64.erf, 1e-12, 1e-300);
    expectClose64(erfcF64, fx.erf64.x, fx.erf64.erfc, 1e-12, 1e-300);
  });
  it('log1mexpF64 and log1pexpF64 to 1e-14 relative', () => {
    expectClose64(log1mexpF64, fx.log1mexp64.a, fx.log1mexp64.value, 1e-14, 0);
    expectClose64(log1pexpF64, fx.log1pexp64.x, fx.log1pexp64.value, 1e-14, 0);
  });
  it('handle poles and special values', () => {
    expect(lgammaF64(0)).toBe(Infinity);
    expect(lgammaF64(-3)).toBe(Infinity);
    expect(lgammaF64(1)).toBe(0);
    expect(lgammaF64(2)).toBe(0);
    expect(digammaF64(-2)).toBeNaN();
    expect(digammaF64(1)).toBeCloseTo(-0.5772156649015329, 15);
    expect(log1mexpF64(0)).toBe(-Infinity);
    expect(log1mexpF64(-1)).toBeNaN();
    expect(erfcF64(30)).toBe(0);
  });
});

describe('float32 tensor special functions agree with SciPy', () => {
  const { x, lgamma: lg, digamma: dg, trigamma: tg } = fx.f32;
  it('lgamma to 1e-5 relative', async () => {
    await expectClose32(lgamma, x, lg, 1e-5, 1e-7);
  });
  it('digamma to 1e-5 relative', async () => {
    await expectClose32(digamma, x, dg, 1e-5, 1e-7);
  });
  it('trigamma to 1e-5 relative', async () => {
    await expectClose32(trigamma, x, tg, 1e-5, 0);
  });
  it('erfc and ndtr to 1e-5 relative', async () => {
    await expectClose32(erfc, fx.erfc32.x, fx.erfc32.erfc, 1e-5, 1e-30);
    await expectClose32(ndtr, fx.erfc32.x, fx.erfc32.ndtr, 1e-5, 1e-30);
  });
  it('ndtri to 1e-5 relative, including tails down to 1e-30', async () => {
    await expectClose32(ndtri, fx.ndtri32.p, fx.ndtri32.ndtri, 1e-5, 1e-6);
  });
  it('erfinv to 1e-5 relative', async () => {
    await expectClose32(erfinv, fx.erfinv32.x, fx.erfinv32.erfinv, 1e-5, 0);
  });
  it('log1p to 1e-6 relative, also on wasm (whose tf.log1p computes log(1 + x))', async () => {
    await expectClose32(log1p, fx.log1p32.x, fx.log1p32.log1p, 1e-6, 0);
    const x = tf.tensor1d([1e-3, -0.5, 3]);
    await expectTensorsClose(tf.grad((v: tf.Tensor) => tf.sum(log1p(v)))(x), [1 / 1.001, 2, 0.25], 1e-6);
    await expectNoLeak(() => log1p(x), 'log1p');
    x.dispose();
  });
  it('log1mexp, softplus, logSigmoid, logit to 1e-5 relative', async () => {
    await expectClose32(log1mexp, fx.log1mexp32.a, fx.log1mexp32.value, 1e-5, 0);
    // atol 1.2e-38 = smallest normal float32: softplus(-100) = 3.7e-44 is a denormal with 2 digits.
    await expectClose32(softplus, fx.softplus32.x, fx.softplus32.softplus, 1e-5, 1.2e-38);
    await expectClose32(logSigmoid, fx.softplus32.x, fx.softplus32.logSigmoid, 1e-5, 1.2e-38);
    await expectClose32(logit, fx.logit32.p, fx.logit32.logit, 1e-5, 1e-6);
  });
  it('logSumExp to 1e-5 relative on every axis choice, with huge offsets', async () => {
    const m = tf.tensor2d(fx.logSumExp32.x);
    await expectTensorsClose(logSumExp(m, 1), fx.logSumExp32.axis1, { rtol: 1e-5, atol: 0 });
    await expectTensorsClose(logSumExp(m, -1), fx.logSumExp32.axis1, { rtol: 1e-5, atol: 0 });
    await expectTensorsClose(logSumExp(m, 0), fx.logSumExp32.axis0, { rtol: 1e-5, atol: 0 });
    await expectTensorsClose(logSumExp(m), [fx.logSumExp32.all], { rtol: 1e-5, atol: 0 });
    const kept = logSumExp(m, 1, true);
    expect(kept.shape).toEqual([4, 1]);
    tf.dispose([m, kept]);
  });
  it('special values: poles, infinities, ends of ranges', async () => {
    const t = tf.tensor1d([0, -2, 1, 2]);
    expect(Array.from(await lgamma(t).data(), (v) => v + 0)).toEqual([Infinity, Infinity, 0, 0]);
    const lse = logSumExp(tf.tensor2d([[-Infinity, -Infinity], [Infinity, 0]]), 1);
    expect(Array.from(await lse.data())).toEqual([-Infinity, Infinity]);
    expect(Array.from(await ndtri(tf.tensor1d([0, 1, 1.5])).data())).toEqual([-Infinity, Infinity, NaN]);
    expect(Array.from(await erfinv(tf.tensor1d([-1, 1])).data())).toEqual([-Infinity, Infinity]);
    expect(Array.from(await log1mexp(tf.tensor1d([0, -1])).data())).toEqual([-Infinity, NaN]);
    expect(Array.from(await softplus(tf.tensor1d([-200, 200])).data())).toEqual([0, 200]);
    tf.disposeVariables();
  });
});

describe('gradients', () => {
  it('lgamma -> digamma, digamma -> trigamma, softplus -> sigmoid', async () => {
    const xs = [0.3, 1.7, 4.2, 25];
    const x = tf.tensor1d(xs);
    await expectTensorsClose(tf.grad((v: tf.Tensor) => tf.sum(lgamma(v)))(x), xs.map(digammaF64), 1e-5);
    await expectTensorsClose(tf.grad((v: tf.Tensor) => tf.sum(digamma(v)))(x), xs.map(trigammaF64), 1e-5);
    const s = tf.tensor1d([-3, 0, 2]);
    await expectTensorsClose(
      tf.grad((v: tf.Tensor) => tf.sum(softplus(v)))(s),
      [-3, 0, 2].map((z) => 1 / (1 + Math.exp(-z))),
      1e-6,
    );
    tf.dispose([x, s]);
  });
  it('log1mexp -> 1/expm1(a) on both branches; logSumExp -> softmax; ndtr -> pdf', async () => {
    const as = [0.01, 0.5, 2, 10];
    const a = tf.tensor1d(as);
    await expectTensorsClose(
      tf.grad((v: tf.Tensor) => tf.sum(log1mexp(v)))(a),
      as.map((z) => 1 / Math.expm1(z)),
      1e-5,
    );
    const m = tf.tensor1d([1, 2, 3]);
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    await expectTensorsClose(
      tf.grad((v: tf.Tensor) => logSumExp(v))(m),
      [1, 2, 3].map((k) => Math.exp(k) / z),
      1e-6,
    );
    const q = tf.tensor1d([-2, 0.3]);
    await expectTensorsClose(
      tf.grad((v: tf.Tensor) => tf.sum(ndtr(v)))(q),
      [-2, 0.3].map((k) => Math.exp(-k * k / 2) / Math.sqrt(2 * Math.PI)),
      1e-6,
    );
    tf.dispose([a, m, q]);
  });
});

describe('validation and memory', () => {
  it('rejects non-float32 or non-tensor input with a clear error', () => {
    const i = tf.tensor1d([1, 2], 'int32');
    expect(() => lgamma(i)).toThrow(InvalidArgumentError);
    expect(() => lgamma(i)).toThrow("Argument 'x' passed to 'lgamma' must have dtype float32, but got int32.");
    expect(() => ndtri([0.5] as never)).toThrow("Argument 'p' passed to 'ndtri' must be a tf.Tensor, but got [0.5].");
    const f = tf.tensor2d([[1, 2]]);
    expect(() => logSumExp(f, 2)).toThrow("Argument 'axis' passed to 'logSumExp' must be integers in [-2, 2), but got 2.");
    tf.dispose([i, f]);
  });
  it('leaks nothing, forward or backward', async () => {
    const x = tf.tensor1d([0.2, 1.5, 7, -2.5]);
    const p = tf.tensor1d([0.01, 0.5, 0.9]);
    for (const fn of [lgamma, digamma, trigamma, erfc, ndtr, softplus, logSigmoid]) {
      await expectNoLeak(() => fn(x), fn.name);
    }
    for (const fn of [ndtri, erfinv, logit, log1mexp]) await expectNoLeak(() => fn(p), fn.name);
    await expectNoLeak(() => logSumExp(x, 0, true), 'logSumExp');
    await expectNoLeak(() => lbeta(p, p), 'lbeta');
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(lgamma(v)))(x), 'grad lgamma');
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(ndtri(v)))(p), 'grad ndtri');
    tf.dispose([x, p]);
  });
  it('lbeta matches lgamma sums from SciPy values', async () => {
    const a = tf.tensor1d([0.5, 2, 30]);
    const b = tf.tensor1d([0.5, 3, 4.5]);
    const want = [[0.5, 0.5], [2, 3], [30, 4.5]].map(([u, v]) => lgammaF64(u) + lgammaF64(v) - lgammaF64(u + v));
    await expectTensorsClose(lbeta(a, b), want, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([a, b]);
  });
});
