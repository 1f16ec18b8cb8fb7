// Parameter trees: models keep their parameters as a readonly, plain, nested object of tensors
// (Equinox style). Checkpoints, optimizers and EMA walk them through these helpers.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from './errors.js';

/** A nested, plain object whose leaves are tensors (or variables, when trainable). */
export type ParamTree<T extends tf.Tensor = tf.Tensor> = { readonly [name: string]: T | ParamTree<T> };

function isTensor(value: unknown): value is tf.Tensor {
  return value instanceof tf.Tensor;
}

/**
 * Flattens a tree to `{'encoder.layers.0.weight': tensor, ...}` in a stable (sorted) order.
 * The tensors are the tree's own (not copies).
 *
 * @example
 * flattenParams({ dense: { weight: w, bias: b } }); // { 'dense.bias': b, 'dense.weight': w }
 */
export function flattenParams<T extends tf.Tensor>(tree: ParamTree<T>, prefix = ''): Record<string, T> {
  const out: Record<string, T> = {};
  for (const name of Object.keys(tree).sort()) {
    if (name.includes('.')) {
      throw new Error(`Parameter name '${prefix}${name}' must not contain '.', which separates tree levels.`);
    }
    const value = tree[name];
    const path = prefix + name;
    if (isTensor(value)) out[path] = value as T;
    else Object.assign(out, flattenParams(value as ParamTree<T>, `${path}.`));
  }
  return out;
}

// Names that would reach Object.prototype when used as keys of a plain object.
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Inverse of `flattenParams`. Rejects names that could pollute prototypes (e.g. `__proto__.x`). */
export function unflattenParams<T extends tf.Tensor>(flat: Record<string, T>): ParamTree<T> {
  const root: Record<string, unknown> = {};
  for (const [path, tensor] of Object.entries(flat)) {
    const parts = path.split('.');
    const bad = parts.find((part) => FORBIDDEN_NAMES.has(part) || part === '');
    if (bad !== undefined) {
      throw new InvalidArgumentError(`Parameter name '${path}' has a forbidden part '${bad}'.`);
    }
    let node = root;
    for (const part of parts.slice(0, -1)) {
      if (!Object.hasOwn(node, part)) node[part] = {};
      else if (node[part] instanceof tf.Tensor) {
        throw new InvalidArgumentError(`Parameter name '${path}' nests under a tensor.`);
      }
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = tensor;
  }
  return root as ParamTree<T>;
}

/** Applies `fn` to every leaf, keeping the tree's structure. */
export function mapParams<T extends tf.Tensor, U extends tf.Tensor>(
  tree: ParamTree<T>,
  fn: (tensor: T, path: string) => U,
  prefix = '',
): ParamTree<U> {
  const out: Record<string, U | ParamTree<U>> = {};
  for (const name of Object.keys(tree)) {
    const value = tree[name];
    out[name] = isTensor(value) ? fn(value as T, prefix + name) : mapParams(value as ParamTree<T>, fn, `${prefix}${name}.`);
  }
  return out;
}

/** Total number of scalar parameters in a tree. */
export function countParams(tree: ParamTree): number {
  return Object.values(flattenParams(tree)).reduce((sum, t) => sum + t.size, 0);
}

/** Disposes every tensor (or variable) in a tree. */
export function disposeParams(tree: ParamTree): void {
  tf.dispose(Object.values(flattenParams(tree)));
}
