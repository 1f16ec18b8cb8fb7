// A dependency-free terminal progress bar for the training loop: shown only on an interactive
// terminal outside CI, a no-op everywhere else (browsers, pipes, CI logs).

/** Where the bar writes; `process.stdout` by default. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A progress bar over `total` steps. */
export interface ProgressBar {
  /**
   * Reports that `done` of `total` steps are finished, with the latest loss and, when given, the
   * latest evaluation results (shown until the next ones, e.g. `valLoss 1.234`).
   */
  update(done: number, loss?: number, evaluation?: Record<string, number>): void;
  /** Draws the final state and ends the line. Idempotent. */
  finish(): void;
}

/**
 * True in Node when stdout is a terminal and `CI` is not set to true/1; false in browsers.
 *
 * @example
 * if (progressWanted()) console.log('drawing a progress bar');
 */
export function progressWanted(): boolean {
  const proc = (globalThis as { process?: { stdout?: ProgressStream; env?: Record<string, string | undefined> } }).process;
  if (proc?.stdout == null) return false;
  const ci = proc.env?.CI;
  return proc.stdout.isTTY === true && !(ci === 'true' || ci === '1');
}

const NOOP: ProgressBar = { update() {}, finish() {} };

/**
 * Formats seconds as `1h02m`, `3m07s` or `12s` (`?` when not finite).
 *
 * @example
 * formatDuration(187); // '3m07s'
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * Creates a bar `[#####-----] 120/1000  12%  loss 0.4312  35.1 it/s  ETA 25s` (plus the latest
 * evaluation results, `valLoss 0.4511`, when `update` gets them) that redraws in place
 * at most every `intervalMs`. The loss shown is a running (exponentially smoothed, bias-corrected)
 * average. With `enabled: 'auto'` it draws only when `progressWanted()`; otherwise it is a no-op.
 *
 * @example
 * const bar = createProgressBar({ total: 1000, start: 0 });
 * bar.update(1, 0.69);
 * bar.finish();
 */
export function createProgressBar(options: {
  total: number;
  start?: number;
  enabled?: boolean | 'auto';
  stream?: ProgressStream;
  intervalMs?: number;
  now?: () => number;
}): ProgressBar {
  const { total, start = 0, enabled = 'auto', intervalMs = 100, now = () => performance.now() } = options;
  const stream = options.stream ?? (globalThis as { process?: { stdout?: ProgressStream } }).process?.stdout;
  const on = enabled === 'auto' ? progressWanted() : enabled;
  if (!on || stream == null) return NOOP;
  const began = now();
  let lastDraw = -Infinity;
  let smoothed = 0;
  let weight = 0;
  let done = start;
  let finished = false;
  let evalText = '';

  const draw = () => {
    const elapsed = (now() - began) / 1000;
    const rate = elapsed > 0 ? (done - start) / elapsed : 0;
    const eta = rate > 0 ? (total - done) / rate : Number.NaN;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const loss = weight > 0 ? `  loss ${(smoothed / weight).toPrecision(4)}` : '';
    const tail = ` ${done}/${total} ${String(Math.floor(fraction * 100)).padStart(3)}%${loss}${evalText}  ${rate.toFixed(1)} it/s  ETA ${formatDuration(eta)}`;
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - tail.length - 3));
    const filled = Math.round(fraction * width);
    stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}\u001b[K`);
  };

  return {
    update(step: number, loss?: number, evaluation?: Record<string, number>) {
      if (finished) return;
      done = step;
      if (evaluation) evalText = Object.entries(evaluation).map(([name, v]) => `  ${name} ${v.toPrecision(4)}`).join('');
      if (loss !== undefined && Number.isFinite(loss)) {
        smoothed = 0.98 * smoothed + 0.02 * loss;
        weight = 0.98 * weight + 0.02;
      }
      const t = now();
      if (t - lastDraw >= intervalMs || done >= total) {
        lastDraw = t;
        draw();
      }
    },
    finish() {
      if (finished) return;
      finished = true;
      draw();
      stream.write('\n');
    },
  };
}
