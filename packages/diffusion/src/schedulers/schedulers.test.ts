// Scheduler behaviour: prediction-type equivalence, DDIM vs DDPM, zero terminal SNR, configs, errors, leaks.
import * as tf from '@tensorflow/tfjs-core';
import { DisposedError, InvalidArgumentError, ShapeError, randomNormal } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { describe, expect, it } from 'vitest';
import { gaussianDenoiser } from '../gaussian-denoiser.test-util.js';
import { generate } from '../pipelines/sample.js';
import { PREDICTION_TYPES, type SchedulerConfig } from './config.js';
import { DDIMScheduler } from './ddim.js';
import { DDPMScheduler } from './ddpm.js';
import { HeunDiscreteScheduler } from './heun-discrete.js';
import { SCHEDULER_NAMES, createScheduler, schedulerFromDiffusersConfig, schedulerFromJson } from './registry.js';

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('the same denoiser as epsilon, v or x0 gives the same samples (1e-5)', () => {
  for (const name of SCHEDULER_NAMES) {
    for (const spacing of ['trailing', 'linspace'] as const) {
      it(`${name} ${spacing}`, async () => {
        const samples: tf.Tensor[] = [];
        for (const predictionType of PREDICTION_TYPES) {
          const scheduler = createScheduler(name, { predictionType, timestepSpacing: spacing });
          const model = gaussianDenoiser(scheduler.alphasCumprod, predictionType);
          samples.push(await generate({ model, scheduler, numInferenceSteps: 10, shape: [64, 2], seed: 3 }));
          scheduler.dispose();
        }
        const scale = tf.tidy(() => tf.max(tf.abs(samples[0])).dataSync()[0]);
        expect(scale).toBeGreaterThan(0.5);
        expect(maxAbsDiff(samples[0], samples[1])).toBeLessThan(1e-5);
        expect(maxAbsDiff(samples[0], samples[2])).toBeLessThan(1e-5);
        tf.dispose(samples);
      });
    }
  }
});

describe('DDIM', () => {
  it('with eta = 0 is deterministic (no seed needed, same result twice)', async () => {
    const scheduler = new DDIMScheduler();
    const model = gaussianDenoiser(scheduler.alphasCumprod, 'epsilon');
    const a = await generate({ model, scheduler, numInferenceSteps: 20, shape: [32, 2], seed: 1 });
    const b = await generate({ model, scheduler, numInferenceSteps: 20, shape: [32, 2], seed: 1 });
    expect(maxAbsDiff(a, b)).toBe(0);
    // A step with eta = 0 ignores the noise argument entirely.
    scheduler.setTimesteps(20);
    const x = randomNormal(5, [4, 2]);
    const out = model(x, tf.fill([4], 500) as tf.Tensor1D);
    const s1 = scheduler.step({ modelOutput: out, timestep: 500, sample: x });
    const s2 = scheduler.step({ modelOutput: out, timestep: 500, sample: x, noise: tf.onesLike(x) });
    expect(maxAbsDiff(s1.prevSample, s2.prevSample)).toBe(0);
    tf.dispose([a, b, x, out, s1.prevSample, s1.predOriginalSample, s2.prevSample, s2.predOriginalSample]);
  });

  // (cosine + trailing starts at alphaBar_999 ~ 1e-9, where x0 ~ 1e4 |x| and float32 rounding of the
  // two algebraically equal formulas differs by 2.4e-4; so trailing is checked on the linear schedule.)
  for (const [spacing, betaSchedule] of [['leading', 'squaredcos_cap_v2'], ['trailing', 'linear']] as const) {
    it(`with eta = 1 has DDPM's posterior variance and gives DDPM's step (${spacing}, ${betaSchedule})`, () => {
      const config = { timestepSpacing: spacing, betaSchedule } as const;
      const ddim = new DDIMScheduler({ ...config, eta: 1 });
      const ddpm = new DDPMScheduler(ddim.config);
      ddim.setTimesteps(25);
      ddpm.setTimesteps(25);
      expect(ddim.timesteps).toEqual(ddpm.timesteps);
      const x = randomNormal(1, [8, 3]);
      const eps = randomNormal(2, [8, 3]);
      for (const t of ddim.timesteps.slice(0, -1)) {
        const v = ddpm.variance(t);
        expect(Math.abs(ddim.variance(t) - v) / v).toBeLessThan(1e-12);
        const a = ddim.step({ modelOutput: eps, timestep: t, sample: x, seed: 9 });
        const b = ddpm.step({ modelOutput: eps, timestep: t, sample: x, seed: 9 });
        expect(maxAbsDiff(a.prevSample, b.prevSample)).toBeLessThan(2e-5);
        tf.dispose([a.prevSample, a.predOriginalSample, b.prevSample, b.predOriginalSample]);
      }
      tf.dispose([x, eps]);
    });
  }
});

describe('zero terminal SNR', () => {
  for (const name of SCHEDULER_NAMES) {
    for (const predictionType of PREDICTION_TYPES) {
      it(`${name} ${predictionType}: trailing schedule starts at SNR ~ 0, samples are finite`, async () => {
        const scheduler = createScheduler(name, { rescaleBetasZeroSnr: true, timestepSpacing: 'trailing', predictionType, betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012 });
        scheduler.setTimesteps(10);
        expect(scheduler.timesteps[0]).toBe(999);
        expect(scheduler.alphasCumprod[999]).toBe(2 ** -24);
        const model = gaussianDenoiser(scheduler.alphasCumprod, predictionType);
        const x = await generate({ model, scheduler, numInferenceSteps: 10, shape: [16, 2], seed: 4 });
        const values = x.dataSync();
        expect(values.every(Number.isFinite)).toBe(true);
        // The exact denoiser of N(0.5, 0.7^2) data gives samples with roughly that mean.
        const mean = Array.from(values).reduce((s, v) => s + v, 0) / values.length;
        expect(Math.abs(mean - 0.5)).toBeLessThan(0.4);
        x.dispose();
        scheduler.dispose();
      });
    }
  }
});

describe('configs', () => {
  it('one scheduler is built from another\'s config and round-trips through JSON and diffusers configs', () => {
    const ddpm = new DDPMScheduler({ betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012, predictionType: 'v_prediction', timestepSpacing: 'trailing', rescaleBetasZeroSnr: true });
    for (const name of SCHEDULER_NAMES) {
      const other = createScheduler(name, ddpm.config);
      expect(other.config).toEqual(ddpm.config);
      expect(Array.from(other.alphasCumprod)).toEqual(Array.from(ddpm.alphasCumprod));
      const viaJson = schedulerFromJson(JSON.parse(JSON.stringify(other)));
      expect(viaJson.className).toBe(name);
      expect(viaJson.config).toEqual(other.config);
      const viaDiffusers = schedulerFromDiffusersConfig(JSON.parse(JSON.stringify(other.toDiffusersConfig())));
      expect(viaDiffusers.className).toBe(name);
      expect(viaDiffusers.config).toEqual(other.config);
    }
  });

  it('reads a diffusers scheduler_config.json (Stable Diffusion 1.5 style)', () => {
    const json = {
      _class_name: 'PNDMScheduler',
      _diffusers_version: '0.6.0',
      beta_end: 0.012,
      beta_schedule: 'scaled_linear',
      beta_start: 0.00085,
      num_train_timesteps: 1000,
      set_alpha_to_one: false,
      skip_prk_steps: true,
      steps_offset: 1,
      trained_betas: null,
      clip_sample: false,
    };
    const s = schedulerFromDiffusersConfig(json, 'EulerDiscreteScheduler');
    expect(s.className).toBe('EulerDiscreteScheduler');
    expect(s.config.betaSchedule).toBe('scaled_linear');
    expect(s.config.stepsOffset).toBe(1);
    expect(s.config.setAlphaToOne).toBe(false);
    expect(() => schedulerFromDiffusersConfig(json)).toThrow(
      "Argument 'className' passed to 'schedulerFromDiffusersConfig' must be one of 'DDPMScheduler', 'DDIMScheduler', 'DPMSolverMultistepScheduler', 'EulerDiscreteScheduler', 'EulerAncestralDiscreteScheduler', 'HeunDiscreteScheduler', but got 'PNDMScheduler'.",
    );
    expect(DDIMScheduler.fromDiffusersConfig(json).config.stepsOffset).toBe(1);
  });
});

describe('bad input', () => {
  it('unknown prediction type, beta schedule, spacing and config keys', () => {
    expect(() => new DDIMScheduler({ predictionType: 'x0' as never })).toThrow(InvalidArgumentError);
    expect(() => new DDIMScheduler({ predictionType: 'x0' as never })).toThrow(
      "Argument 'predictionType' passed to 'DDIMScheduler' must be one of 'epsilon', 'v_prediction', 'sample', but got 'x0'.",
    );
    expect(() => new DDPMScheduler({ betaSchedule: 'quadratic' as never })).toThrow("Argument 'betaSchedule' passed to 'DDPMScheduler' must be one of");
    expect(() => new DDPMScheduler({ timestepSpacing: 'even' as never })).toThrow("Argument 'timestepSpacing' passed to 'DDPMScheduler' must be one of");
    expect(() => new DDPMScheduler({ betas: [] } as never)).toThrow("Argument 'config' passed to 'DDPMScheduler' has unknown key 'betas'");
    expect(() => schedulerFromDiffusersConfig({ _class_name: 'DDIMScheduler', prediction_type: 'flow' })).toThrow(
      "Argument 'predictionType' passed to 'schedulerFromDiffusersConfig' must be one of 'epsilon', 'v_prediction', 'sample', but got 'flow'.",
    );
  });

  for (const name of SCHEDULER_NAMES) {
    it(`${name}: step before setTimesteps, timestep outside the schedule, shapes, use after dispose`, () => {
      const s = createScheduler(name);
      const x = tf.zeros([2, 2]);
      const y = tf.zeros([2, 3]);
      expect(() => s.step({ modelOutput: x, timestep: 999, sample: x })).toThrow(
        `'${name}.step' was called before 'setTimesteps': call setTimesteps(numInferenceSteps) first.`,
      );
      s.setTimesteps(10);
      expect(() => s.step({ modelOutput: x, timestep: 7, sample: x, seed: 0 })).toThrow(InvalidArgumentError);
      expect(() => s.step({ modelOutput: x, timestep: 7, sample: x, seed: 0 })).toThrow(`Argument 'timestep' passed to '${name}.step' must be`);
      expect(() => s.step({ modelOutput: y, timestep: s.timesteps[0], sample: x, seed: 0 })).toThrow(ShapeError);
      expect(() => s.step({ modelOutput: y, timestep: s.timesteps[0], sample: x })).toThrow(
        `Argument 'modelOutput' passed to '${name}.step' must have the shape of sample [2, 2], but got [2, 3].`,
      );
      expect(() => s.addNoise(x, y, 10)).toThrow(ShapeError);
      expect(() => s.addNoise(x, x, 1000)).toThrow(`Argument 't' passed to '${name}.addNoise' must be a finite number >= 0 and <= 999, but got 1000.`);
      expect(() => s.setTimesteps(0)).toThrow(`Argument 'numInferenceSteps' passed to '${name}.setTimesteps' must be an integer >= 1 and <= 1000, but got 0.`);
      s.dispose();
      s.dispose();
      expect(() => s.setTimesteps(10)).toThrow(DisposedError);
      tf.dispose([x, y]);
    });
  }

  it('stochastic steps need a seed or noise', () => {
    const s = new DDPMScheduler();
    s.setTimesteps(10);
    const x = tf.zeros([2, 2]);
    expect(() => s.step({ modelOutput: x, timestep: s.timesteps[0], sample: x })).toThrow(
      "Argument 'seed' passed to 'DDPMScheduler.step' is required for this stochastic step (or pass 'noise'), but got undefined.",
    );
    x.dispose();
  });
});

describe('addNoise', () => {
  it('is the forward process, per-row timesteps, and changes no state', () => {
    const s = new DDIMScheduler({ betaSchedule: 'squaredcos_cap_v2' });
    const x0 = tf.ones([3, 2]);
    const noise = tf.fill([3, 2], 2);
    const before = s.timesteps;
    const out = s.addNoise(x0, noise, [0, 500, 999]).arraySync() as number[][];
    const perRow = s.addNoise(x0, noise, tf.tensor1d([0, 500, 999], 'int32')).arraySync() as number[][];
    [0, 500, 999].forEach((t, i) => {
      const a = s.alphasCumprod[t];
      expect(out[i][0]).toBeCloseTo(Math.sqrt(a) + 2 * Math.sqrt(1 - a), 5);
      expect(perRow[i][1]).toBeCloseTo(Math.sqrt(a) + 2 * Math.sqrt(1 - a), 5);
    });
    expect(s.timesteps).toBe(before);
    tf.dispose([x0, noise]);
  });

  it('Euler/Heun work in sigma space: x0 + sigma noise', () => {
    const s = new HeunDiscreteScheduler();
    const x0 = tf.ones([1, 2]);
    const out = s.addNoise(x0, x0, 500).dataSync();
    expect(out[0]).toBeCloseTo(1 + s.trainSigmas[500], 4);
    x0.dispose();
  });
});

describe('leaks: 100 sampling loops leave numTensors unchanged', () => {
  for (const name of SCHEDULER_NAMES) {
    it(name, async () => {
      const scheduler = createScheduler(name, { predictionType: 'v_prediction' } as Partial<SchedulerConfig>);
      const model = gaussianDenoiser(scheduler.alphasCumprod, 'v_prediction');
      const noise = tf.zeros([4, 2]);
      await expectNoLeak(async () => {
        for (let loop = 0; loop < 100; loop++) {
          const x = await generate({ model, scheduler, numInferenceSteps: 3, shape: [4, 2], seed: loop });
          x.dispose();
        }
        // and addNoise / scaleModelInput / an abandoned multistep loop freed by setTimesteps and dispose
        scheduler.setTimesteps(3);
        tf.dispose([scheduler.addNoise(noise, noise, 10), scheduler.scaleModelInput(noise, scheduler.timesteps[0])]);
        const out = scheduler.step({ modelOutput: noise, timestep: scheduler.timesteps[0], sample: noise, seed: 1 });
        tf.dispose([out.prevSample, out.predOriginalSample]);
        scheduler.setTimesteps(5);
        const out2 = scheduler.step({ modelOutput: noise, timestep: scheduler.timesteps[0], sample: noise, seed: 1 });
        tf.dispose([out2.prevSample, out2.predOriginalSample]);
        scheduler.dispose();
      }, name);
      noise.dispose();
    });
  }
});
