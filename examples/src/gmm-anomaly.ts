// Anomaly detection with a Gaussian mixture: fit on "normal" 2-D data, flag points whose
// log-likelihood (scoreSamples) falls below the 1st percentile of the training scores, and check
// the flags against injected anomalies. Writes out/gmm-anomaly.svg and prints precision/recall.
// GEN_SMOKE=1: a few hundred points, finishes in about a second.
import '@tensorflow/tfjs-backend-cpu';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, normalFloat64, scatterSvg, uniformFloat64, writeSvg } from '@gen/core';
import { GaussianMixture } from '@gen/gmm';

const smoke = process.env.GEN_SMOKE === '1';
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'out');
await initBackend('cpu');

// 1. Normal data: three elongated clusters (a "banana" and two blobs). [nTrain, 2]
const nTrain = smoke ? 300 : 6000;
function normalData(n: number, seed: number): Float64Array {
  const z = normalFloat64(seed, 2 * n);
  const x = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const which = i % 3;
    if (which === 0) {
      const t = z[2 * i] * 1.2;
      x[2 * i] = t * 2;
      x[2 * i + 1] = 0.4 * t * t + 0.3 * z[2 * i + 1];
    } else if (which === 1) {
      x[2 * i] = 5 + 0.6 * z[2 * i];
      x[2 * i + 1] = -2 + 0.6 * z[2 * i + 1];
    } else {
      x[2 * i] = -5 + 0.8 * z[2 * i];
      x[2 * i + 1] = 4 + 0.4 * z[2 * i + 1];
    }
  }
  return x;
}
const train = normalData(nTrain, 1);

// 2. Fit, choosing the number of components by BIC.
let best: GaussianMixture | null = null;
let bestBic = Infinity;
for (let k = 1; k <= (smoke ? 4 : 8); k++) {
  const gmm = await new GaussianMixture({ nComponents: k, covarianceType: 'full', nInit: smoke ? 1 : 3, seed: k }).fit({ data: train, shape: [nTrain, 2] });
  const bic = await gmm.bic({ data: train, shape: [nTrain, 2] });
  console.log(`k=${k}: BIC ${bic.toFixed(1)}`);
  if (bic < bestBic) {
    bestBic = bic;
    best = gmm;
  }
}
const gmm = best as GaussianMixture;
console.log(`chosen k=${gmm.means.shape[0]}`);

// 3. Threshold: the 1st percentile of the training log-likelihoods.
const trainScores = Array.from(await gmm.scoreSamples({ data: train, shape: [nTrain, 2] })).sort((a, b) => a - b);
const threshold = trainScores[Math.floor(0.01 * nTrain)];
console.log(`threshold log p(x) < ${threshold.toFixed(3)}`);

// 4. Test set: fresh normal points plus uniform anomalies over the plotting box.
const nNormal = smoke ? 200 : 3000;
const nAnomalies = smoke ? 20 : 300;
const test = new Float64Array(2 * (nNormal + nAnomalies));
test.set(normalData(nNormal, 2));
const u = uniformFloat64(3, 2 * nAnomalies);
for (let i = 0; i < nAnomalies; i++) {
  test[2 * (nNormal + i)] = -10 + 20 * u[2 * i];
  test[2 * (nNormal + i) + 1] = -6 + 16 * u[2 * i + 1];
}
const scores = await gmm.scoreSamples({ data: test, shape: [nNormal + nAnomalies, 2] });
let tp = 0;
let fp = 0;
for (let i = 0; i < scores.length; i++) {
  if (scores[i] < threshold) {
    if (i >= nNormal) tp++;
    else fp++;
  }
}
// Some uniform "anomalies" land inside the normal clusters, so recall < 1 is expected.
console.log(`flagged ${tp + fp}: precision ${(tp / Math.max(1, tp + fp)).toFixed(3)}, recall ${(tp / nAnomalies).toFixed(3)}, false-positive rate ${(fp / nNormal).toFixed(3)}`);

// 5. Picture: test points coloured by outcome.
const labels = new Int32Array(scores.length);
for (let i = 0; i < scores.length; i++) {
  const flagged = scores[i] < threshold;
  const anomaly = i >= nNormal;
  labels[i] = flagged ? (anomaly ? 2 : 3) : anomaly ? 1 : 0;
}
const svg = scatterSvg(test, {
  labels,
  labelNames: ['normal', 'missed anomaly', 'caught anomaly', 'false alarm'],
  title: 'GMM anomaly detection: log p(x) below the 1st training percentile',
  xLabel: 'x1',
  yLabel: 'x2',
});
const path = join(outDir, 'gmm-anomaly.svg');
await writeSvg(path, svg);
console.log(`wrote ${path}`);
