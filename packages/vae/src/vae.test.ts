import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Categorical,
  DisposedError,
  Independent,
  InvalidArgumentError,
  MixtureSameFamily,
  Normal,
  ShapeError,
  flattenParams,
  initMlp,
  mlp,
  type MlpParams,
} from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';
import { klWeight } from './config.js';
import type { VaeNetworks } from './networks.js';
import { prototypes } from './test-data.test-util.js';
import { Vae } from './vae.js';

const small = { inputShape: [64], latentDim: 4, hidden: [32] } as const;
const mean = (t: tf.Tensor) => tf.mean(t).dataSync()[0];

describe('Vae (MLP, Bernoulli)', () => {
  let x: tf.Tensor;
  let xTest: tf.Tensor;
  beforeAll(() => {
    x = prototypes(512, 1);
    xTest = prototypes(128, 2);
  });
  afterAll(() => tf.dispose([x, xTest]));

  it('training for 300 steps clearly improves the test ELBO and the IWAE bound', async () => {
    const vae = new Vae(small, { seed: 0 });
    const before = tf.tidy(() => mean(vae.elbo(xTest, { seed: 3 })));
    const result = await vae.fit(x, { steps: 300, batchSize: 32, lr: 3e-3, seed: 0, progress: false });
    expect(result.step).toBe(300);
    const after = tf.tidy(() => mean(vae.elbo(xTest, { seed: 3 })));
    // 64 Bernoulli pixels: an untrained decoder sits near 64 ln 2 = 44 nats; bars are far cheaper.
    expect(before).toBeLessThan(-40);
    expect(after).toBeGreaterThan(before + 15);
    const rows = result.metrics.rows;
    const first = rows.slice(0, 20).reduce((s, r) => s + r.loss, 0) / 20;
    const last = rows.slice(-20).reduce((s, r) => s + r.loss, 0) / 20;
    expect(last).toBeLessThan(first - 15);
    expect(Object.keys(rows[0].parts).sort()).toEqual(['elbo', 'kl', 'reconstruction']);
    // The importance-weighted bound is tighter than the ELBO (in expectation; 128 digits average it).
    const logPx = await vae.logLikelihood(xTest, { samples: 64, seed: 4 });
    expect(mean(logPx)).toBeGreaterThan(after);
    expect(mean(logPx)).toBeLessThan(0);
    logPx.dispose();
    vae.dispose();
  });

  it('every public method leaves no tensors behind, and dispose() returns memory to the baseline', async () => {
    const baseline = tf.memory().numTensors;
    const vae = new Vae(small, { seed: 1 });
    await vae.fit(x, { steps: 2, batchSize: 16, progress: false });
    const z = tf.zeros([3, 4]);
    const a = tf.slice(xTest, 0, 1);
    const b = tf.tidy(() => tf.reshape(tf.slice(xTest, 1, 1), [64]));
    await expectNoLeak(() => vae.fit(x, { steps: 4, progress: false }).then(() => undefined), 'fit');
    await expectNoLeak(() => {
      const q = vae.encode(xTest);
      q.dispose();
    }, 'encode');
    await expectNoLeak(() => vae.decode(z), 'decode');
    await expectNoLeak(() => vae.sample(5, { seed: 2 }), 'sample');
    await expectNoLeak(() => vae.reconstruct(xTest), 'reconstruct');
    await expectNoLeak(() => vae.interpolate(a, b, 5), 'interpolate linear');
    await expectNoLeak(() => vae.interpolate(a, b, 5, { method: 'slerp' }), 'interpolate slerp');
    await expectNoLeak(() => vae.elbo(xTest), 'elbo');
    await expectNoLeak(() => vae.logLikelihood(xTest, { samples: 10, chunkRows: 100 }), 'logLikelihood');
    await expectNoLeak(() => vae.anomalyScore(xTest, { samples: 3 }), 'anomalyScore');
    await expectNoLeak(() => vae.toBytes().then(() => undefined), 'toBytes');
    const bytes = await vae.toBytes();
    await expectNoLeak(() => Vae.fromBytes(bytes).dispose(), 'fromBytes + dispose');
    tf.dispose([z, a, b]);
    vae.dispose();
    vae.dispose(); // idempotent
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('methods return the documented shapes and value ranges', async () => {
    const vae = new Vae(small, { seed: 2 });
    const q = vae.encode(xTest);
    expect(q.batchShape).toEqual([128]);
    expect(q.eventShape).toEqual([4]);
    expect(q.loc.shape).toEqual([128, 4]);
    const s = vae.sample(7, { seed: 1 });
    expect(s.shape).toEqual([7, 64]);
    const values = s.dataSync();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    // Same seed, same samples; another seed, others.
    const s2 = vae.sample(7, { seed: 1 });
    const s3 = vae.sample(7, { seed: 2 });
    await expectTensorsClose(s2, s, { rtol: 0, atol: 0 });
    expect(Math.max(...tf.abs(tf.sub(s3, s)).dataSync())).toBeGreaterThan(1e-3);
    // Interpolation starts and ends at the reconstructions of its endpoints.
    const a = tf.slice(xTest, 0, 1);
    const b = tf.slice(xTest, 1, 1);
    const rec = vae.reconstruct(tf.concat([a, b]));
    for (const method of ['linear', 'slerp'] as const) {
      const path = vae.interpolate(a, b, 6, { method });
      expect(path.shape).toEqual([6, 64]);
      await expectTensorsClose(tf.slice(path, 0, 1), tf.slice(rec, 0, 1), { rtol: 1e-4, atol: 1e-5 });
      await expectTensorsClose(tf.slice(path, 5, 1), tf.slice(rec, 1, 1), { rtol: 1e-4, atol: 1e-5 });
    }
    q.dispose();
    vae.dispose();
  });

  it('bad input: wrong shape, K < 1, wrong z, wrong prior, and use after dispose', async () => {
    const vae = new Vae(small);
    const wrong = tf.zeros([2, 8, 8]);
    expect(() => vae.encode(wrong)).toThrow(ShapeError);
    expect(() => vae.encode(wrong)).toThrow("Argument 'x' passed to 'Vae.encode' must have shape [batch, 64], but got [2, 8, 8].");
    expect(() => vae.elbo(tf.zeros([2, 63]))).toThrow("Argument 'x' passed to 'Vae.elbo' must have shape [batch, 64], but got [2, 63].");
    await expect(vae.fit(wrong, { steps: 1 })).rejects.toThrow(ShapeError);
    await expect(vae.logLikelihood(xTest, { samples: 0 })).rejects.toThrow(
      "Argument 'samples' passed to 'Vae.logLikelihood' must be an integer >= 1, but got 0.",
    );
    await expect(vae.anomalyScore(xTest, { samples: 0.5 })).rejects.toThrow(InvalidArgumentError);
    expect(() => vae.decode(tf.zeros([2, 3]))).toThrow("Argument 'z' passed to 'Vae.decode' must have shape [batch, 4], but got [2, 3].");
    expect(() => vae.interpolate(xTest, xTest, 4)).toThrow(ShapeError);
    expect(() => vae.interpolate(tf.zeros([64]), tf.zeros([64]), 4, { method: 'cubic' as 'linear' })).toThrow(
      "Argument 'method' passed to 'Vae.interpolate' must be one of 'linear', 'slerp', but got 'cubic'.",
    );
    expect(() => vae.sample(0)).toThrow("Argument 'n' passed to 'Vae.sample' must be an integer >= 1, but got 0.");
    expect(() => vae.encode(xTest, { labels: [1] })).toThrow(InvalidArgumentError);
    expect(() => new Vae({ ...small, decoder: 'poisson' as 'bernoulli' })).toThrow(
      "Argument 'config.decoder' passed to 'Vae' must be one of 'bernoulli', 'gaussian', 'gaussianLearned', 'continuousBernoulli', but got 'poisson'.",
    );
    expect(() => new Vae({ ...small, latentDim: 0 })).toThrow(InvalidArgumentError);
    expect(() => new Vae({ ...small, iwaeSamples: 0 })).toThrow(
      "Argument 'config.iwaeSamples' passed to 'Vae' must be an integer >= 1, but got 0.",
    );
    expect(() => new Vae({ ...small, laten: 3 } as never)).toThrow(/unknown key 'laten'/);
    expect(() => new Vae({ inputShape: [30, 30, 1], latentDim: 2, architecture: 'conv' })).toThrow(/divisible by 4/);
    const prior = new Independent(new Normal(tf.zeros([3]), 1), 1);
    expect(() => new Vae(small, { prior })).toThrow("Argument 'prior' passed to 'Vae' must have eventShape [4] and batchShape [], but got eventShape [3] and batchShape [].");
    await expect(vae.fit(xTest, { progress: false })).rejects.toThrow(/give exactly one/);
    vae.dispose();
    expect(() => vae.sample(2)).toThrow(DisposedError);
    expect(() => vae.encode(xTest)).toThrow('Vae.encode() was called after dispose().');
    await expect(vae.logLikelihood(xTest)).rejects.toThrow(DisposedError);
    await expect(vae.fit(xTest, { steps: 1 })).rejects.toThrow(DisposedError);
    await expect(vae.toBytes()).rejects.toThrow(DisposedError);
    tf.dispose([wrong, (prior.base as Normal).loc]);
    prior.base.dispose();
  });

  it('exact resume: N steps, save, load, N more equals 2N uninterrupted (1e-6)', async () => {
    const options = { batchSize: 32, lr: 2e-3, seed: 5, progress: false } as const;
    // 512 / 32 = 16 steps per epoch: 20 + 20 crosses an epoch boundary.
    const whole = new Vae(small, { seed: 3 });
    await whole.fit(x, { ...options, steps: 40 });
    const first = new Vae(small, { seed: 3 });
    await first.fit(x, { ...options, steps: 20 });
    const bytes = await first.toBytes();
    first.dispose();
    const resumed = Vae.fromBytes(bytes);
    expect(resumed.step).toBe(20);
    await resumed.fit(x, { steps: 40, progress: false });
    expect(resumed.step).toBe(40);
    const a = flattenParams(whole.params);
    const b = flattenParams(resumed.params);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const path of Object.keys(a)) await expectTensorsClose(b[path], a[path], { rtol: 1e-6, atol: 1e-6 });
    // A loaded model keeps its batch size.
    await expect(resumed.fit(x, { steps: 41, batchSize: 16 })).rejects.toThrow(/must be 32/);
    whole.dispose();
    resumed.dispose();
  });

  it('save/load through a file, and load checks shapes', async () => {
    const vae = new Vae(small, { seed: 4 });
    const path = `/tmp/vae-test-${process.pid}-${Math.random().toString(36).slice(2)}.safetensors`;
    await vae.save(path);
    const copy = await Vae.load(path);
    await expectTensorsClose(copy.sample(3, { seed: 1 }), vae.sample(3, { seed: 1 }), { rtol: 0, atol: 0 });
    expect(copy.step).toBe(0);
    // fit's checkpoint option writes the model every `every` steps; the file resumes at that step.
    await copy.fit(x, { steps: 4, batchSize: 16, progress: false, checkpoint: { every: 2, path } });
    const resumed = await Vae.load(path);
    expect(resumed.step).toBe(4);
    await expectTensorsClose(resumed.sample(2, { seed: 3 }), copy.sample(2, { seed: 3 }), { rtol: 0, atol: 0 });
    resumed.dispose();
    const other = new Vae({ ...small, hidden: [16] });
    const otherBytes = await other.toBytes();
    other.dispose();
    // Same config as the bytes but a different one in the checkpoint would rebuild that config; a
    // tampered config is caught by the shape check.
    copy.dispose();
    vae.dispose();
    expect(() => Vae.fromBytes(new Uint8Array([1, 2, 3]))).toThrow();
    expect(Vae.fromBytes(otherBytes).config.hidden).toEqual([16]);
  });
});

describe('log-likelihood estimate', () => {
  it('with a 1-D latent, the IWAE estimate (K = 4000) matches log p(x) by quadrature to 0.05 nats', async () => {
    const vae = new Vae({ inputShape: [64], latentDim: 1, hidden: [16] }, { seed: 7 });
    const x = prototypes(64, 9);
    await vae.fit(x, { steps: 60, batchSize: 32, lr: 3e-3, progress: false });
    const xs = tf.slice(x, 0, 4);
    const estimate = (await vae.logLikelihood(xs, { samples: 4000, seed: 1 })).dataSync();
    // log p(x) = log integral N(z; 0, 1) prod_j p_j(z)^x_j (1 - p_j(z))^(1 - x_j) dz, trapezoid rule.
    const grid = 4001;
    const zs = tf.linspace(-8, 8, grid);
    const probs = vae.decode(tf.reshape(zs, [grid, 1])).arraySync() as number[][];
    const pixels = xs.arraySync() as number[][];
    const dz = 16 / (grid - 1);
    for (let i = 0; i < 4; i++) {
      const logTerms = probs.map((p, g) => {
        const z = -8 + g * dz;
        let lp = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI);
        for (let j = 0; j < 64; j++) {
          const pj = Math.min(Math.max(p[j], 1e-12), 1 - 1e-12);
          lp += pixels[i][j] ? Math.log(pj) : Math.log(1 - pj);
        }
        return lp;
      });
      const m = Math.max(...logTerms);
      const sum = logTerms.reduce((s, t, g) => s + (g === 0 || g === grid - 1 ? 0.5 : 1) * Math.exp(t - m), 0);
      const exact = m + Math.log(sum * dz);
      expect(Math.abs(estimate[i] - exact)).toBeLessThan(0.05);
      expect(estimate[i]).toBeLessThan(exact + 0.05); // a lower bound in expectation
    }
    tf.dispose([x, xs, zs]);
    vae.dispose();
  });

  it('an explicit standard-normal prior gives the same log-likelihood as the default (same seed)', async () => {
    const x = prototypes(16, 3);
    const base = new Normal(tf.zeros([4]), tf.ones([4]));
    const prior = new Independent(base, 1);
    const a = new Vae(small, { seed: 2 });
    const b = new Vae(small, { seed: 2, prior });
    await expectTensorsClose(await b.logLikelihood(x, { samples: 20 }), await a.logLikelihood(x, { samples: 20 }), { rtol: 1e-5, atol: 1e-4 });
    // The ELBO with the Monte Carlo KL differs from the closed form per sample but not on average.
    const closed = mean(a.elbo(x, { seed: 1 }));
    let mc = 0;
    for (let s = 0; s < 50; s++) mc += mean(b.elbo(x, { seed: s })) / 50;
    expect(Math.abs(mc - closed)).toBeLessThan(0.5);
    a.dispose();
    b.dispose();
    tf.dispose([x, base.loc, base.scale]);
  });

  it('a mixture prior (as @gen/gmm gives) trains and samples from the mixture', async () => {
    const x = prototypes(256, 4);
    const mixing = new Categorical({ logits: tf.zeros([3]) });
    const locs = tf.tensor2d([[-3, -3], [0, 3], [3, -3]]);
    const components = new Independent(new Normal(locs, tf.fill([3, 2], 0.5)), 1);
    const prior = new MixtureSameFamily(mixing, components);
    const vae = new Vae({ inputShape: [64], latentDim: 2, hidden: [32] }, { prior });
    const result = await vae.fit(x, { steps: 80, batchSize: 32, lr: 3e-3, progress: false });
    const rows = result.metrics.rows;
    expect(rows[rows.length - 1].loss).toBeLessThan(rows[0].loss - 5);
    expect(vae.sample(4, { seed: 1 }).shape).toEqual([4, 64]);
    const bytes = await vae.toBytes();
    expect(() => Vae.fromBytes(bytes)).toThrow(/custom prior; pass it as options.prior/);
    const loaded = Vae.fromBytes(bytes, { prior });
    await expectTensorsClose(loaded.sample(4, { seed: 2 }), vae.sample(4, { seed: 2 }), { rtol: 0, atol: 0 });
    loaded.dispose();
    prior.dispose();
    components.dispose();
    tf.dispose([x, locs, (components.base as Normal).scale]);
    vae.dispose();
  });
});

describe('variants', () => {
  it('conditional VAE: labels reach encoder and decoder; out-of-range labels give clear errors', async () => {
    const x = prototypes(128, 5);
    const labels = Int32Array.from({ length: 128 }, (_, i) => i % 3);
    const vae = new Vae({ ...small, numClasses: 3 });
    const result = await vae.fit(x, { labels, steps: 40, batchSize: 32, lr: 3e-3, progress: false });
    expect(result.step).toBe(40);
    const s0 = vae.sample(2, { seed: 1, labels: [0, 0] });
    const s1 = vae.sample(2, { seed: 1, labels: [2, 2] });
    expect(Math.max(...tf.abs(tf.sub(s0, s1)).dataSync())).toBeGreaterThan(1e-4);
    expect(() => vae.sample(2, { labels: [0, 3] })).toThrow(
      "Argument 'labels' passed to 'Vae.sample' must hold integers in [0, 3), but got 3 at index 1.",
    );
    expect(() => vae.sample(2, { labels: [0, -1] })).toThrow(InvalidArgumentError);
    expect(() => vae.sample(2)).toThrow(/this VAE is conditional/);
    expect(() => vae.encode(x, { labels: [1, 2] })).toThrow("Argument 'labels' passed to 'Vae.encode' must have shape [128], but got [2].");
    await expect(vae.fit(x, { labels: labels.map((l) => l + 1), steps: 41 })).rejects.toThrow(/\[0, 3\), but got 3/);
    await expect(vae.logLikelihood(x, { labels, samples: 2 })).resolves.toBeDefined();
    const [za, zb] = [tf.zeros([64]), tf.ones([64])];
    await expectNoLeak(() => vae.interpolate(za, zb, 3, { labels: [1] }), 'conditional interpolate');
    tf.dispose([za, zb]);
    await expectNoLeak(() => vae.logLikelihood(x, { labels, samples: 2 }), 'conditional logLikelihood');
    vae.dispose();
    tf.dispose([x, s0, s1]);
  });

  it('beta and KL warm-up: the KL weight ramps from beta/warmup to beta', () => {
    expect(klWeight({ beta: 4, warmupSteps: 0 }, 0)).toBe(4);
    expect(klWeight({ beta: 4, warmupSteps: 100 }, 0)).toBeCloseTo(0.04, 12);
    expect(klWeight({ beta: 4, warmupSteps: 100 }, 49)).toBeCloseTo(2, 12);
    expect(klWeight({ beta: 4, warmupSteps: 100 }, 500)).toBe(4);
  });

  it('beta-VAE: a larger beta gives a smaller KL after the same training', async () => {
    const x = prototypes(256, 6);
    const kls: number[] = [];
    for (const beta of [0.5, 8]) {
      const vae = new Vae({ ...small, beta, warmupSteps: 20 }, { seed: 1 });
      const result = await vae.fit(x, { steps: 100, batchSize: 32, lr: 3e-3, progress: false });
      const rows = result.metrics.rows.slice(-20);
      kls.push(rows.reduce((s, r) => s + r.parts.kl, 0) / rows.length);
      vae.dispose();
    }
    expect(kls[1]).toBeLessThan(kls[0] * 0.5);
    x.dispose();
  });

  it('IWAE objective with K = 5 trains (its bound rises)', async () => {
    const x = prototypes(256, 7);
    const vae = new Vae({ ...small, objective: 'iwae', iwaeSamples: 5 });
    const result = await vae.fit(x, { steps: 120, batchSize: 32, lr: 3e-3, progress: false });
    const rows = result.metrics.rows;
    expect(Object.keys(rows[0].parts)).toEqual(['iwaeBound']);
    const avg = (rs: typeof rows) => rs.reduce((s, r) => s + r.parts.iwaeBound, 0) / rs.length;
    expect(avg(rows.slice(-10))).toBeGreaterThan(avg(rows.slice(0, 10)) + 10);
    vae.dispose();
    x.dispose();
  });

  it('Gaussian (fixed, learned) and continuous-Bernoulli decoders train; the learned scale moves', async () => {
    const x = tf.tidy(() => tf.add(tf.mul(prototypes(128, 8), 0.8), 0.1)); // values in {0.1, 0.9}
    for (const decoder of ['gaussian', 'gaussianLearned', 'continuousBernoulli'] as const) {
      const vae = new Vae({ ...small, decoder, fixedStd: 0.3 });
      const logScale0 = decoder === 'gaussianLearned' ? (vae.params.logScale as tf.Tensor).dataSync().slice() : null;
      const result = await vae.fit(x, { steps: 60, batchSize: 32, lr: 3e-3, progress: false });
      const rows = result.metrics.rows;
      expect(rows[rows.length - 1].loss).toBeLessThan(rows[0].loss);
      if (logScale0) {
        const logScale1 = (vae.params.logScale as tf.Tensor).dataSync();
        expect(Math.max(...logScale1.map((v, i) => Math.abs(v - logScale0[i])))).toBeGreaterThan(0.01);
      }
      const m = vae.decode(tf.zeros([2, 4]));
      if (decoder === 'continuousBernoulli') {
        expect(Math.min(...m.dataSync())).toBeGreaterThanOrEqual(0);
        expect(Math.max(...m.dataSync())).toBeLessThanOrEqual(1);
      }
      await expectNoLeak(() => vae.logLikelihood(x, { samples: 3 }), `${decoder} logLikelihood`);
      vae.dispose();
      m.dispose();
    }
    x.dispose();
  });

  it('the Gaussian decoder log-density is N(x; mean, fixedStd^2) summed over pixels', async () => {
    // With a deterministic encoder (logVar -> -inf is not reachable), check through elbo terms:
    // elbo + KL = log N(x; decode(z), s^2); use a custom network whose decoder ignores z.
    const networks: VaeNetworks = {
      params: { bias: tf.tensor1d([0.2, -0.5, 1]) },
      encode: (_p, x) => ({ mu: tf.zeros([x.shape[0], 1]), logVar: tf.zeros([x.shape[0], 1]) }),
      decode: (p, z) => tf.tile(tf.reshape(p.bias as tf.Tensor, [1, 3]), [z.shape[0], 1]),
    };
    const vae = new Vae({ inputShape: [3], latentDim: 1, decoder: 'gaussian', fixedStd: 0.5 }, { networks });
    const x = tf.tensor2d([[0, 0, 0], [1, 2, 3]]);
    const elbo = vae.elbo(x, { seed: 0 }); // KL(N(0,1) || N(0,1)) = 0
    const normal = new Normal(tf.tensor1d([0.2, -0.5, 1]), 0.5);
    await expectTensorsClose(elbo, tf.sum(normal.logProb(x), 1), { rtol: 1e-5, atol: 1e-5 });
    vae.dispose();
    normal.dispose();
    expect((networks.params.bias as tf.Tensor).isDisposed).toBe(false); // custom params stay the user's
    tf.dispose([x, elbo, networks.params.bias as tf.Tensor]);
  });

  it('custom networks over @gen/core blocks train, and load needs them back', async () => {
    const make = (): VaeNetworks => ({
      params: { enc: initMlp(1, { widths: [64, 16, 8] }), dec: initMlp(2, { widths: [4, 16, 64] }) },
      encode: (p, x) => {
        const [mu, logVar] = tf.split(mlp(p.enc as MlpParams, x), 2, 1);
        return { mu, logVar };
      },
      decode: (p, z) => mlp(p.dec as MlpParams, z),
    });
    const x = prototypes(128, 9);
    const networks = make();
    const vae = new Vae({ inputShape: [64], latentDim: 4 }, { networks });
    const result = await vae.fit(x, { steps: 60, batchSize: 32, lr: 3e-3, progress: false });
    expect(result.metrics.rows[59].loss).toBeLessThan(result.metrics.rows[0].loss - 5);
    const bytes = await vae.toBytes();
    expect(() => Vae.fromBytes(bytes)).toThrow(/custom networks/);
    const again = make();
    const loaded = Vae.fromBytes(bytes, { networks: again });
    await expectTensorsClose(loaded.reconstruct(x), vae.reconstruct(x), { rtol: 0, atol: 0 });
    loaded.dispose();
    vae.dispose();
    tf.dispose([x, flattenParams(networks.params), flattenParams(again.params)] as never);
  });
});

describe('conv preset', () => {
  it('trains (loss falls), is leak-free, and dispose() returns to the baseline', async () => {
    const baseline = tf.memory().numTensors;
    const x = prototypes(64, 10, true); // [64, 8, 8, 1]
    const vae = new Vae({ inputShape: [8, 8, 1], latentDim: 4, architecture: 'conv', hidden: [8, 16] }, { seed: 0 });
    const result = await vae.fit(x, { steps: 100, batchSize: 8, lr: 1e-2, progress: false });
    const rows = result.metrics.rows;
    const avg = (rs: typeof rows) => rs.reduce((s, r) => s + r.loss, 0) / rs.length;
    expect(avg(rows.slice(-10))).toBeLessThan(avg(rows.slice(0, 10)) - 8);
    await expectNoLeak(() => vae.fit(x, { steps: 102, progress: false }).then(() => undefined), 'conv fit');
    await expectNoLeak(() => vae.reconstruct(x), 'conv reconstruct');
    await expectNoLeak(() => vae.sample(3), 'conv sample');
    const x4 = tf.slice(x, 0, 4);
    const x4flat = tf.reshape(x4, [4, 64]);
    await expectNoLeak(() => vae.logLikelihood(x4, { samples: 4 }), 'conv logLikelihood');
    const samples = vae.sample(3);
    expect(samples.shape).toEqual([3, 8, 8, 1]);
    samples.dispose();
    expect(() => vae.encode(x4flat)).toThrow("Argument 'x' passed to 'Vae.encode' must have shape [batch, 8, 8, 1], but got [4, 64].");
    tf.dispose([x4, x4flat]);
    vae.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
