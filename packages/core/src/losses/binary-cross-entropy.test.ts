import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ShapeError, binaryCrossEntropy, binaryCrossEntropyWithLogits } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { TOL, lossFixtures } from './fixtures.test-util.js';

const fx = lossFixtures.binaryCrossEntropy;

describe('binaryCrossEntropyWithLogits', () => {
  const logits = tf.tensor(fx.logits);
  const target = tf.tensor(fx.target);

  it.each(['mean', 'sum', 'none'] as const)('reduction %s matches torch, saturated logits included', async (reduction) => {
    const out = binaryCrossEntropyWithLogits(logits, target, { reduction });
    await expectTensorsClose(out, fx.withLogits[reduction].expected, TOL);
    expect(Array.from(await out.data()).every(Number.isFinite)).toBe(true);
    out.dispose();
  });

  it('has gradient (sigmoid(x) - z) / n, also at logit exactly 0', async () => {
    const g = tf.grad((x: tf.Tensor) => binaryCrossEntropyWithLogits(x, target))(logits);
    await expectTensorsClose(g, fx.withLogits.mean.gradLogits, TOL);
    // fx.logits[0][0] is exactly 0: torch's gradient there is (0.5 - z) / n.
    expect(fx.logits[0][0]).toBe(0);
    const n = logits.size;
    expect((await g.data())[0]).toBeCloseTo((0.5 - fx.target[0][0]) / n, 7);
    g.dispose();
  });

  it('stays finite and exact for huge logits', async () => {
    const x = tf.tensor1d([1000, -1000, 88, -88]);
    const z = tf.tensor1d([0, 1, 1, 0]);
    const out = binaryCrossEntropyWithLogits(x, z, { reduction: 'none' });
    await expectTensorsClose(out, [1000, 1000, Math.log1p(Math.exp(-88)), Math.log1p(Math.exp(-88))], 1e-6);
    tf.dispose([x, z, out]);
  });

  it('leaks nothing', async () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      await expectNoLeak(() => binaryCrossEntropyWithLogits(logits, target, { reduction }), reduction);
    }
    await expectNoLeak(() => tf.grad((x: tf.Tensor) => binaryCrossEntropyWithLogits(x, target))(logits), 'grad');
  });

  it('rejects mismatched shapes and unknown reductions', () => {
    const bad = tf.zeros([4, 6]);
    expect(() => binaryCrossEntropyWithLogits(logits, bad)).toThrow(ShapeError);
    expect(() => binaryCrossEntropyWithLogits(logits, bad)).toThrow(
      "Argument 'target' passed to 'binaryCrossEntropyWithLogits' must have shape [6, 4], but got [4, 6].",
    );
    expect(() => binaryCrossEntropyWithLogits(logits, target, { reduction: 'batchmean' as never })).toThrow(
      "Argument 'reduction' passed to 'binaryCrossEntropyWithLogits' must be one of 'mean', 'sum', 'none', but got 'batchmean'.",
    );
    bad.dispose();
  });
});

describe('binaryCrossEntropy (probabilities)', () => {
  const probs = tf.tensor(fx.probabilities.probabilities);
  const target = tf.tensor(fx.probabilities.target);

  it.each(['mean', 'sum', 'none'] as const)('reduction %s matches torch', async (reduction) => {
    const out = binaryCrossEntropy(probs, target, { reduction });
    await expectTensorsClose(out, fx.probabilities[reduction], TOL);
    out.dispose();
  });

  it('clips probabilities 0 and 1 to a finite loss of -log(epsilon)', async () => {
    const p = tf.tensor1d([0, 1, 0, 1]);
    const z = tf.tensor1d([1, 0, 0, 1]);
    const out = binaryCrossEntropy(p, z, { reduction: 'none', epsilon: 1e-6 });
    const values = await out.data();
    expect(values[0]).toBeCloseTo(-Math.log(1e-6), 3);
    // 1 - epsilon rounds to float32 before the log.
    expect(values[1]).toBeCloseTo(-Math.log(1 - Math.fround(1 - 1e-6)), 3);
    expect(values[2]).toBeLessThan(1e-5);
    expect(values[3]).toBeLessThan(1e-5);
    tf.dispose([p, z, out]);
  });

  it('leaks nothing', async () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      await expectNoLeak(() => binaryCrossEntropy(probs, target, { reduction }), reduction);
    }
  });

  it('rejects mismatched shapes and bad epsilon', () => {
    const bad = tf.zeros([5]);
    expect(() => binaryCrossEntropy(probs, bad)).toThrow(
      "Argument 'target' passed to 'binaryCrossEntropy' must have shape [5, 3], but got [5].",
    );
    expect(() => binaryCrossEntropy(probs, target, { epsilon: 0.7 })).toThrow(
      "Argument 'epsilon' passed to 'binaryCrossEntropy' must be a finite number > 0 and <= 0.5, but got 0.7.",
    );
    bad.dispose();
  });
});
