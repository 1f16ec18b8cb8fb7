// The GAN configuration: architecture, objective, regularisers and optimiser settings, validated
// at the public boundary and frozen (it round-trips through JSON into checkpoints).
import { GAN_LOSS_KINDS, type GanLossKind, InvalidArgumentError, checkNumber, checkOneOf, describeValue } from '@gen/core';
import { ARCHITECTURES, type Architecture, CONDITIONINGS, type Conditioning, type OutputActivation } from './networks.js';

/** Configuration of a `Gan`. Every field but `latentDim` and `dataShape` has a default. */
export interface GanConfig {
  /** Size of the latent vector z ~ N(0, I). */
  readonly latentDim: number;
  /** Shape of one sample: `[2]` for 2-d points, `[784]` or `[28, 28, 1]` for MNIST, `[32, 32, 3]`. */
  readonly dataShape: readonly number[];
  /** 'mlp' (default), 'dcgan28' (dataShape [28, 28, C]) or 'dcgan32' ([32, 32, C]). */
  readonly architecture?: Architecture;
  /** Hidden widths of the MLP presets (G and D). Default [128, 128, 128]. */
  readonly hidden?: readonly number[];
  /** Base channel count of the DCGAN presets (D: c, 2c, ...; G mirrors it). Default 64. */
  readonly channels?: number;
  /** Generator output activation. Default 'linear' for 'mlp', 'tanh' for DCGAN (data in [-1, 1]). */
  readonly outputActivation?: OutputActivation;
  /** Number of classes for a conditional GAN; 0 (default) is unconditional. */
  readonly numClasses?: number;
  /** How labels enter D: 'concat' (default; G always concatenates), 'projection' or 'acgan'. */
  readonly conditioning?: Conditioning;
  /** The objective, from `@gen/core`. Default 'nonSaturating'. */
  readonly loss?: GanLossKind;
  /** Weight of the WGAN-GP gradient penalty (10 in the paper); 0 (default) is off. */
  readonly gradientPenalty?: number;
  /** R1 weight gamma (gamma / 2 * E||grad D(real)||^2); 0 is off. Default 0.1. */
  readonly r1Gamma?: number;
  /**
   * Lazy regularisation (Karras et al. 2020, StyleGAN2 sec. 3.1): apply R1 every this many D
   * updates, scaled by the interval so its average strength is unchanged. Default 4.
   */
  readonly r1Every?: number;
  /** Spectral normalisation of D's weights (one power iteration per D update). Default false. */
  readonly spectralNorm?: boolean;
  /** One-sided label smoothing: real targets 1 - s for the logistic losses (Salimans et al. 2016). Default 0. */
  readonly labelSmoothing?: number;
  /** Weight of the ACGAN auxiliary classification losses. Default 1. */
  readonly acganWeight?: number;
  /** Generator learning rate (Adam). Default 1e-3 (with R1 and the EMA generator; see the README). */
  readonly gLr?: number;
  /** Discriminator learning rate (Adam); a different D rate is TTUR (Heusel et al. 2017, e.g. G 1e-4, D 4e-4). Default 1e-3. */
  readonly dLr?: number;
  /** Adam beta1 for both. Default 0.5 (Radford et al. 2016). */
  readonly beta1?: number;
  /** Adam beta2 for both. Default 0.9. */
  readonly beta2?: number;
  /** Discriminator updates per generator update (n_critic; 5 for WGAN-GP). Default 1. */
  readonly dSteps?: number;
  /** Decay of the EMA copy of the generator used for sampling; 0 turns it off. Default 0.999. */
  readonly emaDecay?: number;
}

/** `GanConfig` with every default filled in. */
export type ResolvedGanConfig = { readonly [K in keyof GanConfig]-?: NonNullable<GanConfig[K]> };

const KEYS = [
  'latentDim', 'dataShape', 'architecture', 'hidden', 'channels', 'outputActivation', 'numClasses', 'conditioning',
  'loss', 'gradientPenalty', 'r1Gamma', 'r1Every', 'spectralNorm', 'labelSmoothing', 'acganWeight', 'gLr', 'dLr',
  'beta1', 'beta2', 'dSteps', 'emaDecay',
] as const;

/**
 * Validates a `GanConfig` and fills in the defaults; throws `InvalidArgumentError` naming the field.
 *
 * @example
 * const config = resolveGanConfig({ latentDim: 2, dataShape: [2] });
 * config.loss; // 'nonSaturating'
 */
export function resolveGanConfig(config: GanConfig, fn = 'Gan'): ResolvedGanConfig {
  if (config === null || typeof config !== 'object') {
    throw new InvalidArgumentError(`Argument 'config' passed to '${fn}' must be an object, but got ${describeValue(config)}.`);
  }
  for (const key of Object.keys(config)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new InvalidArgumentError(
        `Argument 'config' passed to '${fn}' must only have keys ${KEYS.map((k) => `'${k}'`).join(', ')}, but got unknown key '${key}'.`,
      );
    }
  }
  checkNumber(fn, 'config.latentDim', config.latentDim, { min: 1, integer: true });
  const { dataShape } = config;
  if (!Array.isArray(dataShape) || dataShape.length === 0 || !dataShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new InvalidArgumentError(`Argument 'config.dataShape' passed to '${fn}' must be a non-empty array of positive integers, but got ${describeValue(dataShape)}.`);
  }
  const architecture = config.architecture ?? 'mlp';
  checkOneOf(fn, 'config.architecture', architecture, ARCHITECTURES);
  if (architecture !== 'mlp') {
    const side = architecture === 'dcgan28' ? 28 : 32;
    if (dataShape.length !== 3 || dataShape[0] !== side || dataShape[1] !== side) {
      throw new InvalidArgumentError(
        `Argument 'config.dataShape' passed to '${fn}' must be [${side}, ${side}, channels] for architecture '${architecture}', but got ${describeValue(dataShape)}.`,
      );
    }
  }
  const hidden = config.hidden ?? [128, 128, 128];
  if (!Array.isArray(hidden) || hidden.length === 0 || !hidden.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new InvalidArgumentError(`Argument 'config.hidden' passed to '${fn}' must be a non-empty array of positive integers, but got ${describeValue(hidden)}.`);
  }
  const channels = config.channels ?? 64;
  checkNumber(fn, 'config.channels', channels, { min: 1, integer: true });
  const outputActivation = config.outputActivation ?? (architecture === 'mlp' ? 'linear' : 'tanh');
  checkOneOf(fn, 'config.outputActivation', outputActivation, ['linear', 'tanh', 'sigmoid'] as const);
  const numClasses = config.numClasses ?? 0;
  checkNumber(fn, 'config.numClasses', numClasses, { min: 0, integer: true });
  if (numClasses === 1) {
    throw new InvalidArgumentError(`Argument 'config.numClasses' passed to '${fn}' must be 0 (unconditional) or >= 2, but got 1.`);
  }
  const conditioning = config.conditioning ?? 'concat';
  checkOneOf(fn, 'config.conditioning', conditioning, CONDITIONINGS);
  const loss = config.loss ?? 'nonSaturating';
  checkOneOf(fn, 'config.loss', loss, GAN_LOSS_KINDS);
  const gradientPenalty = config.gradientPenalty ?? 0;
  checkNumber(fn, 'config.gradientPenalty', gradientPenalty, { min: 0 });
  const r1Gamma = config.r1Gamma ?? 0.1;
  checkNumber(fn, 'config.r1Gamma', r1Gamma, { min: 0 });
  const r1Every = config.r1Every ?? 4;
  checkNumber(fn, 'config.r1Every', r1Every, { min: 1, integer: true });
  const spectralNorm = config.spectralNorm ?? false;
  if (typeof spectralNorm !== 'boolean') {
    throw new InvalidArgumentError(`Argument 'config.spectralNorm' passed to '${fn}' must be a boolean, but got ${describeValue(spectralNorm)}.`);
  }
  const labelSmoothing = config.labelSmoothing ?? 0;
  checkNumber(fn, 'config.labelSmoothing', labelSmoothing, { min: 0, max: 0.5 });
  if (labelSmoothing > 0 && loss !== 'nonSaturating' && loss !== 'minimax') {
    throw new InvalidArgumentError(
      `Argument 'config.labelSmoothing' passed to '${fn}' needs loss 'nonSaturating' or 'minimax' (it changes a logistic target), but the loss is '${loss}'.`,
    );
  }
  const acganWeight = config.acganWeight ?? 1;
  checkNumber(fn, 'config.acganWeight', acganWeight, { min: 0 });
  const gLr = config.gLr ?? 1e-3;
  const dLr = config.dLr ?? 1e-3;
  checkNumber(fn, 'config.gLr', gLr, { min: 0, minExclusive: true });
  checkNumber(fn, 'config.dLr', dLr, { min: 0, minExclusive: true });
  const beta1 = config.beta1 ?? 0.5;
  const beta2 = config.beta2 ?? 0.9;
  checkNumber(fn, 'config.beta1', beta1, { min: 0, max: 0.9999 });
  checkNumber(fn, 'config.beta2', beta2, { min: 0, max: 0.9999 });
  const dSteps = config.dSteps ?? 1;
  checkNumber(fn, 'config.dSteps', dSteps, { min: 1, integer: true });
  const emaDecay = config.emaDecay ?? 0.999;
  checkNumber(fn, 'config.emaDecay', emaDecay, { min: 0, max: 0.99999 });
  return Object.freeze({
    latentDim: config.latentDim,
    dataShape: Object.freeze([...dataShape]),
    architecture,
    hidden: Object.freeze([...hidden]),
    channels,
    outputActivation,
    numClasses,
    conditioning,
    loss,
    gradientPenalty,
    r1Gamma,
    r1Every,
    spectralNorm,
    labelSmoothing,
    acganWeight,
    gLr,
    dLr,
    beta1,
    beta2,
    dSteps,
    emaDecay,
  });
}
