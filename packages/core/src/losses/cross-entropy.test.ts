import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, crossEntropy } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { TOL, lossFixtures } from './fixtures.test-util.js';

const fx = lossFixtures.crossEntropy;

interface Case {
  logits: number[];
  labels: number[];
  probabilities: number[];
  labelSmoothing: number;
  reduction: 'mean' | 'sum' | 'none';
  expectedSparse: number[] | number;
  expectedDense: number[] | number;
}

describe('crossEntropy', () => {
  it.each((fx.cases as Case[]).map((c) => [JSON.stringify(c.labels).length, c.labelSmoothing, c.reduction, c] as [number, number, string, Case]))(
    'case %#: smoothing %s, reduction %s, sparse and dense targets match torch',
    async (_id, _s, _r, c) => {
      const logits = tf.tensor(c.logits);
      const labels = tf.tensor(c.labels, undefined, 'int32');
      const probs = tf.tensor(c.probabilities);
      const options = { labelSmoothing: c.labelSmoothing, reduction: c.reduction };
      const sparse = crossEntropy(logits, labels, options);
      const dense = crossEntropy(logits, probs, options);
      expect(sparse.shape).toEqual(c.reduction === 'none' ? logits.shape.slice(0, -1) : []);
      await expectTensorsClose(sparse, c.expectedSparse, TOL);
      await expectTensorsClose(dense, c.expectedDense, TOL);
      tf.dispose([logits, labels, probs, sparse, dense]);
    },
  );

  it.each(['mean', 'sum', 'none'] as const)('ignoreIndex with reduction %s matches torch', async (reduction) => {
    const ig = fx.ignoreIndex;
    const logits = tf.tensor(ig.logits);
    const labels = tf.tensor(ig.labels, undefined, 'int32');
    const out = crossEntropy(logits, labels, { ignoreIndex: ig.ignoreIndex, labelSmoothing: 0.1, reduction });
    await expectTensorsClose(out, ig[reduction], TOL);
    tf.dispose([logits, labels, out]);
  });

  it('has gradient softmax(logits) - onehot(labels), divided by the batch', async () => {
    const logits = tf.tensor2d([[1, 2, 3], [0, 0, 5]]);
    const labels = tf.tensor1d([2, 0], 'int32');
    const g = tf.grad((x: tf.Tensor) => crossEntropy(x, labels))(logits);
    const expected = tf.tidy(() => tf.div(tf.sub(tf.softmax(logits), tf.oneHot(labels, 3)), 2));
    await expectTensorsClose(g, expected, 1e-6);
    tf.dispose([logits, labels, g, expected]);
  });

  it('leaks nothing', async () => {
    const logits = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 1);
    const labels = tf.zeros([3, 4], 'int32');
    const probs = tf.fill([3, 4, 5], 0.2);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      await expectNoLeak(() => crossEntropy(logits, labels, { reduction, labelSmoothing: 0.1 }), `sparse ${reduction}`);
      await expectNoLeak(() => crossEntropy(logits, probs, { reduction }), `dense ${reduction}`);
      await expectNoLeak(() => crossEntropy(logits, labels, { reduction, ignoreIndex: 0 }), `ignore ${reduction}`);
    }
    await expectNoLeak(() => tf.grad((x: tf.Tensor) => crossEntropy(x, labels))(logits), 'grad');
    tf.dispose([logits, labels, probs]);
  });

  it('rejects mismatched shapes, float labels, bad smoothing and reductions', () => {
    const logits = tf.zeros([4, 3]);
    const labels = tf.zeros([5], 'int32');
    const probs = tf.zeros([4, 2]);
    const floatLabels = tf.zeros([4]);
    expect(() => crossEntropy(logits, labels)).toThrow(ShapeError);
    expect(() => crossEntropy(logits, labels)).toThrow(
      "Argument 'target' passed to 'crossEntropy' must have shape [4], but got [5].",
    );
    expect(() => crossEntropy(logits, probs)).toThrow(
      "Argument 'target' passed to 'crossEntropy' must have shape [4, 3], but got [4, 2].",
    );
    expect(() => crossEntropy(logits, floatLabels)).toThrow(InvalidArgumentError);
    expect(() => crossEntropy(logits, floatLabels)).toThrow(/pass labels as int32/);
    expect(() => crossEntropy(logits, probs, { labelSmoothing: 1.5 })).toThrow(
      "Argument 'labelSmoothing' passed to 'crossEntropy' must be a finite number >= 0 and <= 1, but got 1.5.",
    );
    expect(() => crossEntropy(logits, labels, { reduction: 'mean ' as never })).toThrow(
      "Argument 'reduction' passed to 'crossEntropy' must be one of 'mean', 'sum', 'none', but got 'mean '.",
    );
    tf.dispose([logits, labels, probs, floatLabels]);
  });
});
