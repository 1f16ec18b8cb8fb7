// What every family section of the demo returns, and what it is given: the report writer turns
// a list of `SectionResult`s into out/report.html and the PNG/SVG files beside it.
import type { RgbaImage } from '@gen/core';

/** The model families the demo trains, in report order. */
export const FAMILIES = ['gmm', 'vae', 'diffusion', 'gan', 'ngram', 'transformer'] as const;
export type Family = (typeof FAMILIES)[number];

/** Training budgets: `smoke` is seconds per family (for tests), `small` fits ~10 minutes on 2 cores, `full` is better models. */
export const BUDGETS = ['smoke', 'small', 'full'] as const;
export type Budget = (typeof BUDGETS)[number];

/** A picture of a section: a PNG (RGBA pixels) or an SVG document. `file` is its name beside the report. */
export type Figure =
  | { kind: 'png'; file: string; caption: string; image: RgbaImage }
  | { kind: 'svg'; file: string; caption: string; svg: string };

/** One row of the metrics table. */
export interface Metric {
  name: string;
  value: number;
  /** e.g. 'nats', 'bits/char', '%'; '' for pure numbers. */
  unit: string;
  /** What the number means and which direction is better, in one sentence. */
  meaning: string;
  /** Significant digits shown (default 4). */
  digits?: number;
}

/** What a family's `run` returns. */
export interface SectionResult {
  family: Family;
  title: string;
  /** One paragraph: data, model, budget. */
  description: string;
  figures: Figure[];
  metrics: Metric[];
  /** Text samples (language models), shown as a list. */
  textSamples?: { label: string; samples: string[] }[];
  /** Anything else worth keeping in summary.json (steps, timings, settings). */
  details: Record<string, unknown>;
}

/** What `run` gets. */
export interface DemoContext {
  budget: Budget;
  /** Backend name as selected by `initBackend`. */
  backend: string;
  /** Prints a status line (kept short; progress bars come from the training loop). */
  log: (message: string) => void;
}

/** A family of the demo: its budgets live in its own file, so changing one touches one file. */
export interface FamilyRunner {
  family: Family;
  run(context: DemoContext): Promise<SectionResult>;
}
