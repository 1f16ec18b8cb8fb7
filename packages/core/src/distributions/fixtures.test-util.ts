// Loads the golden fixtures of fixtures/distributions/generate.py (non-finite numbers are written
// as strings there, since JSON has none) and shared helpers of the distribution tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import {
  Bernoulli,
  Beta,
  Categorical,
  ContinuousBernoulli,
  Dirichlet,
  type Distribution,
  Gamma,
  Laplace,
  Normal,
  OneHotCategorical,
  Poisson,
  Uniform,
} from '@gen/core';

const revive = (_key: string, v: unknown) =>
  v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const fixtures: any = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/distributions/distributions.json', import.meta.url)), 'utf8'),
  revive,
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Params = any;

/** Builds each fixture case's distribution from its (plain-number) parameters. */
export const factories: Record<string, (p: Params) => Distribution> = {
  Normal: (p) => new Normal(p.loc, p.scale),
  Uniform: (p) => new Uniform(p.low, p.high),
  Laplace: (p) => new Laplace(p.loc, p.scale),
  Bernoulli: (p) => new Bernoulli(p),
  BernoulliLogits: (p) => new Bernoulli(p),
  ContinuousBernoulli: (p) => new ContinuousBernoulli(p),
  ContinuousBernoulliLogits: (p) => new ContinuousBernoulli(p),
  Categorical: (p) => new Categorical(p),
  CategoricalLogits: (p) => new Categorical(p),
  OneHotCategorical: (p) => new OneHotCategorical(p),
  Gamma: (p) => new Gamma(p.concentration, p.rate),
  Beta: (p) => new Beta(p.concentration1, p.concentration0),
  Dirichlet: (p) => new Dirichlet(p.concentration),
  Poisson: (p) => new Poisson(p.rate),
};

/** Fixture values as a tensor (int32 for categorical indices). */
export function valueTensor(name: string, value: number[]): tf.Tensor {
  return name.startsWith('Categorical') ? tf.tensor(value, undefined, 'int32') : tf.tensor(value);
}

/** Mean and (n - 1)-normalised variance of an array, in float64. */
export function meanVar(values: ArrayLike<number>, stride = 1, offset = 0): { mean: number; variance: number; n: number } {
  let n = 0;
  let sum = 0;
  for (let i = offset; i < values.length; i += stride) {
    sum += values[i];
    n++;
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = offset; i < values.length; i += stride) ss += (values[i] - mean) ** 2;
  return { mean, variance: ss / (n - 1), n };
}

/**
 * Throws unless the sample mean and variance are within `k` standard errors of the true values;
 * the SE of the sample variance is sqrt((mu4 - var^2) / n) from the 4th central moment mu4.
 */
export function expectMoments(
  label: string,
  values: ArrayLike<number>,
  truth: { mean: number; variance: number; mu4: number },
  stride = 1,
  offset = 0,
  k = 4,
): void {
  const { mean, variance, n } = meanVar(values, stride, offset);
  const seMean = Math.sqrt(truth.variance / n);
  const seVar = Math.sqrt((truth.mu4 - truth.variance ** 2) / n);
  const zMean = (mean - truth.mean) / seMean;
  const zVar = (variance - truth.variance) / seVar;
  if (!(Math.abs(zMean) <= k) || !(Math.abs(zVar) <= k)) {
    throw new Error(
      `${label}: sample mean ${mean} (true ${truth.mean}, z ${zMean.toFixed(2)}), sample variance ${variance} (true ${truth.variance}, z ${zVar.toFixed(2)}); limit ${k} standard errors.`,
    );
  }
}
