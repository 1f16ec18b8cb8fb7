// Test helpers: the golden fixtures and the deterministic feature sets they were computed on
// (same integer hash as packages/eval/fixtures/make_fixtures.py).
import { readFileSync } from 'node:fs';
import type { ArrayF64 } from '@gen/core';

export const golden = JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8'));

function lowbias32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

export function hashUniform(seed: number, count: number): Float64Array {
  const base = Math.imul(seed, 0x9e3779b9) >>> 0;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = (lowbias32((i + base) >>> 0) + 0.5) / 4294967296;
  return out;
}

/** The fixture script's feature_set(seed, n, d, shift) as an ArrayF64 [n, d]. */
export function featureSet(seed: number, n: number, d: number, shift = 0): ArrayF64 {
  const u1 = hashUniform(seed, n * d);
  const u2 = hashUniform(seed + 1000, n * 7);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      data[i * d + j] = (u1[i * d + j] - 0.5) * (1 + (j % 5) / 5) + 0.8 * (u2[i * 7 + (j % 7)] - 0.5) + (shift * (j % 3)) / 3;
    }
  }
  return { data, shape: [n, d] };
}

export function relErr(got: number, want: number): number {
  return Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);
}
