import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  Bernoulli,
  Beta,
  Categorical,
  ContinuousBernoulli,
  Dirichlet,
  DisposedError,
  type Distribution,
  Gamma,
  InvalidArgumentError,
  Laplace,
  Normal,
  OneHotCategorical,
  Poisson,
  ShapeError,
  Uniform,
} from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';

describe('bad parameters are rejected with the standard message', () => {
  it.each([
    [() => new Normal(0, tf.tensor1d([1, 2, -1])), InvalidArgumentError, "Argument 'scale' passed to 'Normal' must be > 0, but got -1 at index 2."],
    [() => new Normal(NaN, 1), InvalidArgumentError, "Argument 'loc' passed to 'Normal' must be finite, but got NaN at index 0."],
    [() => new Normal([0, 0], [1, 1, 1]), ShapeError, "Arguments 'loc' and 'scale' passed to 'Normal' must have broadcastable shapes, but got [2] and [3]."],
    [() => new Laplace(0, 0), InvalidArgumentError, "Argument 'scale' passed to 'Laplace' must be > 0, but got 0 at index 0."],
    [() => new Uniform([0, 1], [1, 1]), InvalidArgumentError, "Argument 'high' passed to 'Uniform' must be > low, but got high - low = 0 at index 1."],
    [() => new Bernoulli({ probs: [0.5, 1.5] }), InvalidArgumentError, "Argument 'probs' passed to 'Bernoulli' must be in [0, 1], but got 1.5 at index 1."],
    [() => new Bernoulli({ probs: 0.5, logits: 0 } as never), InvalidArgumentError, "Argument 'params' passed to 'Bernoulli' must have exactly one of 'logits' or 'probs', but got both."],
    [() => new Bernoulli({} as never), InvalidArgumentError, "Argument 'params' passed to 'Bernoulli' must have exactly one of 'logits' or 'probs', but got neither."],
    [() => new ContinuousBernoulli({ probs: -0.1 }), InvalidArgumentError, "Argument 'probs' passed to 'ContinuousBernoulli' must be in [0, 1], but got -0.10000000149011612 at index 0."],
    [() => new Categorical({ probs: [0.5, 0.6] }), InvalidArgumentError, "Argument 'probs' passed to 'Categorical' must sum to 1 along the last axis, but got 1.100000023841858 at batch index 0."],
    [() => new Categorical({ logits: 3 }), ShapeError, "Argument 'logits' passed to 'Categorical' must have shape [...batch, K] with K >= 1, but got []."],
    [() => new OneHotCategorical({ probs: [-0.5, 1.5] }), InvalidArgumentError, "Argument 'probs' passed to 'OneHotCategorical' must be in [0, 1], but got -0.5 at index 0."],
    [() => new Gamma(0, 1), InvalidArgumentError, "Argument 'concentration' passed to 'Gamma' must be > 0, but got 0 at index 0."],
    [() => new Gamma(1, [2, -3]), InvalidArgumentError, "Argument 'rate' passed to 'Gamma' must be > 0, but got -3 at index 1."],
    [() => new Beta(1, -2), InvalidArgumentError, "Argument 'concentration0' passed to 'Beta' must be > 0, but got -2 at index 0."],
    [() => new Dirichlet(2), ShapeError, "Argument 'concentration' passed to 'Dirichlet' must have shape [...batch, K] with K >= 1, but got []."],
    [() => new Dirichlet([1, 0]), InvalidArgumentError, "Argument 'concentration' passed to 'Dirichlet' must be > 0, but got 0 at index 1."],
    [() => new Poisson(-1), InvalidArgumentError, "Argument 'rate' passed to 'Poisson' must be >= 0 and finite, but got -1 at index 0."],
    [() => new Normal('a' as never, 1), InvalidArgumentError, "Argument 'loc' passed to 'Normal' must be a number, an array of numbers or a tf.Tensor, but got 'a'."],
  ] as Array<[() => unknown, new (...a: never[]) => Error, string]>)('%#', (make, cls, message) => {
    expect(make).toThrow(cls);
    expect(make).toThrow(message);
  });

  it('validateArgs: false skips the value checks (no read-back)', () => {
    expect(() => new Normal(0, -1, { validateArgs: false })).not.toThrow();
    expect(() => new Categorical({ probs: [0.5, 0.6] }, { validateArgs: false })).not.toThrow();
  });

  it('bad method arguments are rejected', () => {
    const d = new Normal(0, 1);
    expect(() => d.sample([-1], 0)).toThrow("Argument 'sampleShape' passed to 'Normal.rsample' must be an array of non-negative integers, but got [-1].");
    expect(() => d.logProb([1] as never)).toThrow("Argument 'value' passed to 'Normal.logProb' must be a tf.Tensor, but got [1].");
    expect(() => d.sample([2], 1.5)).toThrow(InvalidArgumentError);
    expect(() => new Gamma(1, 1).cdf(tf.scalar(1))).toThrow('Gamma does not implement cdf().');
    expect(() => new Bernoulli({ probs: 0.5 }).rsample([1], 0)).toThrow('Bernoulli has no rsample');
  });
});

const v1 = () => tf.tensor1d([0.2, 0.7]);
const makers: Array<[string, () => Distribution, () => tf.Tensor]> = [
  ['Normal', () => new Normal([0, 1], 2), v1],
  ['Uniform', () => new Uniform(0, [1, 2]), v1],
  ['Laplace', () => new Laplace([0, 1], 2), v1],
  ['Bernoulli', () => new Bernoulli({ probs: [0.2, 0.9] }), () => tf.tensor1d([0, 1])],
  ['ContinuousBernoulli', () => new ContinuousBernoulli({ logits: [-20, 0.3] }), v1],
  ['Categorical', () => new Categorical({ probs: [[0.2, 0.8], [0.5, 0.5]] }), () => tf.tensor1d([0, 1], 'int32')],
  ['OneHotCategorical', () => new OneHotCategorical({ logits: [[0, 1], [2, 2]] }), () => tf.tensor2d([[1, 0], [0, 1]])],
  ['Gamma', () => new Gamma([0.5, 2], 3), v1],
  ['Beta', () => new Beta([0.5, 2], 3), v1],
  ['Dirichlet', () => new Dirichlet([[1, 2], [0.5, 0.5]]), () => tf.tensor2d([[0.3, 0.7], [0.6, 0.4]])],
  ['Poisson', () => new Poisson([0.5, 30]), () => tf.tensor1d([0, 3])],
];

describe.each(makers)('%s memory', (_name, make, value) => {
  const tryCall = (fn: () => tf.Tensor) => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof InvalidArgumentError && /does not implement|has no rsample/.test(e.message)) return undefined;
      throw e;
    }
  };

  it('every method leaks nothing, and construct + dispose returns to the baseline', async () => {
    const x = value();
    const u = tf.tensor1d([0.1, 0.8]);
    const d = make();
    await expectNoLeak(() => d.logProb(x), 'logProb');
    await expectNoLeak(() => d.sample([3], 0), 'sample');
    await expectNoLeak(() => tryCall(() => d.rsample([3], 0)), 'rsample');
    await expectNoLeak(() => tryCall(() => d.entropy()), 'entropy');
    await expectNoLeak(() => tryCall(() => d.mean), 'mean');
    await expectNoLeak(() => tryCall(() => d.variance), 'variance');
    await expectNoLeak(() => tryCall(() => d.stddev), 'stddev');
    await expectNoLeak(() => tryCall(() => d.cdf(x)), 'cdf');
    await expectNoLeak(() => tryCall(() => d.icdf(u)), 'icdf');
    d.dispose();
    await expectNoLeak(() => {
      const e = make();
      const out = e.logProb(x);
      e.dispose();
      e.dispose(); // idempotent
      return out;
    }, 'construct + dispose');
    tf.dispose([x, u]);
  });

  it('use after dispose throws DisposedError', () => {
    const d = make();
    d.dispose();
    const x = value();
    expect(() => d.logProb(x)).toThrow(DisposedError);
    expect(() => d.sample([1], 0)).toThrow(DisposedError);
    x.dispose();
  });

  it('borrowed tensors are not disposed by dispose()', () => {
    const t = tf.tensor1d([0.5, 0.5]);
    const d = new Beta(t, t);
    d.dispose();
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });
});
