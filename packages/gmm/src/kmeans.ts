// k-means for initialisation: greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with
// 2 + floor(ln k) local trials per centre as in scikit-learn) and Lloyd iterations (Lloyd 1982).
import { RandomStream, type Seed } from '@gen/core';

/** Squared Euclidean distance between row i of x and row c of centres. */
function dist2(x: Float64Array, xo: number, centres: Float64Array, co: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const e = x[xo + j] - centres[co + j];
    s += e * e;
  }
  return s;
}

/** Draws an index with probability proportional to `w` (cumulative search). */
function drawWeighted(w: Float64Array, total: number, u: number): number {
  const target = u * total;
  let acc = 0;
  for (let i = 0; i < w.length; i++) {
    acc += w[i];
    if (acc > target) return i;
  }
  // Rounding: return the last index with positive weight.
  for (let i = w.length - 1; i >= 0; i--) if (w[i] > 0) return i;
  return w.length - 1;
}

/**
 * Greedy k-means++ seeding. Returns the indices of the chosen rows, [k].
 */
export function kmeansPlusPlus(x: Float64Array, n: number, d: number, k: number, seed: Seed): Int32Array {
  const stream = new RandomStream(seed);
  const trials = 2 + Math.floor(Math.log(k));
  const indices = new Int32Array(k);
  const closest = new Float64Array(n);
  const candidate = new Float64Array(n);
  const best = new Float64Array(n);
  indices[0] = Math.min(n - 1, Math.floor(stream.uniform() * n));
  let pot = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = dist2(x, i * d, x, indices[0] * d, d);
    pot += closest[i];
  }
  for (let c = 1; c < k; c++) {
    let bestPot = Infinity;
    let bestIndex = -1;
    for (let t = 0; t < trials; t++) {
      const idx = pot > 0 ? drawWeighted(closest, pot, stream.uniform()) : Math.floor(stream.uniform() * n);
      let p = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.min(closest[i], dist2(x, i * d, x, idx * d, d));
        candidate[i] = v;
        p += v;
      }
      if (p < bestPot) {
        bestPot = p;
        bestIndex = idx;
        best.set(candidate);
      }
    }
    indices[c] = bestIndex;
    closest.set(best);
    pot = bestPot;
  }
  return indices;
}

/**
 * Lloyd's k-means from k-means++ seeds, until no label changes, the centre shift falls below
 * `tol` times the mean feature variance, or `maxIter` passes. Returns the labels [n].
 */
export function kmeansLabels(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  seed: Seed,
  { maxIter = 300, tol = 1e-4 }: { maxIter?: number; tol?: number } = {},
): Int32Array {
  const init = kmeansPlusPlus(x, n, d, k, seed);
  const centres = new Float64Array(k * d);
  for (let c = 0; c < k; c++) centres.set(x.subarray(init[c] * d, init[c] * d + d), c * d);
  // Tolerance relative to the data's mean variance, as sklearn does.
  let meanVar = 0;
  for (let j = 0; j < d; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) s += x[i * d + j];
    const mu = s / n;
    for (let i = 0; i < n; i++) s2 += (x[i * d + j] - mu) ** 2;
    meanVar += s2 / n;
  }
  const shiftTol = (meanVar / d) * tol;
  const labels = new Int32Array(n).fill(-1);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let bestC = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const v = dist2(x, i * d, centres, c * d, d);
        if (v < bestD) {
          bestD = v;
          bestC = c;
        }
      }
      if (labels[i] !== bestC) changed++;
      labels[i] = bestC;
    }
    if (changed === 0) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      counts[c]++;
      for (let j = 0; j < d; j++) sums[c * d + j] += x[i * d + j];
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue; // an empty cluster keeps its centre
      for (let j = 0; j < d; j++) {
        const v = sums[c * d + j] / counts[c];
        shift += (v - centres[c * d + j]) ** 2;
        centres[c * d + j] = v;
      }
    }
    if (shift <= shiftTol) {
      // Final assignment to the moved centres.
      for (let i = 0; i < n; i++) {
        let bestC = 0;
        let bestD = Infinity;
        for (let c = 0; c < k; c++) {
          const v = dist2(x, i * d, centres, c * d, d);
          if (v < bestD) {
            bestD = v;
            bestC = c;
          }
        }
        labels[i] = bestC;
      }
      break;
    }
  }
  return labels;
}
