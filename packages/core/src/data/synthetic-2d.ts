// Synthetic 2-D data sets for generative-model demos, each a pure function of a seed. Definitions
// follow scikit-learn (make_moons, make_circles, make_swiss_roll), FFJORD's toy data
// (Grathwohl et al. 2019: 8 gaussians, checkerboard, swiss roll /5, pinwheel) and the 5x5 grid of
// VEEGAN (Srivastava et al. 2017); pinwheel is from Johnson et al. 2016 (SVAE).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import { normalFloat64, permutation, uniformFloat64 } from '../random/arrays.js';
import { split, toKey, type Seed } from '../random/key.js';
import { checkNumber } from '../validate.js';

/** A synthetic 2-D data set: `x` is [n, 2] row-major; `labels` [n] where the set has classes or modes. */
export interface Points2D {
  x: Float32Array;
  n: number;
  labels?: Int32Array;
}

/** Options shared by every generator. */
export interface Synthetic2DOptions {
  /** Number of points. */
  n: number;
  /** Seed or key; the same seed gives the same points everywhere. */
  seed: Seed;
}

function start(fn: string, options: Synthetic2DOptions, streams: number) {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`Argument 'options' passed to '${fn}' must be an object with n and seed, but got ${describeValue(options)}.`);
  }
  checkNumber(fn, 'n', options.n, { min: 1, integer: true });
  return split(toKey(options.seed, fn), streams);
}

function checkNoise(fn: string, arg: string, value: number): void {
  checkNumber(fn, arg, value, { min: 0 });
}

/** Shuffles rows of x (and labels) with a key-derived permutation. */
function shuffleRows(key: Seed, x: Float64Array, labels?: Int32Array): Points2D {
  const n = x.length / 2;
  const order = permutation(key, n);
  const out = new Float32Array(2 * n);
  const outLabels = labels ? new Int32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    out[2 * i] = x[2 * order[i]];
    out[2 * i + 1] = x[2 * order[i] + 1];
    if (outLabels) outLabels[i] = labels![order[i]];
  }
  return outLabels ? { x: out, n, labels: outLabels } : { x: out, n };
}

const linspace = (i: number, count: number, stop: number, endpoint: boolean) =>
  count <= 1 ? 0 : (i * stop) / (endpoint ? count - 1 : count);

/**
 * Two interleaving half circles (scikit-learn's make_moons): the outer moon (label 0) is
 * (cos t, sin t) and the inner (label 1) is (1 - cos t, 0.5 - sin t), t evenly spaced in [0, pi],
 * plus N(0, noise^2) per coordinate, in shuffled order.
 *
 * @example
 * const { x, labels } = moons({ n: 1000, seed: 0, noise: 0.1 }); // x: [1000, 2]
 */
export function moons(options: Synthetic2DOptions & { noise?: number }): Points2D {
  const [noiseKey, orderKey] = start('moons', options, 2);
  const { n, noise = 0.1 } = options;
  checkNoise('moons', 'noise', noise);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const z = normalFloat64(noiseKey, 2 * n);
  const x = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const inner = i >= nOut;
    const t = inner ? linspace(i - nOut, nIn, Math.PI, true) : linspace(i, nOut, Math.PI, true);
    x[2 * i] = (inner ? 1 - Math.cos(t) : Math.cos(t)) + noise * z[2 * i];
    x[2 * i + 1] = (inner ? 0.5 - Math.sin(t) : Math.sin(t)) + noise * z[2 * i + 1];
    labels[i] = inner ? 1 : 0;
  }
  return shuffleRows(orderKey, x, labels);
}

/**
 * Two concentric circles (scikit-learn's make_circles): outer radius 1 (label 0), inner radius
 * `factor` (label 1), angles evenly spaced, plus N(0, noise^2) per coordinate, shuffled.
 *
 * @example
 * const { x, labels } = circles({ n: 1000, seed: 0, noise: 0.05, factor: 0.5 });
 */
export function circles(options: Synthetic2DOptions & { noise?: number; factor?: number }): Points2D {
  const [noiseKey, orderKey] = start('circles', options, 2);
  const { n, noise = 0.05, factor = 0.5 } = options;
  checkNoise('circles', 'noise', noise);
  checkNumber('circles', 'factor', factor, { min: 0, max: 1, minExclusive: true });
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const z = normalFloat64(noiseKey, 2 * n);
  const x = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const inner = i >= nOut;
    const t = inner ? linspace(i - nOut, nIn, 2 * Math.PI, false) : linspace(i, nOut, 2 * Math.PI, false);
    const r = inner ? factor : 1;
    x[2 * i] = r * Math.cos(t) + noise * z[2 * i];
    x[2 * i + 1] = r * Math.sin(t) + noise * z[2 * i + 1];
    labels[i] = inner ? 1 : 0;
  }
  return shuffleRows(orderKey, x, labels);
}

/**
 * The swiss roll projected to 2-D, as in FFJORD: t = 1.5 pi (1 + 2u), u ~ U(0, 1); the point is
 * (t cos t, t sin t) / 5 plus N(0, (noise/5)^2) per coordinate (scikit-learn's make_swiss_roll
 * columns 0 and 2, divided by 5). `position` holds t.
 *
 * @example
 * const { x } = swissRoll({ n: 2000, seed: 0 }); // points within about [-3, 3]^2
 */
export function swissRoll(options: Synthetic2DOptions & { noise?: number }): Points2D & { position: Float32Array } {
  const [uKey, noiseKey] = start('swissRoll', options, 2);
  const { n, noise = 1 } = options;
  checkNoise('swissRoll', 'noise', noise);
  const u = uniformFloat64(uKey, n);
  const z = normalFloat64(noiseKey, 2 * n);
  const x = new Float32Array(2 * n);
  const position = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = 1.5 * Math.PI * (1 + 2 * u[i]);
    x[2 * i] = (t * Math.cos(t) + noise * z[2 * i]) / 5;
    x[2 * i + 1] = (t * Math.sin(t) + noise * z[2 * i + 1]) / 5;
    position[i] = t;
  }
  return { x, n, position };
}

/**
 * The 8 mode centres of `eightGaussians`: radius * (cos(k pi / 4), sin(k pi / 4)), k = 0..7, as
 * [8, 2] row-major (for mode-coverage metrics).
 *
 * @example
 * const centers = eightGaussiansCenters(); // Float32Array(16), first row [2, 0]
 */
export function eightGaussiansCenters(radius = 2): Float32Array {
  checkNumber('eightGaussiansCenters', 'radius', radius, { min: 0, minExclusive: true });
  const out = new Float32Array(16);
  for (let k = 0; k < 8; k++) {
    out[2 * k] = radius * Math.cos((k * Math.PI) / 4);
    out[2 * k + 1] = radius * Math.sin((k * Math.PI) / 4);
  }
  return out;
}

/**
 * Eight gaussians on a circle (radius 2, std 0.02 by default); each point picks a mode uniformly
 * at random, and `labels` holds the mode index (the row of `eightGaussiansCenters`).
 *
 * @example
 * const { x, labels } = eightGaussians({ n: 2000, seed: 0 });
 */
export function eightGaussians(options: Synthetic2DOptions & { radius?: number; std?: number }): Points2D {
  const { radius = 2, std = 0.02 } = options ?? {};
  const [modeKey, noiseKey] = start('eightGaussians', options, 2);
  checkNoise('eightGaussians', 'std', std);
  return mixture(options.n, eightGaussiansCenters(radius), std, modeKey, noiseKey);
}

/**
 * The centres of `gaussianGrid`: a size x size grid with the given spacing, centred on 0
 * (default 5 x 5 at -4, -2, 0, 2, 4), as [size^2, 2] row-major, row by row.
 *
 * @example
 * gaussianGridCenters().length; // 50
 */
export function gaussianGridCenters(size = 5, spacing = 2): Float32Array {
  checkNumber('gaussianGridCenters', 'size', size, { min: 1, integer: true });
  checkNumber('gaussianGridCenters', 'spacing', spacing, { min: 0, minExclusive: true });
  const out = new Float32Array(2 * size * size);
  const offset = ((size - 1) * spacing) / 2;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      out[2 * (i * size + j)] = j * spacing - offset;
      out[2 * (i * size + j) + 1] = i * spacing - offset;
    }
  }
  return out;
}

/**
 * A grid of gaussians (default 25 = 5 x 5, spacing 2, std 0.05), the mode-collapse benchmark of
 * VEEGAN; `labels` holds the mode index (the row of `gaussianGridCenters`).
 *
 * @example
 * const { x, labels } = gaussianGrid({ n: 2500, seed: 0 });
 */
export function gaussianGrid(options: Synthetic2DOptions & { size?: number; spacing?: number; std?: number }): Points2D {
  const { size = 5, spacing = 2, std = 0.05 } = options ?? {};
  const [modeKey, noiseKey] = start('gaussianGrid', options, 2);
  checkNoise('gaussianGrid', 'std', std);
  return mixture(options.n, gaussianGridCenters(size, spacing), std, modeKey, noiseKey);
}

function mixture(n: number, centers: Float32Array, std: number, modeKey: Seed, noiseKey: Seed): Points2D {
  const modes = centers.length / 2;
  const u = uniformFloat64(modeKey, n);
  const z = normalFloat64(noiseKey, 2 * n);
  const x = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(u[i] * modes);
    labels[i] = k;
    x[2 * i] = centers[2 * k] + std * z[2 * i];
    x[2 * i + 1] = centers[2 * k + 1] + std * z[2 * i + 1];
  }
  return { x, n, labels };
}

/**
 * A 4 x 4 checkerboard on [-4, 4]^2 with 2 x 2 cells: points are uniform on the 8 cells whose
 * column and row indices (floor(x / 2), floor(y / 2)) have the same parity, as FFJORD's
 * "checkerboard". `labels` holds the cell index 0..7.
 *
 * @example
 * const { x } = checkerboard({ n: 5000, seed: 0 });
 */
export function checkerboard(options: Synthetic2DOptions): Points2D {
  const [cellKey, positionKey] = start('checkerboard', options, 2);
  const { n } = options;
  const cell = uniformFloat64(cellKey, n);
  const position = uniformFloat64(positionKey, 2 * n);
  const x = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(cell[i] * 8);
    const column = Math.floor(k / 2) - 2; // -2..1
    // Rows with the column's parity: two of -2..1.
    const parity = ((column % 2) + 2) % 2;
    const row = (k % 2) * 2 - 2 + parity;
    labels[i] = k;
    x[2 * i] = 2 * (column + position[2 * i]);
    x[2 * i + 1] = 2 * (row + position[2 * i + 1]);
  }
  return { x, n, labels };
}

/**
 * A pinwheel with `arms` spiral arms (Johnson et al. 2016, as in FFJORD): per point, features
 * f = (1 + radialStd z1, tangentialStd z2) are rotated by angle a = 2 pi k / arms + rate exp(f1),
 * giving 2 (f1 cos a + f2 sin a, -f1 sin a + f2 cos a). Arms are balanced; `labels` holds the arm.
 *
 * @example
 * const { x, labels } = pinwheel({ n: 1000, seed: 0 });
 */
export function pinwheel(
  options: Synthetic2DOptions & { arms?: number; radialStd?: number; tangentialStd?: number; rate?: number },
): Points2D {
  const { arms = 5, radialStd = 0.3, tangentialStd = 0.1, rate = 0.25 } = options ?? {};
  const [noiseKey, orderKey] = start('pinwheel', options, 2);
  checkNumber('pinwheel', 'arms', arms, { min: 1, integer: true });
  checkNoise('pinwheel', 'radialStd', radialStd);
  checkNoise('pinwheel', 'tangentialStd', tangentialStd);
  checkNumber('pinwheel', 'rate', rate);
  const { n } = options;
  const z = normalFloat64(noiseKey, 2 * n);
  const x = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % arms;
    const f1 = 1 + radialStd * z[2 * i];
    const f2 = tangentialStd * z[2 * i + 1];
    const a = (2 * Math.PI * k) / arms + rate * Math.exp(f1);
    x[2 * i] = 2 * (f1 * Math.cos(a) + f2 * Math.sin(a));
    x[2 * i + 1] = 2 * (-f1 * Math.sin(a) + f2 * Math.cos(a));
    labels[i] = k;
  }
  return shuffleRows(orderKey, x, labels);
}

/** Names of the synthetic 2-D sets, for command lines and configs. */
export const SYNTHETIC_2D_NAMES = ['moons', 'circles', 'swissRoll', 'eightGaussians', 'gaussianGrid', 'checkerboard', 'pinwheel'] as const;
/** A name of a synthetic 2-D set. */
export type Synthetic2DName = (typeof SYNTHETIC_2D_NAMES)[number];

/**
 * Generates a synthetic set by name with its default parameters.
 *
 * @example
 * const { x } = synthetic2d('checkerboard', { n: 1000, seed: 0 });
 */
export function synthetic2d(name: Synthetic2DName, options: Synthetic2DOptions): Points2D {
  const generators: Record<Synthetic2DName, (o: Synthetic2DOptions) => Points2D> = {
    moons,
    circles,
    swissRoll,
    eightGaussians,
    gaussianGrid,
    checkerboard,
    pinwheel,
  };
  if (!(SYNTHETIC_2D_NAMES as readonly string[]).includes(name)) {
    throw new InvalidArgumentError(
      `Argument 'name' passed to 'synthetic2d' must be one of ${SYNTHETIC_2D_NAMES.map((s) => `'${s}'`).join(', ')}, but got ${describeValue(name)}.`,
    );
  }
  return generators[name](options);
}

/**
 * The points of a set as a [n, 2] float32 tensor (the caller owns it).
 *
 * @example
 * const x = pointsTensor(moons({ n: 512, seed: 0 })); // tf.Tensor2D [512, 2]
 */
export function pointsTensor(points: Points2D): tf.Tensor2D {
  if (points === null || typeof points !== 'object' || !(points.x instanceof Float32Array) || points.x.length !== 2 * points.n) {
    throw new InvalidArgumentError(
      `Argument 'points' passed to 'pointsTensor' must be {x: Float32Array of length 2n, n}, but got ${describeValue(points)}.`,
    );
  }
  return tf.tensor2d(points.x, [points.n, 2]);
}
