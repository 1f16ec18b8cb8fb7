import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, sinusoidalEmbedding } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';

// PE(p, 2i) = sin(p / maxPeriod^(2i/dim)), PE(p, 2i+1) = cos(...) (Vaswani et al. 2017, §3.5), in float64.
function reference(positions: number[], dim: number, maxPeriod: number, interleave: boolean): number[] {
  const out: number[] = [];
  for (const p of positions) {
    const sin: number[] = [];
    const cos: number[] = [];
    for (let i = 0; i < dim / 2; i++) {
      const angle = p / maxPeriod ** ((2 * i) / dim);
      sin.push(Math.sin(angle));
      cos.push(Math.cos(angle));
    }
    if (interleave) sin.forEach((s, i) => out.push(s, cos[i]));
    else out.push(...sin, ...cos);
  }
  return out;
}

// float32 angles carry a relative error ~6e-8 (rounding of p * w), so |error| <= ~1e-7 * p; with
// positions up to 100 that is 1e-5 in the sine.
const TOL = { rtol: 0, atol: 2e-5 };

describe('sinusoidalEmbedding', () => {
  const positions = [0, 1, 2, 7.5, 31, 100];
  it('matches the Transformer formula, in both layouts', async () => {
    for (const interleave of [false, true]) {
      const e = sinusoidalEmbedding(tf.tensor1d(positions), 16, { interleave });
      expect(e.shape).toEqual([6, 16]);
      await expectTensorsClose(e, reference(positions, 16, 10000, interleave), TOL);
      e.dispose();
    }
    const custom = sinusoidalEmbedding(positions, 8, { maxPeriod: 100 });
    await expectTensorsClose(custom, reference(positions, 8, 100, false), TOL);
    custom.dispose();
  });

  it('accepts int32 timesteps', async () => {
    const t = tf.tensor1d([0, 5, 999], 'int32');
    const e = sinusoidalEmbedding(t, 32);
    await expectTensorsClose(e, reference([0, 5, 999], 32, 10000, false), { rtol: 0, atol: 2e-4 });
    tf.dispose([t, e]);
  });

  it('validates its arguments', () => {
    expect(() => sinusoidalEmbedding([1, 2], 7)).toThrow(InvalidArgumentError);
    expect(() => sinusoidalEmbedding([1, 2], 7)).toThrow("Argument 'dim' passed to 'sinusoidalEmbedding' must be even, but got 7.");
    const m = tf.zeros([2, 2]);
    expect(() => sinusoidalEmbedding(m, 4)).toThrow(ShapeError);
    expect(() => sinusoidalEmbedding(m, 4)).toThrow("Argument 'positions' passed to 'sinusoidalEmbedding' must have shape [n], but got [2, 2].");
    expect(() => sinusoidalEmbedding([1], 4, { maxPeriod: 0 })).toThrow(InvalidArgumentError);
    m.dispose();
  });

  it('leaks nothing', async () => {
    const t = tf.tensor1d([1, 2, 3]);
    await expectNoLeak(() => sinusoidalEmbedding(t, 8));
    await expectNoLeak(() => sinusoidalEmbedding([1, 2], 8, { interleave: true }));
    t.dispose();
  });
});
