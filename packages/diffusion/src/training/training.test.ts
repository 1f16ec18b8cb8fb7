// The diffusion loss against a float64 recomputation, training through @gen/core's loop, exact resume.
import * as tf from '@tensorflow/tfjs-core';
import {
  ExponentialMovingAverage,
  InvalidArgumentError,
  Rng,
  adam,
  captureTrainState,
  disposeTrainState,
  flattenParams,
  randomInt,
  randomNormal,
  randomUniform,
  restoreTrainState,
  split,
  swissRoll,
  train,
} from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { describe, expect, it } from 'vitest';
import { MlpDenoiser, mlpDenoiser, initMlpDenoiser } from '../models/mlp-denoiser.js';
import type { Denoiser } from '../pipelines/denoiser.js';
import { DDPMScheduler } from '../schedulers/ddpm.js';
import { diffusionLoss } from './loss.js';

const alphaBar = new DDPMScheduler({ betaSchedule: 'squaredcos_cap_v2' }).alphasCumprod;
// A simple known model: 0.5 x + t / 1000 + 0.1 label.
const toy: Denoiser = (x, t, labels) =>
  tf.tidy(() => {
    let out = tf.add(tf.mul(x, 0.5), tf.reshape(tf.div(t, 1000), [-1, 1]));
    if (labels) out = tf.add(out, tf.reshape(tf.mul(tf.cast(labels, 'float32'), 0.1), [-1, 1]));
    return out;
  });

describe('diffusionLoss', () => {
  for (const predictionType of ['epsilon', 'v_prediction', 'sample'] as const) {
    for (const gamma of [undefined, 5]) {
      it(`${predictionType}, minSnrGamma ${gamma}: matches a float64 recomputation`, () => {
        const x0 = randomNormal(1, [6, 3]);
        const labels = tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32');
        const loss = diffusionLoss({ model: toy, alphasCumprod: alphaBar, x0, key: 7, predictionType, minSnrGamma: gamma, classLabels: labels, labelDropout: 0.5, nullLabel: 10 });
        // Same draws as the loss: split(key, 3) -> timesteps, noise, dropout.
        const [tKey, nKey, dKey] = split(7, 3);
        const t = randomInt(tKey, [6], 0, 1000).dataSync();
        const eps = randomNormal(nKey, [6, 3]).dataSync();
        const u = randomUniform(dKey, [6]).dataSync();
        const x = x0.dataSync();
        let total = 0;
        for (let b = 0; b < 6; b++) {
          const ab = Math.fround(alphaBar[t[b]]);
          const a = Math.sqrt(ab);
          const s = Math.sqrt(1 - ab);
          const label = u[b] < 0.5 ? 10 : b;
          let se = 0;
          for (let j = 0; j < 3; j++) {
            const k = b * 3 + j;
            const xt = a * x[k] + s * eps[k];
            const pred = 0.5 * xt + t[b] / 1000 + 0.1 * label;
            const target = predictionType === 'epsilon' ? eps[k] : predictionType === 'v_prediction' ? a * eps[k] - s * x[k] : x[k];
            se += (pred - target) ** 2;
          }
          const snr = ab / (1 - ab);
          const clipped = gamma === undefined ? snr : Math.min(snr, gamma);
          const w = gamma === undefined ? 1 : predictionType === 'epsilon' ? clipped / snr : predictionType === 'v_prediction' ? clipped / (snr + 1) : clipped;
          total += (w * se) / 3;
        }
        expect(Math.abs(loss.dataSync()[0] - total / 6) / (total / 6)).toBeLessThan(1e-5);
        tf.dispose([x0, labels, loss]);
      });
    }
  }

  it('bad input and no leak', async () => {
    const x0 = tf.zeros([4, 2]);
    expect(() => diffusionLoss({ model: toy, alphasCumprod: alphaBar, x0, key: 0, predictionType: 'x0' as never })).toThrow(
      "Argument 'predictionType' passed to 'diffusionLoss' must be one of 'epsilon', 'v_prediction', 'sample', but got 'x0'.",
    );
    expect(() => diffusionLoss({ model: toy, alphasCumprod: alphaBar, x0, key: 0, predictionType: 'epsilon', labelDropout: 0.1 })).toThrow(InvalidArgumentError);
    await expectNoLeak(() => diffusionLoss({ model: toy, alphasCumprod: alphaBar, x0, key: 0, predictionType: 'epsilon', minSnrGamma: 5 }));
    x0.dispose();
  });
});

describe('MlpDenoiser', () => {
  it('shapes, class conditioning, errors, dispose', async () => {
    const model = MlpDenoiser.create(0, { dataDim: 2, hidden: 16, depth: 2, numClasses: 3 });
    const x = randomNormal(1, [5, 2]);
    const t = tf.tensor1d([0, 10, 100, 500, 999]);
    await expectNoLeak(() => model.denoiser(x, t), 'mlpDenoiser');
    const a = model.denoiser(x, t, tf.tensor1d([0, 0, 0, 0, 0], 'int32') as tf.Tensor1D);
    const b = model.denoiser(x, t, tf.tensor1d([1, 1, 1, 1, 1], 'int32') as tf.Tensor1D);
    const n = model.denoiser(x, t); // no labels = the null label
    const nn = model.denoiser(x, t, tf.fill([5], model.nullLabel, 'int32') as tf.Tensor1D);
    expect(a.shape).toEqual([5, 2]);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeGreaterThan(1e-4);
    expect(tf.max(tf.abs(tf.sub(n, nn))).dataSync()[0]).toBe(0);
    expect(() => model.denoiser(tf.zeros([5, 3]), t)).toThrow("Argument 'x' passed to 'mlpDenoiser' must have shape [batch, 2], but got [5, 3].");
    expect(() => MlpDenoiser.create(0, { dataDim: 0 })).toThrow("Argument 'dataDim' passed to 'MlpDenoiser.create' must be an integer >= 1, but got 0.");
    const before = tf.memory().numTensors;
    model.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before - Object.keys(flattenParams(model.variables)).length);
    expect(() => model.denoiser(x, t)).toThrow("'MlpDenoiser.denoiser' was called after dispose().");
    const plain = initMlpDenoiser(1, { dataDim: 2, hidden: 8, depth: 1 });
    expect(() => mlpDenoiser(plain, x, t, tf.tensor1d([0, 0, 0, 0, 0], 'int32'))).toThrow(InvalidArgumentError);
  });
});

describe('training through @gen/core train', () => {
  const data = swissRoll({ n: 256, seed: 3 });
  const batchAt = (step: number) => tf.tidy(() => tf.gather(tf.tensor2d(data.x, [256, 2]), tf.tensor1d(Array.from({ length: 64 }, (_, i) => (step * 64 + i) % 256), 'int32')));

  async function run(steps: number, resumeFrom?: { model: MlpDenoiser; ema: ExponentialMovingAverage; optimizer: ReturnType<typeof adam> }, seed: number | Rng = 11) {
    const model = resumeFrom?.model ?? MlpDenoiser.create(5, { dataDim: 2, hidden: 32, depth: 2 });
    const optimizer = resumeFrom?.optimizer ?? adam(model.variables, { lr: 3e-3 });
    const ema = resumeFrom?.ema ?? new ExponentialMovingAverage(model.variables, { decay: 0.9 });
    const result = await train({
      optimizer,
      ema,
      data: batchAt,
      lossFn: (x0, _step, key) => diffusionLoss({ model: model.denoiser, alphasCumprod: alphaBar, x0, key, predictionType: 'v_prediction', minSnrGamma: 5 }),
      steps,
      seed,
      progress: false,
    });
    return { model, optimizer, ema, result };
  }

  it('loss goes down, and a resumed run continues exactly (params, Adam, EMA, RNG)', async () => {
    const straight = await run(40);
    const rows = straight.result.metrics.rows;
    const first = rows.slice(0, 5).reduce((s, r) => s + r.loss, 0) / 5;
    const last = rows.slice(-5).reduce((s, r) => s + r.loss, 0) / 5;
    expect(last).toBeLessThan(first);

    const half = await run(20);
    const state = captureTrainState(half.optimizer, half.result.rng, half.ema);
    // a fresh model from another init, restored from the snapshot
    const fresh = MlpDenoiser.create(99, { dataDim: 2, hidden: 32, depth: 2 });
    const freshOpt = adam(fresh.variables, { lr: 3e-3 });
    const freshEma = new ExponentialMovingAverage(fresh.variables, { decay: 0.9 });
    const rng = restoreTrainState(state, freshOpt, freshEma);
    disposeTrainState(state);
    const resumed = await run(40, { model: fresh, optimizer: freshOpt, ema: freshEma }, rng);
    expect(resumed.result.stepsDone).toBe(20);
    const a = flattenParams(straight.model.variables);
    const b = flattenParams(fresh.variables);
    for (const path of Object.keys(a)) expect(Array.from(b[path].dataSync())).toEqual(Array.from(a[path].dataSync()));
    const ea = flattenParams(straight.ema.averages());
    const eb = flattenParams(freshEma.averages());
    for (const path of Object.keys(ea)) expect(Array.from(eb[path].dataSync())).toEqual(Array.from(ea[path].dataSync()));
    tf.dispose([...Object.values(ea), ...Object.values(eb)]);
    for (const r of [straight, half, resumed]) {
      r.optimizer.dispose();
      r.ema.dispose();
      r.model.dispose();
    }
  });
});
