import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, gradientPenalty, prngKey, r1Penalty, randomUniform } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { lossFixtures } from './fixtures.test-util.js';

// Second derivatives in float32 accumulate a little more rounding than first-order losses.
const TOL = { rtol: 1e-5, atol: 1e-6 };
const PARAM_NAMES = ['w1', 'b1', 'w2', 'b2', 'w3', 'b3'] as const;
type Params = Record<(typeof PARAM_NAMES)[number], tf.Variable>;

/** The fixture's MLP: flatten -> dense -> leakyRelu(0.2) -> dense -> tanh -> dense(1). */
function makeDiscriminator(values: Record<string, number[]>, tag: string): { params: Params; d: (x: tf.Tensor) => tf.Tensor } {
  const params = Object.fromEntries(
    PARAM_NAMES.map((name) => [name, tf.variable(tf.tensor(values[name]), true, `${tag}_${name}`)]),
  ) as Params;
  const d = (x: tf.Tensor) => {
    const h0 = tf.reshape(x, [x.shape[0], -1]);
    const h1 = tf.leakyRelu(tf.add(tf.matMul(h0, params.w1), params.b1), 0.2);
    const h2 = tf.tanh(tf.add(tf.matMul(h1, params.w2), params.b2));
    return tf.add(tf.matMul(h2, params.w3), params.b3); // [batch, 1]
  };
  return { params, d };
}

const cases = lossFixtures.penalties as Array<{
  params: Record<string, number[]>;
  real: number[];
  fake: number[];
  alpha: number[];
  gradientPenalty: Record<string, unknown> & { paramGrads: Record<string, number[] | null> };
  r1: Record<string, unknown> & { gamma: number; paramGrads: Record<string, number[] | null> };
}>;

async function expectParamGrads(grads: tf.NamedTensorMap, params: Params, expected: Record<string, number[] | null>) {
  for (const name of PARAM_NAMES) {
    const want = expected[name];
    const got = grads[params[name].name];
    if (want === null) {
      // No path from this parameter to grad_x D (the output bias): tfjs reports no gradient or zeros.
      if (got !== undefined) expect(Math.max(...Array.from(await got.data(), Math.abs))).toBe(0);
    } else {
      expect(got, name).toBeDefined();
      await expectTensorsClose(got, want, TOL);
    }
  }
}

describe.each(cases.map((c, i) => [i, c] as const))('gradient penalties, fixture case %i', (i, c) => {
  const real = tf.tensor(c.real);
  const fake = tf.tensor(c.fake);
  const alpha = tf.tensor(c.alpha);

  it.each(['mean', 'sum', 'none'] as const)('WGAN-GP with reduction %s matches torch.autograd', async (reduction) => {
    const { params, d } = makeDiscriminator(c.params, `gp${i}${reduction}`);
    const out = gradientPenalty(d, real, fake, { alpha, reduction });
    expect(out.shape).toEqual(reduction === 'none' ? [real.shape[0]] : []);
    await expectTensorsClose(out, c.gradientPenalty[reduction] as number[], TOL);
    tf.dispose([out, ...Object.values(params)]);
  });

  it('WGAN-GP gradients with respect to the discriminator weights match torch (double backprop)', async () => {
    const { params, d } = makeDiscriminator(c.params, `gpgrad${i}`);
    const { value, grads } = tf.variableGrads(() => gradientPenalty(d, real, fake, { alpha }) as tf.Scalar);
    await expectTensorsClose(value, c.gradientPenalty.mean as number, TOL);
    await expectParamGrads(grads, params, c.gradientPenalty.paramGrads);
    tf.dispose([value, grads, ...Object.values(params)]);
  });

  it.each(['mean', 'sum', 'none'] as const)('R1 with reduction %s matches torch.autograd', async (reduction) => {
    const { params, d } = makeDiscriminator(c.params, `r1${i}${reduction}`);
    const out = r1Penalty(d, real, { gamma: c.r1.gamma, reduction });
    await expectTensorsClose(out, c.r1[reduction] as number[], TOL);
    tf.dispose([out, ...Object.values(params)]);
  });

  it('R1 gradients with respect to the discriminator weights match torch (double backprop)', async () => {
    const { params, d } = makeDiscriminator(c.params, `r1grad${i}`);
    const { value, grads } = tf.variableGrads(() => r1Penalty(d, real, { gamma: c.r1.gamma }) as tf.Scalar);
    await expectTensorsClose(value, c.r1.mean as number, TOL);
    await expectParamGrads(grads, params, c.r1.paramGrads);
    tf.dispose([value, grads, ...Object.values(params)]);
  });

  it('leak nothing, also under tf.variableGrads', async () => {
    const { params, d } = makeDiscriminator(c.params, `leak${i}`);
    await expectNoLeak(() => gradientPenalty(d, real, fake, { alpha }), 'gradientPenalty alpha');
    await expectNoLeak(() => gradientPenalty(d, real, fake, { seed: 3, reduction: 'none' }), 'gradientPenalty seed');
    await expectNoLeak(() => r1Penalty(d, real), 'r1Penalty');
    await expectNoLeak(() => tf.variableGrads(() => gradientPenalty(d, real, fake, { seed: 1 }) as tf.Scalar), 'GP grads');
    await expectNoLeak(() => tf.variableGrads(() => r1Penalty(d, real) as tf.Scalar), 'R1 grads');
    tf.dispose(Object.values(params));
  });
});

describe('gradientPenalty', () => {
  const c = cases[0];
  const real = tf.tensor(c.real);
  const fake = tf.tensor(c.fake);

  it('draws alpha ~ U[0, 1) per example from the seed, reproducibly', async () => {
    const { params, d } = makeDiscriminator(c.params, 'seeded');
    const key = prngKey(5);
    const a = gradientPenalty(d, real, fake, { seed: key, reduction: 'none' });
    const b = gradientPenalty(d, real, fake, { seed: key, reduction: 'none' });
    const alpha = randomUniform(key, [real.shape[0], 1]);
    const explicit = gradientPenalty(d, real, fake, { alpha: tf.reshape(alpha, [-1]), reduction: 'none' });
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    await expectTensorsClose(a, explicit, 1e-6);
    const other = gradientPenalty(d, real, fake, { seed: prngKey(6), reduction: 'none' });
    expect(Array.from(await other.data())).not.toEqual(Array.from(await a.data()));
    tf.dispose([a, b, alpha, explicit, other, ...Object.values(params)]);
  });

  it('is finite with finite, non-zero weight gradients when grad D is exactly zero', async () => {
    // Every hidden unit is dead (leakyRelu slope 0 = relu, biases -100), so grad_x D = 0 exactly:
    // a plain norm would give NaN gradients there.
    const w1 = tf.variable(tf.fill([3, 4], 0.5), true, 'dead_w1');
    const b1 = tf.variable(tf.fill([4], -100), true, 'dead_b1');
    const w2 = tf.variable(tf.fill([4, 1], 0.3), true, 'dead_w2');
    const d = (x: tf.Tensor) => tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2);
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(d(x)))(real);
    expect(Array.from(await gradient.data()).every((v) => v === 0)).toBe(true);
    const { value, grads } = tf.variableGrads(() => gradientPenalty(d, real, fake, { seed: 0 }) as tf.Scalar);
    const v = (await value.data())[0];
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeCloseTo(1, 5); // (sqrt(0 + 1e-12) - 1)^2
    for (const g of Object.values(grads)) {
      expect(Array.from(await g.data()).every(Number.isFinite)).toBe(true);
    }
    // Likewise for a live network: finite and non-zero everywhere it matters.
    const { params, d: live } = makeDiscriminator(c.params, 'live');
    const liveGrads = tf.variableGrads(() => gradientPenalty(live, real, fake, { seed: 0 }) as tf.Scalar);
    for (const name of ['w1', 'b1', 'w2', 'b2', 'w3'] as const) {
      const values = Array.from(await liveGrads.grads[params[name].name].data());
      expect(values.every(Number.isFinite)).toBe(true);
      expect(values.some((x) => x !== 0)).toBe(true);
    }
    tf.dispose([w1, b1, w2, gradient, value, grads, liveGrads.value, liveGrads.grads, ...Object.values(params)]);
  });

  it('rejects bad arguments', () => {
    const d = (x: tf.Tensor) => tf.sum(x, 1);
    const bad = tf.zeros([4, 2]);
    expect(() => gradientPenalty(d, real, bad, { seed: 0 })).toThrow(ShapeError);
    expect(() => gradientPenalty(d, real, bad, { seed: 0 })).toThrow(
      "Argument 'fake' passed to 'gradientPenalty' must have shape [4, 3], but got [4, 2].",
    );
    expect(() => gradientPenalty(d, real, fake)).toThrow(InvalidArgumentError);
    expect(() => gradientPenalty(d, real, fake, { seed: 0, reduction: 'avg' as never })).toThrow(
      "Argument 'reduction' passed to 'gradientPenalty' must be one of 'mean', 'sum', 'none', but got 'avg'.",
    );
    expect(() => gradientPenalty('d' as never, real, fake, { seed: 0 })).toThrow(
      "Argument 'discriminator' passed to 'gradientPenalty' must be a function (x: Tensor) => Tensor, but got 'd'.",
    );
    const alpha = tf.zeros([3]);
    expect(() => gradientPenalty(d, real, fake, { alpha })).toThrow(
      "Argument 'alpha' passed to 'gradientPenalty' must have shape [4], but got [3].",
    );
    expect(() => r1Penalty(d, real, { gamma: -1 })).toThrow(
      "Argument 'gamma' passed to 'r1Penalty' must be a finite number >= 0, but got -1.",
    );
    tf.dispose([bad, alpha]);
  });
});
