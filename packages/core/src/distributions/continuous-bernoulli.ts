// Continuous Bernoulli distribution on [0, 1]: Loaiza-Ganem & Cunningham (2019), "The continuous
// Bernoulli: fixing a pervasive error in variational autoencoders", NeurIPS. Computed in terms of
// the logit eta, with Taylor series near eta = 0 (probs = 1/2) where the closed forms cancel.
import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '../math/log-space.js';
import { log1pUnchecked } from '../math/log1p.js';
import { mask } from '../math/mask.js';
import { randomUniform } from '../random/tensors.js';
import type { Seed } from '../random/key.js';
import type { DistributionOptions } from './distribution.js';
import { type LogitsOrProbs, PROB_EPS, whichParam } from './logits-or-probs.js';
import { ParametricDistribution, extendedShape } from './parametric.js';

/** |eta| below which the normaliser, mean and variance use their Taylor series. */
const SERIES_LIMIT = 1;
/** |eta| below which cdf and icdf use their Taylor series (the closed forms are 0/0 at 0). */
const CDF_SERIES_LIMIT = 1e-3;

function poly(coeffs: readonly number[], t: tf.Tensor): tf.Tensor {
  let acc: tf.Tensor = tf.fill(t.shape, coeffs[coeffs.length - 1]);
  for (let k = coeffs.length - 2; k >= 0; k--) acc = tf.add(tf.mul(acc, t), coeffs[k]);
  return acc;
}

/**
 * Continuous Bernoulli distribution with density C(lambda) lambda^x (1 - lambda)^(1 - x) on
 * [0, 1], from `logits` (eta = logit lambda) or `probs` (lambda in [0, 1]). Reparameterised
 * through its inverse cdf.
 *
 * @example
 * const d = new ContinuousBernoulli({ probs: tf.tensor1d([0.2, 0.5, 0.9]) });
 * const x = d.rsample([10], 0); // [10, 3], in [0, 1]
 * const lp = d.logProb(x);      // [10, 3]
 */
export class ContinuousBernoulli extends ParametricDistribution {
  readonly logits: tf.Tensor;
  readonly probs: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  override readonly hasRsample = true;

  constructor(params: LogitsOrProbs, options: DistributionOptions = {}) {
    super(options);
    const which = whichParam(this.constructor.name, params);
    if (which === 'logits') {
      this.logits = this.param('logits', params.logits!);
      this.checkValues('logits', this.logits, 'not NaN', () => true);
      this.probs = this.own(tf.sigmoid(this.logits));
    } else {
      this.probs = this.param('probs', params.probs!);
      this.checkValues('probs', this.probs, 'in [0, 1]', (v) => v >= 0 && v <= 1);
      this.logits = this.own(
        tf.tidy(() => {
          const p = tf.clipByValue(this.probs, PROB_EPS, 1 - PROB_EPS);
          return tf.sub(tf.log(p), log1pUnchecked(tf.neg(p)));
        }),
      );
    }
    this.batchShape = [...this.logits.shape];
  }

  /** log C(eta) = log(eta / tanh(eta / 2)), shape batchShape. */
  private logNormalizer(): tf.Tensor {
    const eta = this.logits;
    const small = mask((e) => tf.less(tf.abs(e), SERIES_LIMIT), eta);
    const es = tf.where(small, eta, tf.zerosLike(eta));
    const e2 = tf.square(es);
    // log 2 + e^2/12 - 7e^4/1440 + 31e^6/90720 - 127e^8/4838400
    const series = poly([Math.LN2, 1 / 12, -7 / 1440, 31 / 90720, -127 / 4838400], e2);
    const a = tf.where(small, tf.fill(eta.shape, 2), tf.abs(eta));
    // log tanh(a / 2) = log(-expm1(-a)) - log1p(exp(-a))
    const logTanh = tf.sub(tf.log(tf.neg(tf.expm1(tf.neg(a)))), log1pUnchecked(tf.exp(tf.neg(a))));
    return tf.where(small, series, tf.sub(tf.log(a), logTanh));
  }

  override rsample(sampleShape: readonly number[], seed: Seed): tf.Tensor {
    this.assertLive('rsample');
    this.checkSampleShape('rsample', sampleShape);
    return tf.tidy(() => {
      const u = randomUniform(seed, extendedShape(sampleShape, this.batchShape));
      return this.icdfUnchecked(u);
    });
  }

  /** log p(x) = log C + x eta - softplus(eta), for x in [0, 1]. */
  logProb(value: tf.Tensor): tf.Tensor {
    this.assertLive('logProb');
    this.checkValue('logProb', value);
    return tf.tidy(() =>
      tf.add(
        this.logNormalizer(),
        tf.sub(tf.mul(tf.cast(value, 'float32'), this.logits), softplus(this.logits)),
      ),
    );
  }

  /** F(x) = expm1(x eta) / expm1(eta), clamped to [0, 1] outside the support. */
  override cdf(value: tf.Tensor): tf.Tensor {
    this.assertLive('cdf');
    this.checkValue('cdf', value);
    return tf.tidy(() => {
      const x = tf.clipByValue(tf.cast(value, 'float32'), 0, 1);
      const eta = tf.add(this.logits, tf.zerosLike(x)); // broadcast
      const xb = tf.add(x, tf.zerosLike(eta));
      const small = mask((e) => tf.less(tf.abs(e), CDF_SERIES_LIMIT), eta);
      const big = mask((e) => tf.greater(e, 10), eta);
      const es = tf.where(small, eta, tf.zerosLike(eta));
      // x + eta x (x - 1) / 2 + eta^2 x (x - 1)(2x - 1) / 12
      const xx1 = tf.mul(xb, tf.sub(xb, 1));
      const series = tf.add(
        xb,
        tf.add(tf.mul(tf.mul(es, xx1), 0.5), tf.div(tf.mul(tf.mul(tf.square(es), xx1), tf.sub(tf.mul(xb, 2), 1)), 12)),
      );
      const notMid = mask((e) => tf.logicalOr(tf.less(tf.abs(e), CDF_SERIES_LIMIT), tf.greater(e, 10)), eta);
      const em = tf.where(notMid, tf.ones(eta.shape), eta);
      const mid = tf.div(tf.expm1(tf.mul(xb, em)), tf.expm1(em));
      const eb = tf.where(big, eta, tf.fill(eta.shape, 20));
      // For eta > 10: exp((x - 1) eta) expm1(-x eta) / expm1(-eta), no overflow.
      const high = tf.mul(tf.exp(tf.mul(tf.sub(xb, 1), eb)), tf.div(tf.expm1(tf.neg(tf.mul(xb, eb))), tf.expm1(tf.neg(eb))));
      return tf.where(small, series, tf.where(big, high, mid));
    });
  }

  override icdf(value: tf.Tensor): tf.Tensor {
    this.assertLive('icdf');
    this.checkValue('icdf', value);
    return tf.tidy(() => this.icdfUnchecked(tf.cast(value, 'float32')));
  }

  private icdfUnchecked(u0: tf.Tensor): tf.Tensor {
    const eta = tf.add(this.logits, tf.zerosLike(u0));
    const u = tf.add(u0, tf.zerosLike(eta));
    const small = mask((e) => tf.less(tf.abs(e), CDF_SERIES_LIMIT), eta);
    const big = mask((e) => tf.greater(e, 10), eta);
    const neg = mask((e) => tf.less(e, -10), eta);
    const es = tf.where(small, eta, tf.zerosLike(eta));
    // u + eta u (1 - u) / 2 + eta^2 (u^3 / 3 - u^2 / 2 + u / 6)
    const u1u = tf.mul(u, tf.sub(1, u));
    const cubic = tf.add(tf.sub(tf.div(tf.pow(u, 3), 3), tf.div(tf.square(u), 2)), tf.div(u, 6));
    const series = tf.add(u, tf.add(tf.mul(tf.mul(es, u1u), 0.5), tf.mul(tf.square(es), cubic)));
    const notMid = mask((e) => tf.logicalOr(tf.less(tf.abs(e), CDF_SERIES_LIMIT), tf.greater(tf.abs(e), 10)), eta);
    const em = tf.where(notMid, tf.ones(eta.shape), eta);
    const mid = tf.div(log1pUnchecked(tf.mul(u, tf.expm1(em))), em);
    const eb = tf.where(big, eta, tf.fill(eta.shape, 20));
    // eta > 10: 1 + log(u + (1 - u) e^-eta) / eta
    const high = tf.add(1, tf.div(tf.log(tf.add(u, tf.mul(tf.sub(1, u), tf.exp(tf.neg(eb))))), eb));
    const en = tf.where(neg, eta, tf.fill(eta.shape, -20));
    // eta < -10: log((1 - u) + u e^eta) / eta
    const low = tf.div(tf.log(tf.add(tf.sub(1, u), tf.mul(u, tf.exp(en)))), en);
    return tf.where(small, series, tf.where(big, high, tf.where(neg, low, mid)));
  }

  /** E[x] = 1 / (1 - e^-eta) - 1 / eta. */
  override get mean(): tf.Tensor {
    this.assertLive('mean');
    return tf.tidy(() => this.meanUnchecked());
  }

  private meanUnchecked(): tf.Tensor {
    const eta = this.logits;
    const small = mask((e) => tf.less(tf.abs(e), SERIES_LIMIT), eta);
    const es = tf.where(small, eta, tf.zerosLike(eta));
    // 1/2 + e/12 - e^3/720 + e^5/30240 - e^7/1209600
    const series = tf.add(0.5, tf.mul(es, poly([1 / 12, -1 / 720, 1 / 30240, -1 / 1209600], tf.square(es))));
    const eb = tf.where(small, tf.fill(eta.shape, 2), eta);
    const exact = tf.sub(tf.neg(tf.reciprocal(tf.expm1(tf.neg(eb)))), tf.reciprocal(eb));
    return tf.where(small, series, exact);
  }

  /** Var[x] = 1 / eta^2 - 1 / (4 sinh^2(eta / 2)). */
  override get variance(): tf.Tensor {
    this.assertLive('variance');
    return tf.tidy(() => {
      const eta = this.logits;
      const small = mask((e) => tf.less(tf.abs(e), SERIES_LIMIT), eta);
      const es = tf.where(small, eta, tf.zerosLike(eta));
      const series = poly([1 / 12, -1 / 240, 1 / 6048, -1 / 172800, 1 / 5322240], tf.square(es));
      const eb = tf.where(small, tf.fill(eta.shape, 2), eta);
      // 4 sinh^2(eta / 2) = -expm1(eta) expm1(-eta)
      const fourSinh2 = tf.neg(tf.mul(tf.expm1(eb), tf.expm1(tf.neg(eb))));
      const exact = tf.sub(tf.reciprocal(tf.square(eb)), tf.reciprocal(fourSinh2));
      return tf.where(small, series, exact);
    });
  }

  /** H = -log C - E[x] eta + softplus(eta). */
  override entropy(): tf.Tensor {
    this.assertLive('entropy');
    return tf.tidy(() =>
      tf.add(tf.neg(tf.add(this.logNormalizer(), tf.mul(this.meanUnchecked(), this.logits))), softplus(this.logits)),
    );
  }
}
