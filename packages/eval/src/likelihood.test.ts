import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { describe, expect, it } from 'vitest';
import { bitsPerCharacter, bitsPerDim, iwaeBound, iwaeBoundF64, negativeLogLikelihood, perplexity } from './likelihood.js';

describe('likelihood metrics', () => {
  it('NLL, bits per dim, perplexity and bits per character follow their definitions', async () => {
    expect(await negativeLogLikelihood([-2, -4])).toEqual({ value: 3, n: 2 });
    const bpd = await bitsPerDim([784 * Math.LN2, 3 * 784 * Math.LN2], 784);
    expect(bpd.value).toBeCloseTo(2, 14);
    expect(bpd.n).toBe(2);
    // Dequantised 8-bit data: + log2(256) = 8 bits per dimension.
    expect((await bitsPerDim(0, 10, { levels: 256 })).value).toBeCloseTo(8, 14);
    expect((await perplexity([2.1, 1.7, 3.0])).value).toBeCloseTo(Math.exp(6.8 / 3), 12);
    expect((await perplexity(Math.log(50))).value).toBeCloseTo(50, 10);
    expect((await bitsPerCharacter([Math.LN2, 3 * Math.LN2])).value).toBeCloseTo(2, 14);
  });

  it('read tensors without leaking', async () => {
    const t = tf.tensor1d([1.5, 2.5]);
    await expectNoLeak(async () => {
      expect((await bitsPerCharacter(t)).n).toBe(2);
      await negativeLogLikelihood(t);
      await perplexity(t);
      await bitsPerDim(t, 2);
    });
    t.dispose();
  });

  it('reject bad input', async () => {
    await expect(bitsPerDim([1], 0)).rejects.toThrow("Argument 'numDims' passed to 'bitsPerDim' must be an integer >= 1, but got 0.");
    await expect(perplexity([1, Number.NaN])).rejects.toThrow(
      "Argument 'tokenNllNats' passed to 'perplexity' must hold only finite values, but element 1 is NaN.",
    );
    await expect(negativeLogLikelihood([])).rejects.toThrow(ShapeError);
    await expect(bitsPerCharacter('x' as never)).rejects.toThrow(InvalidArgumentError);
  });
});

describe('iwaeBound', () => {
  it('is logsumexp(logW) - log K, stable for large magnitudes, and equals the ELBO for K = 1', async () => {
    const logW = [[-1000.5, -1001.25, -999.75], [3, 1, 2]];
    const lse = (row: number[]) => {
      const m = Math.max(...row);
      return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) - Math.log(row.length);
    };
    const t = tf.tensor2d(logW);
    await expectNoLeak(() => iwaeBound(t));
    const bound = iwaeBound(t);
    await expectTensorsClose(bound, logW.map(lse), { rtol: 1e-6, atol: 1e-4 });
    bound.dispose();
    const byAxis0 = iwaeBound(tf.tensor2d([[1], [3]]), 0);
    await expectTensorsClose(byAxis0, [lse([1, 3])], 1e-6);
    byAxis0.dispose();
    expect(iwaeBoundF64(logW[0])).toBeCloseTo(lse(logW[0]), 12);
    expect(iwaeBoundF64([-7])).toBe(-7);
    // The bound grows with K (Burda et al.): a K = 3 bound >= the mean of K = 1 bounds.
    expect(iwaeBoundF64(logW[1])).toBeGreaterThan((3 + 1 + 2) / 3);
    t.dispose();
  });

  it('has the softmax of logW (normalised importance weights) / 1 as gradient', async () => {
    const x = tf.tensor2d([[0.5, -1, 2]]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(iwaeBound(v)))(x);
    const e = [0.5, -1, 2].map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    await expectTensorsClose(g, [e.map((v) => v / s)], 1e-5);
    tf.dispose([x, g]);
  });

  it('rejects bad input', () => {
    expect(() => iwaeBound([1, 2] as never)).toThrow("Argument 'logW' passed to 'iwaeBound' must be a tf.Tensor");
    const s = tf.scalar(1);
    expect(() => iwaeBound(s)).toThrow(ShapeError);
    s.dispose();
    const t = tf.zeros([2, 3]);
    expect(() => iwaeBound(t, 2)).toThrow("Argument 'axis' passed to 'iwaeBound' must be an integer >= -2 and <= 1, but got 2.");
    t.dispose();
    expect(() => iwaeBoundF64([])).toThrow(InvalidArgumentError);
    expect(() => iwaeBoundF64([1, Number.NaN])).toThrow("element 1 is NaN");
  });
});
