// Likelihood metrics: negative log-likelihood in nats, bits per dimension (with the 8-bit
// discretisation offset of Theis et al., "A note on the evaluation of generative models", 2016),
// perplexity, bits per character, and the importance-weighted bound of Burda et al., "Importance
// weighted autoencoders", 2016: log (1/K) sum_k w_k = logsumexp(logW) - log K.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, checkNumber, describeValue } from '@gen/core';

/** Numbers from an array or a tensor (read with `await data()`), all finite. */
async function readValues(fn: string, arg: string, x: tf.Tensor | ArrayLike<number> | number): Promise<Float64Array> {
  let values: Float64Array;
  if (typeof x === 'number') values = new Float64Array([x]);
  else if (x instanceof tf.Tensor) values = Float64Array.from(await x.data());
  else if (x != null && typeof (x as ArrayLike<number>).length === 'number') values = Float64Array.from(x as ArrayLike<number>, Number);
  else throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' must be a number, an array of numbers or a tf.Tensor, but got ${describeValue(x)}.`);
  if (values.length === 0) throw new ShapeError(`Argument '${arg}' passed to '${fn}' must not be empty.`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' must hold only finite values, but element ${i} is ${values[i]}.`);
    }
  }
  return values;
}

function mean(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** A likelihood score with the number of examples (or tokens) it averages over. */
export interface LikelihoodResult {
  readonly value: number;
  /** Number of values averaged. */
  readonly n: number;
}

/**
 * Mean negative log-likelihood in nats from per-example log-likelihoods (natural log).
 *
 * @param logLikelihoods `[n]` log p(x_i) in nats (array, tensor or one number).
 * @example
 * const { value } = await negativeLogLikelihood(logProbs); // nats per example
 */
export async function negativeLogLikelihood(logLikelihoods: tf.Tensor | ArrayLike<number> | number): Promise<LikelihoodResult> {
  const v = await readValues('negativeLogLikelihood', 'logLikelihoods', logLikelihoods);
  return { value: -mean(v), n: v.length };
}

/** Options of `bitsPerDim`. */
export interface BitsPerDimOptions {
  /**
   * For a continuous density on data scaled from `levels` discrete values to [0, 1] (e.g. 256 for
   * 8-bit pixels divided by 255 or 256): add log(levels) nats per dimension, so the number is the
   * discrete model's bits per dimension (dequantisation convention). Default: none (the NLL is
   * already of discrete data, e.g. a Bernoulli or categorical decoder).
   */
  readonly levels?: number;
}

/**
 * Bits per dimension: mean NLL in nats per example / (numDims ln 2), plus log2(levels) when
 * `levels` is given. For MNIST 28x28, numDims = 784.
 *
 * @param nllNats `[n]` negative log-likelihoods (or bounds, e.g. negative ELBO) in nats per example.
 * @param numDims dimensions per example.
 * @example
 * const { value } = await bitsPerDim(negElbo, 784); // e.g. 0.13 for a binarised-MNIST VAE
 */
export async function bitsPerDim(
  nllNats: tf.Tensor | ArrayLike<number> | number,
  numDims: number,
  options: BitsPerDimOptions = {},
): Promise<LikelihoodResult> {
  const fn = 'bitsPerDim';
  checkNumber(fn, 'numDims', numDims, { min: 1, integer: true });
  if (options.levels !== undefined) checkNumber(fn, 'levels', options.levels, { min: 2 });
  const v = await readValues(fn, 'nllNats', nllNats);
  const offset = options.levels === undefined ? 0 : Math.log2(options.levels);
  return { value: mean(v) / (numDims * Math.LN2) + offset, n: v.length };
}

/**
 * Perplexity exp(mean NLL per token) from per-token negative log-likelihoods in nats.
 *
 * @param tokenNllNats `[n]` per-token NLLs (nats), or one mean value.
 * @example
 * const { value } = await perplexity([2.1, 1.7, 3.0]); // exp(2.2667) = 9.65
 */
export async function perplexity(tokenNllNats: tf.Tensor | ArrayLike<number> | number): Promise<LikelihoodResult> {
  const v = await readValues('perplexity', 'tokenNllNats', tokenNllNats);
  return { value: Math.exp(mean(v)), n: v.length };
}

/**
 * Bits per character: mean per-character NLL in nats / ln 2.
 *
 * @param charNllNats `[n]` per-character NLLs (nats).
 * @example
 * const { value } = await bitsPerCharacter(nll); // e.g. 1.4 for a good char-level LM
 */
export async function bitsPerCharacter(charNllNats: tf.Tensor | ArrayLike<number> | number): Promise<LikelihoodResult> {
  const v = await readValues('bitsPerCharacter', 'charNllNats', charNllNats);
  return { value: mean(v) / Math.LN2, n: v.length };
}

/**
 * Importance-weighted bound log (1/K) sum_k exp(logW_k) = logsumexp(logW) - log K along `axis`
 * (default the last), computed stably; K = 1 gives the ELBO. Differentiable (plain tfjs ops), for
 * use inside a VAE's loss. Returns a new tensor with `axis` removed, owned by the caller.
 *
 * @param logW `[..., K]` log importance weights log p(x, z_k) - log q(z_k | x).
 * @example
 * const bound = iwaeBound(logW); // [batch]; loss = tf.neg(tf.mean(bound))
 */
export function iwaeBound(logW: tf.Tensor, axis = -1): tf.Tensor {
  const fn = 'iwaeBound';
  if (!(logW instanceof tf.Tensor)) {
    throw new InvalidArgumentError(`Argument 'logW' passed to '${fn}' must be a tf.Tensor, but got ${describeValue(logW)}.`);
  }
  if (logW.dtype !== 'float32') {
    throw new InvalidArgumentError(`Argument 'logW' passed to '${fn}' must have dtype float32, but got ${logW.dtype}.`);
  }
  if (logW.rank < 1) throw new ShapeError(`Argument 'logW' passed to '${fn}' must have rank >= 1 ([..., K]), but got shape [].`);
  checkNumber(fn, 'axis', axis, { min: -logW.rank, max: logW.rank - 1, integer: true });
  const k = logW.shape[axis < 0 ? logW.rank + axis : axis];
  if (k < 1) throw new ShapeError(`Argument 'logW' passed to '${fn}' must have K >= 1 samples along axis ${axis}, but got shape ${describeValue([...logW.shape])}.`);
  return tf.tidy(() => {
    const max = tf.max(logW, axis, true); // the gradient through max cancels exactly in lse
    const shifted = tf.sub(logW, max);
    const lse = tf.add(tf.log(tf.sum(tf.exp(shifted), axis)), tf.squeeze(max, [axis < 0 ? logW.rank + axis : axis]));
    return tf.sub(lse, Math.log(k));
  });
}

/**
 * Float64 IWAE bound of plain numbers: logsumexp(logW) - log K.
 *
 * @example
 * iwaeBoundF64([-90.1, -89.7, -91.3]); // a bound on log p(x) in nats
 */
export function iwaeBoundF64(logW: ArrayLike<number>): number {
  const fn = 'iwaeBoundF64';
  if (logW == null || typeof logW.length !== 'number' || logW.length < 1) {
    throw new InvalidArgumentError(`Argument 'logW' passed to '${fn}' must be a non-empty array of numbers, but got ${describeValue(logW)}.`);
  }
  let max = -Infinity;
  for (let i = 0; i < logW.length; i++) {
    if (Number.isNaN(logW[i]) || logW[i] === Infinity) {
      throw new InvalidArgumentError(`Argument 'logW' passed to '${fn}' must not hold NaN or +Infinity, but element ${i} is ${logW[i]}.`);
    }
    if (logW[i] > max) max = logW[i];
  }
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < logW.length; i++) sum += Math.exp(logW[i] - max);
  return max + Math.log(sum) - Math.log(logW.length);
}
