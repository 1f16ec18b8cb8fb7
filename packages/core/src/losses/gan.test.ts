import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { GAN_LOSS_KINDS, InvalidArgumentError, ShapeError, ganDiscriminatorLoss, ganGeneratorLoss } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { TOL, lossFixtures } from './fixtures.test-util.js';

const fx = lossFixtures.gan;
const reductions = ['mean', 'sum', 'none'] as const;
const cases = GAN_LOSS_KINDS.flatMap((kind) => reductions.map((reduction) => [kind, reduction] as const));

describe('GAN losses', () => {
  const real = tf.tensor(fx.realLogits);
  const fake = tf.tensor(fx.fakeLogits);

  it.each(cases)('%s discriminator and generator losses, reduction %s, match the torch definitions', async (kind, reduction) => {
    const d = ganDiscriminatorLoss(kind, real, fake, { reduction });
    const g = ganGeneratorLoss(kind, fake, { reduction });
    await expectTensorsClose(d, fx.kinds[kind].discriminator[reduction], TOL);
    await expectTensorsClose(g, fx.kinds[kind].generator[reduction], TOL);
    tf.dispose([d, g]);
  });

  it('non-saturating generator gradient does not vanish when D rejects fakes, minimax does', async () => {
    const f = tf.tensor1d([-12, -12]);
    const ns = tf.grad((x: tf.Tensor) => ganGeneratorLoss('nonSaturating', x))(f);
    const mm = tf.grad((x: tf.Tensor) => ganGeneratorLoss('minimax', x))(f);
    // d/df softplus(-f) = -sigmoid(-f) ~ -1; d/df -softplus(f) = -sigmoid(f) ~ -6e-6 (per example / 2)
    expect((await ns.data())[0]).toBeCloseTo(-0.5, 4);
    expect(Math.abs((await mm.data())[0])).toBeLessThan(1e-5);
    tf.dispose([f, ns, mm]);
  });

  it('the discriminator mean allows real and fake batches of different sizes', async () => {
    const r = tf.tensor1d([1, 2]);
    const f = tf.tensor1d([-1, 0, 3]);
    const d = ganDiscriminatorLoss('wasserstein', r, f);
    await expectTensorsClose(d, 2 / 3 - 1.5, 1e-6);
    expect(() => ganDiscriminatorLoss('wasserstein', r, f, { reduction: 'none' })).toThrow(
      "Argument 'fakeLogits' passed to 'ganDiscriminatorLoss' must have shape [2], but got [3].",
    );
    expect(() => ganDiscriminatorLoss('wasserstein', r, f, { reduction: 'none' })).toThrow(ShapeError);
    tf.dispose([r, f, d]);
  });

  it('leak nothing', async () => {
    for (const [kind, reduction] of cases) {
      await expectNoLeak(() => ganDiscriminatorLoss(kind, real, fake, { reduction }), `D ${kind} ${reduction}`);
      await expectNoLeak(() => ganGeneratorLoss(kind, fake, { reduction }), `G ${kind} ${reduction}`);
    }
  });

  it('reject unknown kinds and reductions, listing the allowed values', () => {
    expect(() => ganDiscriminatorLoss('vanilla' as never, real, fake)).toThrow(
      "Argument 'kind' passed to 'ganDiscriminatorLoss' must be one of 'minimax', 'nonSaturating', 'hinge', 'wasserstein', 'leastSquares', but got 'vanilla'.",
    );
    expect(() => ganGeneratorLoss('wgan' as never, fake)).toThrow(InvalidArgumentError);
    expect(() => ganGeneratorLoss('hinge', fake, { reduction: 'avg' as never })).toThrow(
      "Argument 'reduction' passed to 'ganGeneratorLoss' must be one of 'mean', 'sum', 'none', but got 'avg'.",
    );
  });
});
