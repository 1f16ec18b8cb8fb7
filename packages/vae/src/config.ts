// Configuration of a VAE (Kingma & Welling, "Auto-Encoding Variational Bayes", 2014): literal-typed,
// frozen, JSON round-trippable, validated once at construction.
import { InvalidArgumentError, checkNumber, checkOneOf, describeValue } from '@gen/core';

/**
 * Network presets: an MLP, or a small conv net for images `[height, width, channels]`.
 * @example
 * ARCHITECTURES.includes('conv'); // true
 */
export const ARCHITECTURES = ['mlp', 'conv'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/**
 * The observation model p(x | z):
 * - `'bernoulli'`: binary data; the decoder outputs logits.
 * - `'gaussian'`: continuous data, N(decoder(z), fixedStd^2) with a fixed standard deviation.
 * - `'gaussianLearned'`: N(decoder(z), exp(logScale)^2) with one learned log-scale per dimension.
 * - `'continuousBernoulli'`: data in [0, 1] (Loaiza-Ganem & Cunningham, 2019); decoder outputs logits.
 * @example
 * new Vae({ inputShape: [8], latentDim: 2, decoder: DECODERS[2] }); // 'gaussianLearned'
 */
export const DECODERS = ['bernoulli', 'gaussian', 'gaussianLearned', 'continuousBernoulli'] as const;
export type DecoderKind = (typeof DECODERS)[number];

/**
 * Training objectives: the ELBO (with beta and KL warm-up) or the IWAE bound with K samples.
 * @example
 * new Vae({ inputShape: [784], latentDim: 20, objective: 'iwae', iwaeSamples: 5 });
 */
export const OBJECTIVES = ['elbo', 'iwae'] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** Hyperparameters of a `Vae`. */
export interface VaeConfig {
  /** Shape of one example: `[features]` for the MLP preset, `[height, width, channels]` for conv. */
  readonly inputShape: readonly number[];
  /** Latent dimension (20 for MNIST; 2 for a latent map you can plot). */
  readonly latentDim: number;
  /** Network preset. Default `'mlp'`. Ignored when custom networks are given to the constructor. */
  readonly architecture?: Architecture;
  /**
   * MLP: hidden widths of the encoder (the decoder mirrors them), default `[400]` (784-400-20-400-784).
   * conv: channels of the two stride-2 convolutions, default `[32, 64]` (height and width must be
   * divisible by 4).
   */
  readonly hidden?: readonly number[];
  /** Observation model. Default `'bernoulli'`. */
  readonly decoder?: DecoderKind;
  /** Standard deviation of the `'gaussian'` decoder. Default 0.1. */
  readonly fixedStd?: number;
  /** Conditional VAE: number of classes; labels become one-hot inputs of encoder and decoder. */
  readonly numClasses?: number;
  /** Weight of the KL term (beta-VAE, Higgins et al. 2017). Default 1. Only for `'elbo'`. */
  readonly beta?: number;
  /** KL warm-up (Bowman et al. 2016): the KL weight rises linearly from 0 to `beta` over this many steps. Default 0. */
  readonly warmupSteps?: number;
  /** Training objective. Default `'elbo'`. */
  readonly objective?: Objective;
  /** Importance samples K of the `'iwae'` objective (Burda et al. 2016). Default 5. */
  readonly iwaeSamples?: number;
}

/** A config with every default filled in. */
export type ResolvedVaeConfig = Required<Omit<VaeConfig, 'numClasses'>> & { readonly numClasses: number | null };

const KEYS = [
  'inputShape', 'latentDim', 'architecture', 'hidden', 'decoder', 'fixedStd', 'numClasses', 'beta',
  'warmupSteps', 'objective', 'iwaeSamples',
];

/**
 * Validates `config` and fills in defaults; throws `InvalidArgumentError` naming the field.
 * @example
 * resolveConfig('myFn', { inputShape: [784], latentDim: 20 }).hidden; // [400]
 */
export function resolveConfig(fn: string, config: VaeConfig): ResolvedVaeConfig {
  if (config === null || typeof config !== 'object') {
    throw new InvalidArgumentError(`Argument 'config' passed to '${fn}' must be a VaeConfig object, but got ${describeValue(config)}.`);
  }
  for (const key of Object.keys(config)) {
    if (!KEYS.includes(key)) {
      throw new InvalidArgumentError(`Argument 'config' passed to '${fn}' has unknown key '${key}'; allowed keys are ${KEYS.map((k) => `'${k}'`).join(', ')}.`);
    }
  }
  const architecture = config.architecture ?? 'mlp';
  checkOneOf(fn, 'config.architecture', architecture, ARCHITECTURES);
  const { inputShape } = config;
  const rankOk = architecture === 'mlp' ? true : Array.isArray(inputShape) && inputShape.length === 3;
  if (!Array.isArray(inputShape) || inputShape.length < 1 || !inputShape.every((d) => Number.isInteger(d) && d >= 1) || !rankOk) {
    throw new InvalidArgumentError(
      `Argument 'config.inputShape' passed to '${fn}' must be ${architecture === 'conv' ? '[height, width, channels]' : 'an array of positive integers'}, but got ${describeValue(inputShape)}.`,
    );
  }
  if (architecture === 'conv' && (inputShape[0] % 4 !== 0 || inputShape[1] % 4 !== 0)) {
    throw new InvalidArgumentError(
      `Argument 'config.inputShape' passed to '${fn}' must have height and width divisible by 4 for the conv preset, but got ${describeValue(inputShape)}.`,
    );
  }
  checkNumber(fn, 'config.latentDim', config.latentDim, { min: 1, integer: true });
  const hidden = config.hidden ?? (architecture === 'mlp' ? [400] : [32, 64]);
  if (!Array.isArray(hidden) || !hidden.every((w) => Number.isInteger(w) && w >= 1) || (architecture === 'conv' && hidden.length !== 2)) {
    throw new InvalidArgumentError(
      `Argument 'config.hidden' passed to '${fn}' must be ${architecture === 'conv' ? 'two positive integers (channels)' : 'an array of positive integers'}, but got ${describeValue(hidden)}.`,
    );
  }
  const decoder = config.decoder ?? 'bernoulli';
  checkOneOf(fn, 'config.decoder', decoder, DECODERS);
  const fixedStd = config.fixedStd ?? 0.1;
  checkNumber(fn, 'config.fixedStd', fixedStd, { min: 0, minExclusive: true });
  const numClasses = config.numClasses ?? null;
  if (numClasses !== null) checkNumber(fn, 'config.numClasses', numClasses, { min: 2, integer: true });
  const beta = config.beta ?? 1;
  checkNumber(fn, 'config.beta', beta, { min: 0 });
  const warmupSteps = config.warmupSteps ?? 0;
  checkNumber(fn, 'config.warmupSteps', warmupSteps, { min: 0, integer: true });
  const objective = config.objective ?? 'elbo';
  checkOneOf(fn, 'config.objective', objective, OBJECTIVES);
  const iwaeSamples = config.iwaeSamples ?? 5;
  checkNumber(fn, 'config.iwaeSamples', iwaeSamples, { min: 1, integer: true });
  return Object.freeze({
    inputShape: Object.freeze([...inputShape]),
    latentDim: config.latentDim,
    architecture,
    hidden: Object.freeze([...hidden]),
    decoder,
    fixedStd,
    numClasses,
    beta,
    warmupSteps,
    objective,
    iwaeSamples,
  });
}

/**
 * The KL weight at a training step: `beta * min(1, (step + 1) / warmupSteps)` (beta when no warm-up).
 * @example
 * klWeight({ beta: 4, warmupSteps: 100 }, 49); // 2
 */
export function klWeight(config: Pick<ResolvedVaeConfig, 'beta' | 'warmupSteps'>, step: number): number {
  if (config.warmupSteps <= 0) return config.beta;
  return config.beta * Math.min(1, (step + 1) / config.warmupSteps);
}
