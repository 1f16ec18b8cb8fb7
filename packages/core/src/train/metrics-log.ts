// Per-step training metrics, kept in memory and exported as JSON or CSV.
import { InvalidArgumentError, describeValue } from '../errors.js';

/** What the training loop measures at each step (all plain numbers, read with one sync). */
export interface StepMetrics {
  /** 0-based index of the update (the `step` that `lossFn` and the schedule saw). */
  step: number;
  /** Total loss (the value that was differentiated). */
  loss: number;
  /** Named loss components returned by `lossFn` (e.g. `{recon, kl}`); empty when none. */
  parts: Record<string, number>;
  /** Global L2 norm of the gradients, before clipping. */
  gradNorm: number;
  /** Learning rate used by this update. */
  lr: number;
  /** Wall time of the step in ms: forward, backward, clipping, update and the metrics read. */
  stepMs: number;
  /** `tf.memory().numTensors` after the step's temporaries were freed (flat when nothing leaks). */
  numTensors: number;
  /**
   * Named results of `train`'s periodic `evaluate` hook (e.g. `{valLoss}`), present only on the
   * rows of the steps where it ran.
   */
  evaluation?: Record<string, number>;
}

const FIXED = ['step', 'loss', 'gradNorm', 'lr', 'stepMs', 'numTensors'] as const;

/**
 * An append-only log of `StepMetrics`, with JSON and CSV export.
 *
 * @example
 * const log = new MetricsLog();
 * await train({ ..., metrics: log });
 * writeFileSync('metrics.csv', log.toCSV());
 * log.mean('loss', 100); // running loss over the last 100 steps
 */
export class MetricsLog {
  private readonly entries: StepMetrics[] = [];

  /** Appends one step's metrics (a copy). */
  push(metrics: StepMetrics): void {
    const row: StepMetrics = { ...metrics, parts: { ...metrics.parts } };
    if (metrics.evaluation) row.evaluation = { ...metrics.evaluation };
    else delete row.evaluation;
    this.entries.push(row);
  }

  /** All rows, oldest first. */
  get rows(): readonly StepMetrics[] {
    return this.entries;
  }

  get length(): number {
    return this.entries.length;
  }

  /** The latest row, or undefined when empty. */
  last(): StepMetrics | undefined {
    return this.entries[this.entries.length - 1];
  }

  /**
   * Mean of a metric over the last `lastN` rows (all rows by default). `name` is a fixed column
   * (`loss`, `gradNorm`, `lr`, `stepMs`, `numTensors`), a loss component, or an evaluation result
   * (averaged over those of the last `lastN` rows that have it; NaN when none does).
   */
  mean(name: string, lastN = this.entries.length): number {
    if (!Number.isInteger(lastN) || lastN < 1) {
      throw new InvalidArgumentError(`Argument 'lastN' passed to 'MetricsLog.mean' must be an integer >= 1, but got ${describeValue(lastN)}.`);
    }
    const rows = this.entries.slice(-lastN);
    if (rows.length === 0) return Number.NaN;
    if (!(FIXED as readonly string[]).includes(name) && !rows.some((row) => name in row.parts) && this.hasEvaluation(name)) {
      const values = rows.flatMap((row) => (row.evaluation && name in row.evaluation ? [row.evaluation[name]] : []));
      return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
    }
    let sum = 0;
    for (const row of rows) {
      const value = (FIXED as readonly string[]).includes(name) ? (row as unknown as Record<string, number>)[name] : row.parts[name];
      if (value === undefined) {
        throw new InvalidArgumentError(`Argument 'name' passed to 'MetricsLog.mean' must be a metric, loss component or evaluation result, but got ${describeValue(name)}.`);
      }
      sum += value;
    }
    return sum / rows.length;
  }

  /**
   * `[step + 1, value]` pairs (updates done, value) of a metric, loss component or evaluation
   * result, over the rows that have it: the points of a training or validation curve. Empty when
   * no row has it (e.g. a run stopped before its first evaluation).
   *
   * @example
   * lineChartSvg([{ name: 'validation', points: log.series('valLoss') }]);
   */
  series(name: string): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const fixed = (FIXED as readonly string[]).includes(name);
    for (const row of this.entries) {
      const value = fixed ? (row as unknown as Record<string, number>)[name] : row.parts[name] ?? row.evaluation?.[name];
      if (value !== undefined) out.push([row.step + 1, value]);
    }
    return out;
  }

  private hasEvaluation(name: string): boolean {
    return this.entries.some((row) => row.evaluation !== undefined && name in row.evaluation);
  }

  /** The rows as plain JSON-able objects (so `JSON.stringify(log)` works). */
  toJSON(): StepMetrics[] {
    return this.entries.map((row) => (row.evaluation ? { ...row, parts: { ...row.parts }, evaluation: { ...row.evaluation } } : { ...row, parts: { ...row.parts } }));
  }

  /**
   * CSV with a header: `step,loss,<components, sorted>,gradNorm,lr,stepMs,numTensors`, then the
   * evaluation results (sorted) when any row has them. Missing values are empty cells; numbers use
   * JavaScript's shortest round-trip form.
   */
  toCSV(): string {
    const partNames = [...new Set(this.entries.flatMap((row) => Object.keys(row.parts)))].sort();
    const evalNames = [...new Set(this.entries.flatMap((row) => Object.keys(row.evaluation ?? {})))].sort();
    const header = ['step', 'loss', ...partNames, 'gradNorm', 'lr', 'stepMs', 'numTensors', ...evalNames];
    const lines = [header.map(csvCell).join(',')];
    for (const row of this.entries) {
      const cells = [row.step, row.loss, ...partNames.map((n) => row.parts[n]), row.gradNorm, row.lr, row.stepMs, row.numTensors, ...evalNames.map((n) => row.evaluation?.[n])];
      lines.push(cells.map((v) => (v === undefined ? '' : String(v))).join(','));
    }
    return `${lines.join('\n')}\n`;
  }
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
