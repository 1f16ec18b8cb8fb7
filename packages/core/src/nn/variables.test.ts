import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, countParams, disposeParams, initMlp, linear, prngKey, toVariables } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';

describe('toVariables', () => {
  it('keeps the tree structure and values, as trainable variables', async () => {
    const params = initMlp(prngKey(0), { widths: [3, 4, 2] });
    const vars = toVariables(params);
    expect(Object.keys(vars.layers)).toEqual(['0', '1']);
    expect(vars.layers['0'].weight).toBeInstanceOf(tf.Variable);
    expect(vars.layers['0'].weight.trainable).toBe(true);
    expect(Array.from(await vars.layers['1'].weight.data())).toEqual(Array.from(await params.layers['1'].weight.data()));
    expect(countParams(vars)).toBe(countParams(params));
    // The variables outlive the tensors they were made from.
    disposeParams(params);
    expect((await vars.layers['0'].bias!.data()).length).toBe(4);
    const frozen = toVariables({ w: vars.layers['0'].weight }, { trainable: false });
    expect(frozen.w.trainable).toBe(false);
    disposeParams(vars);
    disposeParams(frozen);
  });

  it('the tidy idiom leaves only the variables, and disposeParams frees them', async () => {
    await expectNoLeak(() => {
      const vars = tf.tidy(() => toVariables(initMlp(prngKey(1), { widths: [5, 6, 1] })));
      expect(tf.memory().numTensors).toBeGreaterThan(0);
      const x = tf.ones([2, 5]);
      tf.dispose([linear(vars.layers['0'], x), x]);
      disposeParams(vars);
    });
  });

  it('rejects non-trees, leaving no half-made variables', async () => {
    const w = tf.zeros([2]);
    await expectNoLeak(() => {
      expect(() => toVariables({ a: w, b: { c: 'x' } } as never)).toThrow(InvalidArgumentError);
    });
    w.dispose();
    expect(() => toVariables(null as never)).toThrow(InvalidArgumentError);
    expect(() => toVariables({ a: 3 } as never)).toThrow(
      "Argument 'tree' passed to 'toVariables' must hold only tensors and nested objects, but 'a' is 3.",
    );
  });
});
