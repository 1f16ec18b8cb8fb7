// Variational autoencoder (Kingma & Welling, "Auto-Encoding Variational Bayes", 2014), with beta-VAE
// (Higgins et al. 2017), KL warm-up (Bowman et al. 2016), conditional VAE (Sohn et al. 2015) and
// the IWAE objective and log-likelihood estimate (Burda, Grosse & Salakhutdinov 2016).
import * as tf from '@tensorflow/tfjs-core';
import {
  CheckpointError,
  DisposedError,
  Distribution,
  InvalidArgumentError,
  type JsonValue,
  type LoadedCheckpoint,
  type LossOutput,
  type MetricsLog,
  type Optimizer,
  type ParamTree,
  type Seed,
  ShapeError,
  type StepMetrics,
  type TrainResult,
  Rng,
  adam,
  checkNumber,
  checkOneOf,
  describeValue,
  disposeParams,
  flattenParams,
  foldIn,
  loadCheckpoint,
  permutation,
  randomNormal,
  saveCheckpoint,
  split,
  toVariables,
  train,
  unflattenParams,
  writeFileAtomic,
} from '@gen/core';
import { type ResolvedVaeConfig, type VaeConfig, klWeight, resolveConfig } from './config.js';
import { type VaeNetworks, convNetworks, mlpNetworks } from './networks.js';
import {
  type ObservationModel,
  diagGaussianLogProb,
  iwaeBound,
  klTerm,
  observationLogProb,
  observationMean,
  priorLogProb,
} from './objective.js';
import { GaussianPosterior } from './posterior.js';

/** Options of the `Vae` constructor. */
export interface VaeOptions {
  /** Seed of the parameter initialisation. Default 0. */
  seed?: Seed;
  /** Your own encoder/decoder (replaces the preset named by `config.architecture`). */
  networks?: VaeNetworks;
  /**
   * Prior p(z): any `@gen/core` distribution with `eventShape [latentDim]` and `batchShape []`
   * whose `logProb` is differentiable (e.g. `Independent(Normal(...), 1)`, or a `MixtureSameFamily`
   * from `@gen/gmm`) and that can `sample`. Borrowed: the `Vae` never disposes it. Default: the
   * standard normal (closed-form KL).
   */
  prior?: Distribution;
}

/** Labels of a conditional VAE: integers in [0, numClasses), one per example. */
export type Labels = ArrayLike<number>;

/** Options of methods that take a batch of inputs. */
export interface InputOptions {
  /** Class labels `[batch]` (conditional VAEs only; required there). */
  labels?: Labels;
}

/** Options of `Vae.fit`. */
export interface FitOptions extends InputOptions {
  /** Train until the model has done this many updates in total (a resumed model continues). */
  steps?: number;
  /** Alternatively, the number of epochs in total (whole batches only: floor(n / batchSize) steps each). */
  epochs?: number;
  /** Batch size. Default 128. */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3. Used when training starts (the optimizer is then saved with the model). */
  lr?: number;
  /** Seed of the shuffling and the per-step noise; used when training starts (step 0), then continued. Default 0. */
  seed?: number;
  /** Progress bar ('auto': on a TTY outside CI). Default 'auto'. */
  progress?: boolean | 'auto';
  /** One summary line every `every` steps. */
  log?: { every: number; write?: (line: string) => void };
  /** Called after every step. */
  onStep?: (metrics: StepMetrics) => void | Promise<void>;
  /** A metrics log to append to. */
  metrics?: MetricsLog;
  /** Save a checkpoint (model, optimizer, RNG, step) every `every` updates to `path` (Node). */
  checkpoint?: { every: number; path: string };
  /** Stops cleanly between steps. */
  signal?: AbortSignal;
}

/** Options of `Vae.logLikelihood` and `Vae.anomalyScore`. */
export interface LikelihoodOptions extends InputOptions {
  /** Importance samples K >= 1 (K = 1 gives the ELBO). Default 1000 for `logLikelihood`, 100 for `anomalyScore`. */
  samples?: number;
  /** Seed of the samples. Default 0. */
  seed?: Seed;
  /** Decoder rows per chunk (examples x samples), bounding memory. Default 16384. */
  chunkRows?: number;
}

/** Options of `Vae.load` and `Vae.fromBytes`. */
export interface LoadOptions {
  /** The networks, when the model was built with custom ones (functions are not saved). */
  networks?: VaeNetworks;
  /** The prior, when the model was built with one (distributions are not saved). */
  prior?: Distribution;
}

interface TrainingRecord {
  seed: number;
  batchSize: number;
  lr: number;
}

const FORMAT = 'gen.vae';

/**
 * A VAE: config + parameters (variables the model owns) + pure networks. All tensors returned by
 * methods belong to the caller; inputs are never disposed.
 *
 * @example
 * const vae = new Vae({ inputShape: [784], latentDim: 20 });            // 784-400-20-400-784, Bernoulli
 * await vae.fit(x, { epochs: 50, batchSize: 128, lr: 1e-3, seed: 0 });  // x [n, 784] in {0, 1}
 * const nll = tf.neg(await vae.logLikelihood(xTest, { samples: 1000 })); // [nTest], nats
 * const samples = vae.sample(64, { seed: 1 });                           // [64, 784] probabilities
 * vae.dispose();
 */
export class Vae {
  /** The resolved, frozen config. */
  readonly config: ResolvedVaeConfig;
  /** Trainable parameters: `{net: <network params>, logScale?: [...inputShape]}`. */
  readonly params: ParamTree<tf.Variable>;
  /** The prior (borrowed), or null for the standard normal. */
  readonly prior: Distribution | null;
  private readonly networks: VaeNetworks;
  private readonly custom: boolean;
  private optimizer: Optimizer | null = null;
  private rng: Rng | null = null;
  private training: TrainingRecord | null = null;
  private disposed = false;

  constructor(config: VaeConfig, options: VaeOptions = {}) {
    const fn = 'Vae';
    this.config = resolveConfig(fn, config);
    const { seed = 0, networks, prior } = options ?? {};
    if (prior !== undefined) {
      if (!(prior instanceof Distribution)) {
        throw new InvalidArgumentError(`Argument 'prior' passed to '${fn}' must be a Distribution, but got ${describeValue(prior)}.`);
      }
      if (prior.eventShape.join(',') !== String(this.config.latentDim) || prior.batchShape.length !== 0) {
        throw new ShapeError(
          `Argument 'prior' passed to '${fn}' must have eventShape [${this.config.latentDim}] and batchShape [], but got eventShape ${describeValue([...prior.eventShape])} and batchShape ${describeValue([...prior.batchShape])}.`,
        );
      }
    }
    if (networks !== undefined && (typeof networks?.encode !== 'function' || typeof networks?.decode !== 'function' || networks.params == null)) {
      throw new InvalidArgumentError(`Argument 'networks' passed to '${fn}' must be {params, encode, decode}, but got ${describeValue(networks)}.`);
    }
    this.prior = prior ?? null;
    this.custom = networks !== undefined;
    const [netKey] = split(seed, 1);
    this.networks = networks ?? (this.config.architecture === 'conv' ? convNetworks(netKey, this.config) : mlpNetworks(netKey, this.config));
    const initial: Record<string, ParamTree | tf.Tensor> = { net: this.networks.params };
    if (this.config.decoder === 'gaussianLearned') initial.logScale = tf.fill([...this.config.inputShape], Math.log(this.config.fixedStd));
    // toVariables copies; free preset initial tensors (custom ones belong to the user).
    this.params = toVariables(initial as ParamTree) as ParamTree<tf.Variable>;
    if (!this.custom) disposeParams(this.networks.params);
    if (initial.logScale instanceof tf.Tensor) initial.logScale.dispose();
  }

  /** Updates done so far (0 before training). */
  get step(): number {
    return this.optimizer?.stepCount ?? 0;
  }

  private get net(): ParamTree {
    return this.params.net as ParamTree;
  }

  private get observation(): ObservationModel {
    return { kind: this.config.decoder, fixedStd: this.config.fixedStd, logScale: (this.params.logScale as tf.Tensor | undefined) ?? null };
  }

  private assertLive(method: string): void {
    if (this.disposed) throw new DisposedError(`Vae.${method}() was called after dispose().`);
  }

  // ---- validation at the boundary ----

  private checkInput(fn: string, x: unknown, arg = 'x'): tf.Tensor {
    if (!(x instanceof tf.Tensor)) {
      throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' must be a tf.Tensor, but got ${describeValue(x)}.`);
    }
    if (x.dtype !== 'float32') {
      throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' must have dtype float32, but got ${x.dtype}.`);
    }
    const want = this.config.inputShape;
    if (x.rank !== want.length + 1 || x.shape.slice(1).join(',') !== want.join(',') || x.shape[0] < 1) {
      throw new ShapeError(`Argument '${arg}' passed to '${fn}' must have shape [batch, ${want.join(', ')}], but got ${describeValue([...x.shape])}.`);
    }
    return x;
  }

  private checkLabels(fn: string, labels: Labels | undefined, batch: number): Int32Array | null {
    const classes = this.config.numClasses;
    if (classes === null) {
      if (labels !== undefined) throw new InvalidArgumentError(`Argument 'labels' passed to '${fn}' is only for conditional VAEs (config.numClasses), but got ${describeValue(labels)}.`);
      return null;
    }
    if (labels === undefined || labels === null || typeof (labels as ArrayLike<number>).length !== 'number') {
      throw new InvalidArgumentError(`Argument 'labels' passed to '${fn}' must be an array of ${batch} class labels (this VAE is conditional), but got ${describeValue(labels)}.`);
    }
    if (labels.length !== batch) {
      throw new ShapeError(`Argument 'labels' passed to '${fn}' must have shape [${batch}], but got [${labels.length}].`);
    }
    const out = new Int32Array(batch);
    for (let i = 0; i < batch; i++) {
      const v = labels[i];
      if (!Number.isInteger(v) || v < 0 || v >= classes) {
        throw new InvalidArgumentError(`Argument 'labels' passed to '${fn}' must hold integers in [0, ${classes}), but got ${describeValue(v)} at index ${i}.`);
      }
      out[i] = v;
    }
    return out;
  }

  private condition(labels: Int32Array | null): tf.Tensor | null {
    if (labels === null) return null;
    return tf.oneHot(tf.tensor1d(labels, 'int32'), this.config.numClasses as number, 1, 0, 'float32'); // [batch, C]
  }

  // ---- the math, synchronous, for use inside tidy ----

  private encodeRaw(x: tf.Tensor, condition: tf.Tensor | null): { mu: tf.Tensor; logVar: tf.Tensor } {
    return this.networks.encode(this.net, x, condition);
  }

  private decodeRaw(z: tf.Tensor, condition: tf.Tensor | null): tf.Tensor {
    return this.networks.decode(this.net, z, condition);
  }

  /** Per-example ELBO terms with one reparameterised sample: reconstruction log p(x|z) and KL, `[batch]` each. */
  private elboTerms(x: tf.Tensor, condition: tf.Tensor | null, key: Seed): { rec: tf.Tensor; kl: tf.Tensor } {
    const { mu, logVar } = this.encodeRaw(x, condition);
    const eps = randomNormal(key, mu.shape); // [batch, latent]
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
    const rec = observationLogProb(this.observation, this.decodeRaw(z, condition), x, this.config.inputShape.length);
    return { rec, kl: klTerm(this.prior, z, mu, logVar) };
  }

  /** Log importance weights log p(x, z_k) - log q(z_k | x), `[K, batch]`. */
  private logWeights(x: tf.Tensor, condition: tf.Tensor | null, samples: number, key: Seed): tf.Tensor {
    const { mu, logVar } = this.encodeRaw(x, condition);
    const batch = x.shape[0];
    const latent = this.config.latentDim;
    const eps = randomNormal(key, [samples, batch, latent]);
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)); // [K, batch, latent]
    const zFlat = tf.reshape(z, [samples * batch, latent]); // [K * batch, latent]
    // Tile only the small condition; x broadcasts against the decoder output (wasm's Tile is slow).
    const condRep = condition === null ? null : tf.reshape(tf.tile(tf.expandDims(condition, 0), [samples, 1, 1]), [samples * batch, -1]); // [K * batch, C]
    const out = tf.reshape(this.decodeRaw(zFlat, condRep), [samples, batch, ...this.config.inputShape]); // [K, batch, ...inputShape]
    const rec = observationLogProb(this.observation, out, x, this.config.inputShape.length); // [K, batch]
    const logPrior = tf.reshape(priorLogProb(this.prior, zFlat), [samples, batch]);
    const logQ = diagGaussianLogProb(z, mu, logVar); // [K, batch]
    return tf.sub(tf.add(rec, logPrior), logQ);
  }

  /** The training loss of one batch and its logged parts (internal; runs under the gradient tape). */
  private loss(x: tf.Tensor, condition: tf.Tensor | null, step: number, key: Seed): LossOutput {
    if (this.config.objective === 'iwae') {
      const bound = tf.mean(iwaeBound(this.logWeights(x, condition, this.config.iwaeSamples, key)));
      return { loss: tf.neg(bound) as tf.Scalar, parts: { iwaeBound: bound as tf.Scalar } };
    }
    const { rec, kl } = this.elboTerms(x, condition, key);
    const reconstruction = tf.neg(tf.mean(rec)) as tf.Scalar;
    const klMean = tf.mean(kl) as tf.Scalar;
    const loss = tf.add(reconstruction, tf.mul(klMean, klWeight(this.config, step))) as tf.Scalar;
    return { loss, parts: { reconstruction, kl: klMean, elbo: tf.neg(tf.add(reconstruction, klMean)) as tf.Scalar } };
  }

  // ---- public methods ----

  /**
   * The approximate posterior q(z | x) of `x [batch, ...inputShape]`: a `GaussianPosterior` with
   * batch shape `[batch]`, event shape `[latentDim]`. It owns its tensors; call `dispose()` on it.
   *
   * @example
   * const q = vae.encode(x); const mu = q.mean; q.dispose();
   */
  encode(x: tf.Tensor, options: InputOptions = {}): GaussianPosterior {
    const fn = 'Vae.encode';
    this.assertLive('encode');
    this.checkInput(fn, x);
    const labels = this.checkLabels(fn, options.labels, x.shape[0]);
    const [mu, scale] = tf.tidy(() => {
      const { mu, logVar } = this.encodeRaw(x, this.condition(labels));
      return [tf.clone(mu), tf.exp(tf.mul(logVar, 0.5))];
    });
    return new GaussianPosterior(mu, scale);
  }

  /**
   * The mean of p(x | z) for `z [batch, latentDim]`: pixel probabilities (Bernoulli), means
   * (Gaussian) or the continuous-Bernoulli mean, `[batch, ...inputShape]`. Belongs to the caller.
   *
   * @example
   * const images = vae.decode(tf.zeros([1, 20])); // [1, 784]
   */
  decode(z: tf.Tensor, options: InputOptions = {}): tf.Tensor {
    const fn = 'Vae.decode';
    this.assertLive('decode');
    if (!(z instanceof tf.Tensor) || z.dtype !== 'float32') {
      throw new InvalidArgumentError(`Argument 'z' passed to '${fn}' must be a float32 tf.Tensor, but got ${z instanceof tf.Tensor ? `dtype ${z.dtype}` : describeValue(z)}.`);
    }
    if (z.rank !== 2 || z.shape[1] !== this.config.latentDim || z.shape[0] < 1) {
      throw new ShapeError(`Argument 'z' passed to '${fn}' must have shape [batch, ${this.config.latentDim}], but got ${describeValue([...z.shape])}.`);
    }
    const labels = this.checkLabels(fn, options.labels, z.shape[0]);
    return tf.tidy(() => observationMean(this.observation, this.decodeRaw(z, this.condition(labels))));
  }

  /**
   * `n` samples: z from the prior, then the decoder mean, `[n, ...inputShape]` (caller owns).
   *
   * @example
   * const grid = vae.sample(64, { seed: 1 }); // conditional: { seed: 1, labels: [0, 1, ...] }
   */
  sample(n: number, options: InputOptions & { seed?: Seed } = {}): tf.Tensor {
    const fn = 'Vae.sample';
    this.assertLive('sample');
    checkNumber(fn, 'n', n, { min: 1, integer: true });
    const labels = this.checkLabels(fn, options.labels, n);
    const seed = options.seed ?? 0;
    return tf.tidy(() => {
      const z = this.prior === null ? randomNormal(seed, [n, this.config.latentDim]) : this.prior.sample([n], seed); // [n, latent]
      return observationMean(this.observation, this.decodeRaw(z, this.condition(labels)));
    });
  }

  /**
   * Decodes the posterior mean of `x`: `[batch, ...inputShape]` (caller owns).
   *
   * @example
   * const xHat = vae.reconstruct(x);
   */
  reconstruct(x: tf.Tensor, options: InputOptions = {}): tf.Tensor {
    const fn = 'Vae.reconstruct';
    this.assertLive('reconstruct');
    this.checkInput(fn, x);
    const labels = this.checkLabels(fn, options.labels, x.shape[0]);
    return tf.tidy(() => {
      const condition = this.condition(labels);
      return observationMean(this.observation, this.decodeRaw(this.encodeRaw(x, condition).mu, condition));
    });
  }

  /**
   * Decodes `steps` points between the posterior means of two examples `a`, `b` (each
   * `[...inputShape]` or `[1, ...inputShape]`), straight (`'linear'`) or along the great circle
   * (`'slerp'`, White 2016), giving `[steps, ...inputShape]` (caller owns). Conditional VAEs take
   * one label for the whole path: `{labels: [3]}`.
   *
   * @example
   * const path = vae.interpolate(x0, x1, 10, { method: 'slerp' }); // [10, 784]
   */
  interpolate(a: tf.Tensor, b: tf.Tensor, steps: number, options: InputOptions & { method?: 'linear' | 'slerp' } = {}): tf.Tensor {
    const fn = 'Vae.interpolate';
    this.assertLive('interpolate');
    const one = (t: tf.Tensor, arg: string) => {
      if (t instanceof tf.Tensor && t.rank === this.config.inputShape.length) return this.checkInput(fn, tf.expandDims(t, 0), arg);
      this.checkInput(fn, t, arg);
      if (t.shape[0] !== 1) throw new ShapeError(`Argument '${arg}' passed to '${fn}' must have shape [${this.config.inputShape.join(', ')}] or [1, ${this.config.inputShape.join(', ')}], but got ${describeValue([...t.shape])}.`);
      return t;
    };
    const method = options.method ?? 'linear';
    checkOneOf(fn, 'method', method, ['linear', 'slerp']);
    checkNumber(fn, 'steps', steps, { min: 2, integer: true });
    const labelsOne = this.checkLabels(fn, options.labels, 1);
    const xa = one(a, 'a');
    const xb = one(b, 'b');
    try {
      return tf.tidy(() => {
        const cond1 = this.condition(labelsOne);
        const za = this.encodeRaw(xa, cond1).mu; // [1, latent]
        const zb = this.encodeRaw(xb, cond1).mu;
        const t = tf.reshape(tf.linspace(0, 1, steps), [steps, 1]); // [steps, 1]
        let z: tf.Tensor;
        if (method === 'linear') {
          z = tf.add(tf.mul(tf.sub(1, t), za), tf.mul(t, zb));
        } else {
          // slerp(t) = sin((1-t) w)/sin(w) za + sin(t w)/sin(w) zb, w the angle between za and zb.
          const norm = (v: tf.Tensor) => tf.sqrt(tf.sum(tf.square(v)));
          const cos = tf.clipByValue(tf.div(tf.sum(tf.mul(za, zb)), tf.mul(norm(za), norm(zb))), -1 + 1e-7, 1 - 1e-7);
          const omega = tf.acos(cos);
          const sinOmega = tf.sin(omega);
          z = tf.add(
            tf.mul(tf.div(tf.sin(tf.mul(tf.sub(1, t), omega)), sinOmega), za),
            tf.mul(tf.div(tf.sin(tf.mul(t, omega)), sinOmega), zb),
          ); // [steps, latent]
        }
        const cond = labelsOne === null ? null : this.condition(new Int32Array(steps).fill(labelsOne[0]));
        return observationMean(this.observation, this.decodeRaw(z, cond));
      });
    } finally {
      if (xa !== a) xa.dispose();
      if (xb !== b) xb.dispose();
    }
  }

  /**
   * One-sample ELBO per example, log p(x|z) - KL(q || p), `[batch]` nats (caller owns). With a
   * non-Gaussian prior the KL is the one-sample estimate at the same z.
   *
   * @example
   * const elbo = vae.elbo(x, { seed: 0 }); // [batch]
   */
  elbo(x: tf.Tensor, options: InputOptions & { seed?: Seed } = {}): tf.Tensor {
    const fn = 'Vae.elbo';
    this.assertLive('elbo');
    this.checkInput(fn, x);
    const labels = this.checkLabels(fn, options.labels, x.shape[0]);
    return tf.tidy(() => {
      const { rec, kl } = this.elboTerms(x, this.condition(labels), options.seed ?? 0);
      return tf.sub(rec, kl);
    });
  }

  /**
   * Importance-weighted estimate of log p(x) with K samples from q(z|x) (the IWAE bound; K = 1
   * gives the ELBO, and it tightens as K grows), `[batch]` nats (caller owns). Runs in chunks of
   * at most `chunkRows` decoder rows, awaiting between chunks.
   *
   * @example
   * const logPx = await vae.logLikelihood(xTest, { samples: 1000, seed: 0 }); // [batch]
   */
  async logLikelihood(x: tf.Tensor, options: LikelihoodOptions = {}): Promise<tf.Tensor> {
    return this.importanceWeighted('Vae.logLikelihood', x, options, 1000);
  }

  /**
   * Anomaly score: the negative importance-weighted log-likelihood (K = 100 by default), `[batch]`
   * nats; higher is more anomalous (caller owns).
   *
   * @example
   * const scores = await vae.anomalyScore(rows); // flag scores above a quantile of the training scores
   */
  async anomalyScore(x: tf.Tensor, options: LikelihoodOptions = {}): Promise<tf.Tensor> {
    const logPx = await this.importanceWeighted('Vae.anomalyScore', x, options, 100);
    const score = tf.neg(logPx);
    logPx.dispose();
    return score;
  }

  private async importanceWeighted(fn: string, x: tf.Tensor, options: LikelihoodOptions, defaultSamples: number): Promise<tf.Tensor> {
    this.assertLive(fn.slice(4));
    this.checkInput(fn, x);
    const samples = options.samples ?? defaultSamples;
    checkNumber(fn, 'samples', samples, { min: 1, integer: true });
    const chunkRows = options.chunkRows ?? 16384;
    checkNumber(fn, 'chunkRows', chunkRows, { min: 1, integer: true });
    const labels = this.checkLabels(fn, options.labels, x.shape[0]);
    const seed = options.seed ?? 0;
    const batch = x.shape[0];
    // Chunk over examples, and over samples when one example's K samples exceed chunkRows.
    const perExample = Math.max(1, Math.min(batch, Math.floor(chunkRows / samples)));
    const sampleChunk = Math.min(samples, chunkRows);
    const parts: tf.Tensor[] = [];
    try {
      for (let start = 0; start < batch; start += perExample) {
        const size = Math.min(perExample, batch - start);
        const weightChunks: tf.Tensor[] = [];
        try {
          for (let k0 = 0, c = 0; k0 < samples; k0 += sampleChunk, c++) {
            const k = Math.min(sampleChunk, samples - k0);
            weightChunks.push(
              tf.tidy(() => {
                const xs = tf.slice(x, start, size);
                const cond = labels === null ? null : this.condition(labels.subarray(start, start + size));
                return this.logWeights(xs, cond, k, foldIn(foldIn(seed, start), c)); // [k, size]
              }),
            );
          }
          parts.push(tf.tidy(() => iwaeBound(weightChunks.length === 1 ? weightChunks[0] : tf.concat(weightChunks, 0))));
        } finally {
          tf.dispose(weightChunks);
        }
      }
      return parts.length === 1 ? tf.clone(parts[0]) : tf.concat(parts, 0);
    } finally {
      tf.dispose(parts);
    }
  }

  /**
   * Trains on `x [n, ...inputShape]` (borrowed) with Adam through `@gen/core`'s `train` loop
   * (progress, metrics, NaN guard, checkpoints). Batches are a function of the step (per-epoch
   * permutation from the seed), so a model saved at step k and loaded continues exactly as an
   * uninterrupted run. Logged parts: `reconstruction`, `kl`, `elbo` (ELBO) or `iwaeBound` (IWAE).
   *
   * @example
   * const result = await vae.fit(x, { epochs: 50, batchSize: 128, lr: 1e-3, seed: 0 });
   * console.log(result.metrics.last()?.parts.elbo);
   */
  async fit(x: tf.Tensor, options: FitOptions = {}): Promise<TrainResult> {
    const fn = 'Vae.fit';
    this.assertLive('fit');
    this.checkInput(fn, x);
    const n = x.shape[0];
    const labels = this.checkLabels(fn, options.labels, n);
    const record: TrainingRecord = this.training ?? {
      seed: options.seed ?? 0,
      batchSize: options.batchSize ?? 128,
      lr: options.lr ?? 1e-3,
    };
    if (this.training === null) {
      checkNumber(fn, 'seed', record.seed, { min: 0, integer: true });
      checkNumber(fn, 'lr', record.lr, { min: 0, minExclusive: true });
    }
    const batchSize = options.batchSize ?? record.batchSize;
    checkNumber(fn, 'batchSize', batchSize, { min: 1, max: n, integer: true });
    if (this.training !== null && batchSize !== record.batchSize) {
      throw new InvalidArgumentError(`Argument 'batchSize' passed to '${fn}' must be ${record.batchSize} (the batch size this model trained with), but got ${batchSize}.`);
    }
    const perEpoch = Math.floor(n / batchSize);
    if ((options.steps === undefined) === (options.epochs === undefined)) {
      throw new InvalidArgumentError(`Options 'steps' and 'epochs' passed to '${fn}': give exactly one, but got ${describeValue({ steps: options.steps, epochs: options.epochs })}.`);
    }
    if (options.epochs !== undefined) checkNumber(fn, 'epochs', options.epochs, { min: 0, integer: true });
    const steps = options.steps ?? (options.epochs as number) * perEpoch;
    checkNumber(fn, 'steps', steps, { min: 0, integer: true });
    if (options.checkpoint !== undefined) checkNumber(fn, 'checkpoint.every', options.checkpoint.every, { min: 1, integer: true });

    if (this.optimizer === null) this.optimizer = adam(this.params, { lr: record.lr });
    if (this.rng === null) this.rng = new Rng(foldIn(record.seed, 1));
    this.training = record;
    const optimizer = this.optimizer;

    // Batch of step s: epoch e = floor(s / perEpoch) is a permutation of [0, n) from (seed, e).
    let cached: { epoch: number; order: Int32Array } | null = null;
    const dataKey = foldIn(record.seed, 2);
    const data = (step: number) => {
      const epoch = Math.floor(step / perEpoch);
      if (cached?.epoch !== epoch) cached = { epoch, order: permutation(foldIn(dataKey, epoch), n) };
      const rows = cached.order.subarray((step % perEpoch) * batchSize, (step % perEpoch + 1) * batchSize);
      return tf.tidy(() => {
        const xb = tf.gather(x, tf.tensor1d(rows, 'int32')); // [batch, ...inputShape]
        if (labels === null) return { x: xb };
        const lb = new Int32Array(rows.length);
        rows.forEach((r, i) => { lb[i] = labels[r]; });
        return { x: xb, condition: this.condition(lb) as tf.Tensor };
      });
    };
    const checkpoint = options.checkpoint;
    return train<{ x: tf.Tensor; condition?: tf.Tensor }>({
      optimizer,
      data,
      lossFn: (batch, step, key) => this.loss(batch.x, batch.condition ?? null, step, key),
      steps,
      seed: this.rng,
      progress: options.progress ?? 'auto',
      log: options.log,
      onStep: options.onStep,
      metrics: options.metrics,
      signal: options.signal,
      checkpoint: checkpoint === undefined ? undefined : { every: checkpoint.every, save: () => this.save(checkpoint.path) },
    });
  }

  // ---- persistence ----

  /**
   * The model as checkpoint bytes (safetensors): params, and when it has trained the optimizer
   * state, step, RNG state and training settings, so a loaded model resumes exactly.
   *
   * @example
   * const bytes = await vae.toBytes(); const copy = Vae.fromBytes(bytes);
   */
  async toBytes(): Promise<Uint8Array> {
    this.assertLive('toBytes');
    const optimizerState = this.optimizer?.state();
    try {
      const config: JsonValue = {
        format: FORMAT,
        vae: this.config as unknown as JsonValue,
        custom: this.custom,
        hasPrior: this.prior !== null,
        training: this.training as unknown as JsonValue,
      };
      return await saveCheckpoint({
        params: this.params,
        optimizerState: optimizerState ? unflattenParams(optimizerState.slots) : undefined,
        step: this.step,
        rngState: this.rng?.state(),
        config,
      });
    } finally {
      if (optimizerState) tf.dispose(Object.values(optimizerState.slots));
    }
  }

  /**
   * Writes `toBytes()` to a file atomically (Node).
   *
   * @example
   * await vae.save('out/vae.safetensors');
   */
  async save(path: string): Promise<void> {
    this.assertLive('save');
    await writeFileAtomic(path, await this.toBytes());
  }

  /**
   * Rebuilds a model from `toBytes()` output, checking every shape; pass the `networks` and
   * `prior` the model was built with if they were custom. Throws `CheckpointError` on a mismatch.
   *
   * @example
   * const vae = Vae.fromBytes(bytes);
   */
  static fromBytes(bytes: Uint8Array, options: LoadOptions = {}): Vae {
    let loaded: LoadedCheckpoint | null = loadCheckpoint(bytes);
    try {
      const meta = loaded.config as { format?: string; vae?: VaeConfig; custom?: boolean; hasPrior?: boolean; training?: TrainingRecord | null };
      if (meta?.format !== FORMAT || meta.vae == null) throw new CheckpointError(`Checkpoint passed to 'Vae.fromBytes' is not a gen VAE checkpoint (format ${describeValue(meta?.format)}).`);
      if (meta.custom && options.networks === undefined) throw new CheckpointError(`Checkpoint passed to 'Vae.fromBytes' was made with custom networks; pass them as options.networks.`);
      if (meta.hasPrior && options.prior === undefined) throw new CheckpointError(`Checkpoint passed to 'Vae.fromBytes' was made with a custom prior; pass it as options.prior.`);
      const config = { ...meta.vae } as Record<string, unknown>;
      if (config.numClasses === null) delete config.numClasses;
      const vae = new Vae(config as unknown as VaeConfig, { networks: options.networks, prior: options.prior });
      try {
        vae.loadState(loaded, meta.training ?? null);
      } catch (error) {
        vae.dispose();
        throw error;
      }
      return vae;
    } finally {
      if (loaded) {
        disposeParams(loaded.params);
        if (loaded.optimizerState) disposeParams(loaded.optimizerState);
        loaded = null;
      }
    }
  }

  /**
   * Reads a model written by `save` (Node).
   *
   * @example
   * const vae = await Vae.load('out/vae.safetensors');
   * await vae.fit(x, { steps: 2000 }); // continues from the saved step
   */
  static async load(path: string, options: LoadOptions = {}): Promise<Vae> {
    const { readFile } = await import('node:fs/promises');
    return Vae.fromBytes(new Uint8Array(await readFile(path)), options);
  }

  private loadState(loaded: LoadedCheckpoint, training: TrainingRecord | null): void {
    const mine = flattenParams(this.params);
    const theirs = flattenParams(loaded.params);
    for (const [path, v] of Object.entries(mine)) {
      const t = theirs[path];
      if (t === undefined) throw new CheckpointError(`Checkpoint passed to 'Vae.fromBytes' is missing parameter '${path}'.`);
      if (t.shape.join(',') !== v.shape.join(',')) {
        throw new CheckpointError(`Checkpoint passed to 'Vae.fromBytes' has parameter '${path}' with shape ${describeValue(t.shape)}, but the model needs ${describeValue(v.shape)}.`);
      }
    }
    for (const path of Object.keys(theirs)) {
      if (!(path in mine)) throw new CheckpointError(`Checkpoint passed to 'Vae.fromBytes' has unexpected parameter '${path}'.`);
    }
    if (loaded.optimizerState && training) {
      const optimizer = adam(this.params, { lr: training.lr });
      try {
        optimizer.loadState({ config: optimizer.config, step: loaded.step, slots: flattenParams(loaded.optimizerState) });
      } catch (error) {
        optimizer.dispose();
        throw error;
      }
      this.optimizer = optimizer;
      this.training = training;
      if (loaded.rngState) this.rng = Rng.fromState(loaded.rngState);
    }
    tf.tidy(() => {
      for (const [path, v] of Object.entries(mine)) v.assign(tf.clone(theirs[path]));
    });
  }

  /** Frees the parameters and optimizer state. Idempotent; other methods then throw `DisposedError`. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer?.dispose();
    disposeParams(this.params);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
