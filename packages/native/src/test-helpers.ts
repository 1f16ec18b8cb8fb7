// Shared helpers for the @gen/native tests (not exported from the package).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import { expect } from 'vitest';
import { nativeKernelsInfo } from './index.js';

const info = nativeKernelsInfo();
/** Why the native tests are skipped, or undefined when the addon is built. */
export const skipReason = info.available ? undefined : info.reason;
if (skipReason) console.warn(`@gen/native tests skipped: ${skipReason}`);

/** Deterministic pseudo-random float32 values in [-1, 1) (a small LCG; tests only). */
export function randomArray(seed: number, count: number): Float32Array {
  const out = new Float32Array(count);
  let state = (seed * 2654435761 + 12345) >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** Runs `fn` with `backend` active and returns its results as arrays; restores the backend. */
export async function onBackend(backend: 'cpu' | 'wasm', fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  const before = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const result = tf.tidy(fn);
    const list = Array.isArray(result) ? result : [result];
    const arrays = list.map((t) => t.dataSync() as Float32Array);
    tf.dispose(list);
    return arrays;
  } finally {
    await tf.setBackend(before);
  }
}

/**
 * Asserts max|actual - expected| <= tol * max|expected| (relative in the infinity norm, so that
 * entries near zero after cancellation do not fail a correct summation order), and that the
 * arrays have the same length and no NaNs.
 */
export function expectRelClose(actual: Float32Array, expected: Float32Array, tol = 1e-5, label = ''): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let scale = 0;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    expect(Number.isNaN(actual[i]), `${label}: NaN at ${i}`).toBe(Number.isNaN(expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
    const diff = Math.abs(actual[i] - expected[i]);
    if (diff > worst) [worst, at] = [diff, i];
  }
  const bound = tol * Math.max(scale, 1e-30);
  if (worst > bound) {
    throw new Error(`${label}: element ${at} is ${actual[at]}, expected ${expected[at]}; max |diff| ${worst} > ${tol} * max|expected| (${scale}).`);
  }
}

/** Float64 batched matmul with NumPy broadcasting of the batch dimensions (the test reference). */
export function referenceMatMul(
  av: Float32Array, aShape: number[], bv: Float32Array, bShape: number[], ta: boolean, tb: boolean,
): { values: Float32Array; shape: number[] } {
  const [ra, rb] = [aShape.length, bShape.length];
  const m = ta ? aShape[ra - 1] : aShape[ra - 2];
  const k = ta ? aShape[ra - 2] : aShape[ra - 1];
  const n = tb ? bShape[rb - 2] : bShape[rb - 1];
  const aOuter = aShape.slice(0, -2);
  const bOuter = bShape.slice(0, -2);
  const rank = Math.max(aOuter.length, bOuter.length);
  const pad = (d: number[]) => [...Array(rank - d.length).fill(1), ...d];
  const [ap, bp] = [pad(aOuter), pad(bOuter)];
  const outOuter = ap.map((d, i) => Math.max(d, bp[i]));
  const batch = outOuter.reduce((p, d) => p * d, 1);
  const values = new Float32Array(batch * m * n);
  const flatIndex = (coords: number[], dims: number[]) => coords.reduce((acc, c, i) => acc * dims[i] + (dims[i] === 1 ? 0 : c), 0);
  for (let t = 0; t < batch; t++) {
    const coords: number[] = [];
    let rest = t;
    for (let i = rank - 1; i >= 0; i--) {
      coords[i] = rest % outOuter[i];
      rest = Math.floor(rest / outOuter[i]);
    }
    const ai = flatIndex(coords, ap) * m * k;
    const bi = flatIndex(coords, bp) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          sum += av[ai + (ta ? p * m + i : i * k + p)] * bv[bi + (tb ? j * k + p : p * n + j)];
        }
        values[(t * m + i) * n + j] = sum;
      }
    }
  }
  return { values, shape: [...outOuter, m, n] };
}

/** Geometry of an NHWC convolution, from tfjs's own computeConv2DInfo. */
export interface ConvGeometry {
  n: number; h: number; w: number; c: number; kh: number; kw: number; oc: number; oh: number; ow: number;
  sh: number; sw: number; dh: number; dw: number; pt: number; pl: number;
}

export function convGeometry(info: {
  batchSize: number; inHeight: number; inWidth: number; inChannels: number; filterHeight: number; filterWidth: number;
  outChannels: number; outHeight: number; outWidth: number; strideHeight: number; strideWidth: number;
  dilationHeight: number; dilationWidth: number; padInfo: { top: number; left: number };
}): ConvGeometry {
  return {
    n: info.batchSize, h: info.inHeight, w: info.inWidth, c: info.inChannels, kh: info.filterHeight, kw: info.filterWidth,
    oc: info.outChannels, oh: info.outHeight, ow: info.outWidth, sh: info.strideHeight, sw: info.strideWidth,
    dh: info.dilationHeight, dw: info.dilationWidth, pt: info.padInfo.top, pl: info.padInfo.left,
  };
}

/**
 * Float64 reference of conv2d (NHWC, filter [kh, kw, c, oc]) and its two adjoints, straight from
 * the definition y[n,i,j,o] = sum x[n, i*sh - pt + p*dh, j*sw - pl + q*dw, ch] f[p,q,ch,o].
 */
export function referenceConv(
  g: ConvGeometry, x: Float32Array, f: Float32Array, dy: Float32Array,
): { y: Float32Array; dx: Float32Array; df: Float32Array } {
  const y = new Float64Array(g.n * g.oh * g.ow * g.oc);
  const dx = new Float64Array(g.n * g.h * g.w * g.c);
  const df = new Float64Array(g.kh * g.kw * g.c * g.oc);
  for (let b = 0; b < g.n; b++) for (let i = 0; i < g.oh; i++) for (let j = 0; j < g.ow; j++) {
    const out = ((b * g.oh + i) * g.ow + j) * g.oc;
    for (let p = 0; p < g.kh; p++) {
      const r = i * g.sh - g.pt + p * g.dh;
      if (r < 0 || r >= g.h) continue;
      for (let q = 0; q < g.kw; q++) {
        const s = j * g.sw - g.pl + q * g.dw;
        if (s < 0 || s >= g.w) continue;
        const inp = ((b * g.h + r) * g.w + s) * g.c;
        for (let ch = 0; ch < g.c; ch++) {
          const fi = ((p * g.kw + q) * g.c + ch) * g.oc;
          const xv = x[inp + ch];
          let acc = 0;
          for (let o = 0; o < g.oc; o++) {
            y[out + o] += xv * f[fi + o];
            acc += dy[out + o] * f[fi + o];
            df[fi + o] += xv * dy[out + o];
          }
          dx[inp + ch] += acc;
        }
      }
    }
  }
  return { y: Float32Array.from(y), dx: Float32Array.from(dx), df: Float32Array.from(df) };
}
