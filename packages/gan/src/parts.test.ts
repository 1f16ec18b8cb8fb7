import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, initLinear, initConv2d, toVariables, disposeParams } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import {
  DiagnosticsMonitor,
  interpolateLatents,
  meanPairwiseDistance,
  resolveDiagnostics,
  sampleLatents,
  initSpectralNorm,
  spectralNormalized,
  spectralNormPaths,
  updateSpectralNorm,
} from './index.js';

afterEach(() => {
  expect(tf.memory().numTensors).toBe(0);
});

/** Largest singular value of a [rows, cols] matrix by many power iterations in float64. */
function sigmaMax(values: ArrayLike<number>, rows: number, cols: number): number {
  let u = Array.from({ length: cols }, (_, i) => 1 + i / cols);
  let s = 0;
  for (let it = 0; it < 500; it++) {
    const v = Array.from({ length: rows }, (_, r) => u.reduce((acc, uj, j) => acc + values[r * cols + j] * uj, 0));
    const nv = Math.hypot(...v);
    const w = Array.from({ length: cols }, (_, j) => v.reduce((acc, vr, r) => acc + values[r * cols + j] * vr, 0) / nv);
    s = Math.hypot(...w);
    u = w.map((x) => x / s);
  }
  return s;
}

describe('spectral norm', () => {
  it('normalises linear and conv weights to spectral norm ~1 after power iterations', async () => {
    const init = { a: initLinear(1, { inFeatures: 7, outFeatures: 5 }), c: initConv2d(2, { inChannels: 3, outChannels: 4, kernelSize: 3 }) };
    const params = toVariables(init);
    disposeParams(init);
    expect(spectralNormPaths(params)).toEqual(['a.weight', 'c.weight']);
    const u = initSpectralNorm(3, params);
    for (let i = 0; i < 30; i++) updateSpectralNorm(params, u);
    await expectNoLeak(() => updateSpectralNorm(params, u), 'updateSpectralNorm');
    await expectNoLeak(() => void tf.tidy(() => void spectralNormalized(params, u)), 'spectralNormalized');
    const normalised = tf.tidy(() => spectralNormalized(params, u)) as { a: { weight: tf.Tensor; bias?: tf.Tensor }; c: { weight: tf.Tensor } };
    const before = sigmaMax(params.a.weight.dataSync(), 7, 5);
    expect(before).not.toBeCloseTo(1, 1);
    expect(sigmaMax(normalised.a.weight.dataSync(), 7, 5)).toBeCloseTo(1, 4);
    expect(sigmaMax(normalised.c.weight.dataSync(), 27, 4)).toBeCloseTo(1, 4);
    // Biases are untouched.
    expect(Array.from(normalised.a.bias!.dataSync() as Float32Array)).toEqual(Array.from(params.a.bias!.dataSync()));
    tf.dispose([normalised.a.weight, normalised.c.weight]);
    tf.dispose(Object.values(u));
    disposeParams(params);
  });
});

describe('diagnostics', () => {
  it('meanPairwiseDistance matches a hand computation', async () => {
    const x = tf.tensor2d([0, 0, 3, 4, 0, 8], [3, 2]); // distances 5, 8, 5
    const d = meanPairwiseDistance(x);
    expect(d.dataSync()[0]).toBeCloseTo(6, 4);
    await expectNoLeak(() => meanPairwiseDistance(x), 'meanPairwiseDistance');
    const one = tf.zeros([1, 2]);
    expect(() => meanPairwiseDistance(one)).toThrow(InvalidArgumentError);
    tf.dispose([x, d, one]);
  });

  it('the monitor waits for patience, fires once, and re-arms after the condition clears', () => {
    const monitor = new DiagnosticsMonitor(resolveDiagnostics('test', { patience: 2, gradCeiling: 10 }));
    const ok = { gradNormD: 1, gradNormG: 1 };
    expect(monitor.observe({ step: 0, dLoss: 1e-4, ...ok })).toEqual([]);
    expect(monitor.observe({ step: 1, dLoss: 1e-4, ...ok }).map((w) => w.kind)).toEqual(['discriminatorWins']);
    expect(monitor.observe({ step: 2, dLoss: 1e-4, ...ok })).toEqual([]);
    expect(monitor.observe({ step: 3, dLoss: 1, ...ok })).toEqual([]);
    monitor.observe({ step: 4, dLoss: 1e-4, ...ok });
    expect(monitor.observe({ step: 5, dLoss: 1e-4, ...ok }).map((w) => w.kind)).toEqual(['discriminatorWins']);
    expect(monitor.observe({ step: 6, dLoss: 1, gradNormD: 50, gradNormG: 1 }).map((w) => w.kind)).toEqual(['explodingGradients']);
    const vanish = [7, 8].flatMap((step) => monitor.observe({ step, dLoss: 1, gradNormD: 1, gradNormG: 0 }));
    expect(vanish.map((w) => w.kind)).toEqual(['vanishingGradients']);
    expect(monitor.observe({ step: 9, dLoss: 1, ...ok, diversity: 0.05 }).map((w) => w.kind)).toEqual(['modeCollapse']);
    expect(() => resolveDiagnostics('fit', { patience: 0 })).toThrow("Argument 'diagnostics.patience' passed to 'fit' must be an integer >= 1, but got 0.");
    expect(() => resolveDiagnostics('fit', { every: 1 } as never)).toThrow(/unknown key 'every'/);
  });
});

describe('latents', () => {
  it('sampleLatents is seeded and truncation keeps |z| <= t', async () => {
    const z = sampleLatents(0, 64, 16, { truncation: 0.5 });
    expect(z.shape).toEqual([64, 16]);
    const values = z.dataSync();
    expect(Math.max(...Array.from(values, Math.abs))).toBeLessThanOrEqual(0.5);
    const again = sampleLatents(0, 64, 16, { truncation: 0.5 });
    expect(Array.from(again.dataSync())).toEqual(Array.from(values));
    await expectNoLeak(() => sampleLatents(1, 4, 4), 'sampleLatents');
    expect(() => sampleLatents(0, 2, 2, { truncation: 0 })).toThrow(InvalidArgumentError);
    tf.dispose([z, again]);
  });

  it('slerp keeps the endpoints and the norm of orthogonal unit latents', async () => {
    const a = tf.tensor1d([1, 0, 0]);
    const b = tf.tensor1d([0, 1, 0]);
    const path = interpolateLatents(a, b, 5);
    const rows = path.arraySync() as number[][];
    expect(rows[0]).toEqual([1, 0, 0]);
    for (const [x, y] of [[rows[4][0], 0], [rows[4][1], 1]]) expect(x).toBeCloseTo(y, 5);
    for (const r of rows) expect(Math.hypot(...r)).toBeCloseTo(1, 5); // linear would dip to 0.707
    expect(rows[2][0]).toBeCloseTo(Math.SQRT1_2, 5);
    await expectNoLeak(() => interpolateLatents(a, b, 3, 'linear'), 'interpolateLatents');
    // Parallel endpoints fall back to linear without NaN.
    const same = interpolateLatents(a, a, 3);
    expect(Array.from(same.dataSync()).every(Number.isFinite)).toBe(true);
    expect(() => interpolateLatents(a, b, 1)).toThrow("Argument 'steps' passed to 'interpolateLatents' must be an integer >= 2, but got 1.");
    tf.dispose([a, b, path, same]);
  });
});
