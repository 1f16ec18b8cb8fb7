// Training diagnostics for GANs: a sample-diversity (mode-collapse) score, the ratio of mean
// pairwise distances of generated to real samples (cf. the "birthday"/diversity checks of Arora &
// Zhang 2017), and a monitor that turns per-step metrics into warnings.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkNumber, describeValue } from '@gen/core';

/**
 * Mean pairwise Euclidean distance between the rows of `x [n, ...]` (flattened), over i != j.
 * Returns a scalar owned by the caller.
 *
 * @example
 * const spread = meanPairwiseDistance(samples); // samples [64, 2] -> scalar
 */
export function meanPairwiseDistance(x: tf.Tensor): tf.Scalar {
  const fn = 'meanPairwiseDistance';
  if (!(x instanceof tf.Tensor) || x.rank < 2 || x.shape[0] < 2) {
    throw new InvalidArgumentError(
      `Argument 'x' passed to '${fn}' must be a tf.Tensor [n >= 2, ...features], but got ${x instanceof tf.Tensor ? describeValue(x.shape) : describeValue(x)}.`,
    );
  }
  const n = x.shape[0];
  return tf.tidy(() => {
    const flat = tf.reshape(x, [n, -1]); // [n, d]
    const sq = tf.sum(tf.square(flat), 1, true); // [n, 1]
    const gram = tf.matMul(flat, tf.transpose(flat)); // [n, n]
    const d2 = tf.relu(tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(gram, 2))); // [n, n], clamp rounding
    // The diagonal is 0 up to rounding; sqrt(d2 + 1e-12) - 1e-6 keeps it ~0 and the gradient finite.
    const dist = tf.sub(tf.sqrt(tf.add(d2, 1e-12)), 1e-6);
    return tf.div(tf.sum(dist), n * (n - 1)) as tf.Scalar;
  });
}

/** The kinds of warning the monitor raises. */
export type GanWarningKind = 'discriminatorWins' | 'vanishingGradients' | 'explodingGradients' | 'modeCollapse';

/** A warning raised during training. */
export interface GanWarning {
  /** 0-based training step (generator update) at which it was raised. */
  step: number;
  kind: GanWarningKind;
  message: string;
}

/** Thresholds of the warnings (all optional). */
export interface DiagnosticsOptions {
  /** Steps a condition must hold before its warning (default 50). */
  patience?: number;
  /** The discriminator's adversarial loss below this counts as "near zero" (default 1e-2). */
  dLossFloor?: number;
  /** A gradient norm below this counts as vanished (default 1e-6). */
  gradFloor?: number;
  /** A gradient norm above this counts as exploding (default 1e3). */
  gradCeiling?: number;
  /** Diversity score (generated / real mean pairwise distance) below this is a collapse (default 0.2). */
  collapseThreshold?: number;
  /** Compute the diversity score every this many steps (default 100; 0 turns it off). */
  diversityEvery?: number;
  /** Size of the fixed latent batch of the diversity score (default 128). */
  diversityBatch?: number;
}

export const DIAGNOSTICS_KEYS = [
  'patience', 'dLossFloor', 'gradFloor', 'gradCeiling', 'collapseThreshold', 'diversityEvery', 'diversityBatch',
] as const;

/** Resolved thresholds. */
export type ResolvedDiagnostics = Required<DiagnosticsOptions>;

/** Validates and fills in `DiagnosticsOptions`. */
export function resolveDiagnostics(fn: string, options: DiagnosticsOptions = {}): ResolvedDiagnostics {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`Argument 'diagnostics' passed to '${fn}' must be an object, but got ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!(DIAGNOSTICS_KEYS as readonly string[]).includes(key)) {
      throw new InvalidArgumentError(
        `Argument 'diagnostics' passed to '${fn}' must only have keys ${DIAGNOSTICS_KEYS.map((k) => `'${k}'`).join(', ')}, but got unknown key '${key}'.`,
      );
    }
  }
  const r: ResolvedDiagnostics = {
    patience: options.patience ?? 50,
    dLossFloor: options.dLossFloor ?? 1e-2,
    gradFloor: options.gradFloor ?? 1e-6,
    gradCeiling: options.gradCeiling ?? 1e3,
    collapseThreshold: options.collapseThreshold ?? 0.2,
    diversityEvery: options.diversityEvery ?? 100,
    diversityBatch: options.diversityBatch ?? 128,
  };
  checkNumber(fn, 'diagnostics.patience', r.patience, { min: 1, integer: true });
  checkNumber(fn, 'diagnostics.dLossFloor', r.dLossFloor, { min: 0 });
  checkNumber(fn, 'diagnostics.gradFloor', r.gradFloor, { min: 0 });
  checkNumber(fn, 'diagnostics.gradCeiling', r.gradCeiling, { min: 0, minExclusive: true });
  checkNumber(fn, 'diagnostics.collapseThreshold', r.collapseThreshold, { min: 0 });
  checkNumber(fn, 'diagnostics.diversityEvery', r.diversityEvery, { min: 0, integer: true });
  checkNumber(fn, 'diagnostics.diversityBatch', r.diversityBatch, { min: 2, integer: true });
  return r;
}

/** What the monitor looks at each step. */
export interface MonitorInput {
  step: number;
  /** Discriminator adversarial loss (without penalties); undefined for Wasserstein (unbounded). */
  dLoss?: number;
  gradNormD: number;
  gradNormG: number;
  /** Diversity score when computed this step. */
  diversity?: number;
}

/**
 * Turns per-step metrics into warnings. A condition that holds for `patience` consecutive steps
 * (exploding gradients and collapse: at once) raises its warning once; it can fire again after the
 * condition has cleared.
 *
 * @example
 * const monitor = new DiagnosticsMonitor(resolveDiagnostics('fit'));
 * const warnings = monitor.observe({ step, dLoss, gradNormD, gradNormG });
 */
export class DiagnosticsMonitor {
  private readonly runs: Record<GanWarningKind, number> = { discriminatorWins: 0, vanishingGradients: 0, explodingGradients: 0, modeCollapse: 0 };
  private readonly active = new Set<GanWarningKind>();

  constructor(readonly options: ResolvedDiagnostics) {}

  observe(input: MonitorInput): GanWarning[] {
    const o = this.options;
    const out: GanWarning[] = [];
    const check = (kind: GanWarningKind, holds: boolean | undefined, needed: number, message: () => string) => {
      if (holds === undefined) return;
      this.runs[kind] = holds ? this.runs[kind] + 1 : 0;
      if (!holds) {
        this.active.delete(kind);
        return;
      }
      if (this.runs[kind] >= needed && !this.active.has(kind)) {
        this.active.add(kind);
        out.push({ step: input.step, kind, message: message() });
      }
    };
    check(
      'discriminatorWins',
      input.dLoss === undefined ? undefined : input.dLoss < o.dLossFloor,
      o.patience,
      () => `The discriminator's loss has stayed below ${o.dLossFloor} for ${o.patience} steps (now ${input.dLoss?.toPrecision(3)}): it separates real from fake perfectly and the generator gets little signal. Try a lower D learning rate, R1/gradient penalty, spectral norm or label smoothing.`,
    );
    check(
      'vanishingGradients',
      input.gradNormG < o.gradFloor,
      o.patience,
      () => `The generator's gradient norm has stayed below ${o.gradFloor} for ${o.patience} steps (now ${input.gradNormG.toPrecision(3)}): gradients vanished.`,
    );
    check(
      'explodingGradients',
      input.gradNormG > o.gradCeiling || input.gradNormD > o.gradCeiling,
      1,
      () => `Gradient norm above ${o.gradCeiling} (G ${input.gradNormG.toPrecision(3)}, D ${input.gradNormD.toPrecision(3)}): gradients are exploding. Lower the learning rates or add a penalty.`,
    );
    check(
      'modeCollapse',
      input.diversity === undefined ? undefined : input.diversity < o.collapseThreshold,
      1,
      () => `Sample diversity on the fixed latent batch fell to ${input.diversity?.toFixed(3)} of the real data's (threshold ${o.collapseThreshold}): the generator may be collapsing to few modes.`,
    );
    return out;
  }
}
