// Multi-layer perceptron: a stack of linear layers with an activation between them.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import { type Seed, split, toKey } from '../random/key.js';
import { type Activation, resolveActivation } from './activations.js';
import { checkFeatures } from './check.js';
import { type Initializer, checkInitializer } from './init.js';
import { type LinearParams, checkLinear, initLinear, linearUnchecked } from './linear.js';

/**
 * Parameters of `mlp`: `layers['0']`, `layers['1']`, ... (string keys, so the tree round-trips
 * through `flattenParams`/`unflattenParams` and checkpoints; paths look like `layers.0.weight`).
 */
export type MlpParams = {
  readonly layers: { readonly [index: string]: LinearParams };
};

/** Configuration of an MLP. Literal-typed and JSON-serialisable (except `init`). */
export interface MlpConfig {
  /** Widths from input to output, e.g. `[784, 400, 20]` (two layers). At least two entries. */
  readonly widths: readonly number[];
  /** Activation after every layer but the last. Default `'relu'`. */
  readonly activation?: Activation;
  /** Activation after the last layer. Default `'linear'` (none). */
  readonly finalActivation?: Activation;
  /** Whether layers have biases. Default true. */
  readonly bias?: boolean;
  /** Weight initialiser of every layer. Default `glorotUniform`. */
  readonly init?: Initializer;
}

function checkWidths(fn: string, widths: unknown): readonly number[] {
  if (
    !Array.isArray(widths) ||
    widths.length < 2 ||
    !widths.every((w) => Number.isInteger(w) && w >= 1)
  ) {
    throw new InvalidArgumentError(
      `Argument 'widths' passed to '${fn}' must be an array of at least two positive integers, but got ${describeValue(widths)}.`,
    );
  }
  return widths;
}

/**
 * Creates the parameters of an MLP with layer i mapping `widths[i]` to `widths[i + 1]`.
 * Returns new tensors owned by the caller.
 *
 * @example
 * const config = Object.freeze({ widths: [784, 400, 20], activation: 'relu' } as const);
 * const params = initMlp(prngKey(0), config);
 */
export function initMlp(key: Seed, config: MlpConfig): MlpParams {
  const fn = 'initMlp';
  const k = toKey(key, fn, 'key');
  const widths = checkWidths(fn, config?.widths);
  resolveActivation(config.activation ?? 'relu', fn, 'activation');
  resolveActivation(config.finalActivation ?? 'linear', fn, 'finalActivation');
  checkInitializer(fn, 'init', config.init);
  const keys = split(k, widths.length - 1);
  const layers: Record<string, LinearParams> = {};
  for (let i = 0; i + 1 < widths.length; i++) {
    layers[String(i)] = initLinear(keys[i], {
      inFeatures: widths[i],
      outFeatures: widths[i + 1],
      bias: config.bias ?? true,
      init: config.init,
    });
  }
  return { layers };
}

/**
 * Applies an MLP to `x [..., widths[0]]`, giving `[..., widths[last]]`. Only `activation` and
 * `finalActivation` are read from `config`; the widths come from the params. Returns a new
 * tensor owned by the caller.
 *
 * @example
 * const logits = mlp(params, x, config); // x [batch, 784] -> [batch, 20]
 */
export function mlp(
  params: MlpParams,
  x: tf.Tensor,
  config: Pick<MlpConfig, 'activation' | 'finalActivation'> = {},
): tf.Tensor {
  const fn = 'mlp';
  const act = resolveActivation(config.activation ?? 'relu', fn, 'activation');
  const finalAct = resolveActivation(config.finalActivation ?? 'linear', fn, 'finalActivation');
  const layers = params?.layers;
  const count = layers && typeof layers === 'object' ? Object.keys(layers).length : 0;
  if (count === 0) {
    throw new InvalidArgumentError(`Parameter 'params.layers' passed to '${fn}' must hold at least one layer, but got ${describeValue(layers)}.`);
  }
  let width = checkLinear(fn, 'params.layers.0', layers['0']);
  checkFeatures(fn, 'x', x, width);
  for (let i = 0; i < count; i++) {
    const layer = layers[String(i)];
    if (layer === undefined) {
      throw new InvalidArgumentError(`Parameter 'params.layers' passed to '${fn}' must have keys '0'..'${count - 1}', but got ${describeValue(Object.keys(layers))}.`);
    }
    checkLinear(fn, `params.layers.${i}`, layer, width);
    width = layer.weight.shape[1];
  }
  return tf.tidy(() => {
    let h: tf.Tensor = x;
    for (let i = 0; i < count; i++) {
      const a = i === count - 1 ? finalAct : act;
      h = linearUnchecked(layers[String(i)], h, a.name === 'linear' ? undefined : a);
    }
    return h;
  });
}
