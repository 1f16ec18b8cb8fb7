// Parameter summaries (the table a model prints before training, as Keras' model.summary()).
import { InvalidArgumentError, describeValue } from '../errors.js';
import { type ParamTree, countParams, flattenParams } from '../params.js';

/** One row of `summarizeParams`: a tensor (or, with `depth`, a block of tensors). */
export interface ParamSummaryRow {
  /** Dotted path, e.g. `encoder.layers.0.weight` (or `encoder` for a block). */
  readonly path: string;
  /** The tensor's shape; `null` for a row that groups several tensors. */
  readonly shape: readonly number[] | null;
  /** Number of scalar parameters. */
  readonly size: number;
}

/** Options of `summarizeParams`. */
export interface SummarizeOptions {
  /** Group tensors by the first `depth` path components (one row per block). Default: one row per tensor. */
  readonly depth?: number;
}

/**
 * Lists the parameters of a tree, in `flattenParams` order, one row per tensor (or per block
 * with `depth`), plus the total (equal to `countParams(tree)`).
 *
 * @example
 * const { rows, total } = summarizeParams(params);
 * console.table(rows); // path, shape, size
 * summarizeParams(params, { depth: 1 }).rows; // one row per top-level block
 */
export function summarizeParams(tree: ParamTree, options: SummarizeOptions = {}): { rows: ParamSummaryRow[]; total: number } {
  const fn = 'summarizeParams';
  if (tree === null || typeof tree !== 'object') {
    throw new InvalidArgumentError(`Argument 'tree' passed to '${fn}' must be a parameter tree, but got ${describeValue(tree)}.`);
  }
  const { depth } = options;
  if (depth !== undefined && !(Number.isInteger(depth) && depth >= 1)) {
    throw new InvalidArgumentError(`Argument 'depth' passed to '${fn}' must be a positive integer, but got ${describeValue(depth)}.`);
  }
  const flat = flattenParams(tree);
  const rows: ParamSummaryRow[] = [];
  if (depth === undefined) {
    for (const [path, t] of Object.entries(flat)) rows.push({ path, shape: [...t.shape], size: t.size });
  } else {
    const groups = new Map<string, { shape: number[]; size: number; count: number }>();
    for (const [path, t] of Object.entries(flat)) {
      const key = path.split('.').slice(0, depth).join('.');
      const g = groups.get(key);
      if (g) {
        g.size += t.size;
        g.count += 1;
      } else groups.set(key, { shape: [...t.shape], size: t.size, count: 1 });
    }
    for (const [path, g] of groups) rows.push({ path, shape: g.count === 1 && path in flat ? g.shape : null, size: g.size });
  }
  return { rows, total: countParams(tree) };
}
