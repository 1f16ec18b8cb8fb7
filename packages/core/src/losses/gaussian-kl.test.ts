import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ShapeError, gaussianKl } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { TOL, lossFixtures } from './fixtures.test-util.js';

const fx = lossFixtures.gaussianKl;

describe('gaussianKl', () => {
  const mu = tf.tensor(fx.mu);
  const logVar = tf.tensor(fx.logVar);

  it.each(['mean', 'sum', 'none'] as const)('reduction %s matches torch.distributions', async (reduction) => {
    const out = gaussianKl(mu, logVar, { reduction });
    expect(out.shape).toEqual(reduction === 'none' ? [3] : []);
    await expectTensorsClose(out, fx[reduction], TOL);
    out.dispose();
  });

  it('is exactly 0 at the prior and keeps precision for tiny log-variances', async () => {
    const zero = tf.zeros([2, 3]);
    const kl0 = gaussianKl(zero, zero, { reduction: 'none' });
    expect(Array.from(await kl0.data())).toEqual([0, 0]);
    const lv = tf.tensor2d([[1e-4]]);
    const m = tf.zeros([1, 1]);
    const small = gaussianKl(m, lv);
    // exp(l) - 1 - l = l^2 / 2 + l^3 / 6 + ...
    await expectTensorsClose(small, 0.5 * (1e-8 / 2 + 1e-12 / 6), 1e-5);
    tf.dispose([zero, kl0, lv, m, small]);
  });

  it('leaks nothing', async () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      await expectNoLeak(() => gaussianKl(mu, logVar, { reduction }), reduction);
    }
  });

  it('rejects mismatched shapes and unknown reductions', () => {
    const bad = tf.zeros([3, 5]);
    expect(() => gaussianKl(mu, bad)).toThrow(ShapeError);
    expect(() => gaussianKl(mu, bad)).toThrow(
      "Argument 'logVar' passed to 'gaussianKl' must have shape [3, 4], but got [3, 5].",
    );
    expect(() => gaussianKl(mu, logVar, { reduction: 'batch' as never })).toThrow(
      "Argument 'reduction' passed to 'gaussianKl' must be one of 'mean', 'sum', 'none', but got 'batch'.",
    );
    bad.dispose();
  });
});
