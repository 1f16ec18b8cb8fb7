// Benchmark: GaussianMixture fit time against scikit-learn on the same data from the same initial
// parameters (written by gmm_peer.py), fixed iteration count (tol 0) and converged (tol 1e-3), and
// online-EM (partialFit) throughput on 1M points. Records suite 'gmm'.
//
// Run: node --import tsx packages/gmm/bench/gmm.bench.ts   (GMM_BENCH_SMALL=1: quick check;
// GMM_BENCH_REPEATS=n: fastest of n runs on both sides, default 3, since the machine is shared)
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalFloat64 } from '@gen/core';
import { type BenchRow, recordResults, repoRoot, runPython } from '../../../scripts/bench/kit.js';
import { GaussianMixture } from '../src/index.js';

const FIXED_ITERS = 10;
/** Each fit is timed this many times on both sides and the fastest run is kept (shared machine). */
const REPEATS = Number(process.env.GMM_BENCH_REPEATS ?? 3);
const small = process.env.GMM_BENCH_SMALL === '1';
const TYPES = ['full', 'tied', 'diag', 'spherical'] as const;

interface PeerCase {
  data: string;
  type: string;
  mode: string;
  ms?: number;
  nIter?: number;
  lowerBound?: number;
  pointsPerSecond?: number;
}

const dir = mkdtempSync(join(tmpdir(), 'gen-gmm-bench-'));
const peer = runPython<{ sklearn: string; numpy: string; cases: PeerCase[] }>(
  join(repoRoot, 'packages/gmm/bench/gmm_peer.py'),
  [dir, String(FIXED_ITERS), ...(small ? ['small'] : [])],
  1_800_000,
);
if (!peer.ok) {
  console.error(peer.reason);
  process.exit(1);
}
const peerName = `scikit-learn ${peer.value.sklearn} (NumPy ${peer.value.numpy})`;
const rows: BenchRow[] = [];

for (const data of ['blobs', 'digits']) {
  const buf = readFileSync(join(dir, `${data}.f64`));
  const x = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  for (const type of TYPES) {
    const init = JSON.parse(readFileSync(join(dir, `${data}-${type}.json`), 'utf8')) as {
      shape: [number, number];
      k: number;
      regCovar: number;
      weightsInit: number[];
      meansInit: number[];
      precisionsInit: number[];
    };
    const [n, d] = init.shape;
    // Untimed warm-up on the first 2000 rows so that V8 has compiled the kernels (NumPy's are precompiled).
    await new GaussianMixture({ nComponents: init.k, covarianceType: type, regCovar: init.regCovar, maxIter: 3, tol: 0 }).fit({
      data: x.subarray(0, Math.min(n, 2000) * d),
      shape: [Math.min(n, 2000), d],
    });
    for (const [mode, tol, maxIter] of [['fixed', 0, FIXED_ITERS], ['converged', 1e-3, 100]] as const) {
      let gmm: GaussianMixture | null = null;
      let ms = Infinity;
      for (let r = 0; r < REPEATS; r++) {
        gmm = new GaussianMixture({
          nComponents: init.k,
          covarianceType: type,
          regCovar: init.regCovar,
          tol,
          maxIter,
          weightsInit: init.weightsInit,
          meansInit: Float64Array.from(init.meansInit),
          precisionsInit: Float64Array.from(init.precisionsInit),
        });
        const start = performance.now();
        await gmm.fit({ data: x, shape: [n, d] });
        ms = Math.min(ms, performance.now() - start);
      }
      if (gmm === null) throw new Error('GMM_BENCH_REPEATS must be at least 1');
      const ref = peer.value.cases.find((c) => c.data === data && c.type === type && c.mode === mode);
      const label = mode === 'fixed' ? `${FIXED_ITERS} iterations (tol 0)` : 'converged (tol 1e-3)';
      const note = ref
        ? `nIter ours ${gmm.nIter} / sklearn ${ref.nIter}; lower bound ours ${gmm.lowerBound.toFixed(6)} / sklearn ${ref.lowerBound?.toFixed(6)}`
        : 'peer case missing';
      rows.push({ name: `fit ${data} ${n}x${d} k=${init.k} ${type}, ${label}`, ours: ms, peer: ref?.ms ?? null, peerName, unit: 'ms', lowerIsBetter: true, note });
      console.log(rows[rows.length - 1].name, ms.toFixed(0), 'ms', note);
    }
  }
}
rmSync(dir, { recursive: true, force: true });

// Online EM throughput: partialFit over 1M points (100 batches of 10k), d = 16, k = 16.
const nBig = small ? 100_000 : 1_000_000;
const d = 16;
const k = 16;
const z = normalFloat64(1, nBig * d);
const centres = normalFloat64(2, k * d);
for (let i = 0; i < nBig; i++) for (let j = 0; j < d; j++) z[i * d + j] = 2 * z[i * d + j] + 10 * centres[(i % k) * d + j];
for (const type of ['full', 'diag'] as const) {
  let ours = 0;
  for (let r = 0; r < REPEATS; r++) {
    const gmm = new GaussianMixture({ nComponents: k, covarianceType: type, seed: 0 });
    const batch = 10_000;
    await gmm.partialFit({ data: z.subarray(0, batch * d), shape: [batch, d] }); // initialisation (k-means on the first batch), untimed
    const start = performance.now();
    for (let s = batch; s < nBig; s += batch) await gmm.partialFit({ data: z.subarray(s * d, (s + batch) * d), shape: [batch, d] });
    const seconds = (performance.now() - start) / 1000;
    ours = Math.max(ours, (nBig - batch) / seconds);
  }
  const ref = peer.value.cases.find((c) => c.data === 'throughput' && c.type === type);
  rows.push({
    name: `online EM (partialFit, batches of 10k) ${nBig}x${d} k=${k} ${type}`,
    ours,
    peer: ref?.pointsPerSecond ?? null,
    peerName: `${peerName}, one full-batch EM iteration`,
    unit: 'points/s',
    lowerIsBetter: false,
    note: 'sklearn has no online EM; its figure is points per second of one batch EM iteration (+ final E-step) on 1M points of its own blobs',
  });
  console.log(rows[rows.length - 1].name, ours.toFixed(0), 'points/s');
}

recordResults(
  'gmm',
  `Gaussian mixture EM: @gen/gmm vs scikit-learn (same data, same initial parameters, fastest of ${REPEATS} runs each)`,
  'node --import tsx packages/gmm/bench/gmm.bench.ts',
  rows,
);
