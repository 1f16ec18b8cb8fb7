// Shared helpers for `pnpm bench`: timing, running the Python peer, and recording results that
// scripts/bench/write-markdown.ts turns into BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

/**
 * Runs a Python peer script that prints one JSON object on its last stdout line.
 * Returns `{ok: false, reason}` when Python or its packages are missing, so the table can say so.
 */
export function runPython<T>(
  script: string,
  args: string[] = [],
  timeoutMs = 600_000,
): { ok: true; value: T } | { ok: false; reason: string } {
  try {
    const stdout = execFileSync(pythonPath(), [script, ...args], {
      encoding: 'utf8',
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const lines = stdout.trim().split('\n');
    return { ok: true, value: JSON.parse(lines[lines.length - 1]) as T };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const last = stderr.trim().split('\n').pop() || (error as Error).message;
    return { ok: false, reason: `peer did not run: ${last}` };
  }
}

function machine(): string {
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/**
 * Writes `bench-results/<suite>.json`. `command` is what reproduces the figures.
 */
export function recordResults(suite: string, title: string, command: string, rows: BenchRow[]): void {
  const dir = join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const record = { suite, title, command, machine: machine(), date: new Date().toISOString(), rows };
  writeFileSync(join(dir, `${suite}.json`), `${JSON.stringify(record, null, 2)}\n`);
  for (const row of rows) {
    const ratio = row.peer == null ? 'n/a' : (row.ours / row.peer).toFixed(2);
    console.log(`${suite} | ${row.name}: ours ${row.ours.toPrecision(4)} ${row.unit}, ${row.peerName} ${row.peer ?? 'absent'}, ratio ${ratio}`);
  }
}
