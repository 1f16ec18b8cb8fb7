import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DisposedError, Independent, InvalidArgumentError, Normal, klDivergence } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { extraFixtures } from './fixtures-extra.test-util.js';

const fx = extraFixtures.independent;
const TOL = { rtol: 1e-4, atol: 1e-5 };

describe('Independent', () => {
  it.each([1, 2] as const)('reinterpreting %i dims: shapes, logProb, entropy and KL match torch', async (n) => {
    const base = new Normal(fx.loc, fx.scale);
    const qBase = new Normal(fx.qLoc, fx.qScale);
    const p = new Independent(base, n);
    const q = new Independent(qBase, n);
    expect(p.batchShape).toEqual([2, 3].slice(0, 2 - n));
    expect(p.eventShape).toEqual([2, 3].slice(2 - n));
    expect(p.hasRsample).toBe(true);
    const x = tf.tensor(fx.x);
    const lp = p.logProb(x);
    const h = p.entropy();
    const kl = klDivergence(p, q);
    const ref = fx[`ndims${n}`];
    await expectTensorsClose(lp, ref.logProb, TOL);
    await expectTensorsClose(h, ref.entropy, TOL);
    await expectTensorsClose(kl, ref.kl, TOL);
    const mean = p.mean;
    await expectTensorsClose(mean, fx.loc, 0);
    tf.dispose([x, lp, h, kl, mean]);
    base.dispose();
    qBase.dispose();
  });

  it('samples are the base samples and rsample gradients flow to the base', async () => {
    const loc = tf.tensor2d(fx.loc);
    const base = new Normal(loc, 1);
    const d = new Independent(base, 1);
    const a = d.sample([3], 5);
    const b = base.sample([3], 5);
    await expectTensorsClose(a, b, 0);
    const g = tf.grad((l: tf.Tensor) => tf.sum(new Independent(new Normal(l, 1), 1).rsample([4], 1)))(loc);
    await expectTensorsClose(g, tf.fill([2, 3], 4), 0);
    tf.dispose([loc, a, b, g]);
    base.dispose();
  });

  it('leaks nothing', async () => {
    const base = new Normal(fx.loc, fx.scale);
    const d = new Independent(base, 1);
    const x = tf.tensor(fx.x);
    await expectNoLeak(() => d.logProb(x), 'logProb');
    await expectNoLeak(() => d.entropy(), 'entropy');
    await expectNoLeak(() => d.mean, 'mean');
    await expectNoLeak(() => d.variance, 'variance');
    await expectNoLeak(() => d.stddev, 'stddev');
    await expectNoLeak(() => d.sample([2], 0), 'sample');
    await expectNoLeak(() => d.rsample([2], 0), 'rsample');
    await expectNoLeak(() => klDivergence(d, d), 'kl');
    await expectNoLeak(() => new Independent(base, 2).dispose(), 'construct');
    d.dispose();
    expect(() => d.logProb(x)).toThrow(DisposedError);
    base.dispose();
    x.dispose();
  });

  it('rejects bad reinterpretedBatchNdims and KL between different reinterpretations', () => {
    const base = new Normal(fx.loc, fx.scale);
    expect(() => new Independent(base, 3)).toThrow(
      "Argument 'reinterpretedBatchNdims' passed to 'Independent' must be an integer in [0, 2] (the rank of the base's batch shape [2, 3]), but got 3.",
    );
    expect(() => new Independent(base, 0.5)).toThrow(InvalidArgumentError);
    expect(() => new Independent('normal' as never, 1)).toThrow(
      "Argument 'base' passed to 'Independent' must be a Distribution, but got 'normal'.",
    );
    expect(() => klDivergence(new Independent(base, 1), new Independent(base, 2))).toThrow(
      'KL divergence between Independent distributions needs equal reinterpretedBatchNdims, but got 1 and 2.',
    );
    base.dispose();
  });
});
