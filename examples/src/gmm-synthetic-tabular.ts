// Synthetic tabular data from a real table: fit a Gaussian mixture to the numeric columns of the
// Palmer penguins (vega-datasets, shipped with npm), sample synthetic rows, compare their moments
// with the real ones, and write out/gmm-synthetic-tabular.svg (real vs synthetic scatter) and
// out/gmm-synthetic-penguins.csv. GEN_SMOKE=1: fewer components and restarts, about a second.
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, scatterSvg, writeSvg } from '@gen/core';
import { loadVegaTable } from '@gen/datasets';
import { GaussianMixture } from '@gen/gmm';

const smoke = process.env.GEN_SMOKE === '1';
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'out');
await initBackend('cpu');

// 1. Load penguins: the four numeric columns, rows with a missing value dropped. [n, 4]
const columns = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];
const table = await loadVegaTable('penguins', { columns });
const n = table.n;
const d = columns.length;
const rows: number[][] = Array.from({ length: n }, (_, i) => Array.from(table.x.subarray(i * d, (i + 1) * d)));
console.log(`penguins: ${n} complete rows (${table.dropped} dropped), ${d} numeric columns`);

// 2. Standardise (body mass is in grams, beak depth in mm) so one regCovar fits all columns.
const mean = columns.map((_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
const sd = columns.map((_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / (n - 1)));
const z = { data: Float64Array.from(rows.flatMap((r) => r.map((v, j) => (v - mean[j]) / sd[j]))), shape: [n, d] };

// 3. Fit mixtures with 1..K components and keep the lowest BIC.
let best: GaussianMixture | null = null;
let bestBic = Infinity;
for (let k = 1; k <= (smoke ? 3 : 8); k++) {
  const gmm = await new GaussianMixture({ nComponents: k, covarianceType: 'full', nInit: smoke ? 1 : 5, seed: 10 + k }).fit(z);
  const bic = await gmm.bic(z);
  console.log(`k=${k}: BIC ${bic.toFixed(1)}, mean log-likelihood ${(await gmm.score(z)).toFixed(4)}`);
  if (bic < bestBic) {
    bestBic = bic;
    best = gmm;
  }
}
const gmm = best as GaussianMixture;
console.log(`chosen k=${gmm.weights.length}, weights ${Array.from(gmm.weights, (w) => w.toFixed(3)).join(' ')}`);

// 4. Sample as many synthetic rows as real ones, back in the original units.
const { points } = gmm.sample(n, { seed: 42 });
const synth: number[][] = [];
for (let i = 0; i < n; i++) synth.push(columns.map((_, j) => points.data[i * d + j] * sd[j] + mean[j]));

// 5. Compare means, standard deviations and correlations.
function moments(data: number[][]): { m: number[]; s: number[]; corr: number[][] } {
  const m = columns.map((_, j) => data.reduce((a, r) => a + r[j], 0) / data.length);
  const s = columns.map((_, j) => Math.sqrt(data.reduce((a, r) => a + (r[j] - m[j]) ** 2, 0) / (data.length - 1)));
  const corr = columns.map((_, a) =>
    columns.map((__, b) => data.reduce((acc, r) => acc + (r[a] - m[a]) * (r[b] - m[b]), 0) / ((data.length - 1) * s[a] * s[b])),
  );
  return { m, s, corr };
}
const real = moments(rows);
const fake = moments(synth);
columns.forEach((c, j) => console.log(`${c.padEnd(20)} mean ${real.m[j].toFixed(1)} vs ${fake.m[j].toFixed(1)}, sd ${real.s[j].toFixed(1)} vs ${fake.s[j].toFixed(1)}`));
let worstCorr = 0;
for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) worstCorr = Math.max(worstCorr, Math.abs(real.corr[a][b] - fake.corr[a][b]));
console.log(`largest correlation difference real vs synthetic: ${worstCorr.toFixed(3)}`);
const realLl = await gmm.score(z);
console.log(`mean log-likelihood of the real (standardised) rows under the model: ${realLl.toFixed(4)}`);

// 6. Outputs: CSV and a scatter of beak length vs flipper length.
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'gmm-synthetic-penguins.csv'), [columns.join(','), ...synth.map((r) => r.map((v) => v.toFixed(2)).join(','))].join('\n') + '\n');
const [xj, yj] = [0, 2];
const scatter: [number, number][] = [...rows.map((r) => [r[xj], r[yj]] as [number, number]), ...synth.map((r) => [r[xj], r[yj]] as [number, number])];
const labels = Int32Array.from(scatter, (_, i) => (i < n ? 0 : 1));
const svg = scatterSvg(scatter, {
  labels,
  labelNames: ['real', 'GMM synthetic'],
  title: 'Palmer penguins: real vs Gaussian-mixture samples',
  xLabel: columns[xj],
  yLabel: columns[yj],
});
const path = join(outDir, 'gmm-synthetic-tabular.svg');
await writeSvg(path, svg);
console.log(`wrote ${path} and gmm-synthetic-penguins.csv`);
