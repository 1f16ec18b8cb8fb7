// Float64 linear algebra (choleskyF64, eighF64) against NumPy/LAPACK on the same SPD matrices,
// plus the float32 tensor `cholesky` (tfjs ops) on the current backend against NumPy float32.
// Run: cd packages/core && npx tsup && cd ../.. && node --import tsx packages/core/bench/linalg.bench.ts
// (GEN_BACKEND=wasm|cpu picks the backend of the tensor row; default wasm.)
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { type ArrayF64, cholesky, choleskyF64, eighF64, initBackend } from '@gen/core';
import { type BenchRow, recordResults, runPython, timeMs } from '../../../scripts/bench/kit.js';

const SIZES = [256, 512];
const REPEATS = 7;
const TENSOR_SIZES = [64, 256];

/** A = M M^T / n + I with M[i, j] = frac(sin(12.9898 i + 78.233 j) * 43758.5453) - 0.5 (as in the peer). */
function spd(n: number): ArrayF64 {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const s = Math.sin(i * 12.9898 + j * 78.233) * 43758.5453;
      m[i * n + j] = s - Math.floor(s) - 0.5;
    }
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += m[i * n + k] * m[j * n + k];
      a[i * n + j] = a[j * n + i] = s / n + (i === j ? 1 : 0);
    }
  }
  return { data: a, shape: [n, n] };
}

const backend = process.env.GEN_BACKEND ?? 'wasm';
await initBackend(backend as 'wasm' | 'cpu');

const peer = runPython<Record<string, number | string>>(
  new URL('./linalg_peer.py', import.meta.url).pathname,
  [String(REPEATS), ...new Set([...SIZES, ...TENSOR_SIZES])].map(String),
);
const peerName = peer.ok ? `NumPy ${peer.value.numpy} (OpenBLAS LAPACK)` : 'NumPy';
const peerMs = (key: string) => (peer.ok && typeof peer.value[key] === 'number' ? (peer.value[key] as number) : null);
const note = peer.ok ? undefined : peer.reason;

const rows: BenchRow[] = [];
for (const n of SIZES) {
  const a = spd(n);
  rows.push({
    name: `choleskyF64 ${n}x${n} float64`,
    ours: await timeMs(() => choleskyF64(a), { repeats: REPEATS }),
    peer: peerMs(`cholesky_${n}`),
    peerName: `${peerName} cholesky`,
    unit: 'ms',
    lowerIsBetter: true,
    note,
  });
  rows.push({
    name: `eighF64 ${n}x${n} float64`,
    ours: await timeMs(() => eighF64(a), { repeats: n > 256 ? 3 : REPEATS }),
    peer: peerMs(`eigh_${n}`),
    peerName: `${peerName} eigh`,
    unit: 'ms',
    lowerIsBetter: true,
    note,
  });
}
for (const n of TENSOR_SIZES) {
  const a = tf.tensor(Float32Array.from(spd(n).data), [n, n]);
  rows.push({
    name: `cholesky (tensor, ${tf.getBackend()}) ${n}x${n} float32`,
    ours: await timeMs(async () => {
      const l = cholesky(a);
      await l.data();
      l.dispose();
    }, { repeats: 5 }),
    peer: peerMs(`cholesky32_${n}`),
    peerName: `${peerName} cholesky float32`,
    unit: 'ms',
    lowerIsBetter: true,
    note: note ?? 'tfjs ops, one column per step (~10 ops each)',
  });
  a.dispose();
}

recordResults(
  'core-linalg',
  'Linear algebra: float64 Cholesky and symmetric eigendecomposition, float32 tensor Cholesky',
  'cd packages/core && npx tsup && cd ../.. && node --import tsx packages/core/bench/linalg.bench.ts',
  rows,
);
