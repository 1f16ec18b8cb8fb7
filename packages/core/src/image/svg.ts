// Dependency-free SVG charts: line plots of training curves and 2-D scatter plots, with "nice"
// axis ticks (1, 2, 5 x 10^k; Heckbert, "Nice numbers for graph labels", Graphics Gems 1990).
import { InvalidArgumentError, describeValue } from '../errors.js';

/** The tab10 palette (matplotlib's default), used in order for series and labels. */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Common chart options. */
export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Picture size in pixels (default 640 x 420). */
  width?: number;
  height?: number;
}

/** A line series: `points` as [x, y] pairs, or `y` values (with optional `x`, default 0, 1, ...). */
export interface LineSeries {
  name: string;
  points?: ReadonlyArray<readonly [number, number]>;
  x?: ArrayLike<number>;
  y?: ArrayLike<number>;
  /** CSS colour (default from PALETTE). */
  color?: string;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
}

/**
 * About `count` round tick values covering [min, max] (1, 2 or 5 times a power of ten), and the
 * widened domain [first tick, last tick].
 *
 * @example
 * niceTicks(0.13, 9.7); // { ticks: [0, 2, 4, 6, 8, 10], min: 0, max: 10 }
 */
export function niceTicks(min: number, max: number, count = 5): { ticks: number[]; min: number; max: number } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new InvalidArgumentError(`Arguments 'min' and 'max' passed to 'niceTicks' must be finite, but got ${describeValue(min)}, ${describeValue(max)}.`);
  }
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const step = niceStep(max - min, count);
  const first = Math.floor(min / step + 1e-9) * step;
  const last = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; first + i * step <= last + step * 1e-9; i++) ticks.push(roundTo(first + i * step, step));
  return { ticks, min: ticks[0], max: ticks[ticks.length - 1] };
}

function roundTo(value: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(Math.min(20, digits)));
}

/** Short label for a tick value: 0.001, 2500, 1e+6, 2.5e-5. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential().replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(6)));
}

function logTicks(min: number, max: number): { ticks: number[]; min: number; max: number } {
  const lo = Math.floor(Math.log10(min));
  let hi = Math.ceil(Math.log10(max));
  if (hi === lo) hi = lo + 1;
  const decades = hi - lo;
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) {
    const base = 10 ** e;
    const multiples = decades <= 2 ? [1, 2, 5] : [1];
    for (const m of multiples) if (e < hi || m === 1) ticks.push(Number((m * base).toPrecision(12)));
  }
  const stride = Math.ceil(ticks.length / 10);
  return { ticks: ticks.filter((_, i) => i % stride === 0), min: 10 ** lo, max: 10 ** hi };
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  sx: (x: number) => number;
  sy: (y: number) => number;
  parts: string[];
}

function frame(
  options: ChartOptions,
  xDomain: [number, number],
  yDomain: [number, number],
  logY: boolean,
  fn: string,
): Frame {
  const { width = 640, height = 420, title, xLabel, yLabel } = options;
  for (const [arg, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < 120 || v > 10000) {
      throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' must be an integer in [120, 10000], but got ${describeValue(v)}.`);
    }
  }
  const left = 72;
  const right = width - 20;
  const top = title ? 40 : 20;
  const bottom = height - 52;
  const xt = niceTicks(xDomain[0], xDomain[1], Math.max(2, Math.floor((right - left) / 90)));
  const yt = logY ? logTicks(yDomain[0], yDomain[1]) : niceTicks(yDomain[0], yDomain[1], Math.max(2, Math.floor((bottom - top) / 60)));
  const sx = (x: number) => left + ((x - xt.min) / (xt.max - xt.min)) * (right - left);
  const sy = logY
    ? (y: number) => bottom - ((Math.log10(y) - Math.log10(yt.min)) / (Math.log10(yt.max) - Math.log10(yt.min))) * (bottom - top)
    : (y: number) => bottom - ((y - yt.min) / (yt.max - yt.min)) * (bottom - top);
  const f = (v: number) => v.toFixed(2);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (title) parts.push(`<text class="title" x="${f(width / 2)}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  parts.push('<g class="grid" stroke="#e5e5e5" stroke-width="1">');
  for (const t of xt.ticks) parts.push(`<line x1="${f(sx(t))}" y1="${top}" x2="${f(sx(t))}" y2="${bottom}"/>`);
  for (const t of yt.ticks) parts.push(`<line x1="${left}" y1="${f(sy(t))}" x2="${right}" y2="${f(sy(t))}"/>`);
  parts.push('</g>');
  parts.push(`<g class="axes" stroke="#333" stroke-width="1"><line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}"/><line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}"/></g>`);
  parts.push('<g class="x-ticks" text-anchor="middle" fill="#333">');
  for (const t of xt.ticks) parts.push(`<text x="${f(sx(t))}" y="${bottom + 16}">${escapeXml(formatTick(t))}</text>`);
  parts.push('</g>');
  parts.push('<g class="y-ticks" text-anchor="end" fill="#333">');
  for (const t of yt.ticks) parts.push(`<text x="${left - 6}" y="${f(sy(t) + 4)}">${escapeXml(formatTick(t))}</text>`);
  parts.push('</g>');
  if (xLabel) parts.push(`<text class="x-label" x="${f((left + right) / 2)}" y="${height - 14}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  if (yLabel) {
    parts.push(`<text class="y-label" x="16" y="${f((top + bottom) / 2)}" text-anchor="middle" transform="rotate(-90 16 ${f((top + bottom) / 2)})">${escapeXml(yLabel)}</text>`);
  }
  return { width, height, left, right, top, bottom, sx, sy, parts };
}

function legend(parts: string[], right: number, top: number, entries: Array<[string, string]>): void {
  if (entries.length === 0) return;
  const longest = Math.max(...entries.map(([name]) => name.length));
  const boxWidth = Math.min(260, 30 + 7 * longest);
  const x = right - boxWidth - 6;
  parts.push(`<g class="legend"><rect x="${x}" y="${top + 6}" width="${boxWidth}" height="${entries.length * 18 + 8}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`);
  entries.forEach(([name, color], i) => {
    const y = top + 20 + i * 18;
    parts.push(`<rect x="${x + 8}" y="${y - 8}" width="14" height="8" fill="${escapeXml(color)}"/><text x="${x + 28}" y="${y}">${escapeXml(name)}</text>`);
  });
  parts.push('</g>');
}

function seriesPoints(s: LineSeries, i: number): Array<[number, number]> {
  if (s === null || typeof s !== 'object' || typeof s.name !== 'string') {
    throw new InvalidArgumentError(`Series ${i} passed to 'lineChartSvg' must be {name, points} or {name, y}, but got ${describeValue(s)}.`);
  }
  if (s.points) return s.points.map(([x, y]) => [x, y]);
  if (s.y) {
    if (s.x && s.x.length !== s.y.length) {
      throw new InvalidArgumentError(`Series '${s.name}' passed to 'lineChartSvg' has ${s.x.length} x values and ${s.y.length} y values.`);
    }
    return Array.from({ length: s.y.length }, (_, k) => [s.x ? s.x[k] : k, s.y![k]]);
  }
  throw new InvalidArgumentError(`Series '${s.name}' passed to 'lineChartSvg' needs points or y.`);
}

/**
 * An SVG line chart of one or more series (e.g. training and validation loss per step), with
 * ticked axes, optional log-scaled y, a title and a legend. Non-finite points (and y <= 0 on a log
 * axis) break the line instead of distorting it. Each series is one `<path class="series">`.
 *
 * @example
 * const svg = lineChartSvg([{ name: 'train', y: trainLoss }, { name: 'test', points: testLoss }],
 *   { title: 'VAE loss', xLabel: 'step', yLabel: 'negative ELBO', logY: true });
 */
export function lineChartSvg(series: LineSeries[], options: ChartOptions & { logY?: boolean } = {}): string {
  if (!Array.isArray(series) || series.length === 0) {
    throw new InvalidArgumentError(`Argument 'series' passed to 'lineChartSvg' must be a non-empty array, but got ${describeValue(series)}.`);
  }
  const logY = options.logY ?? false;
  const all = series.map(seriesPoints);
  const usable = ([x, y]: [number, number]) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0);
  const kept = all.flat().filter(usable);
  if (kept.length === 0) throw new InvalidArgumentError(`Argument 'series' passed to 'lineChartSvg' has no finite${logY ? ', positive' : ''} points to draw.`);
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [x, y] of kept) [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
  const fr = frame(options, [x0, x1], [y0, y1], logY, 'lineChartSvg');
  const colors = series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]);
  all.forEach((points, i) => {
    let d = '';
    let pen = false;
    for (const p of points) {
      if (!usable(p)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${fr.sx(p[0]).toFixed(2)},${fr.sy(p[1]).toFixed(2)}`;
      pen = true;
    }
    fr.parts.push(`<path class="series" data-name="${escapeXml(series[i].name)}" d="${d}" fill="none" stroke="${escapeXml(colors[i])}" stroke-width="1.75" stroke-linejoin="round"/>`);
  });
  legend(fr.parts, fr.right, fr.top, series.map((s, i) => [s.name, colors[i]]));
  fr.parts.push('</svg>');
  return fr.parts.join('\n');
}

/** Options of `scatterSvg`. */
export interface ScatterOptions extends ChartOptions {
  /** Class label per point: colours points and adds a legend. */
  labels?: ArrayLike<number>;
  /** Legend names per label value (default 'class k'). */
  labelNames?: Record<number, string> | string[];
  /** Point radius in pixels (default 2). */
  radius?: number;
  /** Point opacity (default 0.7). */
  opacity?: number;
  /** Same units on both axes (default true: 2-D data keeps its shape). */
  equalAspect?: boolean;
}

/**
 * An SVG scatter plot of 2-D points ([n, 2] row-major Float32Array or [x, y] pairs), coloured by
 * label. Each point is one `<circle>`.
 *
 * @example
 * const { x, labels } = moons({ n: 500, seed: 0 });
 * const svg = scatterSvg(x, { labels, title: 'Two moons' });
 */
export function scatterSvg(points: Float32Array | Float64Array | ReadonlyArray<readonly [number, number]>, options: ScatterOptions = {}): string {
  let xy: Float64Array;
  if (points instanceof Float32Array || points instanceof Float64Array) {
    if (points.length % 2 !== 0) throw new InvalidArgumentError(`Argument 'points' passed to 'scatterSvg' must hold [n, 2] values, but has ${points.length}.`);
    xy = Float64Array.from(points);
  } else if (Array.isArray(points)) {
    xy = new Float64Array(points.length * 2);
    points.forEach((p, i) => {
      xy[2 * i] = p[0];
      xy[2 * i + 1] = p[1];
    });
  } else {
    throw new InvalidArgumentError(`Argument 'points' passed to 'scatterSvg' must be a Float32Array [n, 2] or [x, y] pairs, but got ${describeValue(points)}.`);
  }
  const n = xy.length / 2;
  const { labels, labelNames, radius = 2, opacity = 0.7, equalAspect = true } = options;
  if (labels && labels.length !== n) {
    throw new InvalidArgumentError(`Argument 'labels' passed to 'scatterSvg' must have ${n} entries, but has ${labels.length}.`);
  }
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    const [x, y] = [xy[2 * i], xy[2 * i + 1]];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
  }
  if (x0 === Infinity) [x0, x1, y0, y1] = [0, 1, 0, 1];
  if (equalAspect) {
    // Widen the shorter span so both axes show the same extent around their centres.
    const span = Math.max(x1 - x0, y1 - y0);
    const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
    [x0, x1, y0, y1] = [cx - span / 2, cx + span / 2, cy - span / 2, cy + span / 2];
  }
  const fr = frame(options, [x0, x1], [y0, y1], false, 'scatterSvg');
  const classes = labels ? [...new Set(Array.from(labels))].sort((a, b) => a - b) : [];
  const colorOf = (label: number) => PALETTE[((classes.indexOf(label) % PALETTE.length) + PALETTE.length) % PALETTE.length];
  fr.parts.push(`<g class="points" fill-opacity="${opacity}">`);
  for (let i = 0; i < n; i++) {
    const [x, y] = [xy[2 * i], xy[2 * i + 1]];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const fill = labels ? colorOf(labels[i]) : PALETTE[0];
    fr.parts.push(`<circle cx="${fr.sx(x).toFixed(2)}" cy="${fr.sy(y).toFixed(2)}" r="${radius}" fill="${fill}"/>`);
  }
  fr.parts.push('</g>');
  if (classes.length > 0 && classes.length <= 20) {
    const name = (label: number) => (Array.isArray(labelNames) ? labelNames[label] : labelNames?.[label]) ?? `class ${label}`;
    legend(fr.parts, fr.right, fr.top, classes.map((c) => [name(c), colorOf(c)]));
  }
  fr.parts.push('</svg>');
  return fr.parts.join('\n');
}
