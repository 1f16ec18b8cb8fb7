import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  computeFans,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  normal,
  ones,
  prngKey,
  uniform,
  zeros,
} from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';

async function stats(t: tf.Tensor) {
  const v = await t.data();
  const n = v.length;
  let mean = 0;
  for (const x of v) mean += x;
  mean /= n;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    m2 += (x - mean) ** 2;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  return { n, mean, variance: m2 / (n - 1), min, max };
}

describe('computeFans', () => {
  it('follows PyTorch/Keras for dense and conv kernels', () => {
    expect(computeFans([784, 400])).toEqual({ fanIn: 784, fanOut: 400 });
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(computeFans([5, 2, 4, 6])).toEqual({ fanIn: 40, fanOut: 60 });
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
  });
  it('rejects bad shapes', () => {
    expect(() => computeFans([2, -1])).toThrow(
      "Argument 'shape' passed to 'computeFans' must be an array of non-negative integers, but got [2, -1].",
    );
  });
});

describe('initialisers', () => {
  // A big conv kernel: fanIn = 3*3*64 = 576, fanOut = 3*3*96 = 864; 55,296 samples.
  const shape = [3, 3, 64, 96];
  const { fanIn, fanOut } = computeFans(shape);
  const cases: Array<[string, (k: ReturnType<typeof prngKey>, s: number[]) => tf.Tensor, number, 'uniform' | 'normal']> = [
    ['glorotUniform', glorotUniform, 2 / (fanIn + fanOut), 'uniform'],
    ['glorotNormal', glorotNormal, 2 / (fanIn + fanOut), 'normal'],
    ['heUniform', heUniform, 2 / fanIn, 'uniform'],
    ['heNormal', heNormal, 2 / fanIn, 'normal'],
    ['normal(0.02)', normal(0.02), 0.02 ** 2, 'normal'],
    ['uniform(0.1)', uniform(0.1), 0.1 ** 2 / 3, 'uniform'],
  ];
  it.each(cases)('%s has mean 0 and the right variance within 4 standard errors', async (_name, init, variance, kind) => {
    const w = init(prngKey(3), shape);
    const s = await stats(w);
    expect(w.shape).toEqual(shape);
    expect(Math.abs(s.mean)).toBeLessThan(4 * Math.sqrt(variance / s.n));
    // Var of the sample variance: (mu4 - sigma^4) / n; mu4 = 3 sigma^4 (normal), 9/5 sigma^4 (uniform).
    const kurtosis = kind === 'normal' ? 3 : 9 / 5;
    expect(Math.abs(s.variance - variance)).toBeLessThan(4 * Math.sqrt(((kurtosis - 1) * variance ** 2) / s.n));
    if (kind === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      expect(s.min).toBeGreaterThanOrEqual(-limit);
      expect(s.max).toBeLessThan(limit);
      expect(s.max).toBeGreaterThan(0.99 * limit);
    }
    w.dispose();
  });

  it('the same key gives the same weights; another key different ones', async () => {
    const a = glorotUniform(prngKey(1), [20, 30]);
    const b = glorotUniform(prngKey(1), [20, 30]);
    const c = glorotUniform(prngKey(2), [20, 30]);
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    expect(Array.from(await a.data())).not.toEqual(Array.from(await c.data()));
    tf.dispose([a, b, c]);
  });

  it('zeros and ones', async () => {
    const z = zeros(prngKey(0), [2, 3]);
    const o = ones(prngKey(0), [4]);
    expect(Array.from(await z.data())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(await o.data())).toEqual([1, 1, 1, 1]);
    tf.dispose([z, o]);
  });

  it('rejects bad arguments', () => {
    expect(() => normal(-1)).toThrow(InvalidArgumentError);
    expect(() => normal(-1)).toThrow("Argument 'std' passed to 'normal' must be a finite number >= 0, but got -1.");
    expect(() => glorotUniform('k' as never, [2, 2])).toThrow(
      "Argument 'key' passed to 'glorotUniform' must be an integer seed or a PRNGKey, but got 'k'.",
    );
    expect(() => heNormal(prngKey(0), [0, 3])).toThrow(/non-zero fans/);
  });

  it('leaks nothing', async () => {
    for (const init of [glorotUniform, glorotNormal, heNormal, heUniform, normal(1), uniform(1), zeros, ones]) {
      await expectNoLeak(() => init(prngKey(0), [4, 5]));
    }
  });
});
