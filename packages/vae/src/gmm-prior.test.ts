// A @gen/gmm mixture as the VAE prior (the user passes it; @gen/vae does not depend on @gen/gmm).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak } from '@gen/core/testing';
import type { Distribution } from '@gen/core';
import { prototypes } from './test-data.test-util.js';
import { Vae } from './vae.js';

// @gen/gmm is a dev-only dependency; until pnpm install links it, load its source by a path that tsc
// does not follow (a static relative import would pull gmm's sources under this package's rootDir).
interface GaussianMixtureLike {
  fit(x: tf.Tensor2D): Promise<unknown>;
  toMixtureSameFamily(): Distribution;
}
const gmmSource = '../../gmm/src/index.js';
const { GaussianMixture } = (await import(/* @vite-ignore */ gmmSource)) as {
  GaussianMixture: new (config: { nComponents: number; covarianceType: string; seed: number }) => GaussianMixtureLike;
};

describe('Vae with a @gen/gmm prior', () => {
  it('a fitted GaussianMixture (toMixtureSameFamily) trains, samples and scores as the prior', async () => {
    // Fit a 3-component GMM on 2-d points around three centres.
    const centres = [[-2, 0], [2, 0], [0, 2.5]];
    const points = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([300, 2], 0, 1, 'float32', 1), 0.4), tf.tensor2d(Array.from({ length: 300 }, (_, i) => centres[i % 3]))));
    const gmm = new GaussianMixture({ nComponents: 3, covarianceType: 'full', seed: 0 });
    await gmm.fit(points as tf.Tensor2D);
    const prior = gmm.toMixtureSameFamily();
    const x = prototypes(256, 11);
    const vae = new Vae({ inputShape: [64], latentDim: 2, hidden: [32] }, { prior, seed: 0 });
    const result = await vae.fit(x, { steps: 80, batchSize: 32, lr: 3e-3, progress: false });
    const rows = result.metrics.rows;
    const avg = (rs: typeof rows) => rs.reduce((s, r) => s + r.loss, 0) / rs.length;
    expect(avg(rows.slice(-10))).toBeLessThan(avg(rows.slice(0, 10)) - 5);
    // Samples come from the mixture: decoding the same z as the prior's own draws gives the same images.
    const z = prior.sample([5], 7);
    const [sampled, decoded] = [vae.sample(5, { seed: 7 }), vae.decode(z)];
    expect(sampled.arraySync()).toEqual(decoded.arraySync());
    tf.dispose([sampled, decoded]);
    const logPx = await vae.logLikelihood(x, { samples: 16 });
    expect(Array.from(logPx.dataSync()).every(Number.isFinite)).toBe(true);
    await expectNoLeak(() => vae.logLikelihood(x, { samples: 4 }), 'logLikelihood with a GMM prior');
    await expectNoLeak(() => vae.sample(3), 'sample with a GMM prior');
    tf.dispose([points, x, z, logPx]);
    vae.dispose();
    prior.dispose();
  });
});
