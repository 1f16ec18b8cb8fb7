import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  DisposedError,
  InvalidArgumentError,
  MultivariateNormal,
  ShapeError,
  klDivergence,
  prngKey,
  randomNormal,
} from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { extraFixtures } from './fixtures-extra.test-util.js';

const fx = extraFixtures.multivariateNormal;
const TOL = { rtol: 1e-4, atol: 1e-5 };
const forms = ['scaleTril', 'covariance', 'precision'] as const;

function build(form: (typeof forms)[number]): MultivariateNormal {
  const loc = fx.loc;
  if (form === 'scaleTril') return new MultivariateNormal(loc, { scaleTril: fx.scaleTril });
  if (form === 'covariance') return new MultivariateNormal(loc, { covarianceMatrix: fx.covariance });
  return new MultivariateNormal(loc, { precisionMatrix: fx.precision });
}

describe('MultivariateNormal', () => {
  it.each(forms)('from %s: logProb, entropy, mean and variance match torch/SciPy', async (form) => {
    const d = build(form);
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    const x = tf.tensor(fx.x);
    const lp = d.logProb(x);
    const h = d.entropy();
    const mean = d.mean;
    const variance = d.variance;
    expect(lp.shape).toEqual([4, 2]);
    await expectTensorsClose(lp, fx.logProb[form], TOL);
    await expectTensorsClose(h, fx.entropy[form], TOL);
    await expectTensorsClose(mean, fx.mean, TOL);
    await expectTensorsClose(variance, fx.variance[form], TOL);
    tf.dispose([x, lp, h, mean, variance]);
    d.dispose();
  });

  it('recovers the covariance and precision matrices it was given', async () => {
    const fromPrecision = build('precision');
    const cov = fromPrecision.covarianceMatrix;
    await expectTensorsClose(cov, fx.covariance, { rtol: 1e-4, atol: 1e-5 });
    const fromTril = build('scaleTril');
    const prec = fromTril.precisionMatrix;
    await expectTensorsClose(prec, fx.precision, { rtol: 1e-4, atol: 1e-4 });
    tf.dispose([cov, prec]);
    fromPrecision.dispose();
    fromTril.dispose();
  });

  it('broadcasts an unbatched distribution over sample dimensions', async () => {
    const s = fx.single;
    const d = new MultivariateNormal(s.loc, { scaleTril: s.scaleTril });
    expect(d.batchShape).toEqual([]);
    const x = tf.tensor(s.x);
    const lp = d.logProb(x);
    expect(lp.shape).toEqual([4]);
    await expectTensorsClose(lp, s.logProb, TOL);
    tf.dispose([x, lp]);
    d.dispose();
  });

  it('KL(MVN || MVN) matches torch.distributions.kl_divergence and is 0 for equal arguments', async () => {
    const p = build('scaleTril');
    const q = new MultivariateNormal(fx.kl.qLoc, { scaleTril: fx.kl.qScaleTril });
    const kl = klDivergence(p, q);
    expect(kl.shape).toEqual([2]);
    await expectTensorsClose(kl, fx.kl.value, TOL);
    const self = klDivergence(p, build('covariance'));
    const values = await self.data();
    for (const v of values) expect(Math.abs(v)).toBeLessThan(1e-4);
    tf.dispose([kl, self]);
    p.dispose();
    q.dispose();
  });

  it('100k samples have the right mean, variance and covariance within 4 standard errors', async () => {
    const d = new MultivariateNormal(fx.loc[0], { scaleTril: fx.scaleTril[0] });
    const n = 100_000;
    const x = d.sample([n], prngKey(123));
    expect(x.shape).toEqual([n, 3]);
    const values = (await x.data()) as Float32Array;
    const covT = d.covarianceMatrix;
    const cov = (await covT.data()) as Float32Array;
    covT.dispose();
    const mean = [0, 1, 2].map((i) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += values[k * 3 + i];
      return s / n;
    });
    for (let i = 0; i < 3; i++) {
      const sigma2 = cov[i * 3 + i];
      expect(Math.abs(mean[i] - fx.loc[0][i])).toBeLessThan(4 * Math.sqrt(sigma2 / n));
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (values[k * 3 + i] - mean[i]) * (values[k * 3 + j] - mean[j]);
        const sample = s / (n - 1);
        // Var of a sample covariance of Gaussians: (S_ij^2 + S_ii S_jj) / n
        const se = Math.sqrt((cov[i * 3 + j] ** 2 + cov[i * 3 + i] * cov[j * 3 + j]) / n);
        expect(Math.abs(sample - cov[i * 3 + j])).toBeLessThan(4 * se);
      }
    }
    x.dispose();
    d.dispose();
  });

  it('rsample gradients reach loc and scaleTril exactly as loc + L eps says', async () => {
    const loc = tf.tensor1d(fx.loc[0]);
    const tril = tf.tensor2d(fx.scaleTril[0]);
    const key = prngKey(9);
    const n = 50;
    const [gLoc, gTril] = tf.grads((l: tf.Tensor, t: tf.Tensor) => {
      const d = new MultivariateNormal(l, { scaleTril: t }, { validateArgs: false });
      return tf.sum(d.rsample([n], key));
    })([loc, tril]);
    await expectTensorsClose(gLoc, [n, n, n], 1e-6);
    // d/dL_ij sum_s sum_i (L eps_s)_i = sum_s eps_sj below and on the diagonal, 0 above.
    const eps = randomNormal(key, [n, 3]);
    const epsSumT = tf.sum(eps, 0);
    const epsSum = await epsSumT.data();
    epsSumT.dispose();
    const expected = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (j <= i ? epsSum[j] : 0)));
    await expectTensorsClose(gTril, expected, { rtol: 1e-5, atol: 1e-5 });
    // ... and through the Cholesky factorisation to a covariance matrix.
    const cov = tf.tensor2d(fx.covariance[0]);
    const gCov = tf.grad((c: tf.Tensor) => tf.sum(new MultivariateNormal(loc, { covarianceMatrix: c }, { validateArgs: false }).rsample([n], key)))(cov);
    expect(Array.from(await gCov.data()).every(Number.isFinite)).toBe(true);
    expect(Array.from(await gCov.data()).some((v) => v !== 0)).toBe(true);
    tf.dispose([loc, tril, gLoc, gTril, eps, cov, gCov]);
  });

  it('logProb is differentiable with respect to loc and the covariance', async () => {
    // d/dmu log N(x; mu, S) = S^-1 (x - mu), summed over the points
    const loc = tf.tensor1d(fx.loc[0]);
    const cov = tf.tensor2d(fx.covariance[0]);
    const x = tf.tensor2d(fx.single.x);
    const g = tf.grad((m: tf.Tensor) => tf.sum(new MultivariateNormal(m, { covarianceMatrix: cov }).logProb(x)))(loc);
    const expected = tf.tidy(() =>
      tf.sum(tf.matMul(tf.sub(x, loc), tf.tensor2d(fx.precision[0]), false, false), 0),
    );
    await expectTensorsClose(g, expected, { rtol: 1e-4, atol: 1e-4 });
    tf.dispose([loc, cov, x, g, expected]);
  });

  it('leaks nothing in any method, and dispose frees what it owns', async () => {
    const x = tf.tensor(fx.x);
    for (const form of forms) {
      await expectNoLeak(() => build(form).dispose(), `construct+dispose ${form}`);
    }
    const d = build('precision');
    const q = build('scaleTril');
    await expectNoLeak(() => d.logProb(x), 'logProb');
    await expectNoLeak(() => d.entropy(), 'entropy');
    await expectNoLeak(() => d.mean, 'mean');
    await expectNoLeak(() => d.variance, 'variance');
    await expectNoLeak(() => d.stddev, 'stddev');
    await expectNoLeak(() => d.covarianceMatrix, 'covarianceMatrix');
    await expectNoLeak(() => d.precisionMatrix, 'precisionMatrix');
    await expectNoLeak(() => d.sample([5], 0), 'sample');
    await expectNoLeak(() => d.rsample([5], 0), 'rsample');
    await expectNoLeak(() => klDivergence(d, q), 'kl');
    const loc = tf.zeros([3]);
    const cov = tf.eye(3);
    await expectNoLeak(
      () => tf.grad((c: tf.Tensor) => tf.sum(new MultivariateNormal(loc, { covarianceMatrix: c }).logProb(x)))(cov),
      'grad through logProb',
    );
    d.dispose();
    d.dispose();
    expect(() => d.logProb(x)).toThrow(DisposedError);
    q.dispose();
    tf.dispose([x, loc, cov]);
  });

  it('rejects non-SPD covariances, bad factors and mismatched shapes without leaking', async () => {
    const before = tf.memory().numTensors;
    const notPd = [[1, 2], [2, 1]]; // eigenvalues 3 and -1
    expect(() => new MultivariateNormal([0, 0], { covarianceMatrix: notPd })).toThrow(InvalidArgumentError);
    expect(() => new MultivariateNormal([0, 0], { covarianceMatrix: notPd })).toThrow(
      "Argument 'covarianceMatrix' passed to 'MultivariateNormal' must be symmetric positive definite, but its Cholesky factorisation fails at matrix 0, row 1.",
    );
    expect(() => new MultivariateNormal([0, 0], { precisionMatrix: notPd })).toThrow(/symmetric positive definite/);
    expect(() => new MultivariateNormal([0, 0], { covarianceMatrix: [[1, 0.5], [0.2, 1]] })).toThrow(
      "Argument 'covarianceMatrix' passed to 'MultivariateNormal' must be symmetric positive definite, but entries (1, 0) = 0.20000000298023224 and (0, 1) = 0.5 of matrix 0 differ.",
    );
    expect(() => new MultivariateNormal([0, 0], { scaleTril: [[1, 0], [0.3, -1]] })).toThrow(
      "Argument 'scaleTril' passed to 'MultivariateNormal' must be lower triangular with a positive finite diagonal, but got -1 at matrix 0, row 1, column 1.",
    );
    expect(() => new MultivariateNormal([0, 0], { scaleTril: [[1, 0.1], [0.3, 1]] })).toThrow(/zeros above the diagonal/);
    expect(() => new MultivariateNormal([0, 0, 0], { scaleTril: [[1, 0], [0, 1]] })).toThrow(ShapeError);
    expect(() => new MultivariateNormal([0, 0, 0], { scaleTril: [[1, 0], [0, 1]] })).toThrow(
      "Argument 'scaleTril' passed to 'MultivariateNormal' must have shape [...batch, 3, 3] (d from 'loc'), but got [2, 2].",
    );
    const loc32 = tf.zeros([3, 2]);
    const eye42 = tf.eye(2, 2, [4]);
    expect(() => new MultivariateNormal(loc32, { scaleTril: eye42 })).toThrow(
      "Arguments 'loc' and 'scaleTril' passed to 'MultivariateNormal' must have broadcastable shapes, but got [3] and [4].",
    );
    expect(() => new MultivariateNormal([0], {} as never)).toThrow(/exactly one of 'scaleTril', 'covarianceMatrix', 'precisionMatrix'/);
    tf.dispose([loc32, eye42]);
    expect(tf.memory().numTensors).toBe(before); // failed constructors free what they made
    const d = new MultivariateNormal([0, 0], { scaleTril: [[1, 0], [0, 1]] });
    const bad = tf.zeros([4, 3]);
    expect(() => d.logProb(bad)).toThrow(
      "Argument 'value' passed to 'MultivariateNormal.logProb' must have shape [...sample, 2] (batch dimensions may broadcast), but got [4, 3].",
    );
    const p3 = new MultivariateNormal([0, 0, 0], { scaleTril: tf.eye(3) });
    expect(() => klDivergence(d, p3)).toThrow(ShapeError);
    tf.dispose(bad);
    d.dispose();
    p3.dispose();
  });
});
