// A GAN model: generator and discriminator params, their optimisers (separate learning rates and
// update ratio, TTUR: Heusel et al. 2017), an EMA generator for sampling (Yazici et al. 2019),
// penalties (WGAN-GP, Gulrajani et al. 2017; lazy R1, Mescheder et al. 2018 + Karras et al. 2020),
// spectral norm (Miyato et al. 2018), one-sided label smoothing (Salimans et al. 2016) and ACGAN
// (Odena et al. 2017), with per-step diagnostics and a NaN/Inf guard.
import * as tf from '@tensorflow/tfjs-core';
import {
  CheckpointError,
  DisposedError,
  ExponentialMovingAverage,
  InvalidArgumentError,
  type JsonValue,
  MetricsLog,
  NonFiniteError,
  type Optimizer,
  type ParamTree,
  type PRNGKey,
  Rng,
  type Seed,
  ShapeError,
  type StepMetrics,
  adam,
  checkNumber,
  createProgressBar,
  crossEntropy,
  describeValue,
  disposeParams,
  flattenParams,
  ganDiscriminatorLoss,
  ganGeneratorLoss,
  globalNorm,
  gradientPenalty,
  loadCheckpoint,
  r1Penalty,
  randomInt,
  randomNormal,
  saveCheckpoint,
  softplus,
  split,
  stopGradient,
  toKey,
  toVariables,
  unflattenParams,
} from '@gen/core';
import { type GanConfig, type ResolvedGanConfig, resolveGanConfig } from './config.js';
import {
  type DiagnosticsOptions,
  DiagnosticsMonitor,
  type GanWarning,
  meanPairwiseDistance,
  resolveDiagnostics,
} from './diagnostics.js';
import { interpolateLatents, latentValues } from './latent.js';
import {
  type DiscriminatorApply,
  type DiscriminatorOutput,
  type GeneratorApply,
  type Network,
  presetNetworks,
} from './networks.js';
import { initSpectralNorm, spectralNormalized, updateSpectralNorm } from './spectral-norm.js';

/** Your own networks instead of the presets (both or neither). */
export interface GanNetworks {
  generator: Network<GeneratorApply>;
  discriminator: Network<DiscriminatorApply>;
}

/** Options of the `Gan` constructor. */
export interface GanOptions {
  /** Seed of the initial weights, the training keys and the diagnostics batch. */
  seed: Seed;
  /** Custom networks; default: the presets of `config.architecture`. */
  networks?: GanNetworks;
}

/** A real batch: samples `[batch, ...dataShape]`, and int32 labels `[batch]` for conditional GANs. */
export interface GanBatch {
  x: tf.Tensor;
  labels?: tf.Tensor;
}

/** The scalars of one training step (generator update and the D updates before it). */
export interface GanStepMetrics {
  /** 0-based step (index of the generator update). */
  step: number;
  /** Discriminator: total loss, adversarial term, penalties and ACGAN term (last D update). */
  dLoss: number;
  dAdversarial: number;
  gradientPenalty: number;
  r1: number;
  dClass: number;
  /** Mean D output on real / fake: probabilities for the logistic losses, raw outputs otherwise. */
  dReal: number;
  dFake: number;
  /** Fraction of real and fake examples D classifies correctly (threshold 0, or 0.5 for least squares). */
  dAccuracy: number;
  /** Global gradient norms before the updates. */
  gradNormD: number;
  gradNormG: number;
  /** Generator: total loss, adversarial term, ACGAN term. */
  gLoss: number;
  gAdversarial: number;
  gClass: number;
  /** Diversity (mode-collapse) score, when computed at this step. */
  diversity?: number;
  stepMs: number;
  numTensors: number;
}

/** Options of `Gan.fit`. */
export interface GanFitOptions {
  /**
   * Real batches as a function of the D-update index k (0, 1, ...): with `dSteps` = n, step s uses
   * batches s*n .. s*n+n-1, so a resumed run sees the same data. The loop disposes the batches.
   */
  data: (k: number) => GanBatch | tf.Tensor | Promise<GanBatch | tf.Tensor>;
  /** Train until `step` reaches this (a resumed model continues from its step). */
  steps: number;
  /** Called after every step. */
  onStep?: (metrics: GanStepMetrics) => void | Promise<void>;
  /** Called with each warning; default `console.warn` of the message. */
  onWarning?: (warning: GanWarning) => void;
  diagnostics?: DiagnosticsOptions;
  /** Every `every` steps, `save` gets `await gan.save()` bytes. */
  checkpoint?: { every: number; save: (bytes: Uint8Array, step: number) => void | Promise<void> };
  signal?: AbortSignal;
  progress?: boolean | 'auto';
  log?: { every: number; write?: (line: string) => void };
  /** A `MetricsLog` to append to (rows: loss = dLoss, gradNorm = gradNormD, parts = the rest). */
  metrics?: MetricsLog;
}

/** What `fit` returns. */
export interface GanFitResult {
  stopReason: 'completed' | 'aborted';
  step: number;
  history: GanStepMetrics[];
  metrics: MetricsLog;
  warnings: GanWarning[];
}

/** Options of `sample`. */
export interface SampleOptions {
  /** Seed of the latents. Default 0. */
  seed?: Seed;
  /** Class labels (conditional GANs): one per sample, or one for all. Default i mod numClasses. */
  labels?: number | readonly number[] | Int32Array;
  /** Truncation threshold t > 0: latent components are resampled into [-t, t]. Default none. */
  truncation?: number;
  /** Use the EMA generator (default true when the GAN has one). */
  ema?: boolean;
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(4) : String(v));

/**
 * A generative adversarial network with presets or user networks. Create with `new Gan(config,
 * {seed})`; train with `fit` (or `trainStep`); draw with `sample`; store with `save`/`Gan.load`.
 *
 * @example
 * const gan = new Gan({ latentDim: 2, dataShape: [2] }, { seed: 0 });
 * await gan.fit({ data: (k) => ringBatch(k), steps: 2000 });
 * const points = gan.sample(512, { seed: 1 }); // [512, 2]
 * gan.dispose();
 */
export class Gan {
  readonly config: ResolvedGanConfig;
  /** Generator and discriminator variables (owned by the model). */
  readonly generatorParams: ParamTree<tf.Variable>;
  readonly discriminatorParams: ParamTree<tf.Variable>;
  readonly gOptimizer: Optimizer;
  readonly dOptimizer: Optimizer;
  /** The EMA of the generator (undefined when `emaDecay` is 0). */
  readonly ema?: ExponentialMovingAverage;
  private readonly networks: GanNetworks;
  private readonly spectral: Record<string, tf.Variable>;
  private readonly gVars: tf.Variable[];
  private readonly dVars: tf.Variable[];
  private rng: Rng;
  private readonly diversityKey: PRNGKey;
  private count = 0;
  private dCount = 0;
  private disposed = false;

  constructor(config: GanConfig, options: GanOptions) {
    const fn = 'Gan';
    this.config = resolveGanConfig(config, fn);
    if (options === null || typeof options !== 'object') {
      throw new InvalidArgumentError(`Argument 'options' passed to '${fn}' must be {seed, networks?}, but got ${describeValue(options)}.`);
    }
    const key = toKey(options.seed, fn, 'options.seed');
    const c = this.config;
    if (options.networks !== undefined) {
      const n = options.networks;
      for (const part of ['generator', 'discriminator'] as const) {
        if (typeof n?.[part]?.init !== 'function' || typeof n?.[part]?.apply !== 'function') {
          throw new InvalidArgumentError(`Argument 'options.networks.${part}' passed to '${fn}' must be {init, apply} functions, but got ${describeValue(n?.[part])}.`);
        }
      }
      this.networks = n;
    } else {
      this.networks = presetNetworks({
        architecture: c.architecture,
        latentDim: c.latentDim,
        dataShape: c.dataShape,
        numClasses: c.numClasses,
        conditioning: c.conditioning,
        hidden: c.hidden,
        channels: c.channels,
        outputActivation: c.outputActivation,
      });
    }
    const [kG, kD, kSn, kTrain, kDiv] = split(key, 5);
    const gInit = this.networks.generator.init(kG);
    const dInit = this.networks.discriminator.init(kD);
    this.generatorParams = toVariables(gInit) as ParamTree<tf.Variable>;
    this.discriminatorParams = toVariables(dInit) as ParamTree<tf.Variable>;
    disposeParams(gInit);
    disposeParams(dInit);
    this.gVars = Object.values(flattenParams(this.generatorParams));
    this.dVars = Object.values(flattenParams(this.discriminatorParams));
    this.spectral = c.spectralNorm ? initSpectralNorm(kSn, this.discriminatorParams) : {};
    this.gOptimizer = adam(this.generatorParams, { lr: c.gLr, beta1: c.beta1, beta2: c.beta2 });
    this.dOptimizer = adam(this.discriminatorParams, { lr: c.dLr, beta1: c.beta1, beta2: c.beta2 });
    if (c.emaDecay > 0) this.ema = new ExponentialMovingAverage(this.generatorParams, { decay: c.emaDecay, warmup: true });
    this.rng = new Rng(kTrain);
    this.diversityKey = kDiv;
  }

  /** Generator updates done so far. */
  get step(): number {
    return this.count;
  }

  // ---- forward passes -------------------------------------------------------------------

  private checkLabels(fn: string, labels: tf.Tensor | undefined, batch: number): void {
    const k = this.config.numClasses;
    if (k === 0) {
      if (labels !== undefined) throw new InvalidArgumentError(`Argument 'labels' passed to '${fn}' must be undefined for an unconditional GAN (numClasses 0), but got ${describeValue(labels)}.`);
      return;
    }
    if (!(labels instanceof tf.Tensor) || labels.dtype !== 'int32') {
      throw new InvalidArgumentError(`Argument 'labels' passed to '${fn}' must be an int32 tf.Tensor [batch] (numClasses ${k}), but got ${labels instanceof tf.Tensor ? `dtype ${labels.dtype}` : describeValue(labels)}.`);
    }
    if (labels.rank !== 1 || labels.shape[0] !== batch) {
      throw new ShapeError(`Argument 'labels' passed to '${fn}' must have shape [${batch}], but got ${describeValue(labels.shape)}.`);
    }
  }

  private checkData(fn: string, x: tf.Tensor): void {
    const spec = ['batch', ...this.config.dataShape];
    if (!(x instanceof tf.Tensor) || x.dtype !== 'float32') {
      throw new InvalidArgumentError(`Argument 'x' passed to '${fn}' must be a float32 tf.Tensor, but got ${x instanceof tf.Tensor ? `dtype ${x.dtype}` : describeValue(x)}.`);
    }
    const ok = x.rank === spec.length && x.shape.slice(1).every((d, i) => d === this.config.dataShape[i]);
    if (!ok) throw new ShapeError(`Argument 'x' passed to '${fn}' must have shape [${spec.join(', ')}], but got ${describeValue(x.shape)}.`);
  }

  private dOut(x: tf.Tensor, labels: tf.Tensor | undefined): DiscriminatorOutput {
    const params = this.config.spectralNorm ? spectralNormalized(this.discriminatorParams, this.spectral) : this.discriminatorParams;
    const out = this.networks.discriminator.apply(params, x, labels);
    const o = out instanceof tf.Tensor ? { logits: out } : out;
    return { logits: tf.reshape(o.logits, [-1]), classLogits: o.classLogits };
  }

  private gOut(z: tf.Tensor, labels: tf.Tensor | undefined): tf.Tensor {
    return this.networks.generator.apply(this.generatorParams, z, labels);
  }

  /**
   * Generator output for latents `z [batch, latentDim]` (and int32 labels `[batch]`), with the
   * training weights (`ema: false`, default) or the EMA weights. Returns `[batch, ...dataShape]`,
   * owned by the caller.
   *
   * @example
   * const x = gan.generate(tf.zeros([4, gan.config.latentDim])); // [4, ...dataShape]
   */
  generate(z: tf.Tensor, labels?: tf.Tensor, options: { ema?: boolean } = {}): tf.Tensor {
    const fn = 'Gan.generate';
    this.assertLive(fn);
    if (!(z instanceof tf.Tensor) || z.dtype !== 'float32' || z.rank !== 2 || z.shape[1] !== this.config.latentDim) {
      throw new ShapeError(`Argument 'z' passed to '${fn}' must be a float32 tf.Tensor of shape [batch, ${this.config.latentDim}], but got ${z instanceof tf.Tensor ? `${describeValue(z.shape)} (${z.dtype})` : describeValue(z)}.`);
    }
    this.checkLabels(fn, labels, z.shape[0]);
    const useEma = options.ema === true;
    if (useEma && !this.ema) throw new InvalidArgumentError(`Argument 'options.ema' passed to '${fn}' is true, but this GAN has no EMA generator (emaDecay 0).`);
    if (!useEma) return tf.tidy(() => this.gOut(z, labels));
    this.ema!.swap();
    try {
      return tf.tidy(() => this.gOut(z, labels));
    } finally {
      this.ema!.swap();
    }
  }

  /**
   * Discriminator logits `[batch]` for samples `x [batch, ...dataShape]` (and labels); with ACGAN
   * also `classLogits [batch, numClasses]`. Owned by the caller.
   *
   * @example
   * const { logits } = gan.discriminate(realBatch); // [batch]
   */
  discriminate(x: tf.Tensor, labels?: tf.Tensor): DiscriminatorOutput {
    const fn = 'Gan.discriminate';
    this.assertLive(fn);
    this.checkData(fn, x);
    this.checkLabels(fn, labels, x.shape[0]);
    return tf.tidy(() => {
      const o = this.dOut(x, labels);
      return o.classLogits ? { logits: o.logits, classLogits: o.classLogits } : { logits: o.logits };
    }) as DiscriminatorOutput;
  }

  private labelTensor(fn: string, n: number, labels: SampleOptions['labels']): tf.Tensor | undefined {
    const k = this.config.numClasses;
    if (k === 0) {
      if (labels !== undefined) throw new InvalidArgumentError(`Argument 'options.labels' passed to '${fn}' must be undefined for an unconditional GAN, but got ${describeValue(labels)}.`);
      return undefined;
    }
    let values: number[];
    if (labels === undefined) values = Array.from({ length: n }, (_, i) => i % k);
    else if (typeof labels === 'number') values = new Array<number>(n).fill(labels);
    else values = Array.from(labels as ArrayLike<number>);
    if (values.length !== n) throw new ShapeError(`Argument 'options.labels' passed to '${fn}' must have ${n} entries (one per sample) or be one number, but got ${values.length}.`);
    for (const v of values) {
      if (!Number.isInteger(v) || v < 0 || v >= k) {
        throw new InvalidArgumentError(`Argument 'options.labels' passed to '${fn}' must hold integers in [0, ${k - 1}], but got ${describeValue(v)}.`);
      }
    }
    return tf.tensor1d(values, 'int32');
  }

  /**
   * `n` samples `[n, ...dataShape]` from the (EMA) generator with latents from `seed`; see
   * `SampleOptions` for labels and truncation. Same seed, same samples. Owned by the caller.
   *
   * @example
   * const digits = gan.sample(10, { seed: 1, labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }); // [10, 784]
   */
  sample(n: number, options: SampleOptions = {}): tf.Tensor {
    const fn = 'Gan.sample';
    this.assertLive(fn);
    checkNumber(fn, 'n', n, { min: 1, integer: true });
    const seed = toKey(options.seed ?? 0, fn, 'options.seed');
    const values = latentValues(seed, n * this.config.latentDim, options.truncation, fn);
    const labels = this.labelTensor(fn, n, options.labels);
    const z = tf.tensor2d(values, [n, this.config.latentDim]);
    try {
      return this.generate(z, labels, { ema: options.ema ?? this.ema !== undefined });
    } finally {
      tf.dispose([z, labels as tf.Tensor]);
    }
  }

  /**
   * Samples along the latent path between two latents drawn from `seed`: `[steps, ...dataShape]`
   * (slerp by default), from the (EMA) generator, for one class label when conditional.
   *
   * @example
   * const frames = gan.interpolate(8, { seed: 3 }); // [8, ...dataShape]
   */
  interpolate(steps: number, options: { seed?: Seed; label?: number; method?: 'slerp' | 'linear'; truncation?: number; ema?: boolean } = {}): tf.Tensor {
    const fn = 'Gan.interpolate';
    this.assertLive(fn);
    checkNumber(fn, 'steps', steps, { min: 2, integer: true });
    const d = this.config.latentDim;
    const values = latentValues(toKey(options.seed ?? 0, fn, 'options.seed'), 2 * d, options.truncation, fn);
    const labels = this.labelTensor(fn, steps, options.label === undefined && this.config.numClasses > 0 ? 0 : options.label);
    const ends = tf.tensor2d(values, [2, d]);
    const path = tf.tidy(() => {
      const [a, b] = tf.unstack(ends);
      return interpolateLatents(a, b, steps, options.method ?? 'slerp');
    });
    try {
      return this.generate(path, labels, { ema: options.ema ?? this.ema !== undefined });
    } finally {
      tf.dispose([ends, path, labels as tf.Tensor]);
    }
  }

  /**
   * Diversity score of the generator (training weights) on a fixed latent batch: mean pairwise
   * distance of its samples divided by that of `real` (near 1 when healthy, near 0 when it collapses).
   * `real`: `[n >= 2, ...dataShape]`. Returns a number.
   *
   * @example
   * const score = await gan.diversity(realBatch);
   */
  async diversity(real: tf.Tensor, batch = 128): Promise<number> {
    const fn = 'Gan.diversity';
    this.assertLive(fn);
    this.checkData(fn, real);
    checkNumber(fn, 'batch', batch, { min: 2, integer: true });
    const z = randomNormal(this.diversityKey, [batch, this.config.latentDim]);
    const labels = this.config.numClasses > 0 ? randomInt(foldKey(this.diversityKey), [batch], 0, this.config.numClasses) : undefined;
    const ratio = tf.tidy(() => tf.div(meanPairwiseDistance(this.gOut(z, labels)), tf.add(meanPairwiseDistance(real), 1e-12)));
    const value = (await ratio.data())[0];
    tf.dispose([z, labels as tf.Tensor, ratio]);
    return value;
  }

  // ---- training -------------------------------------------------------------------------

  /** Discriminator adversarial loss, with one-sided label smoothing for the logistic losses. */
  private dAdversarialLoss(real: tf.Tensor, fake: tf.Tensor): tf.Tensor {
    const { loss, labelSmoothing: s } = this.config;
    if (s > 0) {
      // Real target 1 - s: -(1-s) log sigma(r) - s log(1 - sigma(r)) = (1-s) softplus(-r) + s softplus(r).
      const realTerm = tf.mean(tf.add(tf.mul(softplus(tf.neg(real)), 1 - s), tf.mul(softplus(real), s)));
      return tf.add(realTerm, tf.mean(softplus(fake)));
    }
    return ganDiscriminatorLoss(loss, real, fake);
  }

  /**
   * One training step: `dSteps` discriminator updates (one per batch; a single batch is reused),
   * then one generator update and the EMA update. Reads all scalars once, and throws
   * `NonFiniteError` naming the step and the term when one is NaN/Inf (after the updates: restore
   * from a checkpoint to go on). Disposes nothing it is given.
   *
   * @example
   * const m = await gan.trainStep({ x: realBatch }); // m.dLoss, m.gLoss, m.dAccuracy, ...
   */
  async trainStep(batches: GanBatch | readonly GanBatch[]): Promise<GanStepMetrics> {
    const fn = 'Gan.trainStep';
    this.assertLive(fn);
    const list = Array.isArray(batches) ? (batches as readonly GanBatch[]) : [batches as GanBatch];
    if (list.length !== 1 && list.length !== this.config.dSteps) {
      throw new InvalidArgumentError(`Argument 'batches' passed to '${fn}' must be one batch or ${this.config.dSteps} (dSteps), but got ${list.length}.`);
    }
    for (const b of list) {
      if (b === null || typeof b !== 'object') throw new InvalidArgumentError(`Argument 'batches' passed to '${fn}' must hold {x, labels?} objects, but got ${describeValue(b)}.`);
      this.checkData(fn, b.x);
      this.checkLabels(fn, b.labels, b.x.shape[0]);
    }
    const c = this.config;
    checkSecondOrderConvSupport(fn, c);
    const step = this.count;
    const started = performance.now();
    const stepKey = this.rng.next();
    const keys = split(stepKey, 3 * c.dSteps + 2);
    let dScalars: tf.Tensor | undefined;
    for (let i = 0; i < c.dSteps; i++) {
      const { x: real, labels } = list[list.length === 1 ? 0 : i];
      const batch = real.shape[0];
      if (c.spectralNorm) updateSpectralNorm(this.discriminatorParams, this.spectral);
      const applyR1 = c.r1Gamma > 0 && this.dCount % c.r1Every === 0;
      dScalars?.dispose();
      dScalars = tf.tidy(() => {
        const z = randomNormal(keys[3 * i], [batch, c.latentDim]);
        const fake = stopGradient(this.gOut(z, labels)); // fakes share the real batch's labels
        let parts: tf.Tensor | undefined;
        const { grads } = tf.variableGrads(() => {
          const outReal = this.dOut(real, labels);
          const outFake = this.dOut(fake, labels);
          const adversarial = this.dAdversarialLoss(outReal.logits, outFake.logits);
          const logitsOf = (x: tf.Tensor) => this.dOut(x, labels).logits;
          const gp = c.gradientPenalty > 0 ? tf.mul(gradientPenalty(logitsOf, real, fake, { seed: keys[3 * i + 1] }), c.gradientPenalty) : tf.scalar(0);
          const r1 = applyR1 ? r1Penalty(logitsOf, real, { gamma: c.r1Gamma * c.r1Every }) : tf.scalar(0);
          const cls =
            outReal.classLogits && outFake.classLogits && labels
              ? tf.mul(tf.add(crossEntropy(outReal.classLogits, labels), crossEntropy(outFake.classLogits, labels)), c.acganWeight)
              : tf.scalar(0);
          const total = tf.addN([adversarial, gp, r1, cls]) as tf.Scalar;
          const threshold = c.loss === 'leastSquares' ? 0.5 : 0;
          const [shownReal, shownFake] =
            c.loss === 'nonSaturating' || c.loss === 'minimax' ? [tf.sigmoid(outReal.logits), tf.sigmoid(outFake.logits)] : [outReal.logits, outFake.logits];
          const accuracy = tf.div(
            tf.add(tf.sum(tf.cast(tf.greater(outReal.logits, threshold), 'float32')), tf.sum(tf.cast(tf.lessEqual(outFake.logits, threshold), 'float32'))),
            2 * batch,
          );
          parts = tf.keep(tf.stack([total, adversarial, gp, r1, cls, tf.mean(shownReal), tf.mean(shownFake), accuracy]));
          return total;
        }, this.dVars);
        const norm = globalNorm(grads as unknown as ParamTree);
        this.dOptimizer.step(gradsByPath(this.discriminatorParams, grads));
        const out = tf.concat([parts as tf.Tensor, tf.reshape(norm, [1])]);
        (parts as tf.Tensor).dispose();
        return out;
      });
      this.dCount += 1;
    }
    // Generator update: fresh latents and uniformly drawn labels.
    const gBatch = list[0].x.shape[0];
    const gScalars = tf.tidy(() => {
      const z = randomNormal(keys[3 * c.dSteps], [gBatch, c.latentDim]);
      const labels = c.numClasses > 0 ? randomInt(keys[3 * c.dSteps + 1], [gBatch], 0, c.numClasses) : undefined;
      let parts: tf.Tensor | undefined;
      const { grads } = tf.variableGrads(() => {
        const out = this.dOut(this.gOut(z, labels), labels);
        const adversarial = ganGeneratorLoss(c.loss, out.logits);
        const cls = out.classLogits && labels ? tf.mul(crossEntropy(out.classLogits, labels), c.acganWeight) : tf.scalar(0);
        const total = tf.add(adversarial, cls) as tf.Scalar;
        parts = tf.keep(tf.stack([total, adversarial, cls]));
        return total;
      }, this.gVars);
      const norm = globalNorm(grads as unknown as ParamTree);
      this.gOptimizer.step(gradsByPath(this.generatorParams, grads));
      const out = tf.concat([parts as tf.Tensor, tf.reshape(norm, [1])]);
      (parts as tf.Tensor).dispose();
      return out;
    });
    const all = tf.concat([dScalars as tf.Tensor, gScalars]);
    tf.dispose([dScalars as tf.Tensor, gScalars]);
    const v = await all.data();
    all.dispose();
    this.count += 1;
    const names = ['dLoss', 'dAdversarial', 'gradientPenalty', 'r1', 'dClass', 'dReal', 'dFake', 'dAccuracy', 'gradNormD', 'gLoss', 'gAdversarial', 'gClass', 'gradNormG'] as const;
    const m = {} as Record<(typeof names)[number], number>;
    names.forEach((name, i) => {
      m[name] = v[i];
    });
    // The NaN/Inf guard: name the first bad term (components before totals).
    const order = ['dAdversarial', 'gradientPenalty', 'r1', 'dClass', 'dLoss', 'gradNormD', 'gAdversarial', 'gClass', 'gLoss', 'gradNormG'] as const;
    const bad = order.find((name) => !Number.isFinite(m[name]));
    if (bad !== undefined) throw new NonFiniteError(`Term '${bad}' became ${m[bad]} at step ${step} in '${fn}'.`);
    this.ema?.update(); // after the guard, so a non-finite step never reaches the averages
    return { step, ...m, stepMs: performance.now() - started, numTensors: tf.memory().numTensors };
  }

  /**
   * Trains until `step` reaches `options.steps`: real batches from `options.data`, diagnostics
   * and warnings each step (see `DiagnosticsOptions`), optional checkpoints. Resume exactly by
   * `restore`-ing a checkpoint and calling `fit` again with the same data function.
   *
   * @example
   * const { history, warnings } = await gan.fit({ data: (k) => ({ x: batchAt(k) }), steps: 2000 });
   */
  async fit(options: GanFitOptions): Promise<GanFitResult> {
    const fn = 'Gan.fit';
    this.assertLive(fn);
    if (options === null || typeof options !== 'object' || typeof options.data !== 'function') {
      throw new InvalidArgumentError(`Argument 'options.data' passed to '${fn}' must be a function of the batch index, but got ${describeValue(options?.data)}.`);
    }
    checkNumber(fn, 'steps', options.steps, { min: 0, integer: true });
    const diag = resolveDiagnostics(fn, options.diagnostics);
    if (options.checkpoint !== undefined) checkNumber(fn, 'checkpoint.every', options.checkpoint.every, { min: 1, integer: true });
    if (options.log !== undefined) checkNumber(fn, 'log.every', options.log.every, { min: 1, integer: true });
    const monitor = new DiagnosticsMonitor(diag);
    const onWarning = options.onWarning ?? ((w: GanWarning) => console.warn(`[@gen/gan] step ${w.step}: ${w.message}`));
    const metrics = options.metrics ?? new MetricsLog();
    const history: GanStepMetrics[] = [];
    const warnings: GanWarning[] = [];
    const write = options.log?.write ?? ((line: string) => console.log(line));
    const bar = createProgressBar({ total: options.steps, start: this.count, enabled: options.progress ?? 'auto' });
    let stopReason: GanFitResult['stopReason'] = 'completed';
    try {
      while (this.count < options.steps) {
        if (options.signal?.aborted) {
          stopReason = 'aborted';
          break;
        }
        const step = this.count;
        const batches: GanBatch[] = [];
        for (let i = 0; i < this.config.dSteps; i++) {
          const b = await options.data(step * this.config.dSteps + i);
          batches.push(b instanceof tf.Tensor ? { x: b } : b);
        }
        let row: GanStepMetrics;
        try {
          row = await this.trainStep(batches);
          if (diag.diversityEvery > 0 && (step + 1) % diag.diversityEvery === 0) {
            row.diversity = await this.diversity(batches[0].x, Math.min(diag.diversityBatch, Math.max(2, batches[0].x.shape[0])));
          }
        } finally {
          for (const b of batches) tf.dispose([b.x, b.labels as tf.Tensor]);
        }
        history.push(row);
        metrics.push(toStepMetrics(row, this.config));
        bar.update(step + 1, row.dLoss);
        const found = monitor.observe({
          step,
          dLoss: this.config.loss === 'wasserstein' ? undefined : row.dAdversarial,
          gradNormD: row.gradNormD,
          gradNormG: row.gradNormG,
          diversity: row.diversity,
        });
        for (const w of found) {
          warnings.push(w);
          onWarning(w);
        }
        if (options.log && (step + 1) % options.log.every === 0) {
          write(
            `step ${step + 1}/${options.steps} dLoss ${fmt(row.dLoss)} gLoss ${fmt(row.gLoss)} D(real) ${fmt(row.dReal)} D(fake) ${fmt(row.dFake)} acc ${row.dAccuracy.toFixed(2)} |gD| ${fmt(row.gradNormD)} |gG| ${fmt(row.gradNormG)}${row.diversity === undefined ? '' : ` diversity ${row.diversity.toFixed(3)}`} ${row.stepMs.toFixed(1)} ms`,
          );
        }
        if (options.onStep) await options.onStep(row);
        if (options.checkpoint && this.count % options.checkpoint.every === 0) await options.checkpoint.save(await this.save(), this.count);
      }
    } finally {
      bar.finish();
    }
    return { stopReason, step: this.count, history, metrics, warnings };
  }

  // ---- checkpoints ----------------------------------------------------------------------

  /**
   * Everything needed to resume exactly (G, D, both optimizers, EMA, spectral-norm vectors, step,
   * RNG, config) as safetensors bytes (`@gen/core` checkpoint format).
   *
   * @example
   * await writeFile('gan.safetensors', await gan.save());
   */
  async save(): Promise<Uint8Array> {
    this.assertLive('Gan.save');
    const gState = this.gOptimizer.state();
    const dState = this.dOptimizer.state();
    const emaState = this.ema?.state();
    try {
      const optimizerState: Record<string, ParamTree> = { g: unflattenParams(gState.slots), d: unflattenParams(dState.slots) };
      if (emaState) optimizerState.ema = unflattenParams(emaState.shadow);
      const params: Record<string, ParamTree> = { generator: this.generatorParams, discriminator: this.discriminatorParams };
      if (Object.keys(this.spectral).length > 0) params.spectral = unflattenParams(this.spectral);
      return await saveCheckpoint({
        params,
        optimizerState,
        step: this.count,
        rngState: this.rng.state(),
        config: {
          gan: { ...this.config, dataShape: [...this.config.dataShape], hidden: [...this.config.hidden] },
          gStep: gState.step,
          dStep: dState.step,
          dCount: this.dCount,
          emaStep: emaState?.step ?? 0,
        } as JsonValue,
      });
    } finally {
      tf.dispose([...Object.values(gState.slots), ...Object.values(dState.slots), ...Object.values(emaState?.shadow ?? {})]);
    }
  }

  /**
   * Loads `save()` bytes into this model (same config and networks): every name and shape is
   * checked first; a mismatch throws `CheckpointError` and changes nothing.
   *
   * @example
   * gan.restore(await readFile('gan.safetensors'));
   */
  restore(bytes: Uint8Array): void {
    const fn = 'Gan.restore';
    this.assertLive(fn);
    const gState = this.gOptimizer.state();
    const dState = this.dOptimizer.state();
    const emaState = this.ema?.state();
    const expectOptimizer: Record<string, ParamTree> = { g: unflattenParams(gState.slots), d: unflattenParams(dState.slots) };
    if (emaState) expectOptimizer.ema = unflattenParams(emaState.shadow);
    const expect: Record<string, ParamTree> = { generator: this.generatorParams, discriminator: this.discriminatorParams };
    if (Object.keys(this.spectral).length > 0) expect.spectral = unflattenParams(this.spectral);
    let loaded;
    try {
      loaded = loadCheckpoint(bytes, { expect, expectOptimizer });
    } finally {
      tf.dispose([...Object.values(gState.slots), ...Object.values(dState.slots), ...Object.values(emaState?.shadow ?? {})]);
    }
    try {
      const meta = loaded.config as { gan?: Record<string, unknown>; gStep?: number; dStep?: number; dCount?: number; emaStep?: number };
      const saved = JSON.stringify(meta?.gan);
      const mine = JSON.stringify({ ...this.config, dataShape: [...this.config.dataShape], hidden: [...this.config.hidden] });
      if (saved !== mine) throw new CheckpointError(`Checkpoint passed to '${fn}' was saved with config ${saved?.slice(0, 200)}, which differs from this model's ${mine.slice(0, 200)}.`);
      if (!loaded.rngState) throw new CheckpointError(`Checkpoint passed to '${fn}' has no RNG state.`);
      for (const k of ['gStep', 'dStep', 'dCount', 'emaStep'] as const) {
        if (!Number.isInteger(meta[k]) || (meta[k] as number) < 0) throw new CheckpointError(`Checkpoint passed to '${fn}' has an invalid '${k}': ${describeValue(meta[k])}.`);
      }
      const opt = loaded.optimizerState as Record<string, ParamTree>;
      // loadState validates before changing anything; do both optimizers first, then assign params.
      this.gOptimizer.loadState({ config: this.gOptimizer.config, step: meta.gStep as number, slots: flattenParams(opt.g) });
      this.dOptimizer.loadState({ config: this.dOptimizer.config, step: meta.dStep as number, slots: flattenParams(opt.d) });
      if (this.ema) this.ema.loadState({ config: { ...this.ema.config }, step: meta.emaStep as number, shadow: flattenParams(opt.ema) });
      const params = loaded.params as Record<string, ParamTree>;
      tf.tidy(() => {
        assignTree(this.generatorParams, params.generator);
        assignTree(this.discriminatorParams, params.discriminator);
        if (params.spectral) {
          const flat = flattenParams(params.spectral);
          for (const [path, u] of Object.entries(this.spectral)) u.assign(flat[path] as tf.Tensor1D);
        }
      });
      this.rng = Rng.fromState(loaded.rngState);
      this.count = loaded.step;
      this.dCount = meta.dCount as number;
    } finally {
      disposeParams(loaded.params);
      if (loaded.optimizerState) disposeParams(loaded.optimizerState);
    }
  }

  /**
   * Builds a model from `save()` bytes: the config comes from the checkpoint; pass the same
   * `networks` if the model was built with custom ones.
   *
   * @example
   * const gan = Gan.load(bytes);
   * const x = gan.sample(16);
   */
  static load(bytes: Uint8Array, options: { networks?: GanNetworks } = {}): Gan {
    const probe = loadCheckpoint(bytes);
    disposeParams(probe.params);
    if (probe.optimizerState) disposeParams(probe.optimizerState);
    const config = (probe.config as { gan?: GanConfig } | null)?.gan;
    if (config == null || typeof config !== 'object') throw new CheckpointError(`Checkpoint passed to 'Gan.load' has no GAN config.`);
    const gan = new Gan(config, { seed: 0, networks: options.networks });
    try {
      gan.restore(bytes);
    } catch (error) {
      gan.dispose();
      throw error;
    }
    return gan;
  }

  /** Frees all variables and optimizer/EMA state. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.gOptimizer.dispose();
    this.dOptimizer.dispose();
    this.ema?.dispose();
    disposeParams(this.generatorParams);
    disposeParams(this.discriminatorParams);
    tf.dispose(Object.values(this.spectral));
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  private assertLive(method: string): void {
    if (this.disposed) throw new DisposedError(`'${method}' was called after dispose().`);
  }
}

function foldKey(key: PRNGKey): PRNGKey {
  return split(key, 2)[1];
}

/** `tf.variableGrads` returns grads by variable name; the optimizer wants the param tree's paths. */
function gradsByPath(params: ParamTree<tf.Variable>, grads: tf.NamedTensorMap): ParamTree {
  const byPath: Record<string, tf.Tensor> = {};
  for (const [path, v] of Object.entries(flattenParams(params))) {
    if (grads[v.name] !== undefined) byPath[path] = grads[v.name];
  }
  return unflattenParams(byPath);
}

function assignTree(target: ParamTree<tf.Variable>, source: ParamTree): void {
  const src = flattenParams(source);
  for (const [path, v] of Object.entries(flattenParams(target))) v.assign(src[path]);
}

function toStepMetrics(row: GanStepMetrics, config: ResolvedGanConfig): StepMetrics {
  const parts: Record<string, number> = {
    dAdversarial: row.dAdversarial,
    gLoss: row.gLoss,
    gAdversarial: row.gAdversarial,
    dReal: row.dReal,
    dFake: row.dFake,
    dAccuracy: row.dAccuracy,
    gradNormG: row.gradNormG,
  };
  if (config.gradientPenalty > 0) parts.gradientPenalty = row.gradientPenalty;
  if (config.r1Gamma > 0) parts.r1 = row.r1;
  if (config.numClasses > 0 && config.conditioning === 'acgan') {
    parts.dClass = row.dClass;
    parts.gClass = row.gClass;
  }
  if (row.diversity !== undefined) parts.diversity = row.diversity;
  return { step: row.step, loss: row.dLoss, parts, gradNorm: row.gradNormD, lr: config.dLr, stepMs: row.stepMs, numTensors: row.numTensors };
}

/**
 * Penalties on a conv discriminator differentiate through the convolution's backward pass, which
 * calls Conv2DBackpropFilter. tfjs-backend-wasm 4.22 has no such kernel (only @gen/native adds
 * one), so say so up front instead of failing deep inside tfjs halfway through a step.
 */
function checkSecondOrderConvSupport(fn: string, c: ResolvedGanConfig): void {
  const penalised = c.r1Gamma > 0 || c.gradientPenalty > 0;
  if (!penalised || c.architecture === 'mlp' || tf.getBackend() !== 'wasm') return;
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') != null) return;
  throw new InvalidArgumentError(
    `'${fn}' with architecture '${c.architecture}' and an R1 or gradient penalty needs second-order convolution gradients, which the wasm backend has only with @gen/native's kernels (tfjs-backend-wasm has no Conv2DBackpropFilter). Install @gen/native (needs libopenblas-dev), use the cpu backend, or set r1Gamma and gradientPenalty to 0.`,
  );
}
