// Anomaly detection on tabular data with @gen/vae: fit a VAE with a learned-variance Gaussian
// decoder on "normal" 8-column rows (a noisy 2-d manifold in 8-d), score rows by
// anomalyScore (-log p(x), IWAE estimate), flag those above the 99th percentile of the training
// scores, and check the flags against injected anomalies. Writes out/vae-tabular-anomaly:
// scores.png (score histogram as a picture), scores.svg, scatter.svg, summary.json.
// Run: pnpm example vae-tabular-anomaly     (GEN_SMOKE=1 for a seconds-long run)
import { mkdir, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describeBackend, initBackend, lineChartSvg, normalFloat64, scatterSvg, uniformFloat64, writePng } from '@gen/core';
import { Vae } from '@gen/vae';

const smoke = process.env.GEN_SMOKE === '1';
const outDir = 'out/vae-tabular-anomaly';
const columns = 8;
await initBackend();
console.log(`backend: ${JSON.stringify(await describeBackend())}`);

// 1. Normal rows: two latent factors (u, v) mapped nonlinearly to 8 columns, plus 5% noise.
function normalRows(n: number, seed: number): Float32Array {
  const g = normalFloat64(seed, n * (2 + columns));
  const out = new Float32Array(n * columns);
  for (let i = 0; i < n; i++) {
    const [u, v] = [g[i * 10], g[i * 10 + 1]];
    const clean = [u, v, u * v, Math.sin(2 * u), Math.cos(v), u + v, 0.5 * u * u - 0.5, Math.tanh(v - u)];
    for (let j = 0; j < columns; j++) out[i * columns + j] = clean[j] + 0.05 * g[i * 10 + 2 + j];
  }
  return out;
}
// Anomalies: rows whose columns are each plausible on their own (drawn from the normal rows'
// marginals by shuffling columns independently), so only the joint structure gives them away.
function anomalies(reference: Float32Array, n: number, seed: number): Float32Array {
  const rowsInRef = reference.length / columns;
  const u = uniformFloat64(seed, n * columns);
  const out = new Float32Array(n * columns);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < columns; j++) out[i * columns + j] = reference[Math.floor(u[i * columns + j] * rowsInRef) * columns + j];
  }
  return out;
}

const nTrain = smoke ? 512 : 8000;
const nTestNormal = smoke ? 200 : 2000;
const nTestAnomalies = smoke ? 20 : 200;
const trainRows = normalRows(nTrain, 1);
const testRows = new Float32Array((nTestNormal + nTestAnomalies) * columns);
testRows.set(normalRows(nTestNormal, 2));
testRows.set(anomalies(trainRows, nTestAnomalies, 3), nTestNormal * columns);
const isAnomaly = Array.from({ length: nTestNormal + nTestAnomalies }, (_, i) => (i >= nTestNormal ? 1 : 0));

// Standardise columns with the training means and standard deviations.
const mean = new Float32Array(columns);
const std = new Float32Array(columns);
for (let j = 0; j < columns; j++) {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < nTrain; i++) {
    const v = trainRows[i * columns + j];
    s += v;
    s2 += v * v;
  }
  mean[j] = s / nTrain;
  std[j] = Math.sqrt(Math.max(s2 / nTrain - mean[j] ** 2, 1e-12));
}
const standardise = (rows: Float32Array) => rows.map((v, k) => (v - mean[k % columns]) / std[k % columns]);
const xTrain = tf.tensor2d(standardise(trainRows), [nTrain, columns]);
const xTest = tf.tensor2d(standardise(testRows), [nTestNormal + nTestAnomalies, columns]);

// 2. The VAE: 8-64-64-2 encoder, mirrored decoder, Gaussian decoder with a learned scale per column.
const vae = new Vae({ inputShape: [columns], latentDim: 2, hidden: [64, 64], decoder: 'gaussianLearned', fixedStd: 0.5 }, { seed: 0 });
const result = await vae.fit(xTrain, { steps: smoke ? 100 : 6000, batchSize: 128, lr: 2e-3, seed: 0, log: { every: smoke ? 50 : 1000 } });

// 3. Scores: -log p(x) by importance sampling; threshold at the 99th percentile of training scores.
const samples = smoke ? 8 : 64;
const trainScoresT = await vae.anomalyScore(xTrain, { samples, seed: 1 });
const testScoresT = await vae.anomalyScore(xTest, { samples, seed: 2 });
const trainScores = Float32Array.from(await trainScoresT.data()).sort();
const testScores = await testScoresT.data();
tf.dispose([trainScoresT, testScoresT, xTrain, xTest]);
vae.dispose();
const threshold = trainScores[Math.floor(0.99 * (trainScores.length - 1))];
let tp = 0;
let fp = 0;
let fn = 0;
testScores.forEach((s, i) => {
  const flagged = s > threshold;
  if (flagged && isAnomaly[i]) tp++;
  else if (flagged) fp++;
  else if (isAnomaly[i]) fn++;
});
const precision = tp / Math.max(1, tp + fp);
const recall = tp / Math.max(1, tp + fn);

// 4. Pictures: a histogram of test scores (normal vs anomalous) as SVG and as a PNG, and a scatter
// of two columns coloured by flag.
await mkdir(outDir, { recursive: true });
// Bins span the 1st percentile of the test scores to 1.5x the threshold's distance from it:
// anomalies score far higher (hundreds of nats) and fall into the last bin, so that the normal
// rows' shape stays visible.
const sortedTest = Float32Array.from(testScores).sort();
const lo = sortedTest[Math.floor(0.01 * (sortedTest.length - 1))];
const hi = threshold + 0.5 * (threshold - lo);
const bins = 40;
const histogram = (which: number) => {
  const counts = new Array(bins).fill(0);
  testScores.forEach((s, i) => {
    if (isAnomaly[i] === which) counts[Math.max(0, Math.min(bins - 1, Math.floor(((s - lo) / (hi - lo || 1)) * bins)))]++;
  });
  return counts as number[];
};
const [normalCounts, anomalyCounts] = [histogram(0), histogram(1)];
const centers = Array.from({ length: bins }, (_, b) => lo + ((b + 0.5) * (hi - lo)) / bins);
await writeFile(
  `${outDir}/scores.svg`,
  lineChartSvg(
    [
      { name: 'normal rows', x: centers, y: normalCounts },
      { name: 'injected anomalies', x: centers, y: anomalyCounts },
      { name: 'threshold (99th pct of train)', points: [[threshold, 0], [threshold, Math.max(...normalCounts)]] },
    ],
    { title: 'VAE anomaly scores (-log p(x), nats)', xLabel: 'score', yLabel: 'rows' },
  ),
);
// PNG histogram: one column per bin, normal rows grey from the bottom, anomalies red on top.
const [width, height] = [bins * 8, 160];
const peak = Math.max(...normalCounts.map((c, b) => c + anomalyCounts[b]), 1);
const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
for (let b = 0; b < bins; b++) {
  const hn = Math.round((normalCounts[b] / peak) * (height - 1));
  const ha = Math.round((anomalyCounts[b] / peak) * (height - 1));
  const isOver = centers[b] > threshold;
  for (let x = b * 8 + 1; x < b * 8 + 7; x++) {
    for (let y = 0; y < hn + ha && y < height; y++) {
      const p = ((height - 1 - y) * width + x) * 4;
      const colour = y < hn ? (isOver ? [120, 120, 200] : [140, 140, 140]) : [220, 40, 40];
      rgba.set([...colour, 255], p);
    }
  }
}
await writePng(`${outDir}/scores.png`, { width, height, pixels: rgba });
const points = new Float32Array(2 * testScores.length);
for (let i = 0; i < testScores.length; i++) {
  points[2 * i] = testRows[i * columns];
  points[2 * i + 1] = testRows[i * columns + 2];
}
await writeFile(
  `${outDir}/scatter.svg`,
  scatterSvg(points, {
    labels: Array.from(testScores, (s, i) => (s > threshold ? 2 : 0) + isAnomaly[i]),
    labelNames: ['normal, passed', 'anomaly, missed', 'normal, flagged', 'anomaly, flagged'],
    title: 'Columns 1 and 3 of the test rows', xLabel: 'u', yLabel: 'u v', equalAspect: false,
  }),
);

const summary = { steps: result.step, finalLoss: result.metrics.last()?.loss, threshold, precision, recall, flagged: tp + fp, anomalies: nTestAnomalies };
await writeFile(`${outDir}/summary.json`, `${JSON.stringify(summary, null, 2)}\n`);
console.log(summary);
console.log(`wrote ${outDir}/scores.png, scores.svg, scatter.svg, summary.json`);
if (!Number.isFinite(threshold)) process.exitCode = 1;
