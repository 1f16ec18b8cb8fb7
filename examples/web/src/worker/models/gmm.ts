// Gaussian mixture: stepwise online EM (`partialFit`, one minibatch per step) on a toy 2-D data
// set. The EM runs in float64 in JavaScript/wasm-SIMD (no tfjs backend needed); the loss is the
// negative mean log-likelihood of each batch before its update. Samples are coloured by component.
//
// Checkpoints hold the fitted weights, means and precisions as exact float64 JSON, plus the step.
// Online EM's running statistics are not public, so a loaded mixture rebuilds them with one EM
// step over the whole data set, starting from the saved parameters.
import { foldIn, permutation, saveCheckpoint } from '@gen/core';
import { GaussianMixture } from '@gen/gmm';
import type { SampleView, StartOptions } from '../../protocol.js';
import { NUM_POINTS_2D as NUM_POINTS, toyPoints, type ModelAdapter, type ModelFactory, type Settings2D as Settings } from '../model.js';

const BATCH = 256;
const NUM_COMPONENTS = 12;
const NUM_SAMPLES = 1000;

interface Saved extends Settings {
  playground: 'gmm';
  step: number;
  weights: number[];
  means: number[][];
  precisions: number[][][];
}

/** Rows i..i+batch of `x` in the order of `order`, as a row-major [batch, 2] matrix. */
function gatherRows(x: Float32Array, order: Int32Array, start: number, batch: number): { data: Float64Array; shape: [number, number] } {
  const data = new Float64Array(batch * 2);
  for (let r = 0; r < batch; r++) {
    const i = order[(start + r) % order.length];
    data[2 * r] = x[2 * i];
    data[2 * r + 1] = x[2 * i + 1];
  }
  return { data, shape: [batch, 2] };
}

async function build(settings: Settings, saved?: Saved): Promise<ModelAdapter> {
  const { dataset, seed } = settings;
  const { points, extent, shown } = toyPoints(settings);
  const common = { nComponents: NUM_COMPONENTS, covarianceType: 'full' as const, onCollapse: 'reinitialize' as const, seed };
  const gmm = saved
    ? new GaussianMixture({ ...common, weightsInit: saved.weights, meansInit: saved.means, precisionsInit: saved.precisions })
    : new GaussianMixture(common);
  let step = saved?.step ?? 0;
  if (saved) await gmm.partialFit({ data: Float64Array.from(points), shape: [NUM_POINTS, 2] }); // rebuild the online statistics
  const orderOfEpoch = (epoch: number) => permutation(foldIn(seed, 1000 + epoch), NUM_POINTS);
  let cached: { epoch: number; order: Int32Array } = { epoch: -1, order: new Int32Array(0) };

  return {
    name: 'gmm',
    get step() {
      return step;
    },
    async train(signal, onStep) {
      const perEpoch = Math.floor(NUM_POINTS / BATCH);
      while (!signal.aborted) {
        // Batch of step s: part of a per-epoch permutation of the points (a function of s alone).
        const epoch = Math.floor(step / perEpoch);
        if (cached.epoch !== epoch) cached = { epoch, order: orderOfEpoch(epoch) };
        const batch = gatherRows(points, cached.order, (step % perEpoch) * BATCH, BATCH);
        const loss = step === 0 ? NaN : -(await gmm.score(batch)); // no model before the first batch
        await gmm.partialFit(batch);
        step += 1;
        await onStep(step, loss);
      }
    },
    async samples(): Promise<SampleView> {
      if (step === 0) return { kind: 'points', points: new Float32Array(0), data: shown, extent }; // nothing fitted yet
      const { points: drawn, components } = gmm.sample(NUM_SAMPLES, { seed: 7 });
      return { kind: 'points', points: Float32Array.from(drawn.data), labels: components, centers: Float32Array.from(gmm.means.data), data: shown, extent };
    },
    async save() {
      const k = NUM_COMPONENTS;
      const means = gmm.means.data;
      const precisions = gmm.precisions.data; // [k, 2, 2]
      const config: Saved = {
        playground: 'gmm',
        dataset,
        seed,
        step,
        weights: Array.from(gmm.weights),
        means: Array.from({ length: k }, (_, c) => [means[2 * c], means[2 * c + 1]]),
        precisions: Array.from({ length: k }, (_, c) => [
          [precisions[4 * c], precisions[4 * c + 1]],
          [precisions[4 * c + 2], precisions[4 * c + 3]],
        ]),
      };
      // A gen checkpoint without tensors: the parameters are float64 and JSON keeps them exactly.
      return saveCheckpoint({ params: {}, step, config: config as never });
    },
    dispose() {
      // GaussianMixture holds no tensors.
    },
  };
}

export const gmm: ModelFactory = {
  name: 'gmm',
  create: (options: StartOptions) => build({ dataset: options.dataset, seed: options.seed }),
  recognises: (config) => (config as { playground?: string })?.playground === 'gmm',
  load: (_bytes, config) => build(config as Saved, config as Saved),
};
