// Writes the demo's results: DIR/report.html (one self-contained page: PNGs inlined as data: URIs,
// SVGs inline, no external requests), each figure as a file beside it, and DIR/summary.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { encodePng } from '@gen/core';
import type { Family, Metric, SectionResult } from './types.js';

export interface ReportRun {
  budget: string;
  backend: string;
  backendDetails: unknown;
  command: string;
  /** Per family: seconds, and the error when the family failed. */
  timings: { family: Family; seconds: number; error?: string }[];
  totalSeconds: number;
  date: Date;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** Inline code in descriptions: `x` -> <code>x</code>, after escaping. */
const prose = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

/** A number with `digits` significant digits, without exponent noise for ordinary magnitudes. */
export function formatValue(metric: Metric): string {
  const { value, digits = 4 } = metric;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-3) return value.toExponential(digits - 1);
  return Number(value.toPrecision(digits)).toString();
}

function metricsTable(rows: { family?: string; metric: Metric }[], withFamily: boolean): string {
  const head = `<tr>${withFamily ? '<th>model</th>' : ''}<th>metric</th><th>value</th><th>unit</th><th>what it means</th></tr>`;
  const body = rows
    .map(({ family, metric }) => {
      const cells = [
        ...(withFamily ? [`<td><a href="#${family}">${escapeHtml(family ?? '')}</a></td>`] : []),
        `<td class="metric-name">${escapeHtml(metric.name)}</td>`,
        `<td class="metric-value" data-value="${metric.value}">${formatValue(metric)}</td>`,
        `<td>${escapeHtml(metric.unit)}</td>`,
        `<td class="meaning">${escapeHtml(metric.meaning)}</td>`,
      ];
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<table class="metrics">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

const STYLE = `
body { font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; max-width: 1080px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.run { color: #555; } code { background: #f3f3f3; padding: 0 0.2em; border-radius: 3px; }
table { border-collapse: collapse; margin: 0.8em 0; width: 100%; } th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f6f6f6; } td.metric-value { font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; font-weight: 600; }
td.meaning { color: #555; font-size: 0.92em; }
.figures { display: flex; flex-wrap: wrap; gap: 1.2em; align-items: flex-start; }
figure { margin: 0; max-width: 100%; } figure img { image-rendering: pixelated; max-width: 100%; border: 1px solid #eee; }
figure svg { width: 510px; max-width: 100%; height: auto; border: 1px solid #eee; } figcaption { font-size: 0.9em; color: #555; max-width: 640px; }
ul.samples { columns: 3; font-family: ui-monospace, monospace; } .error { color: #b00; white-space: pre-wrap; }
nav a { margin-right: 1em; }`;

/** Writes the figures, report.html and summary.json into `dir`; returns the report's path. */
export async function writeReport(dir: string, sections: SectionResult[], run: ReportRun, titles: Record<Family, string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const figureHtml = new Map<SectionResult, string[]>();
  for (const section of sections) {
    const parts: string[] = [];
    for (const figure of section.figures) {
      let body: string;
      if (figure.kind === 'png') {
        const bytes = await encodePng(figure.image.pixels, figure.image.width, figure.image.height);
        await writeFile(join(dir, figure.file), bytes);
        const uri = `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;
        body = `<img src="${uri}" width="${figure.image.width}" height="${figure.image.height}" alt="${escapeHtml(figure.caption)}">`;
      } else {
        await writeFile(join(dir, figure.file), figure.svg, 'utf8');
        body = figure.svg;
      }
      parts.push(`<figure data-file="${escapeHtml(figure.file)}">${body}<figcaption>${escapeHtml(figure.caption)} (<code>${escapeHtml(figure.file)}</code>)</figcaption></figure>`);
    }
    figureHtml.set(section, parts);
  }

  const byFamily = new Map(sections.map((s) => [s.family, s]));
  const sectionHtml = run.timings.map(({ family, seconds, error }) => {
    const section = byFamily.get(family);
    if (section === undefined) {
      return `<section id="${family}" data-family="${family}" class="failed">\n<h2>${escapeHtml(titles[family])}</h2>\n<p class="error">This family failed after ${seconds.toFixed(0)} s: ${escapeHtml(error ?? 'unknown error')}</p>\n</section>`;
    }
    const samples = (section.textSamples ?? [])
      .map((t) => `<h3>${escapeHtml(t.label)}</h3>\n<ul class="samples">${t.samples.map((s) => `<li>${escapeHtml(s) || '<em>(empty)</em>'}</li>`).join('')}</ul>`)
      .join('\n');
    return [
      `<section id="${family}" data-family="${family}">`,
      `<h2>${escapeHtml(section.title)}</h2>`,
      `<p>${prose(section.description)} <span class="run">(${seconds.toFixed(0)} s)</span></p>`,
      `<div class="figures">\n${figureHtml.get(section)!.join('\n')}\n</div>`,
      metricsTable(section.metrics.map((metric) => ({ metric })), false),
      samples,
      '</section>',
    ].join('\n');
  });

  const summaryRows = sections.flatMap((s) => s.metrics.filter((m) => !m.name.startsWith('time per')).map((metric) => ({ family: s.family, metric })));
  const failed = run.timings.filter((t) => t.error !== undefined);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gen demo report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>gen demo report</h1>
<p class="run">One small model of each family, trained in Node on data that npm packages ship. Budget <code>${escapeHtml(run.budget)}</code>, backend <code>${escapeHtml(run.backend)}</code>, ${cpus().length} cores, Node ${process.version}; ${run.totalSeconds.toFixed(0)} s in all, finished ${run.date.toISOString().slice(0, 16).replace('T', ' ')} UTC. Command: <code>${escapeHtml(run.command)}</code>.${failed.length > 0 ? ` <strong class="error">${failed.length} famil${failed.length === 1 ? 'y' : 'ies'} failed: ${failed.map((f) => f.family).join(', ')}.</strong>` : ''}</p>
<nav>${run.timings.map(({ family }) => `<a href="#${family}">${escapeHtml(family)}</a>`).join('')}</nav>
<h2 id="metrics">Metrics</h2>
<p>Every number below is computed from this run. FID-like scores use <code>@gen/eval</code>'s shipped MNIST network (not Inception), so compare them with each other and with the real-data floor, not with papers.</p>
${metricsTable(summaryRows, true)}
${sectionHtml.join('\n\n')}
</body>
</html>
`;
  const path = join(dir, 'report.html');
  await writeFile(path, html, 'utf8');
  const summary = {
    date: run.date.toISOString(),
    budget: run.budget,
    backend: run.backend,
    backendDetails: run.backendDetails,
    command: run.command,
    totalSeconds: run.totalSeconds,
    timings: run.timings,
    sections: sections.map((s) => ({ family: s.family, title: s.title, metrics: s.metrics, figures: s.figures.map((f) => f.file), textSamples: s.textSamples, details: s.details })),
  };
  await writeFile(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return path;
}
