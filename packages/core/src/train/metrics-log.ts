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
    this.entries.push({ ...metrics, parts: { ...metrics.parts } });
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
   * (`loss`, `gradNorm`, `lr`, `stepMs`, `numTensors`) or a loss component.
   */
  mean(name: string, lastN = this.entries.length): number {
    if (!Number.isInteger(lastN) || lastN < 1) {
      throw new InvalidArgumentError(`Argument 'lastN' passed to 'MetricsLog.mean' must be an integer >= 1, but got ${describeValue(lastN)}.`);
    }
    const rows = this.entries.slice(-lastN);
    if (rows.length === 0) return Number.NaN;
    let sum = 0;
    for (const row of rows) {
      const value = (FIXED as readonly string[]).includes(name) ? (row as unknown as Record<string, number>)[name] : row.parts[name];
      if (value === undefined) {
        throw new InvalidArgumentError(`Argument 'name' passed to 'MetricsLog.mean' must be a metric or loss component, but got ${describeValue(name)}.`);
      }
      sum += value;
    }
    return sum / rows.length;
  }

  /** The rows as plain JSON-able objects (so `JSON.stringify(log)` works). */
  toJSON(): StepMetrics[] {
    return this.entries.map((row) => ({ ...row, parts: { ...row.parts } }));
  }

  /**
   * CSV with a header: `step,loss,<components, sorted>,gradNorm,lr,stepMs,numTensors`. Components
   * missing in a row are empty cells; numbers use JavaScript's shortest round-trip form.
   */
  toCSV(): string {
    const partNames = [...new Set(this.entries.flatMap((row) => Object.keys(row.parts)))].sort();
    const header = ['step', 'loss', ...partNames, 'gradNorm', 'lr', 'stepMs', 'numTensors'];
    const lines = [header.map(csvCell).join(',')];
    for (const row of this.entries) {
      const cells = [row.step, row.loss, ...partNames.map((n) => row.parts[n]), row.gradNorm, row.lr, row.stepMs, row.numTensors];
      lines.push(cells.map((v) => (v === undefined ? '' : String(v))).join(','));
    }
    return `${lines.join('\n')}\n`;
  }
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
