// KL(N(mu, diag(exp(logVar))) || N(0, I)) in closed form: Kingma & Welling (2014),
// "Auto-Encoding Variational Bayes", appendix B.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import { type LossOptions, applyReduction, checkPair, resolveReduction } from './reduction.js';

/**
 * The KL divergence of a diagonal Gaussian from the standard normal, as in the VAE objective:
 * 0.5 * sum_j (exp(logVar_j) + mu_j^2 - 1 - logVar_j), summed over the last (latent) axis.
 * The reduction then applies over the remaining (batch) axes: 'mean' averages over examples,
 * 'sum' adds them, 'none' returns one value per example.
 *
 * Shapes: `mu` and `logVar` `[...batch, latentDim]`, equal. Returns a scalar, or `[...batch]` for
 * reduction 'none'. The returned tensor belongs to the caller.
 *
 * @example
 * const kl = gaussianKl(mu, logVar); // mean over the batch of the per-example KL, in nats
 */
export function gaussianKl(mu: tf.Tensor, logVar: tf.Tensor, options: LossOptions = {}): tf.Tensor {
  const reduction = resolveReduction('gaussianKl', options.reduction);
  checkPair('gaussianKl', mu, logVar, ['mu', 'logVar']);
  if (mu.rank < 1) {
    throw new InvalidArgumentError(
      `Argument 'mu' passed to 'gaussianKl' must have rank >= 1 (latent axis last), but got shape ${describeValue(mu.shape)}.`,
    );
  }
  return tf.tidy(() => {
    // exp(l) - 1 - l written as expm1(l) - l: no cancellation for small l.
    const terms = tf.add(tf.sub(tf.expm1(logVar), logVar), tf.square(mu));
    return applyReduction(tf.mul(tf.sum(terms, -1), 0.5), reduction); // [...batch] before reducing
  });
}
