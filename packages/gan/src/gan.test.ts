import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { DisposedError, InvalidArgumentError, NonFiniteError, ShapeError, CheckpointError, eightGaussians, flattenParams, foldIn } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { Gan, type GanConfig } from './index.js';

const small: GanConfig = { latentDim: 2, dataShape: [2], hidden: [16, 16] };
const ringBatch = (k: number, n = 16) => tf.tensor2d(eightGaussians({ n, seed: foldIn(7, k) }).x, [n, 2]);

// Every test disposes what it makes: the tensor count is back at zero after each.
afterEach(() => {
  expect(tf.memory().numTensors).toBe(0);
});

async function flatValues(tree: object): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [path, t] of Object.entries(flattenParams(tree as never))) out[path] = Array.from(await (t as tf.Tensor).data());
  return out;
}

describe('Gan config', () => {
  it('rejects bad config with the standard message', () => {
    expect(() => new Gan({ ...small, loss: 'bogus' as never }, { seed: 0 })).toThrow(
      "Argument 'config.loss' passed to 'Gan' must be one of 'minimax', 'nonSaturating', 'hinge', 'wasserstein', 'leastSquares', but got 'bogus'.",
    );
    expect(() => new Gan({ ...small, latentDim: 0 }, { seed: 0 })).toThrow(InvalidArgumentError);
    expect(() => new Gan({ ...small, lr: 1 } as never, { seed: 0 })).toThrow(/unknown key 'lr'/);
    expect(() => new Gan({ ...small, loss: 'hinge', labelSmoothing: 0.1 }, { seed: 0 })).toThrow(/labelSmoothing.*'hinge'/);
    expect(() => new Gan({ latentDim: 8, dataShape: [32, 32, 3], architecture: 'dcgan28' }, { seed: 0 })).toThrow(
      "Argument 'config.dataShape' passed to 'Gan' must be [28, 28, channels] for architecture 'dcgan28', but got [32, 32, 3].",
    );
    expect(() => new Gan({ ...small, numClasses: 1 }, { seed: 0 })).toThrow(InvalidArgumentError);
    expect(tf.memory().numTensors).toBe(0);
  });

  it('rejects bad inputs to its methods', async () => {
    const gan = new Gan(small, { seed: 0 });
    const wrong = tf.zeros([4, 3]);
    await expect(gan.trainStep({ x: wrong })).rejects.toThrow("Argument 'x' passed to 'Gan.trainStep' must have shape [batch, 2], but got [4, 3].");
    await expect(gan.trainStep({ x: wrong })).rejects.toBeInstanceOf(ShapeError);
    expect(() => gan.sample(0)).toThrow("Argument 'n' passed to 'Gan.sample' must be an integer >= 1, but got 0.");
    expect(() => gan.sample(2, { labels: [1, 2] })).toThrow(/must be undefined for an unconditional GAN/);
    expect(() => gan.generate(wrong)).toThrow(ShapeError);
    tf.dispose(wrong);
    gan.dispose();
  });
});

describe('Gan lifecycle', () => {
  it('dispose returns memory to the baseline, is idempotent, and use after dispose throws', () => {
    const before = tf.memory().numTensors;
    const gan = new Gan({ ...small, spectralNorm: true, numClasses: 3, conditioning: 'projection' }, { seed: 1 });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    gan.dispose();
    gan.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => gan.sample(2)).toThrow(DisposedError);
  });

  it('sample is seeded, leak-free, and truncation bounds the latents', async () => {
    const gan = new Gan(small, { seed: 2 });
    await expectNoLeak(() => gan.sample(8, { seed: 3 }), 'sample');
    const a = gan.sample(8, { seed: 3 });
    const b = gan.sample(8, { seed: 3 });
    const c = gan.sample(8, { seed: 4 });
    expect(a.shape).toEqual([8, 2]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    // EMA starts equal to the weights: EMA and raw samples agree before training.
    const raw = gan.sample(8, { seed: 3, ema: false });
    expect(Array.from(raw.dataSync())).toEqual(Array.from(a.dataSync()));
    await expectNoLeak(() => gan.sample(4, { truncation: 0.5 }), 'sample truncated');
    const z = tf.zeros([3, 2]);
    await expectNoLeak(() => gan.generate(z), 'generate');
    await expectNoLeak(() => gan.generate(z, undefined, { ema: true }), 'generate ema');
    const real = ringBatch(0, 8);
    await expectNoLeak(() => gan.diversity(real, 8).then(() => undefined), 'diversity');
    const score = await gan.diversity(real, 8);
    expect(score).toBeGreaterThan(0);
    tf.dispose([z, real]);
    tf.dispose([a, b, c, raw]);
    gan.dispose();
  });

  it('interpolate goes from one endpoint latent to the other', async () => {
    const gan = new Gan(small, { seed: 2 });
    await expectNoLeak(() => gan.interpolate(5, { seed: 1 }), 'interpolate');
    const path = gan.interpolate(5, { seed: 1, method: 'linear' });
    const ends = gan.sample(2, { seed: 1 }); // the same two latents
    const p = path.arraySync() as number[][];
    const e = ends.arraySync() as number[][];
    for (let j = 0; j < 2; j++) {
      expect(p[0][j]).toBeCloseTo(e[0][j], 5);
      expect(p[4][j]).toBeCloseTo(e[1][j], 5);
    }
    tf.dispose([path, ends]);
    gan.dispose();
  });
});

describe('Gan training', () => {
  it.each(['nonSaturating', 'minimax', 'hinge', 'wasserstein', 'leastSquares'] as const)('trainStep with %s loss is leak-free and moves the losses', async (loss) => {
    const gan = new Gan({ ...small, loss, dSteps: 2, gradientPenalty: loss === 'wasserstein' ? 10 : 0, r1Every: 1 }, { seed: 3 });
    const x = ringBatch(0);
    const first = await gan.trainStep({ x });
    await expectNoLeak(() => gan.trainStep({ x }).then(() => undefined), `trainStep ${loss}`);
    let last = first;
    for (let i = 0; i < 5; i++) last = await gan.trainStep({ x });
    expect(gan.step).toBe(7);
    expect(gan.dOptimizer.stepCount).toBe(14); // dSteps = 2 per step
    for (const v of [last.dLoss, last.gLoss, last.gradNormD, last.gradNormG, last.dAccuracy]) expect(Number.isFinite(v)).toBe(true);
    expect(last.dLoss).not.toBe(first.dLoss);
    expect(last.gLoss).not.toBe(first.gLoss);
    expect(last.dAccuracy).toBeGreaterThanOrEqual(0);
    expect(last.dAccuracy).toBeLessThanOrEqual(1);
    if (loss === 'wasserstein') expect(last.gradientPenalty).toBeGreaterThan(0);
    else expect(last.r1).toBeGreaterThan(0); // default R1 on, every update here
    tf.dispose(x);
    gan.dispose();
  });

  it('lazy R1 is applied every r1Every D updates, scaled by the interval', async () => {
    const gan = new Gan({ ...small, r1Gamma: 1, r1Every: 3 }, { seed: 4 });
    const x = ringBatch(1);
    const r1 = [];
    for (let i = 0; i < 4; i++) r1.push((await gan.trainStep({ x })).r1);
    expect(r1[0]).toBeGreaterThan(0);
    expect(r1[1]).toBe(0);
    expect(r1[2]).toBe(0);
    expect(r1[3]).toBeGreaterThan(0);
    tf.dispose(x);
    gan.dispose();
  });

  it('the gradient penalty is finite when the gradient is exactly zero', async () => {
    const gan = new Gan({ ...small, loss: 'wasserstein', gradientPenalty: 10, r1Gamma: 0 }, { seed: 5 });
    // A zero discriminator is constant: its input gradient is exactly 0 everywhere.
    tf.tidy(() => Object.values(flattenParams(gan.discriminatorParams)).forEach((v) => v.assign(tf.zerosLike(v))));
    const x = ringBatch(2);
    const m = await gan.trainStep({ x });
    // (sqrt(0 + eps) - 1)^2 * 10 = 10 up to eps.
    expect(m.gradientPenalty).toBeCloseTo(10, 4);
    expect(Number.isFinite(m.gradNormD)).toBe(true);
    tf.dispose(x);
    gan.dispose();
  });

  it('a NaN stops training with NonFiniteError naming the step and the term', async () => {
    const gan = new Gan(small, { seed: 6 });
    const x = ringBatch(3);
    await gan.trainStep({ x });
    const w = flattenParams(gan.generatorParams)['body.layers.0.weight'];
    tf.tidy(() => w.assign(tf.fill(w.shape as [number, number], Number.NaN) as tf.Tensor2D));
    await expect(gan.trainStep({ x })).rejects.toThrow(NonFiniteError);
    await expect(gan.trainStep({ x })).rejects.toThrow(/^Term 'dAdversarial' became NaN at step \d+ in 'Gan.trainStep'\.$/);
    tf.dispose(x);
    gan.dispose();
  });

  it('one-sided label smoothing raises the real term of the D loss', async () => {
    const a = new Gan({ ...small, r1Gamma: 0 }, { seed: 7 });
    const b = new Gan({ ...small, r1Gamma: 0, labelSmoothing: 0.2 }, { seed: 7 });
    const x = ringBatch(4);
    const ma = await a.trainStep({ x });
    const mb = await b.trainStep({ x });
    // Same init and keys: identical logits, so the difference is the smoothing of the real target.
    expect(mb.dReal).toBeCloseTo(ma.dReal, 6);
    expect(mb.dAdversarial).not.toBeCloseTo(ma.dAdversarial, 4);
    tf.dispose(x);
    a.dispose();
    b.dispose();
  });

  it('fit raises warnings and keeps the metrics log', async () => {
    const before = tf.memory().numTensors;
    const gan = new Gan({ ...small, r1Gamma: 0 }, { seed: 8 });
    const seen: string[] = [];
    const result = await gan.fit({
      data: (k) => ringBatch(k),
      steps: 6,
      onWarning: (w) => seen.push(w.kind),
      // Thresholds chosen so that the conditions hold: D's loss is always below 100, and every
      // generated spread is below 100x the real one.
      diagnostics: { patience: 3, dLossFloor: 100, diversityEvery: 2, diversityBatch: 8, collapseThreshold: 100 },
    });
    expect(result.step).toBe(6);
    expect(result.metrics.length).toBe(6);
    expect(seen).toContain('discriminatorWins');
    expect(seen).toContain('modeCollapse');
    expect(seen.filter((k) => k === 'discriminatorWins').length).toBe(1); // once while it holds
    expect(result.warnings.find((w) => w.kind === 'discriminatorWins')?.step).toBe(2);
    expect(result.history[1].diversity).toBeGreaterThan(0);
    expect(result.history[0].diversity).toBeUndefined();
    gan.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes exactly from a checkpoint', async () => {
    const config: GanConfig = { ...small, spectralNorm: true, r1Every: 2 };
    const data = (k: number) => ringBatch(k);
    const a = new Gan(config, { seed: 9 });
    let saved: Uint8Array | undefined;
    await a.fit({ data, steps: 5, checkpoint: { every: 3, save: (bytes) => void (saved = bytes) }, diagnostics: { diversityEvery: 0 } });
    const before = tf.memory().numTensors;
    const b = Gan.load(saved as Uint8Array);
    expect(b.step).toBe(3);
    await b.fit({ data, steps: 5, diagnostics: { diversityEvery: 0 } });
    expect(await flatValues(b.generatorParams)).toEqual(await flatValues(a.generatorParams));
    expect(await flatValues(b.discriminatorParams)).toEqual(await flatValues(a.discriminatorParams));
    const sa = a.sample(4, { seed: 1 });
    const sb = b.sample(4, { seed: 1 });
    expect(Array.from(sb.dataSync())).toEqual(Array.from(sa.dataSync()));
    tf.dispose([sa, sb]);
    await expectNoLeak(() => a.save().then(() => undefined), 'save');
    await expectNoLeak(() => b.restore(saved as Uint8Array), 'restore');
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // A checkpoint of another architecture is refused, and nothing changes.
    const other = new Gan({ ...small, hidden: [8] }, { seed: 0 });
    expect(() => other.restore(saved as Uint8Array)).toThrow(CheckpointError);
    other.dispose();
    a.dispose();
  });
});

describe('conditional and custom networks', () => {
  it.each(['concat', 'projection', 'acgan'] as const)('%s conditioning trains leak-free and samples per label', async (conditioning) => {
    const gan = new Gan({ ...small, numClasses: 3, conditioning }, { seed: 10 });
    const x = ringBatch(5, 12);
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32');
    await expectNoLeak(() => gan.trainStep({ x, labels }).then(() => undefined), `trainStep ${conditioning}`);
    const m = await gan.trainStep({ x, labels });
    if (conditioning === 'acgan') {
      expect(m.dClass).toBeGreaterThan(0);
      expect(m.gClass).toBeGreaterThan(0);
    } else expect(m.dClass).toBe(0);
    // The label changes the sample (same latent).
    const s0 = gan.sample(1, { seed: 2, labels: 0 });
    const s1 = gan.sample(1, { seed: 2, labels: 1 });
    expect(Array.from(s0.dataSync())).not.toEqual(Array.from(s1.dataSync()));
    await expect(gan.trainStep({ x })).rejects.toThrow(/Argument 'labels' passed to 'Gan.trainStep' must be an int32 tf.Tensor/);
    expect(() => gan.sample(2, { labels: [0, 3] })).toThrow("Argument 'options.labels' passed to 'Gan.sample' must hold integers in [0, 2], but got 3.");
    await expectNoLeak(() => Object.values(gan.discriminate(x, labels)) as tf.Tensor[], 'discriminate');
    tf.dispose([x, labels, s0, s1]);
    gan.dispose();
  });

  it('takes user networks', async () => {
    const gan = new Gan(
      { latentDim: 1, dataShape: [1], r1Gamma: 0, emaDecay: 0 },
      {
        seed: 11,
        networks: {
          generator: { init: () => ({ w: tf.ones([1, 1]) }), apply: (p, z) => tf.matMul(z, p.w as tf.Tensor2D) },
          discriminator: { init: () => ({ w: tf.ones([1, 1]) }), apply: (p, x) => tf.matMul(x, p.w as tf.Tensor2D) },
        },
      },
    );
    const x = tf.ones([4, 1]);
    await expectNoLeak(() => gan.trainStep({ x }).then(() => undefined), 'custom trainStep');
    expect(() => gan.sample(2, { ema: true })).toThrow(/has no EMA generator/);
    tf.dispose(x);
    gan.dispose();
  });
});

describe('DCGAN presets', () => {
  it('dcgan28 with concatenated label maps, spectral norm and R1 (double backprop through convs) trains leak-free', async () => {
    const gan = new Gan({ latentDim: 4, dataShape: [28, 28, 1], architecture: 'dcgan28', channels: 2, r1Every: 1, numClasses: 3, spectralNorm: true }, { seed: 13 });
    const x = tf.tidy(() => tf.sub(tf.mul(tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 2), 2), 1));
    const labels = tf.tensor1d([0, 2], 'int32');
    if (tf.getBackend() === 'wasm' && tf.getKernel('Conv2DBackpropFilter', 'wasm') == null) {
      // Plain wasm (no @gen/native) cannot take second-order conv gradients: a clear error, no leak.
      const before = tf.memory().numTensors;
      await expect(gan.trainStep({ x, labels })).rejects.toThrow(/needs second-order convolution gradients.*@gen\/native/);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, labels]);
      gan.dispose();
      return;
    }
    await expectNoLeak(() => gan.trainStep({ x, labels }).then(() => undefined), 'dcgan28 conditional trainStep');
    const m = await gan.trainStep({ x, labels });
    expect(Number.isFinite(m.dLoss) && Number.isFinite(m.gLoss)).toBe(true);
    expect(m.r1).toBeGreaterThan(0);
    tf.dispose([x, labels]);
    gan.dispose();
  });

  it.each([
    ['dcgan28', [28, 28, 1]],
    ['dcgan32', [32, 32, 3]],
  ] as const)('%s trains (losses move, no NaN) and is leak-free', async (architecture, dataShape) => {
    const gan = new Gan({ latentDim: 4, dataShape, architecture, channels: 2, r1Gamma: 0 }, { seed: 12 });
    const x = tf.tidy(() => tf.sub(tf.mul(tf.randomUniform([2, ...dataShape], 0, 1, 'float32', 1), 2), 1));
    const first = await gan.trainStep({ x });
    await expectNoLeak(() => gan.trainStep({ x }).then(() => undefined), `${architecture} trainStep`);
    const last = await gan.trainStep({ x });
    expect(Number.isFinite(last.dLoss) && Number.isFinite(last.gLoss)).toBe(true);
    expect(last.dLoss).not.toBe(first.dLoss);
    expect(last.gLoss).not.toBe(first.gLoss);
    const s = gan.sample(2);
    expect(s.shape).toEqual([2, ...dataShape]);
    const values = s.dataSync();
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(1); // tanh output
    tf.dispose([x, s]);
    gan.dispose();
  });
});
