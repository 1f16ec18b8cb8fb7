// Frechet distance of two 2048-d feature sets of 10k samples (the FID setting): ours (float64 JS:
// blocked syrk covariance, Cholesky, L^T S2 L, tridiagonal eigenvalues) against pytorch-fid's
// formula in NumPy/SciPy (np.cov with OpenBLAS, scipy.linalg.sqrtm) on the same data, one run each.
// Run: node --import tsx packages/eval/bench/frechet.bench.ts   (GEN_FID_N / GEN_FID_D to shrink)
import { type BenchRow, recordResults, runPython } from '../../../scripts/bench/kit.js';
import { featureSet } from '../src/fixtures.test-util.js';
import { frechetDistance } from '../src/frechet.js';
import { featureStatistics } from '../src/statistics.js';
import { loadavg } from 'node:os';

const n = Number(process.env.GEN_FID_N ?? 10_000);
const d = Number(process.env.GEN_FID_D ?? 2048);
const x = featureSet(61, n, d);
const y = featureSet(62, n, d, 0.2);
const load = loadavg()[0].toFixed(1);

let start = performance.now();
await featureStatistics(x);
const covMs = performance.now() - start;
start = performance.now();
const ours = await frechetDistance(x, y);
const fidMs = performance.now() - start;
console.log(`ours: covariance ${covMs.toFixed(0)} ms, Frechet distance ${fidMs.toFixed(0)} ms, value ${ours.value} (${ours.route})`);

const peer = runPython<{ numpy: string; scipy: string; cov_ms: number; fid_ms: number; value: number; usedOffset: boolean; maxImag: number }>(
  new URL('./frechet_peer.py', import.meta.url).pathname,
  [String(n), String(d)],
);
const peerName = peer.ok ? `NumPy ${peer.value.numpy} / SciPy ${peer.value.scipy} (OpenBLAS)` : 'NumPy/SciPy';
if (peer.ok) {
  const rel = Math.abs(ours.value - peer.value.value) / Math.abs(peer.value.value);
  console.log(`peer: np.cov ${peer.value.cov_ms.toFixed(0)} ms, pytorch-fid formula ${peer.value.fid_ms.toFixed(0)} ms, value ${peer.value.value}; relative difference ${rel.toExponential(2)}`);
}
const note = peer.ok ? `one run each, load average ${load} on the shared 2-core machine` : peer.reason;
const rows: BenchRow[] = [
  {
    name: `covariance ${n}x${d} float64`,
    ours: covMs,
    peer: peer.ok ? peer.value.cov_ms : null,
    peerName: `${peerName} np.cov`,
    unit: 'ms',
    lowerIsBetter: true,
    note,
  },
  {
    name: `Frechet distance, two ${n}x${d} sets (both covariances + trace sqrt)`,
    ours: fidMs,
    peer: peer.ok ? peer.value.fid_ms : null,
    peerName: `${peerName} pytorch-fid formula (sqrtm)`,
    unit: 'ms',
    lowerIsBetter: true,
    note,
  },
];
recordResults('eval', 'Frechet distance (float64) vs NumPy/SciPy', 'node --import tsx packages/eval/bench/frechet.bench.ts', rows);
