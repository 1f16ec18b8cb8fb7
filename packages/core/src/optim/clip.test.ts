import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, clipByGlobalNorm, globalNorm } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/optim/optim.json', import.meta.url), 'utf8')) as {
  shapes: Record<string, number[]>;
  grads: Record<string, number[]>[];
  clip: { maxNorm: number; norm: number; clipped: Record<string, number[]> }[];
};

function grads() {
  const t = (name: string) => tf.tensor(fixture.grads[0][name], fixture.shapes[name]);
  return { dense: { weight: t('dense.weight'), bias: t('dense.bias') }, conv: { kernel: t('conv.kernel') } };
}

describe('clipByGlobalNorm', () => {
  for (const c of fixture.clip) {
    it(`matches torch.nn.utils.clip_grad_norm_ with maxNorm ${c.maxNorm}`, async () => {
      const g = grads();
      const { grads: clipped, norm } = clipByGlobalNorm(g, c.maxNorm);
      await expectTensorsClose(norm, [c.norm], { rtol: 1e-6, atol: 0 });
      const flat = clipped as unknown as typeof g;
      await expectTensorsClose(flat.dense.weight, c.clipped['dense.weight'], { rtol: 1e-6, atol: 0 });
      await expectTensorsClose(flat.dense.bias, c.clipped['dense.bias'], { rtol: 1e-6, atol: 0 });
      await expectTensorsClose(flat.conv.kernel, c.clipped['conv.kernel'], { rtol: 1e-6, atol: 0 });
      tf.dispose([g, clipped as never, norm]);
    });
  }

  it('the fixture covers both a clipping and a non-clipping case', () => {
    expect(fixture.clip.some((c) => c.norm > c.maxNorm)).toBe(true);
    expect(fixture.clip.some((c) => c.norm < c.maxNorm)).toBe(true);
  });

  it('leaks nothing and does not dispose its input', async () => {
    const g = grads();
    await expectNoLeak(() => clipByGlobalNorm(g, 0.5) as never, 'clipByGlobalNorm');
    await expectNoLeak(() => globalNorm(g), 'globalNorm');
    expect(g.dense.weight.isDisposed).toBe(false);
    tf.dispose(g);
  });

  it('globalNorm is sqrt of the sum of all squares', async () => {
    const a = tf.tensor([3, 0]);
    const b = tf.tensor([[4]]);
    const n = globalNorm({ a, b: { c: b } });
    await expectTensorsClose(n, [5], { rtol: 1e-7, atol: 0 });
    tf.dispose([a, b, n]);
  });

  it('rejects bad arguments', () => {
    const g = grads();
    expect(() => clipByGlobalNorm(g, 0)).toThrow(InvalidArgumentError);
    expect(() => clipByGlobalNorm(g, -1)).toThrow("Argument 'maxNorm' passed to 'clipByGlobalNorm' must be a finite number > 0, but got -1.");
    expect(() => clipByGlobalNorm({}, 1)).toThrow("Argument 'grads' passed to 'clipByGlobalNorm' must hold at least one tensor, but got {}.");
    expect(() => globalNorm(null as never)).toThrow(InvalidArgumentError);
    tf.dispose(g);
  });
});
