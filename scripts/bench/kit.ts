// Shared helpers for `pnpm bench`: timing, running the Python peer, and recording results that
// scripts/bench/write-markdown.ts turns into BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One row of a benchmark table. */
export interface BenchRow {
  /** What was measured, e.g. "eigh 512x512 float64". */
  name: string;
  /** Our figure. */
  ours: number;
  /** The peer's figure from the same run, or null when the peer was absent (say why in `note`). */
  peer: number | null;
  /** e.g. "NumPy 1.24 (OpenBLAS)". */
  peerName: string;
  /** e.g. "ms", "GFLOP/s", "nats". */
  unit: string;
  /** For time, true; for throughput, false. Decides how the ratio reads. */
  lowerIsBetter: boolean;
  note?: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median wall time of `fn` in milliseconds, after `warmup` untimed runs. */
export async function timeMs(
  fn: () => unknown | Promise<unknown>,
  { warmup = 1, repeats = 5 }: { warmup?: number; repeats?: number } = {},
): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** The Python that has NumPy: Debian's /usr/bin/python3 unless GEN_PYTHON says otherwise. */
export function pythonPath(): string {
  return process.env.GEN_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

/** A peer that could not give its figures in this process: `reason` starts with "peer absent:" or "peer failed:". */
export interface PeerProblem {
  script: string;
  reason: string;
}

/** Peers that did not run in this process; `recordResults` stores them so BENCHMARKS.md says so. */
export const peerProblems: PeerProblem[] = [];

const SETUP_HINT = 'bash scripts/bench/setup-peers.sh installs the peers';

/**
 * Why a peer run failed, in one line: "peer absent: ..." when Python or one of its modules is
 * missing (with the fix), "peer failed: ..." when the script ran and broke or timed out.
 */
export function describePeerFailure(python: string, error: unknown, timeoutMs: number): string {
  const e = error as { code?: string; signal?: string; stderr?: string; message?: string };
  if (e.code === 'ENOENT') return `peer absent: ${python} not found (${SETUP_HINT}; GEN_PYTHON picks another Python)`;
  const stderr = (e.stderr ?? '').trim();
  const missing = /No module named '([^']+)'/.exec(stderr);
  if (missing) return `peer absent: ${python} has no module '${missing[1]}' (${SETUP_HINT})`;
  if (e.signal === 'SIGTERM' || e.code === 'ETIMEDOUT') return `peer failed: timed out after ${Math.round(timeoutMs / 1000)} s`;
  const last = stderr.split('\n').pop() || (e.message ?? String(error)).split('\n')[0];
  return `peer failed: ${last}`;
}

/**
 * Runs a Python peer script that prints one JSON object on its last stdout line.
 * Returns `{ok: false, reason}` when Python or its packages are missing or the script fails, so the
 * table can say so; the reason ("peer absent: ..." / "peer failed: ...") is also printed at once
 * and kept in `peerProblems`, which `recordResults` writes into the suite's JSON.
 */
export function runPython<T>(
  script: string,
  args: string[] = [],
  timeoutMs = 600_000,
): { ok: true; value: T } | { ok: false; reason: string } {
  const python = pythonPath();
  try {
    const stdout = execFileSync(python, [script, ...args], {
      encoding: 'utf8',
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const lines = stdout.trim().split('\n');
    return { ok: true, value: JSON.parse(lines[lines.length - 1]) as T };
  } catch (error) {
    const reason = describePeerFailure(python, error, timeoutMs);
    const name = script.startsWith(repoRoot) ? script.slice(repoRoot.length + 1) : script;
    peerProblems.push({ script: name, reason });
    console.warn(`${name}: ${reason}`);
    return { ok: false, reason };
  }
}

function machine(): string {
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return `${cpus().length} cores (${cpu}${cpuGeneration()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/**
 * ", family F model M, AVX-512" from /proc/cpuinfo where it exists: virtual machines often name the
 * CPU only "AMD EPYC", and the peers' speed depends on the generation (Debian's OpenBLAS 0.3.21 and
 * PyTorch 1.13's oneDNN predate the newest cores and may use generic kernels on them).
 */
function cpuGeneration(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(info)?.[1]?.trim();
    const family = field('cpu family');
    const model = field('model');
    const avx512 = /^flags\s*:.*\bavx512f\b/m.test(info) ? ', AVX-512' : '';
    return family && model ? `, family ${family} model ${model}${avx512}` : '';
  } catch {
    return '';
  }
}

/**
 * Writes `bench-results/<suite>.json`. `command` is what reproduces the figures.
 */
export function recordResults(suite: string, title: string, command: string, rows: BenchRow[]): void {
  const dir = join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  // Problems since the last record belong to this suite (a script may record several suites).
  const problems = peerProblems.splice(0);
  const record = { suite, title, command, machine: machine(), date: new Date().toISOString(), rows, ...(problems.length > 0 ? { peerProblems: problems } : {}) };
  writeFileSync(join(dir, `${suite}.json`), `${JSON.stringify(record, null, 2)}\n`);
  for (const row of rows) {
    const ratio = row.peer == null ? 'n/a' : (row.ours / row.peer).toFixed(2);
    console.log(`${suite} | ${row.name}: ours ${row.ours.toPrecision(4)} ${row.unit}, ${row.peerName} ${row.peer ?? 'absent'}, ratio ${ratio}`);
  }
  for (const problem of problems) console.warn(`${suite} | ${problem.script}: ${problem.reason}`);
}
