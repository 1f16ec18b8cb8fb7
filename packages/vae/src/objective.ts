// Log densities and bounds of a VAE: the ELBO (Kingma & Welling 2014) with a KL weight
// (Higgins et al. 2017) and the importance-weighted bound (Burda, Grosse & Salakhutdinov 2016):
// log p(x) >= E[log (1/K) sum_k p(x, z_k) / q(z_k | x)], z_k ~ q(z | x).
import * as tf from '@tensorflow/tfjs-core';
import { ContinuousBernoulli, type Distribution, gaussianKl, logSumExp } from '@gen/core';
import type { DecoderKind } from './config.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Sums the last `eventRank` axes: `[...batch, ...event]` to `[...batch]`. */
function sumEvent(t: tf.Tensor, eventRank: number): tf.Tensor {
  return eventRank === 0 ? t : tf.sum(t, t.shape.slice(t.rank - eventRank).map((_, i) => t.rank - eventRank + i));
}

/** Sums `g` down to `shape` over the leading axes that broadcasting added (internal). */
function unbroadcast(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (g.rank === shape.length) return g;
  return tf.sum(g, g.shape.slice(0, g.rank - shape.length).map((_, i) => i));
}

/**
 * x * l - softplus(l) elementwise (the negative binary cross-entropy with logits), gradient
 * x - sigmoid(l) for l and l for x. Local instead of `@gen/core`'s `softplus`: that one's exact
 * log1p costs ~55 ms per million elements on wasm (about 14x tf.log; measured on the 2-core CI
 * machine), which dominated the MNIST step. Here log(1 + exp(-|l|)) is evaluated with tf.log,
 * whose absolute error is below 6e-8 per pixel (1 + u rounds to within that in float32), so below
 * 5e-5 nats per 784-pixel image.
 */
const bernoulliLogProbOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [logits, x] = args as [tf.Tensor, tf.Tensor];
  (args[2] as tf.GradSaveFunc)([logits, x]);
  const softplusValue = tf.add(tf.relu(logits), tf.log(tf.add(1, tf.exp(tf.neg(tf.abs(logits))))));
  return {
    value: tf.sub(tf.mul(x, logits), softplusValue),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
      unbroadcast(tf.mul(dy, tf.sub(saved[1], tf.sigmoid(saved[0]))), saved[0].shape),
      unbroadcast(tf.mul(dy, saved[0]), saved[1].shape),
    ],
  };
});

function bernoulliLogProb(logits: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return bernoulliLogProbOp(logits, x);
}

/** What the observation model needs besides the decoder output. */
export interface ObservationModel {
  kind: DecoderKind;
  fixedStd: number;
  /** Learned per-dimension log standard deviation `[...inputShape]` (`'gaussianLearned'` only). */
  logScale: tf.Tensor | null;
}

/**
 * log p(x | z) summed over the event (the last `eventRank` axes): decoder output
 * `[...sample, batch, ...inputShape]` and x `[batch, ...inputShape]` (broadcast against it) to
 * `[...sample, batch]`.
 */
export function observationLogProb(model: ObservationModel, out: tf.Tensor, x: tf.Tensor, eventRank: number): tf.Tensor {
  switch (model.kind) {
    case 'bernoulli':
      return sumEvent(bernoulliLogProb(out, x), eventRank);
    case 'continuousBernoulli': {
      const d = new ContinuousBernoulli({ logits: out }, { validateArgs: false });
      const lp = d.logProb(out.rank === x.rank ? x : tf.broadcastTo(x, out.shape));
      d.dispose();
      return sumEvent(lp, eventRank);
    }
    case 'gaussian':
    case 'gaussianLearned': {
      const logScale = model.kind === 'gaussian' ? tf.scalar(Math.log(model.fixedStd)) : (model.logScale as tf.Tensor);
      const z = tf.mul(tf.sub(x, out), tf.exp(tf.neg(logScale)));
      return sumEvent(tf.sub(tf.mul(tf.square(z), -0.5), tf.add(tf.broadcastTo(logScale, z.shape), HALF_LOG_2PI)), eventRank);
    }
  }
}

/** The mean of p(x | z) from the decoder output: probabilities, Gaussian means, or the CB mean. */
export function observationMean(model: ObservationModel, out: tf.Tensor): tf.Tensor {
  switch (model.kind) {
    case 'bernoulli':
      return tf.sigmoid(out);
    case 'continuousBernoulli': {
      const d = new ContinuousBernoulli({ logits: out }, { validateArgs: false });
      const mean = d.mean;
      d.dispose();
      return mean;
    }
    default:
      return tf.clone(out);
  }
}

/** log N(z; mu, exp(logVar)) summed over the last axis: `[..., latent]` to `[...]`. */
export function diagGaussianLogProb(z: tf.Tensor, mu: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  const sq = tf.div(tf.square(tf.sub(z, mu)), tf.exp(logVar));
  return tf.sum(tf.sub(tf.mul(tf.add(sq, logVar), -0.5), HALF_LOG_2PI), -1);
}

/** log p(z) under the prior (null: standard normal), `[..., latent]` to `[...]`. */
export function priorLogProb(prior: Distribution | null, z: tf.Tensor): tf.Tensor {
  if (prior === null) return tf.sum(tf.sub(tf.mul(tf.square(z), -0.5), HALF_LOG_2PI), -1);
  return prior.logProb(z);
}

/**
 * KL(q(z|x) || p(z)) per example `[batch]`: closed form for the standard normal prior, else the
 * one-sample estimate log q(z) - log p(z) at the reparameterised sample `z`.
 */
export function klTerm(prior: Distribution | null, z: tf.Tensor, mu: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  if (prior === null) return gaussianKl(mu, logVar, { reduction: 'none' });
  return tf.sub(diagGaussianLogProb(z, mu, logVar), priorLogProb(prior, z));
}

/** IWAE bound from log-weights `[K, batch]`: logsumexp over K minus log K, `[batch]`. */
export function iwaeBound(logWeights: tf.Tensor): tf.Tensor {
  return tf.sub(logSumExp(logWeights, 0), Math.log(logWeights.shape[0]));
}
