// Test-only helpers: reads fixtures/linalg/linalg.json (made by fixtures/linalg/generate.py),
// rebuilds the exact float64 inputs from their small-integer encodings, and measures errors.
// Not exported from the package.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ArrayF64 } from './array-f64.js';

interface RawSpd {
  n: number;
  x: string;
  y: string;
  r: string;
  chol: string;
  logdet: number;
  cho_solve: string;
  eigvals: string;
  min_rel_gap: number;
  sqrtm_probe: string;
  inv_probe: string;
  eigvecs?: string;
  sqrtm?: string;
  inv?: string;
}
interface RawPsd {
  n: number;
  rank: number;
  x: string;
  eigvals: string;
}
interface RawTri {
  n: number;
  c: number;
  x: string;
  y: string;
  lower: string;
  upper: string;
  lower_trans: string;
  upper_trans: string;
}
interface RawGeneral {
  n: number;
  g128: string;
  r: string;
  inv_probe: string;
  cond: number;
  inv?: string;
}
interface RawFixture {
  spd: RawSpd[];
  psd: RawPsd[];
  tri: RawTri[];
  general: RawGeneral[];
}

const raw = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/linalg/linalg.json', import.meta.url)), 'utf8'),
) as RawFixture;

function bytes(b64: string): Buffer {
  return Buffer.from(b64, 'base64');
}

export function decodeF64(b64: string): Float64Array {
  const buf = bytes(b64);
  const out = new Float64Array(buf.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = buf.readDoubleLE(i * 8);
  return out;
}

function decodeI8(b64: string): Int8Array {
  const buf = bytes(b64);
  return new Int8Array(buf.buffer, buf.byteOffset, buf.length).slice();
}

function decodeI16(b64: string): Int16Array {
  const buf = bytes(b64);
  const out = new Int16Array(buf.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
}

/** X X^T / 4096 + shift I for integer X [n, r] (exact in float64, as in generate.py). */
function gram(x: Int8Array, n: number, r: number, shift: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += x[i * r + k] * x[j * r + k];
      a[i * n + j] = s / 4096 + (i === j ? shift : 0);
    }
  }
  return a;
}

function scaled(x: Int8Array | Int16Array, divisor: number): Float64Array {
  return Float64Array.from(x, (v) => v / divisor);
}

export interface SpdCase {
  n: number;
  a: Float64Array;
  b: Float64Array; // [n, 3]
  probe: Float64Array; // [n, 3]
  chol: Float64Array;
  logdet: number;
  choSolve: Float64Array;
  eigvals: Float64Array;
  minRelGap: number;
  sqrtmProbe: Float64Array;
  invProbe: Float64Array;
  eigvecs?: Float64Array;
  sqrtm?: Float64Array;
  inv?: Float64Array;
}

export const spdCases: SpdCase[] = raw.spd.map((c) => ({
  n: c.n,
  a: gram(decodeI8(c.x), c.n, c.n, c.n),
  b: scaled(decodeI8(c.y), 16),
  probe: scaled(decodeI8(c.r), 16),
  chol: decodeF64(c.chol),
  logdet: c.logdet,
  choSolve: decodeF64(c.cho_solve),
  eigvals: decodeF64(c.eigvals),
  minRelGap: c.min_rel_gap,
  sqrtmProbe: decodeF64(c.sqrtm_probe),
  invProbe: decodeF64(c.inv_probe),
  eigvecs: c.eigvecs ? decodeF64(c.eigvecs) : undefined,
  sqrtm: c.sqrtm ? decodeF64(c.sqrtm) : undefined,
  inv: c.inv ? decodeF64(c.inv) : undefined,
}));

export const psdCases = raw.psd.map((c) => ({
  n: c.n,
  rank: c.rank,
  a: gram(decodeI8(c.x), c.n, c.rank, 0),
  eigvals: decodeF64(c.eigvals),
}));

export const triCases = raw.tri.map((c) => {
  const t = scaled(decodeI8(c.x), 128);
  for (let i = 0; i < c.n; i++) t[i * c.n + i] += c.c;
  return {
    n: c.n,
    t,
    b: scaled(decodeI8(c.y), 16),
    solutions: {
      lower: decodeF64(c.lower),
      upper: decodeF64(c.upper),
      lower_trans: decodeF64(c.lower_trans),
      upper_trans: decodeF64(c.upper_trans),
    },
  };
});

export const generalCases = raw.general.map((c) => ({
  n: c.n,
  g: scaled(decodeI16(c.g128), 128),
  probe: scaled(decodeI8(c.r), 16),
  invProbe: decodeF64(c.inv_probe),
  cond: c.cond,
  inv: c.inv ? decodeF64(c.inv) : undefined,
}));

/** The distinct sizes, in fixture order. */
export function sizesOf(cases: ReadonlyArray<{ n: number }>): number[] {
  return [...new Set(cases.map((c) => c.n))];
}

/** Stacks equally sized arrays into one batch `[count, ...shape]`. */
export function stack(arrays: Float64Array[], shape: number[]): ArrayF64 {
  const size = shape.reduce((p, d) => p * d, 1);
  const data = new Float64Array(arrays.length * size);
  arrays.forEach((x, i) => data.set(x, i * size));
  return { data, shape: [arrays.length, ...shape] };
}

/** Frobenius norm. */
export function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

/** Norm-wise relative error ||x - ref||_F / ||ref||_F (absolute when ref is 0). */
export function relErr(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (x.length !== ref.length) throw new Error(`length ${x.length} differs from reference ${ref.length}`);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff += (x[i] - ref[i]) ** 2;
  const scale = norm(ref);
  return Math.sqrt(diff) / (scale === 0 ? 1 : scale);
}

/** Plain float64 matrix product of [r, k] and [k, c] (row-major). */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, r: number, k: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    for (let p = 0; p < k; p++) {
      const f = a[i * k + p];
      for (let j = 0; j < c; j++) out[i * c + j] += f * b[p * c + j];
    }
  }
  return out;
}

/** Transpose of an [r, c] matrix. */
export function transpose(a: ArrayLike<number>, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}

/** Lower (or upper) triangle of an n x n matrix, the rest zero. */
export function triangle(a: ArrayLike<number>, n: number, lower: boolean): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (lower ? j <= i : j >= i) out[i * n + j] = a[i * n + j];
  }
  return out;
}

export function identity(n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/**
 * Central finite differences of a float64 scalar function along each direction:
 * (f(a + h d) - f(a - h d)) / 2h. With h ~ 1e-5 relative to the entries, the truncation error is
 * ~h^2 and the rounding error ~eps / h, both far below float32 gradient errors.
 */
export function directionalDerivatives(
  f: (a: Float64Array) => number,
  a: Float64Array,
  directions: Float64Array[],
  h: number,
): Float64Array {
  return Float64Array.from(directions, (d) => {
    const plus = a.map((x, i) => x + h * d[i]);
    const minus = a.map((x, i) => x - h * d[i]);
    return (f(plus) - f(minus)) / (2 * h);
  });
}

/** <g, d> for each direction. */
export function projections(g: ArrayLike<number>, directions: Float64Array[]): Float64Array {
  return Float64Array.from(directions, (d) => {
    let s = 0;
    for (let i = 0; i < d.length; i++) s += g[i] * d[i];
    return s;
  });
}

/**
 * Symmetric unit perturbations of every matrix of a batch [count, n, n]: E_ii and E_ij + E_ji
 * (i > j). The gradient of a function of a symmetric matrix is pinned down by these.
 */
export function symmetricDirections(count: number, n: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let m = 0; m < count; m++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const d = new Float64Array(count * n * n);
        d[m * n * n + i * n + j] = 1;
        d[m * n * n + j * n + i] = 1;
        out.push(d);
      }
    }
  }
  return out;
}

/** Unit perturbations of the entries selected by `keep(index)` among `size`. */
export function unitDirections(size: number, keep: (index: number) => boolean = () => true): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < size; i++) {
    if (!keep(i)) continue;
    const d = new Float64Array(size);
    d[i] = 1;
    out.push(d);
  }
  return out;
}

/** Sum of c * x. */
export function weightedSum(x: ArrayLike<number>, c: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * c[i];
  return s;
}
