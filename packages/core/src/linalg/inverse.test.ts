import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, inverse, inverseF64, normalFloat64 } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import {
  directionalDerivatives,
  generalCases,
  projections,
  relErr,
  spdCases,
  stack,
  symmetricDirections,
  unitDirections,
  weightedSum,
} from './test-fixtures.js';

const F32 = 2 ** -23;

describe('inverse (tensor)', () => {
  // Forward error of an inverse ~ n eps32 cond(A); fixture matrices have cond < 3 (general) and
  // < 10 (SPD).
  it.each(generalCases.filter((c) => c.inv).map((c, i) => [i, c.n, c] as const))(
    "general case %i (n = %i, rows permuted) matches numpy.linalg.inv to float32 accuracy",
    async (_i, n, c) => {
      const a = tf.tensor(Float32Array.from(c.g), [n, n]);
      const inv = inverse(a);
      expect(relErr(await inv.data(), c.inv!)).toBeLessThan(10 * n * F32);
      tf.dispose([a, inv]);
    },
  );

  it.each(spdCases.filter((c) => c.inv).map((c, i) => [i, c.n, c] as const))(
    "assume 'spd' case %i (n = %i) matches numpy.linalg.inv to float32 accuracy",
    async (_i, n, c) => {
      const a = tf.tensor(Float32Array.from(c.a), [n, n]);
      const inv = inverse(a, { assume: 'spd' });
      expect(relErr(await inv.data(), c.inv!)).toBeLessThan(20 * n * F32);
      tf.dispose([a, inv]);
    },
  );

  it('pivots (a zero leading entry) and batches', async () => {
    const a = tf.tensor3d([[[0, 2], [1, 0]], [[4, 0], [0, 0.5]]]);
    const inv = inverse(a);
    expect(Array.from(await inv.data())).toEqual([0, 1, 0.5, 0, 0.25, 0, 0, 2]);
    const cases = generalCases.filter((c) => c.n === 17);
    const b = tf.tensor(Float32Array.from(stack(cases.map((c) => c.g), [17, 17]).data), [3, 17, 17]);
    const invB = inverse(b);
    const data = await invB.data();
    cases.forEach((c, i) => expect(relErr(data.subarray(i * 289, (i + 1) * 289), c.inv!)).toBeLessThan(10 * 17 * F32));
    tf.dispose([a, inv, b, invB]);
  });

  it('gradients match float64 finite differences (general: every entry; spd: symmetric directions)', async () => {
    const n = 4;
    const g64 = new Float64Array(2 * n * n);
    const s64 = new Float64Array(2 * n * n);
    const generals = generalCases.filter((c) => c.n === 17);
    const spds = spdCases.filter((c) => c.n === 17);
    for (let m = 0; m < 2; m++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          // Leading 4x4 blocks: general ones get a diagonal boost to stay well conditioned.
          g64[m * n * n + i * n + j] = generals[m].g[i * 17 + j] + (i === j ? 5 : 0);
          s64[m * n * n + i * n + j] = spds[m].a[i * 17 + j];
        }
      }
    }
    const weights = normalFloat64(21, 2 * n * n);
    const w = tf.tensor(Float32Array.from(weights), [2, n, n]);
    for (const [assume, a64, directions] of [
      ['general', g64, unitDirections(2 * n * n)],
      ['spd', s64, symmetricDirections(2, n)],
    ] as const) {
      const a = tf.tensor(Float32Array.from(a64), [2, n, n]);
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(inverse(x, { assume }), w)))(a);
      const f = (x: Float64Array) => weightedSum(inverseF64({ data: x, shape: [2, n, n] }, { assume }).data, weights);
      expect(relErr(projections(await g.data(), directions), directionalDerivatives(f, a64, directions, 1e-5))).toBeLessThan(1e-4);
      tf.dispose([a, g]);
    }
    w.dispose();
  });

  it('leaks nothing, forward or backward', async () => {
    const a = tf.tensor(Float32Array.from(spdCases[4].a), [17, 17]);
    for (const assume of ['general', 'spd'] as const) {
      await expectNoLeak(() => inverse(a, { assume }), `inverse ${assume}`);
      await expectNoLeak(() => tf.grad((x: tf.Tensor) => tf.sum(inverse(x, { assume })))(a), `inverse ${assume} gradient`);
    }
    a.dispose();
  });

  it('rejects bad shapes and options', () => {
    const a = tf.zeros([3, 2]);
    expect(() => inverse(a)).toThrow(ShapeError);
    expect(() => inverse(a)).toThrow("Argument 'a' passed to 'inverse' must have shape [...batch, n, n], but got [3, 2].");
    const b = tf.eye(2);
    expect(() => inverse(b, { assume: 'lu' as never })).toThrow(InvalidArgumentError);
    tf.dispose([a, b]);
  });
});
