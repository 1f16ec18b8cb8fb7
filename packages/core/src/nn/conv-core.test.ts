import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { conv2d, convTranspose2d } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { conv2dFilterGradient, dilateKernel, hasKernel, toTfPad } from './conv-core.js';
import { CLOSE, cases, golden, unpack } from './golden.test-util.js';

// tfjs-backend-wasm has no Conv2DBackpropFilter; conv2d/convTranspose2d then take a conv-only
// gradient path. These tests check that path directly and, by unregistering the kernel, on cpu too.

describe('conv2dFilterGradient', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const undilated = golden.conv2d.filter((c: any) => c.dilation.every((d: number) => d === 1) && c.activation === 'linear');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  it.each(cases(undilated))('matches torch for conv2d %s', async (_name, c) => {
    const x = unpack<tf.Rank.R4>(c.x);
    const dy = unpack<tf.Rank.R4>(c.upstream);
    const g = conv2dFilterGradient(x, dy, c.weight.shape, c.stride, toTfPad(c.padding));
    await expectTensorsClose(g, c.gradWeight.data, CLOSE);
    tf.dispose([x, dy, g]);
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  it.each(cases(golden.convTranspose2d.filter((c: any) => c.outputPadding === 0)))(
    'matches torch for convTranspose2d %s (input and output gradient swapped)',
    async (_name, c) => {
      const x = unpack<tf.Rank.R4>(c.x);
      const dy = unpack<tf.Rank.R4>(c.upstream);
      const g = conv2dFilterGradient(dy, x, c.weight.shape, [c.stride, c.stride], toTfPad(c.padding));
      await expectTensorsClose(g, c.gradWeight.data, CLOSE);
      tf.dispose([x, dy, g]);
    },
  );

  it('agrees with the native filter gradient where the backend has Conv2DBackpropFilter', async () => {
    if (!hasKernel('Conv2DBackpropFilter')) return;
    const x = tf.randomNormal([2, 9, 7, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    for (const [stride, pad] of [[1, 'same'], [2, 'same'], [3, 'valid'], [2, 1]] as const) {
      const w = tf.randomNormal([3, 2, 3, 4], 0, 1, 'float32', 3) as tf.Tensor4D;
      const y = tf.conv2d(x, w, stride, pad);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 2) as tf.Tensor4D;
      const expected = tf.grad((k: tf.Tensor) => tf.conv2d(x, k as tf.Tensor4D, stride, pad))(w, dy);
      const got = conv2dFilterGradient(x, dy, [3, 2, 3, 4], [stride, stride], pad);
      await expectTensorsClose(got, expected, { rtol: 1e-5, atol: 1e-5 });
      tf.dispose([w, y, dy, expected, got]);
    }
    x.dispose();
  });

  it('dilateKernel spreads the taps with zeros', async () => {
    const w = tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]);
    const d = dilateKernel(w, [2, 3]);
    expect(d.shape).toEqual([3, 4, 1, 1]);
    expect(Array.from(await d.data())).toEqual([1, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 4]);
    tf.dispose([w, d]);
  });
});

describe('gradients without Conv2DBackpropFilter', () => {
  const backend = tf.getBackend();
  const saved = tf.getKernel('Conv2DBackpropFilter', backend);
  afterEach(() => {
    if (saved && !hasKernel('Conv2DBackpropFilter')) tf.registerKernel(saved);
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const run = async (c: any, f: (p: { weight: tf.Tensor4D; bias: tf.Tensor1D }, x: tf.Tensor) => tf.Tensor) => {
    if (saved) tf.unregisterKernel('Conv2DBackpropFilter', backend);
    expect(hasKernel('Conv2DBackpropFilter')).toBe(false);
    const x = unpack(c.x);
    const weight = unpack<tf.Rank.R4>(c.weight);
    const bias = unpack<tf.Rank.R1>(c.bias);
    const upstream = unpack(c.upstream);
    const y = f({ weight, bias }, x);
    await expectTensorsClose(y, unpack(c.y), CLOSE);
    const [gx, gw, gb] = tf.grads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      f({ weight: w as tf.Tensor4D, bias: b as tf.Tensor1D }, a),
    )([x, weight, bias], upstream);
    await expectTensorsClose(gx, c.gradX.data, CLOSE);
    await expectTensorsClose(gw, c.gradWeight.data, CLOSE);
    await expectTensorsClose(gb, c.gradBias.data, CLOSE);
    await expectNoLeak(() =>
      tf.grads((w: tf.Tensor, b: tf.Tensor) => tf.sum(f({ weight: w as tf.Tensor4D, bias: b as tf.Tensor1D }, x)))([weight, bias]),
    );
    tf.dispose([x, weight, bias, upstream, y, gx, gw, gb]);
  };

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  it.each(cases(golden.conv2d))('conv2d %s still matches torch', async (_name, c) => {
    await run(c, (p, x) => conv2d(p, x, { stride: c.stride, padding: c.padding, dilation: c.dilation, activation: c.activation }));
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  it.each(cases(golden.convTranspose2d))('convTranspose2d %s still matches torch', async (_name, c) => {
    await run(c, (p, x) => convTranspose2d(p, x, { stride: c.stride, padding: c.padding, outputPadding: c.outputPadding }));
  });
});
