// Scheduler math against the NumPy reference (fixtures/reference.py -> fixtures/schedulers.json).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { alphasCumprod, makeBetas, rescaleZeroTerminalSnr } from '../schedule/betas.js';
import { type TimestepSpacing, spacedTimesteps } from '../schedule/spacing.js';
import type { SchedulerConfig } from './config.js';
import { type SchedulerName, createScheduler } from './registry.js';

interface Fixture {
  alphasCumprod: Record<string, { config: Partial<SchedulerConfig> & { betaSchedule: 'linear' }; values: number[] }>;
  spacing: Array<{ spacing: TimestepSpacing; n: number; stepsOffset: number; integer: number[]; fractional: number[] }>;
  steps: Array<{
    className: SchedulerName;
    config: Partial<SchedulerConfig>;
    numInferenceSteps: number;
    shape: number[];
    sample: number[];
    modelOutputs: number[][];
    noises: number[][];
    prevSamples: number[][];
    predOriginalSamples: number[][];
  }>;
}
const fixture: Fixture = JSON.parse(readFileSync(new URL('../../fixtures/schedulers.json', import.meta.url), 'utf8'));

function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(floor, Math.abs(expected[i])));
  return worst;
}

describe('alphasCumprod matches the NumPy reference (float64)', () => {
  for (const [name, { config, values }] of Object.entries(fixture.alphasCumprod)) {
    it(name, () => {
      let betas = makeBetas({ numTrainTimesteps: 1000, betaSchedule: config.betaSchedule, betaStart: config.betaStart!, betaEnd: config.betaEnd! });
      if (config.rescaleBetasZeroSnr) betas = rescaleZeroTerminalSnr(betas);
      const ours = alphasCumprod(betas);
      if (config.rescaleBetasZeroSnr) {
        expect(ours[999]).toBeLessThan(1e-12); // zero terminal SNR before the 2^-24 clamp
        ours[999] = Math.max(ours[999], 2 ** -24);
      }
      expect(maxRelError(ours, values, 1e-300)).toBeLessThan(1e-12);
      // and the scheduler's own table
      const scheduler = createScheduler('DDIMScheduler', config);
      expect(maxRelError(scheduler.alphasCumprod, values, 1e-300)).toBeLessThan(1e-12);
    });
  }
});

describe('timesteps match the NumPy reference for every spacing and 1, 10, 50, 1000 steps', () => {
  for (const c of fixture.spacing) {
    it(`${c.spacing} n=${c.n} offset=${c.stepsOffset}`, () => {
      const options = { numTrainTimesteps: 1000, numInferenceSteps: c.n, spacing: c.spacing, stepsOffset: c.stepsOffset };
      expect(spacedTimesteps(options)).toEqual(c.integer);
      const fractional = spacedTimesteps({ ...options, fractional: true });
      expect(maxRelError(fractional, c.fractional, 1)).toBeLessThan(1e-12);
      const ddim = createScheduler('DDIMScheduler', { timestepSpacing: c.spacing, stepsOffset: c.stepsOffset });
      ddim.setTimesteps(c.n);
      expect(ddim.timesteps).toEqual(c.integer);
      ddim.dispose();
    });
  }
});

describe('every step of every scheduler matches the NumPy reference', () => {
  fixture.steps.forEach((c, caseIndex) => {
    const label = `${c.className} ${c.config.predictionType} ${c.config.timestepSpacing} n=${c.numInferenceSteps} #${caseIndex}`;
    it(label, () => {
      const scheduler = createScheduler(c.className, c.config);
      scheduler.setTimesteps(c.numInferenceSteps);
      expect(scheduler.timesteps.length).toBe(c.modelOutputs.length);
      let x = tf.tensor(c.sample, c.shape);
      let worst = 0;
      scheduler.timesteps.forEach((t, i) => {
        const modelOutput = tf.tensor(c.modelOutputs[i], c.shape);
        const noise = tf.tensor(c.noises[i], c.shape);
        const { prevSample, predOriginalSample } = scheduler.step({ modelOutput, timestep: t, sample: x, noise });
        // Each step from the reference's own previous sample, so that errors do not compound.
        worst = Math.max(worst, maxRelError(prevSample.dataSync(), c.prevSamples[i]), maxRelError(predOriginalSample.dataSync(), c.predOriginalSamples[i]));
        tf.dispose([modelOutput, noise, prevSample, predOriginalSample, x]);
        x = tf.tensor(c.prevSamples[i], c.shape);
      });
      x.dispose();
      scheduler.dispose();
      expect(worst).toBeLessThan(1e-5);
    });
  });
});
