import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  Bernoulli,
  Beta,
  Categorical,
  Dirichlet,
  Distribution,
  Gamma,
  InvalidArgumentError,
  Laplace,
  Normal,
  OneHotCategorical,
  Poisson,
  Uniform,
  klDivergence,
  registerKl,
} from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { fixtures } from './fixtures.test-util.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const builders: Record<string, (p: any) => Distribution> = {
  Normal: (p) => new Normal(p.loc, p.scale),
  Bernoulli: (p) => new Bernoulli(p),
  Categorical: (p) => new Categorical(p),
  OneHotCategorical: (p) => new OneHotCategorical(p),
  Uniform: (p) => new Uniform(p.low, p.high),
  Laplace: (p) => new Laplace(p.loc, p.scale),
  Gamma: (p) => new Gamma(p.concentration, p.rate),
  Beta: (p) => new Beta(p.concentration1, p.concentration0),
  Dirichlet: (p) => new Dirichlet(p.concentration),
  Poisson: (p) => new Poisson(p.rate),
};

describe('closed-form KL agrees with torch.distributions.kl_divergence (float64)', () => {
  it.each(Object.keys(builders))('%s', async (name) => {
    const fx = fixtures.kl[name];
    const p = builders[name](fx.p);
    const q = builders[name](fx.q);
    await expectTensorsClose(klDivergence(p, q), fx.kl, { rtol: 1e-4, atol: 1e-6 });
    await expectNoLeak(() => klDivergence(p, q), `kl ${name}`);
    p.dispose();
    q.dispose();
  });

  it('KL(p || p) = 0 and KL >= 0', async () => {
    const p = new Gamma([0.5, 3], [1, 2]);
    await expectTensorsClose(klDivergence(p, p), [0, 0], { rtol: 0, atol: 1e-6 });
    p.dispose();
  });

  it('Normal KL has gradients with respect to the parameters', async () => {
    // d/dmu KL(N(mu, 1) || N(0, 2)) = mu / 4
    const g = tf.grad((m: tf.Tensor) => klDivergence(new Normal(m, 1), new Normal(0, 2)))(tf.scalar(1.2));
    await expectTensorsClose(g, [0.3], 1e-5);
  });
});

describe('dispatch', () => {
  class WideNormal extends Normal {}
  class Special extends Normal {}

  it('walks prototype chains: a subclass uses its parent pair', async () => {
    const p = new WideNormal(0, 1);
    const q = new Normal(1, 1);
    await expectTensorsClose(klDivergence(p, q), [0.5], 1e-6);
    await expectTensorsClose(klDivergence(q, p), [0.5], 1e-6);
  });

  it('the most specific registered pair wins', async () => {
    registerKl(Special, Normal, () => tf.scalar(42));
    expect((await klDivergence(new Special(0, 1), new Normal(0, 1)).data())[0]).toBe(42);
    expect((await klDivergence(new WideNormal(0, 1), new Normal(0, 1)).data())[0]).toBe(0);
  });

  it('a pair with no closed form throws, naming both classes', () => {
    const p = new Normal(0, 1);
    const q = new Laplace(0, 1);
    expect(() => klDivergence(p, q)).toThrow(InvalidArgumentError);
    expect(() => klDivergence(p, q)).toThrow(
      "No closed-form KL divergence is registered for (Normal, Laplace) in 'klDivergence'; pass { monteCarlo: { samples, seed } } for a Monte Carlo estimate, or register one with registerKl.",
    );
  });

  it('bad arguments are rejected', () => {
    const p = new Normal(0, 1);
    expect(() => klDivergence(p, 3 as never)).toThrow("Argument 'q' passed to 'klDivergence' must be a Distribution, but got 3.");
    expect(() => klDivergence(p, new Laplace(0, 1), { monteCarlo: { samples: 0, seed: 1 } })).toThrow(
      "Argument 'monteCarlo.samples' passed to 'klDivergence' must be a positive integer, but got 0.",
    );
    expect(() => registerKl(Object as never, Normal, () => tf.scalar(0))).toThrow(
      "Argument 'pClass' passed to 'registerKl' must be a Distribution class",
    );
  });

  it('the Monte Carlo estimate agrees with quadrature within 4 standard errors', async () => {
    // KL(N(0.3, 1.2) || Laplace(0, 1)) by the trapezoid rule in float64.
    const [m, s, b] = [0.3, 1.2, 1];
    const logP = (x: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
    const logQ = (x: number) => -Math.abs(x) / b - Math.log(2 * b);
    let exact = 0;
    const h = 1e-3;
    for (let x = -20; x <= 20; x += h) exact += Math.exp(logP(x)) * (logP(x) - logQ(x)) * h;
    const n = 50_000;
    const p = new Normal(m, s);
    const q = new Laplace(0, b);
    const est = (await klDivergence(p, q, { monteCarlo: { samples: n, seed: 3 } }).data())[0];
    // SE from the spread of log p - log q over the same draws.
    const x = p.sample([n], 3);
    const diff = Array.from(await tf.sub(p.logProb(x), q.logProb(x)).data());
    const mean = diff.reduce((a, c) => a + c, 0) / n;
    const sd = Math.sqrt(diff.reduce((a, c) => a + (c - mean) ** 2, 0) / (n - 1));
    expect(est).toBeCloseTo(mean, 4); // same draws as rsample with that seed
    expect(Math.abs(est - exact)).toBeLessThan((4 * sd) / Math.sqrt(n));
    await expectNoLeak(() => klDivergence(p, q, { monteCarlo: { samples: 100, seed: 1 } }), 'kl monte carlo');
  });
});
