// Builds an optimizer from its name, for configs read from JSON or command lines.
import type * as tf from '@tensorflow/tfjs-core';
import type { ParamTree } from '../params.js';
import { checkOneOf } from '../validate.js';
import { type AdamConfig, adam, adamW } from './adam.js';
import { OPTIMIZER_NAMES, type Optimizer, type OptimizerName } from './optimizer.js';
import { type RmspropConfig, rmsprop } from './rmsprop.js';
import { type SgdConfig, sgd } from './sgd.js';

/** Config of any built-in optimizer, by name. */
export type AnyOptimizerConfig = AdamConfig | SgdConfig | RmspropConfig;

/**
 * Creates the optimizer named `name` (`'adam'`, `'adamW'`, `'sgd'`, `'rmsprop'`). Unknown names and
 * unknown config keys throw `InvalidArgumentError`.
 *
 * @example
 * const opt = createOptimizer('adamW', params, { lr: 1e-3, weightDecay: 0.05 });
 */
export function createOptimizer(name: OptimizerName, params: ParamTree<tf.Variable>, config: AnyOptimizerConfig = {}): Optimizer {
  checkOneOf('createOptimizer', 'name', name, OPTIMIZER_NAMES);
  switch (name) {
    case 'adam':
      return adam(params, config as AdamConfig);
    case 'adamW':
      return adamW(params, config as AdamConfig);
    case 'sgd':
      return sgd(params, config as SgdConfig);
    case 'rmsprop':
      return rmsprop(params, config as RmspropConfig);
  }
}
