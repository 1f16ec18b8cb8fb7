// GAN objectives on discriminator logits: Goodfellow et al. (2014) minimax and non-saturating;
// Lim & Ye (2017) / Miyato et al. (2018) hinge; Arjovsky et al. (2017) Wasserstein; Mao et al.
// (2017) least squares (a = 0, b = c = 1).
import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '../math/log-space.js';
import { checkFloatTensor, checkOneOf, checkShape } from '../validate.js';
import { type LossOptions, applyReduction, resolveReduction } from './reduction.js';

/** The GAN objectives `ganDiscriminatorLoss` and `ganGeneratorLoss` know. */
export type GanLossKind = 'minimax' | 'nonSaturating' | 'hinge' | 'wasserstein' | 'leastSquares';

/** The allowed values of `GanLossKind`. */
export const GAN_LOSS_KINDS: readonly GanLossKind[] = Object.freeze([
  'minimax',
  'nonSaturating',
  'hinge',
  'wasserstein',
  'leastSquares',
] as const);

/**
 * The discriminator's (critic's) loss, to be minimised, from its raw outputs (logits) on real and
 * on generated data. With r a real logit, f a fake logit and sigma the logistic function:
 *
 * | kind | per-example terms |
 * | --- | --- |
 * | 'minimax', 'nonSaturating' | -log sigma(r) - log(1 - sigma(f)) = softplus(-r) + softplus(f) |
 * | 'hinge' | relu(1 - r) + relu(1 + f) |
 * | 'wasserstein' | f - r (add a `gradientPenalty` or clip weights to keep the critic Lipschitz) |
 * | 'leastSquares' | (r - 1)^2 / 2 + f^2 / 2 (r, f used as raw outputs, no sigmoid) |
 *
 * Reduction: 'mean' (default) is mean(real terms) + mean(fake terms), so the two batches may
 * differ in size; 'sum' adds sums; 'none' needs equal shapes and returns real term + fake term
 * per position.
 *
 * Shapes: `realLogits` and `fakeLogits` any shape (typically `[batch]` or `[batch, 1]`). The
 * returned tensor belongs to the caller.
 *
 * @example
 * const dLoss = ganDiscriminatorLoss('hinge', discriminator(real), discriminator(fake));
 */
export function ganDiscriminatorLoss(
  kind: GanLossKind,
  realLogits: tf.Tensor,
  fakeLogits: tf.Tensor,
  options: LossOptions = {},
): tf.Tensor {
  const fn = 'ganDiscriminatorLoss';
  checkOneOf(fn, 'kind', kind, GAN_LOSS_KINDS);
  const reduction = resolveReduction(fn, options.reduction);
  checkFloatTensor(fn, 'realLogits', realLogits);
  checkFloatTensor(fn, 'fakeLogits', fakeLogits);
  if (reduction === 'none') checkShape(fn, 'fakeLogits', fakeLogits.shape, realLogits.shape);
  return tf.tidy(() => {
    let realTerms: tf.Tensor;
    let fakeTerms: tf.Tensor;
    switch (kind) {
      case 'minimax':
      case 'nonSaturating':
        realTerms = softplus(tf.neg(realLogits));
        fakeTerms = softplus(fakeLogits);
        break;
      case 'hinge':
        realTerms = tf.relu(tf.sub(1, realLogits));
        fakeTerms = tf.relu(tf.add(1, fakeLogits));
        break;
      case 'wasserstein':
        realTerms = tf.neg(realLogits);
        fakeTerms = fakeLogits;
        break;
      case 'leastSquares':
        realTerms = tf.mul(tf.square(tf.sub(realLogits, 1)), 0.5);
        fakeTerms = tf.mul(tf.square(fakeLogits), 0.5);
        break;
    }
    if (reduction === 'none') return tf.add(realTerms, fakeTerms);
    return tf.add(applyReduction(realTerms, reduction), applyReduction(fakeTerms, reduction));
  });
}

/**
 * The generator's loss, to be minimised, from the discriminator's logits f on generated data:
 *
 * | kind | per-example term |
 * | --- | --- |
 * | 'minimax' | log(1 - sigma(f)) = -softplus(f) (saturates when D wins; for reference) |
 * | 'nonSaturating' | -log sigma(f) = softplus(-f) |
 * | 'hinge' | -f |
 * | 'wasserstein' | -f |
 * | 'leastSquares' | (f - 1)^2 / 2 |
 *
 * Shapes: `fakeLogits` any shape. Returns a scalar, or the per-example terms for reduction
 * 'none'. The returned tensor belongs to the caller.
 *
 * @example
 * const gLoss = ganGeneratorLoss('nonSaturating', discriminator(generator(z)));
 */
export function ganGeneratorLoss(kind: GanLossKind, fakeLogits: tf.Tensor, options: LossOptions = {}): tf.Tensor {
  const fn = 'ganGeneratorLoss';
  checkOneOf(fn, 'kind', kind, GAN_LOSS_KINDS);
  const reduction = resolveReduction(fn, options.reduction);
  checkFloatTensor(fn, 'fakeLogits', fakeLogits);
  return tf.tidy(() => {
    let terms: tf.Tensor;
    switch (kind) {
      case 'minimax':
        terms = tf.neg(softplus(fakeLogits));
        break;
      case 'nonSaturating':
        terms = softplus(tf.neg(fakeLogits));
        break;
      case 'hinge':
      case 'wasserstein':
        terms = tf.neg(fakeLogits);
        break;
      case 'leastSquares':
        terms = tf.mul(tf.square(tf.sub(fakeLogits, 1)), 0.5);
        break;
    }
    return applyReduction(terms, reduction);
  });
}
