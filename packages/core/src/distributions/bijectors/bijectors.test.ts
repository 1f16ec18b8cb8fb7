import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  Bijector,
  DisposedError,
  InvalidArgumentError,
  ShapeError,
  affineBijector,
  chainBijector,
  expBijector,
  sigmoidBijector,
  softplusBijector,
  tanhBijector,
} from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { extraFixtures } from '../fixtures-extra.test-util.js';

const fx = extraFixtures.bijectors;
const TOL = { rtol: 1e-5, atol: 1e-6 };

function make(name: string): { bijector: Bijector; owned: tf.Tensor[] } {
  switch (name) {
    case 'affineScalar':
      return { bijector: affineBijector(0.5, -2), owned: [] };
    case 'affineTensor': {
      const loc = tf.tensor1d(fx.affineLoc);
      const scale = tf.tensor1d(fx.affineScale);
      return { bijector: affineBijector(loc, scale), owned: [loc, scale] };
    }
    case 'exp':
      return { bijector: expBijector(), owned: [] };
    case 'sigmoid':
      return { bijector: sigmoidBijector(), owned: [] };
    case 'tanh':
      return { bijector: tanhBijector(), owned: [] };
    case 'softplus':
      return { bijector: softplusBijector(), owned: [] };
    case 'chain':
      return { bijector: chainBijector([affineBijector(0.3, 1.5), tanhBijector()]), owned: [] };
    default:
      throw new Error(name);
  }
}

describe.each(Object.keys(fx.cases))('%s bijector', (name) => {
  const c = fx.cases[name];
  const x = tf.tensor1d(fx.x);
  const y = tf.tensor1d(c.y);

  it('forward, inverse and both log-det-Jacobians match torch.distributions.transforms', async () => {
    const { bijector, owned } = make(name);
    const results = [
      bijector.forward(x),
      bijector.forwardLogDetJacobian(x),
      bijector.inverse(y),
      bijector.inverseLogDetJacobian(y),
    ];
    await expectTensorsClose(results[0], c.forward, TOL);
    await expectTensorsClose(results[1], c.fldj, TOL);
    // The inverse of a saturating map loses digits: |dx| ~ eps32 |y| / |dy/dx|.
    await expectTensorsClose(results[2], c.inverse, { rtol: 2e-5, atol: 1e-5 });
    await expectTensorsClose(results[3], c.ildj, { rtol: 2e-5, atol: 1e-5 });
    tf.dispose([...results, ...owned]);
    bijector.dispose();
  });

  it('log-det-Jacobian equals log |d forward / dx| from autodiff', async () => {
    const { bijector, owned } = make(name);
    const xm = tf.tensor1d([-1.2, -0.3, 0.5, 1.7, 2.2, 0.1, -2.5, 0.9, 0.05]);
    const slope = tf.grad((t: tf.Tensor) => tf.sum(bijector.forward(t)))(xm);
    const expected = tf.tidy(() => tf.log(tf.abs(slope)));
    const fldj = bijector.forwardLogDetJacobian(xm);
    await expectTensorsClose(fldj, expected, { rtol: 1e-5, atol: 2e-6 });
    tf.dispose([xm, slope, expected, fldj, ...owned]);
    bijector.dispose();
  });

  it('leaks nothing', async () => {
    const { bijector, owned } = make(name);
    await expectNoLeak(() => bijector.forward(x), 'forward');
    await expectNoLeak(() => bijector.inverse(y), 'inverse');
    await expectNoLeak(() => bijector.forwardLogDetJacobian(x), 'fldj');
    await expectNoLeak(() => bijector.inverseLogDetJacobian(y), 'ildj');
    await expectNoLeak(
      () => tf.grad((t: tf.Tensor) => tf.sum(tf.add(bijector.forward(t), bijector.forwardLogDetJacobian(t))))(x),
      'grad',
    );
    bijector.dispose();
    tf.dispose(owned);
  });

  it('rejects non-float input and use after dispose', () => {
    const { bijector, owned } = make(name);
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(() => bijector.forward(ints)).toThrow(InvalidArgumentError);
    expect(() => bijector.forward(ints)).toThrow(
      `Argument 'x' passed to '${bijector.name}.forward' must have dtype float32, but got int32.`,
    );
    bijector.dispose();
    bijector.dispose(); // idempotent
    expect(() => bijector.forward(x)).toThrow(DisposedError);
    tf.dispose([ints, ...owned]);
  });
});

describe('bijector factories', () => {
  it('tanh log-det-Jacobian stays finite where 1 - tanh(x)^2 underflows', async () => {
    const x = tf.tensor1d([-50, 20, 50]);
    const fldj = tanhBijector().forwardLogDetJacobian(x);
    // log(1 - tanh(x)^2) = log 4 - 2|x| - 2 log(1 + exp(-2|x|)) ~ log 4 - 2|x|
    await expectTensorsClose(fldj, [Math.log(4) - 100, Math.log(4) - 40, Math.log(4) - 100], 1e-6);
    tf.dispose([x, fldj]);
  });

  it('an affine bijector owns its number parameters and frees them on dispose', async () => {
    const before = tf.memory().numTensors;
    const b = affineBijector(1, 2);
    expect(tf.memory().numTensors).toBe(before + 2);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const loc = tf.scalar(1);
    const borrowed = affineBijector(loc, 3);
    borrowed.dispose();
    expect(loc.isDisposed).toBe(false);
    loc.dispose();
  });

  it('chain applies its bijectors in array order and an empty chain is the identity', async () => {
    const x = tf.tensor1d([0.25, -1]);
    const inner = affineBijector(1, 2);
    const c = chainBijector([inner, expBijector()]);
    const y = c.forward(x);
    await expectTensorsClose(y, [Math.exp(1.5), Math.exp(-1)], 1e-6);
    const id = chainBijector([]);
    const same = id.forward(x);
    const zero = id.forwardLogDetJacobian(x);
    await expectTensorsClose(same, x, 0);
    await expectTensorsClose(zero, [0, 0], 0);
    tf.dispose([x, y, same, zero]);
    inner.dispose();
  });

  it('reject bad parameters', () => {
    expect(() => affineBijector(0, 0)).toThrow(
      "Argument 'scale' passed to 'affineBijector' must be non-zero, but got 0.",
    );
    expect(() => affineBijector(NaN, 1)).toThrow(InvalidArgumentError);
    const loc = tf.zeros([3]);
    const scale = tf.ones([2]);
    expect(() => affineBijector(loc, scale)).toThrow(ShapeError);
    expect(() => affineBijector(loc, scale)).toThrow(
      "Arguments 'loc' and 'scale' passed to 'affineBijector' must have broadcastable shapes, but got [3] and [2].",
    );
    expect(() => chainBijector([tanhBijector(), 'exp' as never])).toThrow(
      "Argument 'bijectors' passed to 'chainBijector' must be an array of Bijectors",
    );
    tf.dispose([loc, scale]);
  });
});
