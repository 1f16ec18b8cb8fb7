// Reads the golden fixtures written by packages/gmm/fixtures/generate.py (tests only).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Encoded {
  b64?: string;
  uint8?: string;
  shape: number[];
  dtype?: 'float64' | 'float32';
}

/** Decodes a {b64, shape} (float64 or float32) or {uint8, shape} array to float64. */
export function decode(e: Encoded): Float64Array {
  if (e.uint8 !== undefined) return Float64Array.from(Buffer.from(e.uint8, 'base64'));
  const bytes = Buffer.from(e.b64 as string, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return e.dtype === 'float32' ? Float64Array.from(new Float32Array(copy.buffer)) : new Float64Array(copy.buffer);
}

export function loadFixture<T>(name: string): T {
  const path = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Largest |a - e| / (rtol-scale) violation: returns the max of |a - e| - (rtol |e| + atol) (<= 0 passes) and the worst relative error. */
export function worstError(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atolScale = 0): { excess: number; rel: number; index: number } {
  if (actual.length !== expected.length) return { excess: Infinity, rel: Infinity, index: -1 };
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
  const atol = atolScale * maxAbs;
  let excess = -Infinity;
  let rel = 0;
  let index = -1;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    const ex = diff - (rtol * Math.abs(expected[i]) + atol);
    if (!(ex <= excess) || Number.isNaN(ex)) {
      excess = Number.isNaN(ex) ? Infinity : ex;
      index = i;
    }
    rel = Math.max(rel, diff / Math.max(Math.abs(expected[i]), maxAbs * 1e-300 + 1e-300));
  }
  return { excess, rel, index };
}

export interface GmmCase {
  tol: number;
  maxIter: number;
  weights: Encoded;
  means: Encoded;
  covariances: Encoded;
  precisionsCholesky: Encoded | null;
  nIter: number;
  converged: boolean;
  lowerBound: number;
  rows: number[];
  scoreSamples: Encoded;
  predict: number[];
  predictProba: Encoded;
  score: number;
  bic: number;
  aic: number;
  sklearnSeconds: number;
}

export interface GmmTypeEntry {
  covarianceType: 'full' | 'tied' | 'diag' | 'spherical';
  init: { weightsInit: Encoded; meansInit: Encoded; precisionsInit: Encoded };
  converged: GmmCase;
  fixedIter: GmmCase;
  defaultFit: { covarianceType: string; score: number; nIter: number };
}

export interface GmmDataset {
  name: string;
  nComponents: number;
  regCovar: number;
  X: Encoded;
  types: GmmTypeEntry[];
}
