import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, countParams, disposeParams, initMlp, initResBlock, prngKey, summarizeParams } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';

describe('summarizeParams', () => {
  it('lists every tensor with its shape and size, and the total', () => {
    const params = initMlp(prngKey(0), { widths: [4, 3, 2] });
    const { rows, total } = summarizeParams(params);
    expect(rows).toEqual([
      { path: 'layers.0.bias', shape: [3], size: 3 },
      { path: 'layers.0.weight', shape: [4, 3], size: 12 },
      { path: 'layers.1.bias', shape: [2], size: 2 },
      { path: 'layers.1.weight', shape: [3, 2], size: 6 },
    ]);
    expect(total).toBe(23);
    expect(total).toBe(countParams(params));
    disposeParams(params);
  });

  it('groups by block with depth', () => {
    const params = { unet: initResBlock(prngKey(0), { inChannels: 2, outChannels: 4 }), head: { weight: tf.zeros([4, 1]) } };
    const { rows, total } = summarizeParams(params, { depth: 2 });
    const byPath = Object.fromEntries(rows.map((r) => [r.path, r]));
    expect(byPath['head.weight']).toEqual({ path: 'head.weight', shape: [4, 1], size: 4 });
    expect(byPath['unet.conv1']).toEqual({ path: 'unet.conv1', shape: null, size: 3 * 3 * 2 * 4 + 4 });
    expect(byPath['unet.skip'].size).toBe(2 * 4 + 4);
    expect(rows.reduce((s, r) => s + r.size, 0)).toBe(total);
    expect(summarizeParams(params, { depth: 1 }).rows.map((r) => r.path)).toEqual(['head', 'unet']);
    disposeParams(params);
  });

  it('validates its arguments and creates no tensors', async () => {
    expect(() => summarizeParams(null as never)).toThrow(InvalidArgumentError);
    const params = initMlp(prngKey(0), { widths: [2, 2] });
    expect(() => summarizeParams(params, { depth: 0 })).toThrow(
      "Argument 'depth' passed to 'summarizeParams' must be a positive integer, but got 0.",
    );
    await expectNoLeak(() => {
      summarizeParams(params);
    });
    disposeParams(params);
  });
});
