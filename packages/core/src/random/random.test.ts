import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  InvalidArgumentError,
  RandomStream,
  Rng,
  foldIn,
  normalFloat64,
  permutation,
  prngKey,
  randomInt,
  randomNormal,
  randomUniform,
  split,
  threefry2x32,
  uniformFloat32,
  uniformFloat64,
} from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';

const hex = (words: ArrayLike<number>) => Array.from(words, (w) => w.toString(16).padStart(8, '0'));

describe('threefry2x32', () => {
  // Known-answer vectors of Random123 (kat_vectors, threefry2x32 with 20 rounds).
  it.each([
    [[0, 0], [0, 0], ['6b200159', '99ba4efe']],
    [[0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], ['1cb996fc', 'bb002be7']],
    [[0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3], ['c4923a9c', '483df7a0']],
  ])('key %j counter %j gives %j', (key, counter, expected) => {
    const out = new Uint32Array(2);
    threefry2x32(key[0], key[1], counter[0], counter[1], out);
    expect(hex(out)).toEqual(expected);
  });
});

describe('keys', () => {
  it('are deterministic, and split/foldIn give distinct keys', () => {
    expect(prngKey(42)).toEqual(prngKey(42));
    expect(prngKey(42)).not.toEqual(prngKey(43));
    const keys = split(prngKey(0), 4);
    expect(new Set(keys.map((k) => k.join(','))).size).toBe(4);
    expect(foldIn(prngKey(0), 1)).not.toEqual(foldIn(prngKey(0), 2));
    expect(prngKey(-1)).not.toEqual(prngKey(1));
  });

  it('reject non-integer seeds with a clear error', () => {
    expect(() => prngKey(1.5)).toThrow(InvalidArgumentError);
    expect(() => uniformFloat64('x' as never, 3)).toThrow(
      "Argument 'seed' passed to 'uniformFloat64' must be an integer seed or a PRNGKey, but got 'x'.",
    );
    expect(() => split(prngKey(0), 0)).toThrow(/positive integer/);
  });
});

describe('random arrays', () => {
  it('uniform doubles have mean 1/2 and variance 1/12 within 4 standard errors', () => {
    const n = 100_000;
    const u = uniformFloat64(7, n);
    const mean = u.reduce((a, b) => a + b, 0) / n;
    const variance = u.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    // Var of the sample variance for U(0,1): (1/80 - 1/144) / n
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(4 * Math.sqrt((1 / 80 - 1 / 144) / n));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
  });

  it('float32 uniforms stay below 1', () => {
    const u = uniformFloat32(3, 10_001);
    expect(u.length).toBe(10_001);
    expect(Math.max(...u)).toBeLessThan(1);
  });

  it('normals have mean 0, variance 1 and kurtosis 3 within 4 standard errors', () => {
    const n = 100_000;
    const z = normalFloat64(11, n);
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const m2 = z.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    const m4 = z.reduce((a, b) => a + (b - mean) ** 4, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(m2 - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(m4 - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
  });

  it('permutations contain every index once', () => {
    const p = permutation(5, 1000);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...p]).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('a stream is reproducible', () => {
    const a = new RandomStream(9);
    const b = new RandomStream(9);
    const draws = () => [a.uniform(), a.normal(), a.normal(), a.normal()];
    const first = draws();
    expect([b.uniform(), b.normal(), b.normal(), b.normal()]).toEqual(first);
  });
});

describe('random tensors', () => {
  it('the same key gives the same tensor; shapes and dtypes are right', async () => {
    const key = prngKey(1);
    const a = randomNormal(key, [3, 4], 2, 0.5);
    const b = randomNormal(key, [3, 4], 2, 0.5);
    expect(a.shape).toEqual([3, 4]);
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    const u = randomUniform(key, [1000], -1, 1);
    const uv = await u.data();
    expect(Math.min(...uv)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...uv)).toBeLessThan(1);
    const i = randomInt(key, [500], 3, 7);
    expect(i.dtype).toBe('int32');
    expect(new Set(await i.data())).toEqual(new Set([3, 4, 5, 6]));
    tf.dispose([a, b, u, i]);
  });

  it('leaks nothing', async () => {
    await expectNoLeak(() => randomNormal(0, [10]));
    await expectNoLeak(() => randomUniform(0, [10]));
    await expectNoLeak(() => randomInt(0, [10], 0, 2));
  });

  it('rejects bad shapes', () => {
    expect(() => randomNormal(0, [2, -1])).toThrow(
      "Argument 'shape' passed to 'randomNormal' must be an array of non-negative integers, but got [2, -1].",
    );
  });
});

describe('Rng', () => {
  it('never repeats a key, and resumes exactly from its state', () => {
    const rng = new Rng(0);
    const first = rng.next();
    expect(rng.next()).not.toEqual(first);
    const saved = rng.state();
    const expected = [rng.next(), rng.next()];
    const resumed = Rng.fromState(JSON.parse(JSON.stringify(saved)));
    expect([resumed.next(), resumed.next()]).toEqual(expected);
  });

  it('rejects malformed state with CheckpointError', () => {
    expect(() => Rng.fromState({ key: [1, -2] } as never)).toThrow(CheckpointError);
    expect(() => Rng.fromState(null as never)).toThrow(CheckpointError);
  });
});
