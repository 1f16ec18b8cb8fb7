// Tabular data sets from the `vega-datasets` package (BSD-3-Clause), read from the JSON and CSV
// files it ships in data/ (its own index fetches them from a CDN, which gen never does).
import { InvalidArgumentError, describeValue } from '@gen/core';

/** A numeric table: `x` [n, columns.length] row-major, plus optional class labels. */
export interface NumericTable {
  x: Float32Array;
  n: number;
  columns: string[];
  /** Rows dropped because a selected column (or the label) was missing or not a number. */
  dropped: number;
  /** Index into `labelNames` per row, when `labelColumn` was given. */
  labels?: Int32Array;
  labelNames?: string[];
}

/** Options of `tableFromRows` and `loadVegaTable`. */
export interface TableOptions {
  /** Columns to keep, in order (default: every column whose present values are all numbers). */
  columns?: string[];
  /** A categorical column to return as integer `labels` (e.g. 'Species' for penguins). */
  labelColumn?: string;
}

/** A row of a table: column name → value. */
export type Row = Record<string, unknown>;

/** Named tables with numeric columns worth modelling, and the file each comes from. */
export const VEGA_TABLES = {
  penguins: 'penguins.json',
  cars: 'cars.json',
  'seattle-weather': 'seattle-weather.csv',
} as const;
/** A named vega table. */
export type VegaTableName = keyof typeof VEGA_TABLES;

function isMissing(value: unknown): boolean {
  return value === null || value === undefined || value === '' || value === 'NA' || (typeof value === 'number' && Number.isNaN(value));
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/**
 * Turns rows of objects into a numeric matrix: keeps `columns` (default: the columns whose present
 * values are all numbers), drops rows with a missing or non-numeric value in a kept column (or a
 * missing label) and counts them in `dropped`. Labels are indices into the sorted distinct values.
 * Use this in browsers on rows you fetched yourself.
 *
 * @example
 * const table = tableFromRows(await (await fetch(url)).json(), { labelColumn: 'Species' });
 */
export function tableFromRows(rows: Row[], options: TableOptions = {}): NumericTable {
  if (!Array.isArray(rows) || rows.length === 0 || rows.some((r) => r === null || typeof r !== 'object')) {
    throw new InvalidArgumentError(`Argument 'rows' passed to 'tableFromRows' must be a non-empty array of objects, but got ${describeValue(rows)}.`);
  }
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const { labelColumn } = options;
  let columns = options.columns;
  if (columns === undefined) {
    columns = names.filter(
      (name) => name !== labelColumn && rows.some((r) => !isMissing(r[name])) && rows.every((r) => isMissing(r[name]) || asNumber(r[name]) !== undefined),
    );
  } else {
    const unknown = columns.filter((c) => !names.includes(c));
    if (unknown.length > 0) {
      throw new InvalidArgumentError(`Argument 'columns' passed to 'tableFromRows' names unknown columns ${describeValue(unknown)}; the table has ${describeValue(names)}.`);
    }
  }
  if (columns.length === 0) throw new InvalidArgumentError("'tableFromRows' found no numeric columns.");
  if (labelColumn !== undefined && !names.includes(labelColumn)) {
    throw new InvalidArgumentError(`Argument 'labelColumn' passed to 'tableFromRows' must be one of ${describeValue(names)}, but got ${describeValue(labelColumn)}.`);
  }
  const kept: number[][] = [];
  const keptLabels: string[] = [];
  for (const row of rows) {
    const values = columns.map((c) => asNumber(row[c]));
    if (values.some((v) => v === undefined)) continue;
    if (labelColumn !== undefined) {
      if (isMissing(row[labelColumn])) continue;
      keptLabels.push(String(row[labelColumn]));
    }
    kept.push(values as number[]);
  }
  const x = new Float32Array(kept.length * columns.length);
  kept.forEach((values, i) => x.set(values, i * columns!.length));
  const table: NumericTable = { x, n: kept.length, columns, dropped: rows.length - kept.length };
  if (labelColumn !== undefined) {
    const labelNames = [...new Set(keptLabels)].sort();
    table.labelNames = labelNames;
    table.labels = Int32Array.from(keptLabels, (l) => labelNames.indexOf(l));
  }
  return table;
}

/** Parses CSV text (RFC 4180: quoted fields, "" escapes, CRLF or LF) into row objects of strings. */
export function parseCsv(text: string): Row[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...body] = records.filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((name, j) => [name, r[j] ?? ''])));
}

/** Absolute path of a file in the installed `vega-datasets` package's data/ folder. Node only. */
export async function vegaDataPath(file: string): Promise<string> {
  if (typeof file !== 'string' || !/^[A-Za-z0-9_.-]+\.(json|csv)$/.test(file)) {
    throw new InvalidArgumentError(`Argument 'file' passed to 'vegaDataPath' must be a .json or .csv file name such as 'penguins.json', but got ${describeValue(file)}.`);
  }
  const { dirname, join } = await import('node:path');
  const { createRequire } = await import('node:module');
  // The package's exports map exposes only its index (build/index.js); data/ sits beside build/.
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return join(dirname(entry), '..', 'data', file);
}

/**
 * Loads a vega table as a numeric matrix (see `tableFromRows`): one of `VEGA_TABLES` ('penguins':
 * 344 rows, 'cars': 406, 'seattle-weather': 1461) or any .json/.csv file name in the package's
 * data/ folder. Node only (it reads the files); in browsers fetch the rows and call `tableFromRows`.
 * vega-datasets 3.x has no iris table.
 *
 * @example
 * const penguins = await loadVegaTable('penguins', { labelColumn: 'Species' });
 * // penguins.x: Float32Array [342 * 4]; penguins.columns: ['Beak Length (mm)', ...]; dropped: 2
 */
export async function loadVegaTable(name: VegaTableName | string, options: TableOptions = {}): Promise<NumericTable> {
  const file = Object.hasOwn(VEGA_TABLES, name) ? VEGA_TABLES[name as VegaTableName] : name;
  const unknown = () =>
    new InvalidArgumentError(
      `Argument 'name' passed to 'loadVegaTable' must be one of ${Object.keys(VEGA_TABLES).map((k) => `'${k}'`).join(', ')} or a .json/.csv file in vega-datasets/data, but got ${describeValue(name)}.`,
    );
  if (typeof file !== 'string' || !/^[A-Za-z0-9_.-]+\.(json|csv)$/.test(file)) throw unknown();
  const path = await vegaDataPath(file);
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw unknown();
  }
  const rows = file.endsWith('.csv') ? parseCsv(text) : (JSON.parse(text) as Row[]);
  return tableFromRows(rows, options);
}
