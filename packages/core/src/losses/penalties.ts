// Gradient penalties on a discriminator: WGAN-GP, Gulrajani et al. (2017), "Improved Training of
// Wasserstein GANs", eq. 3; R1, Mescheder et al. (2018), "Which Training Methods for GANs do
// actually Converge?", eq. 9.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import type { Seed } from '../random/key.js';
import { randomUniform } from '../random/tensors.js';
import { checkFloatTensor, checkNumber, checkShape } from '../validate.js';
import { ensureDoubleBackpropGradients } from '../ops/double-backprop-gradients.js';
import { type LossOptions, applyReduction, resolveReduction } from './reduction.js';

/**
 * A discriminator (critic) as a function from a batch `[batch, ...features]` to logits `[batch]`
 * or `[batch, 1]`. Each output must depend only on its own example (no batch statistics), since
 * the penalties differentiate the sum of the outputs to get per-example input gradients.
 */
export type DiscriminatorFn = (x: tf.Tensor) => tf.Tensor;

/** Options of `gradientPenalty`. */
export interface GradientPenaltyOptions extends LossOptions {
  /** Seed of the interpolation weights alpha ~ U[0, 1), one per example. Needed unless `alpha`. */
  seed?: Seed;
  /** Explicit interpolation weights, float32 `[batch]` (overrides `seed`). Borrowed, not disposed. */
  alpha?: tf.Tensor;
  /** The gradient norm the penalty pulls towards. Default 1. */
  target?: number;
  /**
   * The norm is sqrt(sum g^2 + epsilon), so that it and its gradient stay finite when the gradient
   * g is exactly zero (a plain norm has an infinite derivative there). Default 1e-12.
   */
  epsilon?: number;
}

/** Options of `r1Penalty`. */
export interface R1PenaltyOptions extends LossOptions {
  /** The weight gamma in gamma / 2 * ||grad D(x)||^2. Default 10. */
  gamma?: number;
}

function checkDiscriminator(fn: string, discriminator: unknown): void {
  if (typeof discriminator !== 'function') {
    throw new InvalidArgumentError(
      `Argument 'discriminator' passed to '${fn}' must be a function (x: Tensor) => Tensor, but got ${describeValue(discriminator)}.`,
    );
  }
}

function checkBatch(fn: string, arg: string, x: tf.Tensor): void {
  checkFloatTensor(fn, arg, x);
  if (x.rank < 1) {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must have rank >= 1 (batch first), but got shape ${describeValue(x.shape)}.`,
    );
  }
}

/** Squared L2 norm of each example's gradient of sum(D(x)) at x: `[batch]`. Call inside tidy. */
function squaredGradientNorms(discriminator: DiscriminatorFn, x: tf.Tensor): tf.Tensor {
  // tfjs-core needs a few gradient fixes to differentiate this gradient again (double backprop).
  ensureDoubleBackpropGradients();
  // tf.grad records its backward pass on the outer tape when one is active (tf.variableGrads),
  // so the result stays differentiable with respect to the discriminator's variables.
  const gradient = tf.grad((input: tf.Tensor) => tf.sum(discriminator(input)))(x);
  const featureAxes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
  const squared = tf.square(gradient);
  return featureAxes.length === 0 ? squared : tf.sum(squared, featureAxes); // [batch]
}

/**
 * WGAN-GP gradient penalty: reduce over the batch of (||grad_x D(x_hat)||_2 - target)^2, where
 * x_hat = alpha * real + (1 - alpha) * fake with one alpha ~ U[0, 1) per example drawn from
 * `seed`. Multiply by the penalty weight (lambda = 10 in the paper) yourself.
 *
 * The penalty is differentiable with respect to the discriminator's variables (double
 * backpropagation): call it inside `tf.variableGrads`. Gradients also flow into `real` and `fake`
 * if they depend on variables; pass `tf.variableGrads` a `varList` to train only the critic.
 *
 * Shapes: `real`, `fake` `[batch, ...features]`, equal. Returns a scalar, or `[batch]` for
 * reduction 'none'. The returned tensor belongs to the caller.
 *
 * @example
 * const { value, grads } = tf.variableGrads(() => tf.add(
 *   ganDiscriminatorLoss('wasserstein', critic(real), critic(fake)),
 *   tf.mul(gradientPenalty(critic, real, fake, { seed: rng.next() }), 10)), criticVars);
 */
export function gradientPenalty(
  discriminator: DiscriminatorFn,
  real: tf.Tensor,
  fake: tf.Tensor,
  options: GradientPenaltyOptions = {},
): tf.Tensor {
  const fn = 'gradientPenalty';
  checkDiscriminator(fn, discriminator);
  const reduction = resolveReduction(fn, options.reduction);
  const target = options.target ?? 1;
  const epsilon = options.epsilon ?? 1e-12;
  checkNumber(fn, 'target', target, { min: 0 });
  checkNumber(fn, 'epsilon', epsilon, { min: 0, minExclusive: true });
  checkBatch(fn, 'real', real);
  checkFloatTensor(fn, 'fake', fake);
  checkShape(fn, 'fake', fake.shape, real.shape);
  const batch = real.shape[0];
  if (options.alpha !== undefined) {
    checkFloatTensor(fn, 'alpha', options.alpha);
    checkShape(fn, 'alpha', options.alpha.shape, [batch]);
  } else if (options.seed === undefined) {
    throw new InvalidArgumentError(
      `Argument 'options' passed to '${fn}' must contain 'seed' (or explicit 'alpha'), but got ${describeValue(options)}.`,
    );
  }
  const alphaShape = [batch, ...real.shape.slice(1).map(() => 1)];
  return tf.tidy(() => {
    const alpha =
      options.alpha !== undefined
        ? tf.reshape(options.alpha, alphaShape)
        : randomUniform(options.seed as Seed, alphaShape); // [batch, 1, ..., 1]
    const xHat = tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake));
    const norms = tf.sqrt(tf.add(squaredGradientNorms(discriminator, xHat), epsilon)); // [batch]
    return applyReduction(tf.square(tf.sub(norms, target)), reduction);
  });
}

/**
 * R1 regulariser: gamma / 2 * ||grad_x D(x)||_2^2 at real data, reduced over the batch ('mean'
 * gives gamma / 2 * E||grad D(x_real)||^2).
 *
 * Differentiable with respect to the discriminator's variables (double backpropagation): call it
 * inside `tf.variableGrads`.
 *
 * Shapes: `real` `[batch, ...features]`. Returns a scalar, or `[batch]` for reduction 'none'.
 * The returned tensor belongs to the caller.
 *
 * @example
 * const { grads } = tf.variableGrads(() => tf.add(
 *   ganDiscriminatorLoss('nonSaturating', d(real), d(fake)), r1Penalty(d, real, { gamma: 10 })), dVars);
 */
export function r1Penalty(discriminator: DiscriminatorFn, real: tf.Tensor, options: R1PenaltyOptions = {}): tf.Tensor {
  const fn = 'r1Penalty';
  checkDiscriminator(fn, discriminator);
  const reduction = resolveReduction(fn, options.reduction);
  const gamma = options.gamma ?? 10;
  checkNumber(fn, 'gamma', gamma, { min: 0 });
  checkBatch(fn, 'real', real);
  return tf.tidy(() =>
    applyReduction(tf.mul(squaredGradientNorms(discriminator, real), gamma / 2), reduction),
  );
}
