// Agreement with scikit-learn 1.2 GaussianMixture (fixtures from fixtures/generate.py).
import { describe, expect, it } from 'vitest';
import { GaussianMixture } from './gaussian-mixture.js';
import { type GmmDataset, decode, loadFixture, worstError } from './fixtures.test-util.js';

const datasets = ['iris', 'digits', 'blobs'].map((name) => loadFixture<GmmDataset>(`${name}.json`));

/** Parameter arrays: |a - e| <= 1e-6 (|e| + max|e|) elementwise (relative to the array's scale). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, label: string): void {
  const w = worstError(actual, expected, rtol, rtol);
  expect(w.excess, `${label}: worst index ${w.index}, max relative error ${w.rel}`).toBeLessThanOrEqual(0);
}

for (const ds of datasets) {
  const x = decode(ds.X);
  const [n, d] = ds.X.shape;
  describe(`GaussianMixture vs sklearn on ${ds.name} [${n}, ${d}], k=${ds.nComponents}`, () => {
    for (const entry of ds.types) {
      for (const which of ['converged', 'fixedIter'] as const) {
        const c = entry[which];
        it(`${entry.covarianceType}, ${which === 'converged' ? 'tol 1e-3' : `tol 0, maxIter ${c.maxIter}`}`, async () => {
          const gmm = new GaussianMixture({
            nComponents: ds.nComponents,
            covarianceType: entry.covarianceType,
            regCovar: ds.regCovar,
            tol: c.tol,
            maxIter: c.maxIter,
            weightsInit: decode(entry.init.weightsInit),
            meansInit: decode(entry.init.meansInit),
            precisionsInit: decode(entry.init.precisionsInit),
          });
          await gmm.fit({ data: x, shape: [n, d] });
          expect(gmm.nIter).toBe(c.nIter);
          expect(gmm.converged).toBe(c.converged);
          expect(Math.abs(gmm.lowerBound - c.lowerBound)).toBeLessThanOrEqual(1e-8 * Math.abs(c.lowerBound));
          expectClose(gmm.weights, decode(c.weights), 1e-6, 'weights');
          expectClose(gmm.means.data, decode(c.means), 1e-6, 'means');
          expectClose(gmm.covariances.data, decode(c.covariances), 1e-6, 'covariances');
          if (c.precisionsCholesky) expectClose(gmm.precisionsCholesky.data, decode(c.precisionsCholesky), 1e-6, 'precisionsCholesky');
          const rows = { data: Float64Array.from(c.rows.flatMap((r) => Array.from(x.subarray(r * d, r * d + d)))), shape: [c.rows.length, d] };
          const ss = await gmm.scoreSamples(rows);
          const wss = worstError(ss, decode(c.scoreSamples), 1e-8);
          expect(wss.excess, `scoreSamples max relative error ${wss.rel}`).toBeLessThanOrEqual(0);
          expect(Array.from(await gmm.predict(rows))).toEqual(c.predict);
          const proba = await gmm.predictProba(rows);
          expect(worstError(proba.data, decode(c.predictProba), 0, 1e-6).excess).toBeLessThanOrEqual(0);
          const whole = { data: x, shape: [n, d] };
          expect(Math.abs((await gmm.score(whole)) - c.score)).toBeLessThanOrEqual(1e-8 * Math.abs(c.score));
          expect(Math.abs((await gmm.bic(whole)) - c.bic)).toBeLessThanOrEqual(1e-8 * Math.abs(c.bic));
          expect(Math.abs((await gmm.aic(whole)) - c.aic)).toBeLessThanOrEqual(1e-8 * Math.abs(c.aic));
        });
      }
      it(`${entry.covarianceType}, default k-means init: mean log-likelihood within 1% of sklearn's default fit`, async () => {
        const gmm = new GaussianMixture({ nComponents: ds.nComponents, covarianceType: entry.covarianceType, regCovar: ds.regCovar, seed: 0 });
        await gmm.fit({ data: x, shape: [n, d] });
        const ours = await gmm.score({ data: x, shape: [n, d] });
        const ref = entry.defaultFit.score;
        expect(Math.abs(ours - ref), `ours ${ours}, sklearn ${ref}`).toBeLessThanOrEqual(0.01 * Math.abs(ref));
      });
    }
  });
}
