import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, huber, l1, mse } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { TOL, lossFixtures } from './fixtures.test-util.js';

const fx = lossFixtures.regression;
const losses = { mse, l1, huber } as const;

describe('regression losses', () => {
  const prediction = tf.tensor(fx.prediction);
  const target = tf.tensor(fx.target);

  type Case = { loss: string; reduction: 'mean' | 'sum' | 'none'; delta?: number; expected: number[] | number };
  it.each((fx.cases as Case[]).map((c) => [c.loss, c.reduction, c.delta ?? '', c] as [string, string, number | string, Case]))(
    '%s reduction=%s delta=%s matches torch.nn.functional',
    async (_name, _red, _delta, c) => {
      const fn = losses[c.loss as keyof typeof losses];
      const options = c.delta === undefined ? { reduction: c.reduction } : { reduction: c.reduction, delta: c.delta };
      const out = fn(prediction, target, options);
      expect(out.shape).toEqual(c.reduction === 'none' ? prediction.shape : []);
      await expectTensorsClose(out, c.expected, TOL);
      out.dispose();
    },
  );

  it('huber is quadratic inside delta and linear outside, with gradient clipped at delta', async () => {
    const p = tf.tensor1d([0.5, 3, -4]);
    const t = tf.zeros([3]);
    const h = huber(p, t, { delta: 2, reduction: 'none' });
    await expectTensorsClose(h, [0.125, 2 * (3 - 1), 2 * (4 - 1)], 1e-6);
    const g = tf.grad((x: tf.Tensor) => huber(x, t, { delta: 2, reduction: 'sum' }))(p);
    await expectTensorsClose(g, [0.5, 2, -2], 1e-6);
    tf.dispose([p, t, h, g]);
  });

  it('leak nothing', async () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      await expectNoLeak(() => mse(prediction, target, { reduction }), `mse ${reduction}`);
      await expectNoLeak(() => l1(prediction, target, { reduction }), `l1 ${reduction}`);
      await expectNoLeak(() => huber(prediction, target, { reduction, delta: 0.7 }), `huber ${reduction}`);
    }
    await expectNoLeak(() => tf.grad((x: tf.Tensor) => huber(x, target))(prediction), 'huber grad');
  });

  it('reject mismatched shapes with ShapeError', () => {
    const bad = tf.zeros([5, 4]);
    for (const [name, fn] of Object.entries(losses)) {
      expect(() => fn(prediction, bad)).toThrow(ShapeError);
      expect(() => fn(prediction, bad)).toThrow(
        `Argument 'target' passed to '${name}' must have shape [4, 5], but got [5, 4].`,
      );
    }
    bad.dispose();
  });

  it('reject unknown reductions, bad deltas and non-float tensors', () => {
    expect(() => mse(prediction, target, { reduction: 'avg' as never })).toThrow(
      "Argument 'reduction' passed to 'mse' must be one of 'mean', 'sum', 'none', but got 'avg'.",
    );
    expect(() => l1(prediction, target, { reduction: 'max' as never })).toThrow(InvalidArgumentError);
    expect(() => huber(prediction, target, { delta: 0 })).toThrow(
      "Argument 'delta' passed to 'huber' must be a finite number > 0, but got 0.",
    );
    const ints = tf.zeros([4, 5], 'int32');
    expect(() => mse(prediction, ints)).toThrow(
      "Argument 'target' passed to 'mse' must have dtype float32, but got int32.",
    );
    ints.dispose();
  });
});
