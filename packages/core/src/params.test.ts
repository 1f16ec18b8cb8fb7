import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, countParams, disposeParams, flattenParams, mapParams, unflattenParams } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';

describe('parameter trees', () => {
  it('flatten and unflatten round-trip with sorted dotted names', () => {
    const tree = { b: { weight: tf.zeros([2, 3]), bias: tf.zeros([3]) }, a: tf.ones([4]) };
    const flat = flattenParams(tree);
    expect(Object.keys(flat)).toEqual(['a', 'b.bias', 'b.weight']);
    const back = unflattenParams(flat) as typeof tree;
    expect(back.b.weight).toBe(tree.b.weight);
    expect(countParams(tree)).toBe(13);
    const doubled = mapParams(tree, (t) => tf.mul(t, 2));
    expect(countParams(doubled)).toBe(13);
    disposeParams(doubled);
    disposeParams(tree);
  });

  it('refuses names that would pollute prototypes', () => {
    const t = tf.scalar(1);
    for (const name of ['__proto__.polluted', 'constructor.x', 'a..b', 'toString.prototype']) {
      expect(() => unflattenParams({ [name]: t })).toThrow(InvalidArgumentError);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    t.dispose();
  });

  it('refuses dots inside names when flattening', () => {
    const t = tf.scalar(1);
    expect(() => flattenParams({ 'a.b': t })).toThrow(/must not contain '.'/);
    t.dispose();
  });

  it('mapParams leaks nothing beyond what it returns', async () => {
    const tree = { w: tf.ones([2]) };
    await expectNoLeak(() => mapParams(tree, (t) => tf.add(t, 1)) as unknown as tf.TensorContainer);
    disposeParams(tree);
  });
});
