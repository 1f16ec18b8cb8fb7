// Float64 EM kernels for Gaussian mixtures with Cholesky-parameterised precisions, following
// scikit-learn's formulas (sklearn/mixture/_gaussian_mixture.py: _estimate_gaussian_parameters,
// _compute_precision_cholesky, _estimate_log_gaussian_prob) and Bishop, "Pattern Recognition and
// Machine Learning" (2006), section 9.2.2. Loops are blocked 4x4 in registers and reuse buffers; the hot
// ones also run as WebAssembly SIMD kernels (wasm-kernels.ts) on data kept in a WebAssembly memory.
import { InvalidArgumentError, choleskyF64 } from '@gen/core';
import { type WasmArena, createArena } from './wasm-kernels.js';

/** The covariance structures: one full matrix per component, one shared matrix, per-component diagonals, per-component scalars. */
export type CovarianceType = 'full' | 'tied' | 'diag' | 'spherical';
/** The allowed `covarianceType` values. */
export const COVARIANCE_TYPES: readonly CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];

const LOG_2PI = Math.log(2 * Math.PI);
/** 10 * float64 machine epsilon, added to every component's total responsibility (as sklearn does). */
export const NK_EPS = 10 * 2.220446049250313e-16;
/** Samples gathered per block in the covariance accumulation (fits L1 with 16 features). */
const CHUNK = 128;

/** Shape of the covariance (and precision Cholesky) array of a covariance type. */
export function covarianceShape(type: CovarianceType, k: number, d: number): number[] {
  switch (type) {
    case 'full':
      return [k, d, d];
    case 'tied':
      return [d, d];
    case 'diag':
      return [k, d];
    default:
      return [k];
  }
}

/** Number of free parameters (sklearn's `_n_parameters`), for BIC and AIC. */
export function numParameters(type: CovarianceType, k: number, d: number): number {
  const cov =
    type === 'full' ? (k * d * (d + 1)) / 2 : type === 'tied' ? (d * (d + 1)) / 2 : type === 'diag' ? k * d : k;
  return cov + k * d + k - 1;
}

/** Scratch buffers reused across EM iterations (nothing is allocated per iteration but tiny arrays). */
export interface Workspace {
  n: number;
  d: number;
  k: number;
  /** d rounded up to a multiple of 4: padded rows/columns are zero. */
  dp: number;
  type: CovarianceType;
  /** [n, k] log-probabilities, then responsibilities. */
  lp: Float64Array;
  /** [n] log-sum-exp of each row of the weighted log-probabilities. */
  lse: Float64Array;
  /** Packed precision factors [k or 1, dp / 4, d, 4] for the full/tied kernels. */
  pPad: Float64Array;
  /** Means times the precision factor, [k, dp]. */
  mP: Float64Array;
  /** [4, dp] projected block of samples. */
  yBuf: Float64Array;
  /** Transposed chunk of shifted samples u = x - mean [dp, CHUNK], and a compacted copy. */
  dT: Float64Array;
  dTr: Float64Array;
  /** [k, dp, dp] scatter accumulators. */
  cPad: Float64Array;
  /** Responsibilities of one component over a chunk, and the compacted ones. [CHUNK] */
  rv: Float64Array;
  rc: Float64Array;
  /** Per component: sum of responsibilities [k] and of r u [k, dp]. */
  sumR: Float64Array;
  sumU: Float64Array;
  /** WebAssembly memory holding the data, lp, the packed factors and mP (full covariances), or null. */
  arena: WasmArena | null;
  /** The data array copied into the arena. */
  arenaSource: Float64Array | null;
  /** Data mean used to shift the scatter, cached per data array. */
  shift: Float64Array | null;
  shiftSource: Float64Array | null;
  /** X^T X for the tied M-step, computed once per data set. */
  xtx: Float64Array | null;
  xtxSource: Float64Array | null;
  /** diag/spherical M-step: a chunk of responsibilities [M_CHUNK, kp], moments [kp, d], variances [k, d]. */
  respChunk: Float64Array;
  s1: Float64Array;
  s2: Float64Array;
  varBuf: Float64Array;
}

/**
 * Buffers for EM on `n` samples. With `x` (the training data) and full covariances, the data, the
 * log-probabilities and the packed factors live in a WebAssembly memory so that the SIMD E-step
 * kernel can run on them (when available).
 */
export function makeWorkspace(type: CovarianceType, n: number, d: number, k: number, x?: Float64Array): Workspace {
  const dp = (d + 3) & ~3;
  const dense = type === 'full' || type === 'tied';
  // Arena views: x, lp, packed factors, mP, u, compacted u, r, compacted r, scatter, sums, then
  // (both layouts) log weights, row maxima, row sums.
  // diag/spherical: x, lp, pa, pb, bias, scale, offset, responsibility chunk, s1, s2.
  const kp = (k + 3) & ~3;
  const arena =
    x === undefined || n === 0
      ? null
      : type === 'tied'
        ? createArena([n * d, n * k, k, n, n])
        : type === 'full'
        ? createArena([n * d, n * k, k * dp * d, k * dp, dp * CHUNK, dp * CHUNK, CHUNK, CHUNK, k * dp * dp, k * dp, k, n, n])
        : createArena([n * d, n * k, kp * d, kp * d, kp, kp, kp, M_CHUNK * kp, kp * d, kp * d, k, n, n]);
  if (arena !== null) arena.views[0].set((x as Float64Array).subarray(0, n * d));
  const ws: Workspace = {
    n,
    d,
    k,
    dp,
    type,
    lp: new Float64Array(n * k),
    lse: new Float64Array(n),
    pPad: new Float64Array(dense ? (type === 'full' ? k : 1) * dp * d : 0),
    mP: new Float64Array(dense ? k * dp : 0),
    yBuf: new Float64Array(4 * dp),
    dT: new Float64Array(type === 'full' ? dp * CHUNK : 0),
    dTr: new Float64Array(type === 'full' ? dp * CHUNK : 0),
    cPad: new Float64Array(type === 'full' ? k * dp * dp : 0),
    rv: new Float64Array(type === 'full' ? CHUNK : 0),
    rc: new Float64Array(type === 'full' ? CHUNK : 0),
    sumR: new Float64Array(type === 'full' ? k : 0),
    sumU: new Float64Array(type === 'full' ? k * dp : 0),
    shift: null,
    shiftSource: null,
    xtx: null,
    xtxSource: null,
    respChunk: new Float64Array(dense ? 0 : M_CHUNK * ((k + 3) & ~3)),
    s1: new Float64Array(dense ? 0 : ((k + 3) & ~3) * d),
    s2: new Float64Array(dense ? 0 : ((k + 3) & ~3) * d),
    varBuf: new Float64Array(type === 'spherical' ? k * d : 0),
    arena,
    arenaSource: arena === null ? null : (x as Float64Array),
  };
  if (arena !== null && type === 'full') {
    [, ws.lp, ws.pPad, ws.mP, ws.dT, ws.dTr, ws.rv, ws.rc, ws.cPad, ws.sumU] = arena.views;
  } else if (arena !== null) {
    ws.lp = arena.views[1];
    if (type !== 'tied') [ws.respChunk, ws.s1, ws.s2] = arena.views.slice(7, 10);
  }
  return ws;
}

/**
 * Points the workspace at new data of the same size (online EM reuses one workspace per batch
 * size): copies it into the WebAssembly memory, if any, and drops the per-data caches.
 */
export function bindData(ws: Workspace, x: Float64Array): void {
  if (ws.arena !== null) {
    ws.arena.views[0].set(x.subarray(0, ws.n * ws.d));
    ws.arenaSource = x;
  }
  ws.xtx = null;
  ws.xtxSource = null;
  ws.shift = null;
  ws.shiftSource = null;
}

/** Gaussian parameters in sklearn's layout: weights [k], means [k, d], covariances and precision factors by type. */
export interface GaussianParams {
  weights: Float64Array;
  means: Float64Array;
  covariances: Float64Array;
  precisionsCholesky: Float64Array;
  /** True when every full/tied precision factor is upper triangular (those computed from covariances are). */
  precisionsUpper: boolean;
}

export function cloneParams(p: GaussianParams): GaussianParams {
  return {
    weights: p.weights.slice(),
    means: p.means.slice(),
    covariances: p.covariances.slice(),
    precisionsCholesky: p.precisionsCholesky.slice(),
    precisionsUpper: p.precisionsUpper,
  };
}

/** log det of each precision factor (sklearn's `_compute_log_det_cholesky`), [k] (or [1] for tied). */
export function logDetCholesky(type: CovarianceType, pc: Float64Array, k: number, d: number): Float64Array {
  const out = new Float64Array(type === 'tied' ? 1 : k);
  if (type === 'full' || type === 'tied') {
    const count = type === 'full' ? k : 1;
    for (let c = 0; c < count; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Math.log(pc[c * d * d + j * d + j]);
      out[c] = s;
    }
  } else if (type === 'diag') {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Math.log(pc[c * d + j]);
      out[c] = s;
    }
  } else {
    for (let c = 0; c < k; c++) out[c] = d * Math.log(pc[c]);
  }
  return out;
}

/**
 * Projects the 4 samples starting at row `i0` (rows past `n - 1` repeat the last row) through one
 * packed precision factor (panels of 4 columns, see `preparePacked`) at `pPack[pOff..]`:
 * yBuf[s, j] = sum_a x[i0 + s, a] P[a, j]. With `upper`, P[a, j] = 0 for a > j and those terms are
 * skipped.
 */
function project4(
  x: Float64Array,
  n: number,
  d: number,
  dp: number,
  i0: number,
  pPack: Float64Array,
  pOff: number,
  upper: boolean,
  yBuf: Float64Array,
): void {
  const r0 = i0 * d;
  const r1 = Math.min(i0 + 1, n - 1) * d;
  const r2 = Math.min(i0 + 2, n - 1) * d;
  const r3 = Math.min(i0 + 3, n - 1) * d;
  for (let j0 = 0; j0 < dp; j0 += 4) {
    const aEnd = upper ? Math.min(d, j0 + 4) : d;
    const panel = pOff + j0 * d; // panel j0/4 holds d rows of 4 values
    let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
    let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
    let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
    let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
    for (let a = 0; a < aEnd; a++) {
      const po = panel + 4 * a;
      const p0 = pPack[po];
      const p1 = pPack[po + 1];
      const p2 = pPack[po + 2];
      const p3 = pPack[po + 3];
      const x0 = x[r0 + a];
      const x1 = x[r1 + a];
      const x2 = x[r2 + a];
      const x3 = x[r3 + a];
      s00 += x0 * p0; s01 += x0 * p1; s02 += x0 * p2; s03 += x0 * p3;
      s10 += x1 * p0; s11 += x1 * p1; s12 += x1 * p2; s13 += x1 * p3;
      s20 += x2 * p0; s21 += x2 * p1; s22 += x2 * p2; s23 += x2 * p3;
      s30 += x3 * p0; s31 += x3 * p1; s32 += x3 * p2; s33 += x3 * p3;
    }
    yBuf[j0] = s00; yBuf[j0 + 1] = s01; yBuf[j0 + 2] = s02; yBuf[j0 + 3] = s03;
    yBuf[dp + j0] = s10; yBuf[dp + j0 + 1] = s11; yBuf[dp + j0 + 2] = s12; yBuf[dp + j0 + 3] = s13;
    yBuf[2 * dp + j0] = s20; yBuf[2 * dp + j0 + 1] = s21; yBuf[2 * dp + j0 + 2] = s22; yBuf[2 * dp + j0 + 3] = s23;
    yBuf[3 * dp + j0] = s30; yBuf[3 * dp + j0 + 1] = s31; yBuf[3 * dp + j0 + 2] = s32; yBuf[3 * dp + j0 + 3] = s33;
  }
}

/**
 * Full-covariance kernel: for the 4 samples at `i0`, q[s] = ||x_s P - mP||^2 where P is one packed
 * factor and mP = mu P (the accumulators start at -mP, so no projected rows are stored).
 */
function mahalanobis4(
  x: Float64Array,
  n: number,
  d: number,
  dp: number,
  i0: number,
  pPack: Float64Array,
  pOff: number,
  upper: boolean,
  mP: Float64Array,
  mo: number,
  q: Float64Array,
): void {
  const r0 = i0 * d;
  const r1 = Math.min(i0 + 1, n - 1) * d;
  const r2 = Math.min(i0 + 2, n - 1) * d;
  const r3 = Math.min(i0 + 3, n - 1) * d;
  let q0 = 0, q1 = 0, q2 = 0, q3 = 0;
  for (let j0 = 0; j0 < dp; j0 += 4) {
    const aEnd = upper ? Math.min(d, j0 + 4) : d;
    const panel = pOff + j0 * d;
    const m0 = -mP[mo + j0], m1 = -mP[mo + j0 + 1], m2 = -mP[mo + j0 + 2], m3 = -mP[mo + j0 + 3];
    let s00 = m0, s01 = m1, s02 = m2, s03 = m3;
    let s10 = m0, s11 = m1, s12 = m2, s13 = m3;
    let s20 = m0, s21 = m1, s22 = m2, s23 = m3;
    let s30 = m0, s31 = m1, s32 = m2, s33 = m3;
    for (let a = 0; a < aEnd; a++) {
      const po = panel + 4 * a;
      const p0 = pPack[po];
      const p1 = pPack[po + 1];
      const p2 = pPack[po + 2];
      const p3 = pPack[po + 3];
      const x0 = x[r0 + a];
      const x1 = x[r1 + a];
      const x2 = x[r2 + a];
      const x3 = x[r3 + a];
      s00 += x0 * p0; s01 += x0 * p1; s02 += x0 * p2; s03 += x0 * p3;
      s10 += x1 * p0; s11 += x1 * p1; s12 += x1 * p2; s13 += x1 * p3;
      s20 += x2 * p0; s21 += x2 * p1; s22 += x2 * p2; s23 += x2 * p3;
      s30 += x3 * p0; s31 += x3 * p1; s32 += x3 * p2; s33 += x3 * p3;
    }
    q0 += s00 * s00 + s01 * s01 + s02 * s02 + s03 * s03;
    q1 += s10 * s10 + s11 * s11 + s12 * s12 + s13 * s13;
    q2 += s20 * s20 + s21 * s21 + s22 * s22 + s23 * s23;
    q3 += s30 * s30 + s31 * s31 + s32 * s32 + s33 * s33;
  }
  q[0] = q0;
  q[1] = q1;
  q[2] = q2;
  q[3] = q3;
}

/**
 * Packs the precision factors into panels of 4 columns, [count, dp / 4, d, 4] (columns past d are
 * zero), so that the projection kernel reads each panel contiguously, and computes means @ P.
 */
function preparePacked(ws: Workspace, p: GaussianParams): void {
  const { d, dp, k, type } = ws;
  const count = type === 'full' ? k : 1;
  const pc = p.precisionsCholesky;
  const pack = ws.pPad;
  pack.fill(0);
  for (let c = 0; c < count; c++) {
    const base = c * dp * d;
    for (let a = 0; a < d; a++) {
      for (let j = 0; j < d; j++) pack[base + (j >> 2) * 4 * d + 4 * a + (j & 3)] = pc[c * d * d + a * d + j];
    }
  }
  ws.mP.fill(0);
  for (let c = 0; c < k; c++) {
    const o = type === 'full' ? c * d * d : 0;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += p.means[c * d + a] * pc[o + a * d + j];
      ws.mP[c * dp + j] = s;
    }
  }
}

/** Rows per chunk in the full-covariance E-step: a chunk of samples stays in cache while every component's factor passes over it. */
const E_CHUNK = 64;

/** out[i0 + s, c] = bias - ||y_s - mP_c||^2 / 2 for the projected rows in yBuf. */
function writeRows(
  yBuf: Float64Array,
  mP: Float64Array,
  c: number,
  dp: number,
  rows: number,
  i0: number,
  k: number,
  out: Float64Array,
  bias: number,
): void {
  const mo = c * dp;
  for (let s = 0; s < rows; s++) {
    const yo = s * dp;
    let q0 = 0;
    let q1 = 0;
    for (let j = 0; j < dp; j += 2) {
      const e0 = yBuf[yo + j] - mP[mo + j];
      const e1 = yBuf[yo + j + 1] - mP[mo + j + 1];
      q0 += e0 * e0;
      q1 += e1 * e1;
    }
    out[(i0 + s) * k + c] = bias - 0.5 * (q0 + q1);
  }
}

/**
 * Writes the log-density of every sample under every component, log N(x_i | mu_k, Sigma_k), into
 * `out` [n, k] (sklearn's `_estimate_log_gaussian_prob`), for data `x` [n, d] that may differ from
 * the workspace's training data (its `n` is passed).
 */
export function estimateLogGaussianProb(
  ws: Workspace,
  p: GaussianParams,
  x: Float64Array,
  n: number,
  out: Float64Array,
): void {
  const { d, dp, k, type } = ws;
  const logDet = logDetCholesky(type, p.precisionsCholesky, k, d);
  const cst = -0.5 * d * LOG_2PI;
  if (type === 'full' || type === 'tied') {
    preparePacked(ws, p);
    const yBuf = ws.yBuf;
    const mP = ws.mP;
    const upper = p.precisionsUpper;
    const panelSize = dp * d;
    const q = ws.yBuf; // first 4 entries: the kernel's output
    for (let start = 0; start < n; start += E_CHUNK) {
      const stop = Math.min(n, start + E_CHUNK);
      if (type === 'tied') {
        for (let i0 = start; i0 < stop; i0 += 4) {
          const rows = Math.min(4, stop - i0);
          project4(x, n, d, dp, i0, ws.pPad, 0, upper, yBuf);
          for (let c = 0; c < k; c++) writeRows(yBuf, mP, c, dp, rows, i0, k, out, cst + logDet[0]);
        }
        continue;
      }
      // One component's factor at a time (it stays in L1) over the chunk's samples (in L2).
      const arena = ws.arena;
      if (arena !== null && x === ws.arenaSource && out === ws.lp) {
        const [xOff, outOff, packOff, mpOff] = arena.offsets;
        for (let c = 0; c < k; c++) {
          arena.mahalanobis(xOff, n, d, dp, packOff + c * panelSize * 8, mpOff + c * dp * 8, upper ? 1 : 0, outOff, k, c, cst + logDet[c], start, stop);
        }
        continue;
      }
      for (let c = 0; c < k; c++) {
        const bias = cst + logDet[c];
        for (let i0 = start; i0 < stop; i0 += 4) {
          mahalanobis4(x, n, d, dp, i0, ws.pPad, c * panelSize, upper, mP, c * dp, q);
          const rows = Math.min(4, stop - i0);
          for (let t = 0; t < rows; t++) out[(i0 + t) * k + c] = bias - 0.5 * q[t];
        }
      }
    }
  } else {
    diagLogProb(ws, type === 'diag', p, x, n, d, k, logDet, cst, out);
  }
}

/**
 * diag / spherical log-densities with sklearn's expanded form, blocked 4 samples x 4 components:
 * diag: ||x - mu||^2_prec = sum_j x_j^2 prec_j - 2 x_j mu_j prec_j + mu_j^2 prec_j;
 * spherical: prec (||x||^2 - 2 x.mu + ||mu||^2).
 */
function diagLogProb(
  ws: Workspace,
  diag: boolean,
  p: GaussianParams,
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  logDet: Float64Array,
  cst: number,
  out: Float64Array,
): void {
  const kp = (k + 3) & ~3;
  // Packed [kp / 4, d, 4]: for diag, prec and -2 mu prec; for spherical, -2 mu (prec applied after).
  const pa = new Float64Array(kp * d);
  const pb = new Float64Array(kp * d);
  const constant = new Float64Array(kp);
  const precK = new Float64Array(kp);
  for (let c = 0; c < k; c++) {
    const pcK = diag ? 0 : p.precisionsCholesky[c] * p.precisionsCholesky[c];
    precK[c] = pcK;
    let cc = 0;
    for (let j = 0; j < d; j++) {
      const mu = p.means[c * d + j];
      const idx = (c >> 2) * 4 * d + 4 * j + (c & 3);
      if (diag) {
        const pr = p.precisionsCholesky[c * d + j] ** 2;
        pa[idx] = pr;
        pb[idx] = -2 * mu * pr;
        cc += mu * mu * pr;
      } else {
        pb[idx] = -2 * mu;
        cc += mu * mu;
      }
    }
    constant[c] = cc;
  }
  const arena = ws.arena;
  if (arena !== null && x === ws.arenaSource && out === ws.lp) {
    // SIMD kernel: out = bias - scale (acc + off) / 2 with acc = sum_j x^2 pa + x pb (pa = 1 for spherical).
    const [, paV, pbV, biasV, scaleV, offV] = arena.views.slice(1);
    paV.set(pa);
    if (!diag) {
      paV.fill(0);
      for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) paV[(c >> 2) * 4 * d + 4 * j + (c & 3)] = 1;
    }
    pbV.set(pb);
    for (let c = 0; c < kp; c++) {
      biasV[c] = c < k ? cst + logDet[c] : 0;
      scaleV[c] = diag ? 1 : precK[c];
      offV[c] = constant[c];
    }
    const o = arena.offsets;
    arena.diagLogProb(o[0], n, d, k, kp, o[2], o[3], o[4], o[5], o[6], o[1], 0, n);
    return;
  }
  for (let i0 = 0; i0 < n; i0 += 4) {
    const rows = Math.min(4, n - i0);
    const r0 = i0 * d;
    const r1 = Math.min(i0 + 1, n - 1) * d;
    const r2 = Math.min(i0 + 2, n - 1) * d;
    const r3 = Math.min(i0 + 3, n - 1) * d;
    let n0 = 0, n1 = 0, n2 = 0, n3 = 0; // squared norms (spherical)
    if (!diag) {
      for (let j = 0; j < d; j++) {
        n0 += x[r0 + j] * x[r0 + j];
        n1 += x[r1 + j] * x[r1 + j];
        n2 += x[r2 + j] * x[r2 + j];
        n3 += x[r3 + j] * x[r3 + j];
      }
    }
    for (let c0 = 0; c0 < kp; c0 += 4) {
      const base = c0 * d;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      if (diag) {
        for (let j = 0; j < d; j++) {
          const o = base + 4 * j;
          const a0 = pa[o], a1 = pa[o + 1], a2 = pa[o + 2], a3 = pa[o + 3];
          const b0 = pb[o], b1 = pb[o + 1], b2 = pb[o + 2], b3 = pb[o + 3];
          const x0 = x[r0 + j], x1 = x[r1 + j], x2 = x[r2 + j], x3 = x[r3 + j];
          const q0 = x0 * x0, q1 = x1 * x1, q2 = x2 * x2, q3 = x3 * x3;
          s00 += q0 * a0 + x0 * b0; s01 += q0 * a1 + x0 * b1; s02 += q0 * a2 + x0 * b2; s03 += q0 * a3 + x0 * b3;
          s10 += q1 * a0 + x1 * b0; s11 += q1 * a1 + x1 * b1; s12 += q1 * a2 + x1 * b2; s13 += q1 * a3 + x1 * b3;
          s20 += q2 * a0 + x2 * b0; s21 += q2 * a1 + x2 * b1; s22 += q2 * a2 + x2 * b2; s23 += q2 * a3 + x2 * b3;
          s30 += q3 * a0 + x3 * b0; s31 += q3 * a1 + x3 * b1; s32 += q3 * a2 + x3 * b2; s33 += q3 * a3 + x3 * b3;
        }
      } else {
        for (let j = 0; j < d; j++) {
          const o = base + 4 * j;
          const b0 = pb[o], b1 = pb[o + 1], b2 = pb[o + 2], b3 = pb[o + 3];
          const x0 = x[r0 + j], x1 = x[r1 + j], x2 = x[r2 + j], x3 = x[r3 + j];
          s00 += x0 * b0; s01 += x0 * b1; s02 += x0 * b2; s03 += x0 * b3;
          s10 += x1 * b0; s11 += x1 * b1; s12 += x1 * b2; s13 += x1 * b3;
          s20 += x2 * b0; s21 += x2 * b1; s22 += x2 * b2; s23 += x2 * b3;
          s30 += x3 * b0; s31 += x3 * b1; s32 += x3 * b2; s33 += x3 * b3;
        }
        s00 += n0; s01 += n0; s02 += n0; s03 += n0;
        s10 += n1; s11 += n1; s12 += n1; s13 += n1;
        s20 += n2; s21 += n2; s22 += n2; s23 += n2;
        s30 += n3; s31 += n3; s32 += n3; s33 += n3;
      }
      storeRow(out, i0, k, c0, diag, cst, constant, precK, logDet, s00, s01, s02, s03);
      if (rows > 1) storeRow(out, i0 + 1, k, c0, diag, cst, constant, precK, logDet, s10, s11, s12, s13);
      if (rows > 2) storeRow(out, i0 + 2, k, c0, diag, cst, constant, precK, logDet, s20, s21, s22, s23);
      if (rows > 3) storeRow(out, i0 + 3, k, c0, diag, cst, constant, precK, logDet, s30, s31, s32, s33);
    }
  }
}

/** Writes components c0..c0+3 (those < k) of one row of diagLogProb's output. */
function storeRow(
  out: Float64Array,
  i: number,
  k: number,
  c0: number,
  diag: boolean,
  cst: number,
  constant: Float64Array,
  precK: Float64Array,
  logDet: Float64Array,
  v0: number,
  v1: number,
  v2: number,
  v3: number,
): void {
  const o = i * k;
  for (let t = 0; t < 4; t++) {
    const c = c0 + t;
    if (c >= k) return;
    const q = (t === 0 ? v0 : t === 1 ? v1 : t === 2 ? v2 : v3) + constant[c];
    out[o + c] = cst - 0.5 * (diag ? q : q * precK[c]) + logDet[c];
  }
}

/**
 * Adds log weights to `lp` [n, k] and normalises each row in the log domain. Writes each row's
 * log-sum-exp to `lse` and, when `toResp`, replaces `lp` by responsibilities exp(lp - lse).
 * Returns the mean log-sum-exp (the mean log-likelihood).
 */
export function normalizeRows(
  lp: Float64Array,
  n: number,
  k: number,
  logWeights: Float64Array,
  lse: Float64Array,
  toResp: boolean,
  ws: Workspace | null = null,
): number {
  let total = 0;
  const arena = ws?.arena ?? null;
  if (toResp && arena !== null && ws !== null && lp === ws.lp && n === ws.n) {
    // SIMD kernel: exponentials, sums and the division; the logs here.
    const views = arena.views;
    const base = views.length - 3;
    views[base].set(logWeights);
    const o = arena.offsets;
    arena.normalize(o[1], n, k, o[base], o[base + 1], o[base + 2]);
    const rowMax = views[base + 1];
    const rowSum = views[base + 2];
    for (let i = 0; i < n; i++) {
      const l = rowSum[i] > 0 ? rowMax[i] + Math.log(rowSum[i]) : -Infinity;
      lse[i] = l;
      total += l;
    }
    return total / n;
  }
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      const v = lp[o + c] + logWeights[c];
      lp[o + c] = v;
      if (v > max) max = v;
    }
    let s = 0;
    if (max === -Infinity) {
      lse[i] = -Infinity;
      total += -Infinity;
      continue;
    }
    if (toResp) {
      for (let c = 0; c < k; c++) {
        const e = Math.exp(lp[o + c] - max);
        lp[o + c] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let c = 0; c < k; c++) lp[o + c] *= inv;
    } else {
      for (let c = 0; c < k; c++) s += Math.exp(lp[o + c] - max);
    }
    const l = max + Math.log(s);
    lse[i] = l;
    total += l;
  }
  return total / n;
}

/** log of each weight (log 0 = -Infinity). */
export function logOf(w: Float64Array): Float64Array {
  const out = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = Math.log(w[i]);
  return out;
}

/**
 * c[a, b] += sum_i w_i u[a, i] u[b, i] over m samples of the transposed chunk u [dp, CHUNK], lower
 * 4x4 blocks only (b0 <= a0; the upper half of diagonal blocks is not computed), and
 * sums[a] += sum_i w_i u[a, i]: a register-blocked weighted SYRK whose input streams are contiguous.
 */
function syrkLower(
  u: Float64Array,
  w: Float64Array,
  m: number,
  dp: number,
  c: Float64Array,
  cOff: number,
  sums: Float64Array,
  sOff: number,
): void {
  for (let a0 = 0; a0 < dp; a0 += 4) {
    const ra0 = a0 * CHUNK;
    const ra1 = ra0 + CHUNK;
    const ra2 = ra1 + CHUNK;
    const ra3 = ra2 + CHUNK;
    for (let b0 = 0; b0 <= a0; b0 += 4) {
      const rb0 = b0 * CHUNK;
      const rb1 = rb0 + CHUNK;
      const rb2 = rb1 + CHUNK;
      const rb3 = rb2 + CHUNK;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      if (b0 === a0) {
        // Diagonal block: also the weighted sums sum_i w_i u[a, i] of its 4 rows.
        let t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        for (let i = 0; i < m; i++) {
          const wi = w[i];
          const q0 = u[ra0 + i];
          const q1 = u[ra1 + i];
          const q2 = u[ra2 + i];
          const q3 = u[ra3 + i];
          const p0 = wi * q0;
          const p1 = wi * q1;
          const p2 = wi * q2;
          const p3 = wi * q3;
          t0 += p0; t1 += p1; t2 += p2; t3 += p3;
          s00 += p0 * q0;
          s10 += p1 * q0; s11 += p1 * q1;
          s20 += p2 * q0; s21 += p2 * q1; s22 += p2 * q2;
          s30 += p3 * q0; s31 += p3 * q1; s32 += p3 * q2; s33 += p3 * q3;
        }
        sums[sOff + a0] += t0;
        sums[sOff + a0 + 1] += t1;
        sums[sOff + a0 + 2] += t2;
        sums[sOff + a0 + 3] += t3;
      } else {
        for (let i = 0; i < m; i++) {
          const wi = w[i];
          const p0 = wi * u[ra0 + i];
          const p1 = wi * u[ra1 + i];
          const p2 = wi * u[ra2 + i];
          const p3 = wi * u[ra3 + i];
          const q0 = u[rb0 + i];
          const q1 = u[rb1 + i];
          const q2 = u[rb2 + i];
          const q3 = u[rb3 + i];
          s00 += p0 * q0; s01 += p0 * q1; s02 += p0 * q2; s03 += p0 * q3;
          s10 += p1 * q0; s11 += p1 * q1; s12 += p1 * q2; s13 += p1 * q3;
          s20 += p2 * q0; s21 += p2 * q1; s22 += p2 * q2; s23 += p2 * q3;
          s30 += p3 * q0; s31 += p3 * q1; s32 += p3 * q2; s33 += p3 * q3;
        }
      }
      const o0 = cOff + a0 * dp + b0;
      const o1 = o0 + dp;
      const o2 = o1 + dp;
      const o3 = o2 + dp;
      c[o0] += s00; c[o0 + 1] += s01; c[o0 + 2] += s02; c[o0 + 3] += s03;
      c[o1] += s10; c[o1 + 1] += s11; c[o1 + 2] += s12; c[o1 + 3] += s13;
      c[o2] += s20; c[o2 + 1] += s21; c[o2 + 2] += s22; c[o2 + 3] += s23;
      c[o3] += s30; c[o3 + 1] += s31; c[o3 + 2] += s32; c[o3 + 3] += s33;
    }
  }
}

/** The data mean [d] (the shift of the full-covariance scatter), cached per data array. */
function dataShift(ws: Workspace, x: Float64Array): Float64Array {
  if (ws.shiftSource !== x || ws.shift === null) {
    const { n, d } = ws;
    const shift = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) shift[a] += x[i * d + a];
    for (let a = 0; a < d; a++) shift[a] /= n;
    ws.shift = shift;
    ws.shiftSource = x;
  }
  return ws.shift;
}

/**
 * Full covariances (sklearn's _estimate_gaussian_covariances_full): sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / nk
 * + reg. Computed as the scatter of u_i = x_i - s about the data mean s, shared by all components
 * (one transposed chunk of u serves every component), then centred exactly:
 * sum r (u - v)(u - v)^T = C - S v^T - v S^T + R v v^T with v = mu_k - s, S = sum r u, R = sum r.
 * Components whose responsibilities are mostly exact zeros gather only their non-zero rows.
 */
function fullCovariances(
  ws: Workspace,
  x: Float64Array,
  resp: Float64Array,
  regCovar: number,
  nk: Float64Array,
  means: Float64Array,
  cov: Float64Array,
): void {
  const { n, d, k, dp } = ws;
  const shift = dataShift(ws, x);
  const { dT: u, dTr: uc, cPad: cs, rv, rc, sumR, sumU } = ws;
  const arena = ws.arena;
  // The SIMD kernel takes pairs of samples: an odd count gets one extra sample with weight 0
  // (its u column holds finite values from an earlier chunk, or zeros).
  const syrk = (uu: Float64Array, w: Float64Array, m: number, c: number): void => {
    if (arena === null) {
      syrkLower(uu, w, m, dp, cs, c * dp * dp, sumU, c * dp);
      return;
    }
    if (m & 1) w[m] = 0;
    const o = arena.offsets;
    arena.syrk(uu === u ? o[4] : o[5], w === rv ? o[6] : o[7], m + (m & 1), dp, CHUNK, o[8] + c * dp * dp * 8, o[9] + c * dp * 8);
  };
  cs.fill(0);
  sumR.fill(0);
  sumU.fill(0);
  // Components with few non-zero responsibilities (well-separated data) gather just those rows;
  // the others share one chunk of u per block of samples.
  const nnz = new Int32Array(k);
  for (let t = 0; t < n * k; t++) if (resp[t] !== 0) nnz[t % k]++;
  const sparse: number[] = [];
  const dense: number[] = [];
  for (let c = 0; c < k; c++) {
    if (nnz[c] === 0) continue;
    (4 * nnz[c] <= n ? sparse : dense).push(c);
  }
  if (dense.length > 0) {
    for (let start = 0; start < n; start += CHUNK) {
      const m = Math.min(CHUNK, n - start);
      for (let i = 0; i < m; i++) {
        const xo = (start + i) * d;
        for (let a = 0; a < d; a++) u[a * CHUNK + i] = x[xo + a] - shift[a]; // padded rows stay zero
      }
      for (const c of dense) {
        let r = 0;
        for (let i = 0; i < m; i++) {
          const v = resp[(start + i) * k + c];
          rv[i] = v;
          r += v;
        }
        sumR[c] += r;
        syrk(u, rv, m, c);
      }
    }
  }
  for (const c of sparse) {
    let j = 0;
    for (let i = 0; i < n; i++) {
      const r = resp[i * k + c];
      if (r === 0) continue; // exact zeros add nothing
      rc[j] = r;
      sumR[c] += r;
      const xo = i * d;
      for (let a = 0; a < d; a++) uc[a * CHUNK + j] = x[xo + a] - shift[a];
      if (++j === CHUNK) {
        syrk(uc, rc, j, c);
        j = 0;
      }
    }
    if (j > 0) syrk(uc, rc, j, c);
  }
  const v = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    const cOff = c * dp * dp;
    const co = c * d * d;
    const R = sumR[c];
    // nk and the means (sklearn: resp.sum(0) + 10 eps, resp.T @ X / nk) from the same pass.
    nk[c] = R + NK_EPS;
    const inv = 1 / nk[c];
    for (let a = 0; a < d; a++) {
      means[c * d + a] = (sumU[c * dp + a] + R * shift[a]) * inv;
      v[a] = means[c * d + a] - shift[a];
    }
    for (let a = 0; a < d; a++) {
      const sa = sumU[c * dp + a];
      for (let b = 0; b <= a; b++) {
        const sb = sumU[c * dp + b];
        const val = (cs[cOff + a * dp + b] - sa * v[b] - v[a] * sb + R * v[a] * v[b]) * inv;
        cov[co + a * d + b] = val;
        cov[co + b * d + a] = val;
      }
      cov[co + a * d + a] += regCovar;
    }
  }
}

/**
 * The M-step statistics (sklearn's `_estimate_gaussian_parameters`): `nk` [k] (responsibility
 * sums + 10 eps), `means` [k, d], and covariances by type with `regCovar` on the diagonal.
 * `resp` is [n, k]. Writes into the given arrays.
 */
export function estimateGaussianParameters(
  ws: Workspace,
  x: Float64Array,
  resp: Float64Array,
  regCovar: number,
  nk: Float64Array,
  means: Float64Array,
  cov: Float64Array,
): void {
  const { n, d, k, dp, type } = ws;
  if (type === 'diag' || type === 'spherical') {
    diagParameters(ws, x, resp, regCovar, nk, means, cov);
    return;
  }
  if (type === 'full') {
    fullCovariances(ws, x, resp, regCovar, nk, means, cov);
    return;
  }
  nk.fill(0);
  means.fill(0);
  for (let i = 0; i < n; i++) {
    const ro = i * k;
    const xo = i * d;
    for (let c = 0; c < k; c++) {
      const r = resp[ro + c];
      if (r === 0) continue;
      nk[c] += r;
      const mo = c * d;
      for (let j = 0; j < d; j++) means[mo + j] += r * x[xo + j];
    }
  }
  for (let c = 0; c < k; c++) {
    nk[c] += NK_EPS;
    const inv = 1 / nk[c];
    for (let j = 0; j < d; j++) means[c * d + j] *= inv;
  }
  if (type === 'tied') {
    // (X^T X - sum_k nk mu_k mu_k^T) / sum(nk) + reg, with X^T X cached per data set.
    if (ws.xtxSource !== x || ws.xtx === null) {
      const xtx = new Float64Array(d * d);
      for (let i = 0; i < n; i++) {
        const xo = i * d;
        for (let a = 0; a < d; a++) {
          const xa = x[xo + a];
          for (let b = 0; b <= a; b++) xtx[a * d + b] += xa * x[xo + b];
        }
      }
      for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) xtx[b * d + a] = xtx[a * d + b];
      ws.xtx = xtx;
      ws.xtxSource = x;
    }
    let total = 0;
    for (let c = 0; c < k; c++) total += nk[c];
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        let s = 0;
        for (let c = 0; c < k; c++) s += nk[c] * means[c * d + a] * means[c * d + b];
        cov[a * d + b] = (ws.xtx[a * d + b] - s) / total;
      }
      cov[a * d + a] += regCovar;
    }
  }
}

/** Samples per chunk in the diag/spherical moment accumulation. */
const M_CHUNK = 256;

/**
 * diag / spherical M-step in one blocked pass (sklearn's formulas): nk = sum_i r_ik + 10 eps,
 * S1 = R^T X, S2 = R^T X^2, means = S1 / nk, var = S2 / nk - 2 means S1 / nk + means^2 + reg
 * (spherical: the mean over features). Blocks of 4 components x 2 features stay in registers.
 */
function diagParameters(
  ws: Workspace,
  x: Float64Array,
  resp: Float64Array,
  regCovar: number,
  nk: Float64Array,
  means: Float64Array,
  cov: Float64Array,
): void {
  const { n, d, k, type } = ws;
  const kp = (k + 3) & ~3;
  const rc = ws.respChunk; // [M_CHUNK, kp]
  const s1 = ws.s1; // [kp, d]
  const s2 = ws.s2;
  s1.fill(0);
  s2.fill(0);
  nk.fill(0);
  for (let start = 0; start < n; start += M_CHUNK) {
    const m = Math.min(M_CHUNK, n - start);
    for (let i = 0; i < m; i++) {
      const ro = (start + i) * k;
      for (let c = 0; c < k; c++) {
        const r = resp[ro + c];
        rc[i * kp + c] = r;
        nk[c] += r;
      }
    }
    const arena = ws.arena;
    if (arena !== null && x === ws.arenaSource) {
      const o = arena.offsets;
      arena.diagMoments(o[0] + start * d * 8, m, d, kp, o[7], o[8], o[9]);
      continue;
    }
    for (let c0 = 0; c0 < kp; c0 += 4) {
      let j = 0;
      for (; j + 1 < d; j += 2) {
        let a00 = 0, a01 = 0, a10 = 0, a11 = 0, a20 = 0, a21 = 0, a30 = 0, a31 = 0;
        let b00 = 0, b01 = 0, b10 = 0, b11 = 0, b20 = 0, b21 = 0, b30 = 0, b31 = 0;
        for (let i = 0; i < m; i++) {
          const xo = (start + i) * d + j;
          const x0 = x[xo];
          const x1 = x[xo + 1];
          const q0 = x0 * x0;
          const q1 = x1 * x1;
          const ro = i * kp + c0;
          const r0 = rc[ro], r1 = rc[ro + 1], r2 = rc[ro + 2], r3 = rc[ro + 3];
          a00 += r0 * x0; a01 += r0 * x1; b00 += r0 * q0; b01 += r0 * q1;
          a10 += r1 * x0; a11 += r1 * x1; b10 += r1 * q0; b11 += r1 * q1;
          a20 += r2 * x0; a21 += r2 * x1; b20 += r2 * q0; b21 += r2 * q1;
          a30 += r3 * x0; a31 += r3 * x1; b30 += r3 * q0; b31 += r3 * q1;
        }
        const o = c0 * d + j;
        s1[o] += a00; s1[o + 1] += a01; s2[o] += b00; s2[o + 1] += b01;
        s1[o + d] += a10; s1[o + d + 1] += a11; s2[o + d] += b10; s2[o + d + 1] += b11;
        s1[o + 2 * d] += a20; s1[o + 2 * d + 1] += a21; s2[o + 2 * d] += b20; s2[o + 2 * d + 1] += b21;
        s1[o + 3 * d] += a30; s1[o + 3 * d + 1] += a31; s2[o + 3 * d] += b30; s2[o + 3 * d + 1] += b31;
      }
      if (j < d) {
        for (let t = 0; t < 4; t++) {
          let a = 0;
          let b = 0;
          for (let i = 0; i < m; i++) {
            const xv = x[(start + i) * d + j];
            const r = rc[i * kp + c0 + t];
            a += r * xv;
            b += r * xv * xv;
          }
          s1[(c0 + t) * d + j] += a;
          s2[(c0 + t) * d + j] += b;
        }
      }
    }
  }
  const diag = type === 'diag' ? cov : ws.varBuf;
  for (let c = 0; c < k; c++) {
    nk[c] += NK_EPS;
    for (let j = 0; j < d; j++) {
      const o = c * d + j;
      const avgX = s1[o] / nk[c];
      const mu = avgX;
      means[o] = mu;
      diag[o] = s2[o] / nk[c] - 2 * mu * avgX + mu * mu + regCovar;
    }
  }
  if (type === 'spherical') {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += diag[c * d + j];
      cov[c] = s / d;
    }
  }
}

/**
 * Precision factors from covariances (sklearn's `_compute_precision_cholesky`): for full/tied,
 * P = L^{-T} (upper triangular, P P^T = Sigma^{-1}) with Sigma = L L^T; otherwise 1 / sqrt(sigma).
 * Returns -1, or the first component whose covariance is not positive definite (0 for tied).
 */
export function computePrecisionCholesky(
  type: CovarianceType,
  cov: Float64Array,
  k: number,
  d: number,
  out: Float64Array,
): number {
  if (type === 'full' || type === 'tied') {
    const count = type === 'full' ? k : 1;
    const dd = d * d;
    const inv = new Float64Array(dd);
    for (let c = 0; c < count; c++) {
      let l;
      try {
        l = choleskyF64({ data: cov.subarray(c * dd, (c + 1) * dd), shape: [d, d] }).data;
      } catch (error) {
        if (error instanceof InvalidArgumentError) return c;
        throw error;
      }
      lowerInverse(l, d, inv);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) out[c * dd + a * d + b] = inv[b * d + a];
    }
    return -1;
  }
  for (let t = 0; t < cov.length; t++) {
    if (!(cov[t] > 0)) return type === 'diag' ? Math.floor(t / d) : t;
    out[t] = 1 / Math.sqrt(cov[t]);
  }
  return -1;
}

/**
 * Inverse of a lower-triangular matrix with non-zero diagonal, row by row (forward substitution
 * against the identity, skipping its known zeros: d^3 / 6 multiply-adds, versus d^3 / 2 for a
 * general triangular solve with d right-hand sides). `inv` is [d, d], lower triangular on return.
 */
function lowerInverse(l: Float64Array, d: number, inv: Float64Array): void {
  inv.fill(0);
  for (let i = 0; i < d; i++) {
    const ri = i * d;
    inv[ri + i] = 1;
    // row_i -= L[i, m] row_m for m < i (row m of the inverse is zero beyond column m).
    for (let m = 0; m < i; m++) {
      const f = l[ri + m];
      if (f === 0) continue;
      const rm = m * d;
      for (let j = 0; j <= m; j++) inv[ri + j] -= f * inv[rm + j];
    }
    const dinv = 1 / l[ri + i];
    for (let j = 0; j <= i; j++) inv[ri + j] *= dinv;
  }
}

/** Precision matrices from their factors: P P^T (full/tied), P^2 (diag/spherical). */
export function precisionsFromCholesky(type: CovarianceType, pc: Float64Array, k: number, d: number): Float64Array {
  if (type === 'diag' || type === 'spherical') return pc.map((v) => v * v);
  const count = type === 'full' ? k : 1;
  const out = new Float64Array(count * d * d);
  for (let c = 0; c < count; c++) {
    const o = c * d * d;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += pc[o + a * d + j] * pc[o + b * d + j];
        out[o + a * d + b] = s;
      }
    }
  }
  return out;
}
