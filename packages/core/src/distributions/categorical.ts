// Categorical distribution over {0, ..., K-1}; sampling by the Gumbel-max trick (Gumbel 1954;
// see Maddison, Tarlow & Minka 2014, "A* sampling"); KL in closed form.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { logSumExp } from '../math/log-space.js';
import { mask } from '../math/mask.js';
import { randomUniform } from '../random/tensors.js';
import type { Seed } from '../random/key.js';
import type { DistributionOptions } from './distribution.js';
import { registerKl } from './kl.js';
import { type LogitsOrProbs, whichParam } from './logits-or-probs.js';
import { ParametricDistribution, extendedShape } from './parametric.js';
import { readSync } from './read-back.js';

/** Tolerance on sum(probs) = 1 when validating (float32 sums of up to thousands of terms). */
const SIMPLEX_TOL = 1e-5;

/**
 * Shared parameter handling of Categorical and OneHotCategorical: the last axis of logits/probs
 * indexes the K categories, the leading axes are the batch. Logits are normalised
 * (log-probabilities); probs given are checked to sum to 1 and renormalised.
 *
 * @example
 * const d: CategoricalBase = new Categorical({ logits: [0, 1] });
 * d.probs; // [0.2689, 0.7311]
 */
export abstract class CategoricalBase extends ParametricDistribution {
  /** Normalised logits (log-probabilities), shape `[...batchShape, K]`. */
  readonly logits: tf.Tensor;
  /** Probabilities, shape `[...batchShape, K]`. */
  readonly probs: tf.Tensor;
  /** Number of categories K. */
  readonly numCategories: number;
  readonly batchShape: readonly number[];

  constructor(params: LogitsOrProbs, options: DistributionOptions = {}) {
    super(options);
    const cls = this.constructor.name;
    const which = whichParam(cls, params);
    const raw = this.param(which, params[which]!);
    if (raw.rank < 1 || raw.shape[raw.rank - 1] < 1) {
      throw new ShapeError(
        `Argument '${which}' passed to '${cls}' must have shape [...batch, K] with K >= 1, but got ${describeValue([...raw.shape])}.`,
      );
    }
    this.numCategories = raw.shape[raw.rank - 1];
    this.batchShape = raw.shape.slice(0, -1);
    if (which === 'logits') {
      this.checkValues('logits', raw, '< Infinity', (v) => v < Infinity);
      this.logits = this.own(tf.tidy(() => tf.sub(raw, logSumExp(raw, -1, true))));
      this.probs = this.own(tf.exp(this.logits));
    } else {
      this.checkValues('probs', raw, 'in [0, 1]', (v) => v >= 0 && v <= 1);
      if (this.validateArgs) {
        const sums = tf.sum(raw, -1);
        const values = readSync(sums);
        sums.dispose();
        for (let i = 0; i < values.length; i++) {
          if (!(Math.abs(values[i] - 1) <= SIMPLEX_TOL * Math.max(1, Math.sqrt(this.numCategories)))) {
            throw new InvalidArgumentError(
              `Argument 'probs' passed to '${cls}' must sum to 1 along the last axis, but got ${values[i]} at batch index ${i}.`,
            );
          }
        }
      }
      this.probs = this.own(tf.tidy(() => tf.div(raw, tf.sum(raw, -1, true))));
      this.logits = this.own(tf.log(this.probs));
    }
  }

  /** Category indices, int32, shape `[...sampleShape, ...batchShape]`, by Gumbel-max. */
  protected sampleIndices(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    return tf.tidy(() => {
      const u = randomUniform(seed, extendedShape(sampleShape, this.batchShape, [this.numCategories]));
      // Gumbel noise -log(-log u); u = 0 gives -Infinity noise, which is never the argmax.
      const g = tf.neg(tf.log(tf.neg(tf.log(u))));
      const scores = tf.add(this.logits, g);
      return mask((s) => tf.argMax(s, -1), scores);
    });
  }

  /** Entropy -sum p log p (0 log 0 = 0), shape batchShape. */
  override entropy(): tf.Tensor {
    this.assertLive('entropy');
    return tf.tidy(() => {
      const plogp = tf.mul(this.probs, this.logits);
      const zero = mask((p) => tf.equal(p, 0), this.probs);
      return tf.neg(tf.sum(tf.where(zero, tf.zerosLike(plogp), plogp), -1));
    });
  }
}

/**
 * Categorical distribution over category indices {0, ..., K-1}, from `logits` or `probs` of
 * shape `[...batchShape, K]` (probs non-negative, summing to 1). Samples are int32 indices of
 * shape `[...sampleShape, ...batchShape]`; `logProb` takes int32 or float32 indices.
 *
 * @example
 * const d = new Categorical({ probs: [0.2, 0.3, 0.5] });
 * const k = d.sample([1000], 0); // [1000] int32
 * const lp = d.logProb(k);       // [1000]
 */
export class Categorical extends CategoricalBase {
  readonly eventShape: readonly number[] = [];

  override sample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('sample');
    this.checkSampleShape('sample', sampleShape);
    return this.sampleIndices(sampleShape, seed);
  }

  /** log p(k), shape broadcast(value.shape, batchShape). Indices outside [0, K) give -Infinity. */
  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    return tf.tidy(() => {
      const idx = tf.cast(value, 'int32');
      const hot = mask((i) => tf.cast(tf.oneHot(i, this.numCategories), 'bool'), idx); // [..., K]
      const picked = tf.where(
        tf.broadcastTo(hot, broadcastPair(hot.shape, this.logits.shape)),
        tf.broadcastTo(this.logits, broadcastPair(hot.shape, this.logits.shape)),
        tf.zeros(broadcastPair(hot.shape, this.logits.shape)),
      );
      const lp = tf.sum(picked, -1);
      // oneHot of an out-of-range index is all zeros: report -Infinity, not 0.
      const valid = mask((i) => tf.logicalAnd(tf.greaterEqual(i, 0), tf.less(i, this.numCategories)), idx);
      return tf.where(tf.broadcastTo(valid, lp.shape), lp, tf.fill(lp.shape, -Infinity));
    });
  }
}

function broadcastPair(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** KL(p || q) = sum_k p_k (log p_k - log q_k), with 0 log 0 = 0 (+Infinity where q_k = 0 < p_k). */
export function categoricalKl(p: CategoricalBase, q: CategoricalBase): tf.Tensor {
  return tf.tidy(() => {
    const t = tf.mul(p.probs, tf.sub(p.logits, q.logits));
    const zero = mask((v) => tf.equal(v, 0), p.probs);
    return tf.sum(tf.where(tf.broadcastTo(zero, t.shape), tf.zerosLike(t), t), -1);
  });
}

registerKl(Categorical, Categorical, categoricalKl);
