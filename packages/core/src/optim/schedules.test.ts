import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, constant, cosineDecay, joinSchedules, linearWarmup, stepDecay } from '@gen/core';

describe('learning-rate schedules', () => {
  it('constant', () => {
    const s = constant(3e-4);
    expect([0, 1, 10_000].map(s)).toEqual([3e-4, 3e-4, 3e-4]);
    expect(() => constant(-1)).toThrow("Argument 'value' passed to 'constant' must be a finite number >= 0, but got -1.");
  });

  it('linearWarmup ramps from base/warmup to base, then follows the base schedule', () => {
    const s = linearWarmup(1, 4);
    expect([0, 1, 2, 3, 4, 100].map(s)).toEqual([0.25, 0.4375, 0.625, 0.8125, 1, 1]);
    const z = linearWarmup(2, 10, { startFactor: 0 });
    expect(z(0)).toBe(0);
    expect(z(5)).toBeCloseTo(1, 14);
    // composes: warmup in front of a decaying schedule multiplies it
    const w = linearWarmup(stepDecay(1, { stepSize: 2, gamma: 0.5 }), 4, { startFactor: 0 });
    expect(w(2)).toBeCloseTo(0.5 * 0.5, 14);
    expect(w(5)).toBeCloseTo(0.25, 14);
    expect(() => linearWarmup(1, -3)).toThrow(InvalidArgumentError);
    expect(() => linearWarmup(1, 3, { startFactor: 2 })).toThrow("Argument 'startFactor' passed to 'linearWarmup' must be a finite number >= 0 and <= 1, but got 2.");
  });

  it('cosineDecay follows the closed form, with warmup and a final rate', () => {
    const peakLr = 1e-3;
    const finalLr = 1e-5;
    const s = cosineDecay({ peakLr, totalSteps: 110, warmupSteps: 10, finalLr });
    expect(s(0)).toBeCloseTo(peakLr / 10, 15);
    expect(s(10)).toBeCloseTo(peakLr, 15);
    for (const step of [10, 35, 60, 85, 110]) {
      const expected = finalLr + 0.5 * (peakLr - finalLr) * (1 + Math.cos((Math.PI * (step - 10)) / 100));
      expect(s(step)).toBeCloseTo(expected, 15);
    }
    expect(s(60)).toBeCloseTo((peakLr + finalLr) / 2, 15);
    expect(s(500)).toBe(finalLr);
    // monotone non-increasing after warmup
    for (let step = 10; step < 120; step++) expect(s(step + 1)).toBeLessThanOrEqual(s(step));
    expect(() => cosineDecay({ peakLr: 1, totalSteps: 5, warmupSteps: 10 })).toThrow(
      "Argument 'totalSteps' passed to 'cosineDecay' must be an integer >= 10, but got 5.",
    );
    expect(() => cosineDecay({ peakLr: 1, totalSteps: 5, warmup: 1 } as never)).toThrow("unknown key 'warmup'");
  });

  it('stepDecay is StepLR', () => {
    const s = stepDecay(0.1, { stepSize: 30, gamma: 0.1 });
    expect(s(29)).toBe(0.1);
    expect(s(30)).toBeCloseTo(0.01, 15);
    expect(s(95)).toBeCloseTo(1e-4, 15);
    expect(() => stepDecay(0.1, { stepSize: 0, gamma: 0.1 })).toThrow(InvalidArgumentError);
  });

  it('joinSchedules restarts the step count at each boundary', () => {
    const s = joinSchedules([linearWarmup(1, 10, { startFactor: 0 }), stepDecay(1, { stepSize: 5, gamma: 0.5 })], [10]);
    expect(s(5)).toBeCloseTo(0.5, 15);
    expect(s(10)).toBe(1);
    expect(s(15)).toBe(0.5);
    expect(() => joinSchedules([1, 2], [])).toThrow(InvalidArgumentError);
  });
});
