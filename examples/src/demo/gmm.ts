// Gaussian mixture on a real table: the four numeric columns of the Palmer penguins (vega-datasets),
// standardised; mixtures with 1..K full-covariance components fitted by EM on 80% of the rows, the
// number of components chosen by BIC, held-out log-likelihood on the other 20%, and synthetic rows.
import { createProgressBar, lineChartSvg, permutation, scatterSvg } from '@gen/core';
import { loadVegaTable } from '@gen/datasets';
import { GaussianMixture } from '@gen/gmm';
import type { Budget, DemoContext, FamilyRunner, SectionResult } from './types.js';

/** Largest number of components tried and EM restarts per fit. */
export const GMM_BUDGETS: Record<Budget, { maxComponents: number; nInit: number }> = {
  smoke: { maxComponents: 3, nInit: 1 },
  small: { maxComponents: 8, nInit: 5 },
  full: { maxComponents: 10, nInit: 10 },
};

const COLUMNS = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];

async function run({ budget }: DemoContext): Promise<SectionResult> {
  const { maxComponents, nInit } = GMM_BUDGETS[budget];
  const table = await loadVegaTable('penguins', { columns: COLUMNS });
  const [n, d] = [table.n, COLUMNS.length];
  const x = Array.from({ length: n }, (_, i) => Array.from(table.x.subarray(i * d, (i + 1) * d)));

  // Standardise with the training rows' mean and sd, so one regularisation fits grams and millimetres.
  const order = permutation(5, n);
  const cut = Math.round(0.8 * n);
  const trainRows = Array.from(order.subarray(0, cut), (i) => x[i]);
  const testRows = Array.from(order.subarray(cut), (i) => x[i]);
  const mean = COLUMNS.map((_, j) => trainRows.reduce((s, r) => s + r[j], 0) / trainRows.length);
  const sd = COLUMNS.map((_, j) => Math.sqrt(trainRows.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / (trainRows.length - 1)));
  const standardise = (rows: number[][]) => ({ data: Float64Array.from(rows.flatMap((r) => r.map((v, j) => (v - mean[j]) / sd[j]))), shape: [rows.length, d] });
  const [zTrain, zTest] = [standardise(trainRows), standardise(testRows)];

  const bar = createProgressBar({ total: maxComponents });
  const bics: [number, number][] = [];
  let best: GaussianMixture | null = null;
  let bestBic = Infinity;
  for (let k = 1; k <= maxComponents; k++) {
    const gmm = await new GaussianMixture({ nComponents: k, covarianceType: 'full', nInit, seed: 10 + k }).fit(zTrain);
    const bic = await gmm.bic(zTrain);
    bics.push([k, bic]);
    if (bic < bestBic) {
      best = gmm;
      bestBic = bic;
    }
    bar.update(k, bic);
  }
  bar.finish();
  const gmm = best as GaussianMixture;
  const k = gmm.weights.length;
  const trainLl = await gmm.score(zTrain);
  const testLl = await gmm.score(zTest);
  const labels = await gmm.predict(standardise(x));

  // Synthetic rows, as many as real ones, back in the original units.
  const { points } = gmm.sample(n, { seed: 42 });
  const synth = Array.from({ length: n }, (_, i) => COLUMNS.map((_, j) => points.data[i * d + j] * sd[j] + mean[j]));
  const [xj, yj] = [0, 2]; // beak length vs flipper length
  const pairs = (rows: number[][]) => rows.map((r) => [r[xj], r[yj]] as [number, number]);
  const realVsSynthetic = scatterSvg([...pairs(x), ...pairs(synth)], {
    labels: Int32Array.from({ length: 2 * n }, (_, i) => (i < n ? 0 : 1)),
    labelNames: ['real', 'GMM synthetic'],
    title: 'Palmer penguins: real vs sampled rows',
    xLabel: COLUMNS[xj],
    yLabel: COLUMNS[yj],
  });
  const clusters = scatterSvg(pairs(x), {
    labels,
    labelNames: Array.from({ length: k }, (_, c) => `component ${c + 1}`),
    title: `Real rows coloured by their most likely of ${k} components`,
    xLabel: COLUMNS[xj],
    yLabel: COLUMNS[yj],
  });
  const bicChart = lineChartSvg([{ name: 'BIC (training rows)', points: bics }], { title: 'Choosing the number of components', xLabel: 'components', yLabel: 'BIC' });

  return {
    family: 'gmm',
    title: 'Gaussian mixture on the Palmer penguins table',
    description: `@gen/gmm GaussianMixture (full covariances, EM from k-means, best of ${nInit} initialisations per fit) on the 4 numeric columns of ${n} complete penguin rows (${table.dropped} with a missing value dropped), standardised; fitted on ${cut} rows for k = 1..${maxComponents}; BIC chose k = ${k}; ${n - cut} rows held out.`,
    figures: [
      { kind: 'svg', file: 'gmm-real-vs-synthetic.svg', caption: `beak length vs flipper length: ${n} real rows and ${n} rows sampled from the mixture`, svg: realVsSynthetic },
      { kind: 'svg', file: 'gmm-components.svg', caption: 'the components found (no species labels were used)', svg: clusters },
      { kind: 'svg', file: 'gmm-bic.svg', caption: 'BIC against the number of components (lower is better)', svg: bicChart },
    ],
    metrics: [
      { name: 'components chosen by BIC', value: k, unit: '', meaning: `the k in 1..${maxComponents} with the lowest Bayesian information criterion on the training rows`, digits: 2 },
      { name: 'BIC of the chosen mixture', value: bestBic, unit: '', meaning: '-2 log-likelihood + (free parameters) ln n on the training rows; lower is better', digits: 5 },
      { name: 'mean log-likelihood, training rows', value: trainLl, unit: 'nats/row', meaning: 'average log density of the standardised training rows under the mixture; higher is better', digits: 4 },
      { name: 'mean log-likelihood, held-out rows', value: testLl, unit: 'nats/row', meaning: 'the same on the held-out 20%: far below the training figure would mean overfitting', digits: 4 },
    ],
    details: { n, dropped: table.dropped, components: k, bics, weights: Array.from(gmm.weights) },
  };
}

export const gmmSection: FamilyRunner = { family: 'gmm', run };
