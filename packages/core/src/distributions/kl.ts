// KL divergence registry with double dispatch on (P, Q) classes, after torch.distributions.kl.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import type { Seed } from '../random/key.js';
import { Distribution } from './distribution.js';

/** A class of distributions (abstract classes allowed), used as a registry key. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DistributionClass<D extends Distribution = Distribution> = abstract new (...args: any[]) => D;

/** A closed-form KL(p || q): returns a tensor of shape broadcast(p.batchShape, q.batchShape). */
export type KlFunction<P extends Distribution = Distribution, Q extends Distribution = Distribution> = (
  p: P,
  q: Q,
) => tf.Tensor;

/** Options of `klDivergence`. */
export interface KlOptions {
  /**
   * When no closed form is registered for the pair, estimate KL(p || q) as
   * mean(log p(x) - log q(x)) over `samples` draws x ~ p (drawn with `rsample` when p has it, so
   * the estimate is differentiable). Ignored when a closed form exists.
   */
  monteCarlo?: { samples: number; seed: Seed };
}

const registry = new Map<DistributionClass, Map<DistributionClass, KlFunction>>();

/**
 * Registers a closed-form KL(p || q) for instances of `pClass` and `qClass` (and their
 * subclasses, unless a more specific pair is registered). Registering the same pair again
 * replaces the previous function.
 *
 * @example
 * registerKl(Normal, Normal, (p, q) => tf.tidy(() => ...)); // shape broadcast(batchShapes)
 */
export function registerKl<P extends Distribution, Q extends Distribution>(
  pClass: DistributionClass<P>,
  qClass: DistributionClass<Q>,
  fn: KlFunction<P, Q>,
): void {
  const isClass = (c: unknown) =>
    typeof c === 'function' && (c === Distribution || c.prototype instanceof Distribution);
  if (!isClass(pClass)) {
    throw new InvalidArgumentError(
      `Argument 'pClass' passed to 'registerKl' must be a Distribution class, but got ${describeValue(pClass)}.`,
    );
  }
  if (!isClass(qClass)) {
    throw new InvalidArgumentError(
      `Argument 'qClass' passed to 'registerKl' must be a Distribution class, but got ${describeValue(qClass)}.`,
    );
  }
  if (typeof fn !== 'function') {
    throw new InvalidArgumentError(
      `Argument 'fn' passed to 'registerKl' must be a function, but got ${describeValue(fn)}.`,
    );
  }
  let inner = registry.get(pClass as DistributionClass);
  if (!inner) {
    inner = new Map();
    registry.set(pClass as DistributionClass, inner);
  }
  inner.set(qClass as DistributionClass, fn as KlFunction);
}

/** Classes from `d`'s own class up to Distribution, most specific first. */
function classChain(d: Distribution): DistributionClass[] {
  const chain: DistributionClass[] = [];
  let proto = Object.getPrototypeOf(d);
  while (proto && proto !== Object.prototype) {
    chain.push(proto.constructor as DistributionClass);
    proto = Object.getPrototypeOf(proto);
  }
  return chain;
}

/**
 * The registered KL function for (p, q), or undefined. Among registered pairs that match
 * (p instanceof P and q instanceof Q) it picks the one with the smallest total distance up the two
 * class chains; ties go to the more specific P.
 *
 * @example
 * if (lookupKl(p, q) === undefined) console.log('no closed form; use monteCarlo');
 */
export function lookupKl(p: Distribution, q: Distribution): KlFunction | undefined {
  const pChain = classChain(p);
  const qChain = classChain(q);
  let best: KlFunction | undefined;
  let bestScore = Infinity;
  let bestI = Infinity;
  pChain.forEach((pc, i) => {
    const inner = registry.get(pc);
    if (!inner) return;
    qChain.forEach((qc, j) => {
      const fn = inner.get(qc);
      if (!fn) return;
      if (i + j < bestScore || (i + j === bestScore && i < bestI)) {
        best = fn;
        bestScore = i + j;
        bestI = i;
      }
    });
  });
  return best;
}

/**
 * KL(p || q) = E_p[log p(x) - log q(x)], in nats, shape broadcast(p.batchShape, q.batchShape).
 * Uses a closed form registered with `registerKl` (closest match along the class chains); without
 * one it throws `InvalidArgumentError` unless `options.monteCarlo` asks for an estimate.
 * The returned tensor belongs to the caller; p and q are not disposed.
 *
 * @example
 * const kl = klDivergence(new Normal(0, 1), new Normal(1, 2)); // scalar tensor
 * const est = klDivergence(p, q, { monteCarlo: { samples: 1000, seed: 0 } });
 */
export function klDivergence(p: Distribution, q: Distribution, options: KlOptions = {}): tf.Tensor {
  if (!(p instanceof Distribution)) {
    throw new InvalidArgumentError(
      `Argument 'p' passed to 'klDivergence' must be a Distribution, but got ${describeValue(p)}.`,
    );
  }
  if (!(q instanceof Distribution)) {
    throw new InvalidArgumentError(
      `Argument 'q' passed to 'klDivergence' must be a Distribution, but got ${describeValue(q)}.`,
    );
  }
  const fn = lookupKl(p, q);
  if (fn) return fn(p, q);
  const mc = options.monteCarlo;
  if (mc === undefined) {
    throw new InvalidArgumentError(
      `No closed-form KL divergence is registered for (${p.constructor.name}, ${q.constructor.name}) in 'klDivergence'; ` +
        `pass { monteCarlo: { samples, seed } } for a Monte Carlo estimate, or register one with registerKl.`,
    );
  }
  if (!Number.isSafeInteger(mc.samples) || mc.samples < 1) {
    throw new InvalidArgumentError(
      `Argument 'monteCarlo.samples' passed to 'klDivergence' must be a positive integer, but got ${describeValue(mc.samples)}.`,
    );
  }
  return tf.tidy(() => {
    const x = p.hasRsample ? p.rsample([mc.samples], mc.seed) : p.sample([mc.samples], mc.seed);
    // [samples, ...batchShape]
    const diff = tf.sub(p.logProb(x), q.logProb(x));
    return tf.mean(diff, 0);
  });
}
