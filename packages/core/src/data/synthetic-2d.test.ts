import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import {
  SYNTHETIC_2D_NAMES,
  checkerboard,
  circles,
  eightGaussians,
  eightGaussiansCenters,
  gaussianGrid,
  gaussianGridCenters,
  moons,
  pinwheel,
  pointsTensor,
  swissRoll,
  synthetic2d,
} from './synthetic-2d.js';

const counts = (labels: Int32Array, k: number) => {
  const c = new Array(k).fill(0);
  for (const l of labels) c[l]++;
  return c;
};

/** Index of the nearest centre and the distance to it. */
function nearest(x: number, y: number, centers: Float32Array): [number, number] {
  let best = 0;
  let dist = Infinity;
  for (let k = 0; k < centers.length / 2; k++) {
    const d = Math.hypot(x - centers[2 * k], y - centers[2 * k + 1]);
    if (d < dist) [best, dist] = [k, d];
  }
  return [best, dist];
}

describe('synthetic 2-D sets', () => {
  it('are reproducible per seed, differ across seeds, and have [n, 2] finite points', () => {
    for (const name of SYNTHETIC_2D_NAMES) {
      const a = synthetic2d(name, { n: 301, seed: 4 });
      const b = synthetic2d(name, { n: 301, seed: 4 });
      const c = synthetic2d(name, { n: 301, seed: 5 });
      expect(a.x.length, name).toBe(602);
      expect(a.n).toBe(301);
      expect(a.x.every(Number.isFinite), name).toBe(true);
      expect(Array.from(b.x), name).toEqual(Array.from(a.x));
      expect(Array.from(c.x), name).not.toEqual(Array.from(a.x));
      if (a.labels) expect(a.labels.length).toBe(301);
    }
    expect(() => synthetic2d('spiral' as never, { n: 1, seed: 0 })).toThrow(/must be one of 'moons', 'circles'/);
  });

  it('eightGaussians: every point lies within 5 std of its own centre on the radius-2 circle; modes balanced', () => {
    const n = 4000;
    const std = 0.02;
    const { x, labels } = eightGaussians({ n, seed: 0 });
    const centers = eightGaussiansCenters();
    for (let k = 0; k < 8; k++) expect(Math.hypot(centers[2 * k], centers[2 * k + 1])).toBeCloseTo(2, 6);
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const [k, d] = nearest(x[2 * i], x[2 * i + 1], centers);
      expect(k).toBe(labels![i]);
      expect(d).toBeLessThan(5 * std); // P(r > 5 std) = exp(-12.5) per point
      sumSq += (x[2 * i] - centers[2 * k]) ** 2 + (x[2 * i + 1] - centers[2 * k + 1]) ** 2;
    }
    expect(Math.sqrt(sumSq / (2 * n))).toBeGreaterThan(0.95 * std);
    expect(Math.sqrt(sumSq / (2 * n))).toBeLessThan(1.05 * std);
    // Multinomial counts: mean 500, sd ~ 21; allow 5 sd.
    for (const c of counts(labels!, 8)) expect(Math.abs(c - n / 8)).toBeLessThan(105);
  });

  it('gaussianGrid: 25 centres at {-4..4 step 2}^2, points near their centre, all modes used', () => {
    const centers = gaussianGridCenters();
    expect(centers.length).toBe(50);
    expect(new Set(Array.from(centers))).toEqual(new Set([-4, -2, 0, 2, 4]));
    const { x, labels } = gaussianGrid({ n: 2500, seed: 1 });
    for (let i = 0; i < 2500; i++) {
      const [k, d] = nearest(x[2 * i], x[2 * i + 1], centers);
      expect(k).toBe(labels![i]);
      expect(d).toBeLessThan(5 * 0.05);
    }
    expect(counts(labels!, 25).every((c) => c > 50)).toBe(true);
  });

  it('moons: each point is close to its own moon (half circle) and nearer to it than to the other', () => {
    const noise = 0.05;
    const { x, labels } = moons({ n: 1000, seed: 2, noise });
    expect(counts(labels!, 2)).toEqual([500, 500]);
    // Distance to a half circle of radius 1: to the circle on its half, else to the nearer endpoint.
    const arc = (px: number, py: number, cx: number, cy: number, upper: boolean) =>
      (upper ? py >= cy : py <= cy)
        ? Math.abs(Math.hypot(px - cx, py - cy) - 1)
        : Math.min(Math.hypot(px - cx - 1, py - cy), Math.hypot(px - cx + 1, py - cy));
    let correct = 0;
    for (let i = 0; i < 1000; i++) {
      const outer = arc(x[2 * i], x[2 * i + 1], 0, 0, true);
      const inner = arc(x[2 * i], x[2 * i + 1], 1, 0.5, false);
      expect(labels![i] === 0 ? outer : inner).toBeLessThan(6 * noise);
      if ((labels![i] === 0) === outer < inner) correct++;
    }
    // The arcs are at least 0.5 apart, 10 noise standard deviations.
    expect(correct / 1000).toBeGreaterThan(0.995);
  });

  it('circles: radii 1 and factor', () => {
    const { x, labels } = circles({ n: 600, seed: 3, noise: 0, factor: 0.3 });
    for (let i = 0; i < 600; i++) {
      expect(Math.hypot(x[2 * i], x[2 * i + 1])).toBeCloseTo(labels![i] === 0 ? 1 : 0.3, 5);
    }
    expect(() => circles({ n: 10, seed: 0, factor: 1.5 })).toThrow(InvalidArgumentError);
  });

  it('swissRoll: without noise each point is at radius t/5 and angle t', () => {
    const { x, position } = swissRoll({ n: 500, seed: 4, noise: 0 });
    for (let i = 0; i < 500; i++) {
      const t = position[i];
      expect(t).toBeGreaterThanOrEqual(1.5 * Math.PI - 1e-5);
      expect(t).toBeLessThanOrEqual(4.5 * Math.PI + 1e-5);
      expect(Math.hypot(x[2 * i], x[2 * i + 1])).toBeCloseTo(t / 5, 4);
      expect(Math.cos(Math.atan2(x[2 * i + 1], x[2 * i]) - t)).toBeCloseTo(1, 4);
    }
  });

  it('checkerboard: points in [-4, 4]^2 on the 8 same-parity cells, evenly', () => {
    const n = 8000;
    const { x } = checkerboard({ n, seed: 5 });
    const cells = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const [a, b] = [x[2 * i], x[2 * i + 1]];
      expect(Math.abs(a)).toBeLessThanOrEqual(4);
      expect(Math.abs(b)).toBeLessThanOrEqual(4);
      const [ci, cj] = [Math.floor(a / 2), Math.floor(b / 2)];
      expect((((ci + cj) % 2) + 2) % 2).toBe(0);
      cells.set(`${ci},${cj}`, (cells.get(`${ci},${cj}`) ?? 0) + 1);
    }
    expect(cells.size).toBe(8);
    for (const c of cells.values()) expect(Math.abs(c - n / 8)).toBeLessThan(150); // sd ~ 30
  });

  it('pinwheel: balanced arms whose mean directions are 72 degrees apart', () => {
    const n = 2500;
    const { x, labels } = pinwheel({ n, seed: 6 });
    expect(counts(labels!, 5)).toEqual([500, 500, 500, 500, 500]);
    const angles: number[] = [];
    for (let k = 0; k < 5; k++) {
      let sx = 0;
      let sy = 0;
      for (let i = 0; i < n; i++) if (labels![i] === k) [sx, sy] = [sx + x[2 * i], sy + x[2 * i + 1]];
      angles.push(Math.atan2(sy, sx));
    }
    for (let k = 0; k < 5; k++) {
      // Arm k is rotated by -2 pi k / 5 relative to arm 0 (the map rotates by -a).
      let diff = angles[k] - angles[0] + (2 * Math.PI * k) / 5;
      diff = Math.atan2(Math.sin(diff), Math.cos(diff));
      expect(Math.abs(diff)).toBeLessThan(0.05);
    }
    let radius = 0;
    for (let i = 0; i < n; i++) radius += Math.hypot(x[2 * i], x[2 * i + 1]);
    expect(radius / n).toBeGreaterThan(1.8);
    expect(radius / n).toBeLessThan(2.3);
  });

  it('pointsTensor makes a [n, 2] tensor the caller owns; bad inputs are refused', async () => {
    const set = moons({ n: 10, seed: 0 });
    await expectNoLeak(() => pointsTensor(set), 'pointsTensor');
    const t = pointsTensor(set);
    expect(t.shape).toEqual([10, 2]);
    expect(Array.from(t.dataSync())).toEqual(Array.from(set.x));
    t.dispose();
    expect(() => moons({ n: 0, seed: 0 })).toThrow("Argument 'n' passed to 'moons' must be an integer >= 1, but got 0.");
    expect(() => eightGaussians({ n: 5, seed: 0.5 })).toThrow(/must be an integer seed or a PRNGKey/);
    expect(() => pointsTensor({ x: new Float32Array(3), n: 2 })).toThrow(InvalidArgumentError);
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});
