// Turning a parameter tree of plain tensors into trainable tf.Variables (Equinox-style trees,
// tfjs-style variables).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';
import type { ParamTree } from '../params.js';

/** The same tree shape as `T`, with every tensor leaf replaced by a `tf.Variable` of its rank. */
export type VariableTree<T> = {
  readonly [K in keyof T]: VariableLeaf<T[K]>;
};

/** A tensor leaf becomes a variable of its rank; a subtree maps recursively; undefined stays. */
export type VariableLeaf<V> = V extends tf.Tensor<infer R> ? tf.Variable<R> : V extends object ? VariableTree<V> : V;

/** Options of `toVariables`. */
export interface ToVariablesOptions {
  /** Whether the variables are trainable (seen by `tf.variableGrads`). Default true. */
  readonly trainable?: boolean;
  /**
   * Prefix for variable names (`${prefix}/${path}`); names must be unique in the tfjs engine, so
   * leave it out (auto names) unless you need stable names. Default: none.
   */
  readonly name?: string;
}

/**
 * Copies every tensor leaf of a tree into a new `tf.Variable`, keeping the tree's structure.
 *
 * Memory rule: the variables are new and belong to the caller (free them with `disposeParams`);
 * the input tensors are not disposed (functions never dispose their inputs). The usual idiom
 * frees the initial tensors at once, because `tf.tidy` never disposes variables:
 *
 * @example
 * const params = tf.tidy(() => toVariables(initLinear(prngKey(0), { inFeatures: 784, outFeatures: 10 })));
 * const { grads } = tf.variableGrads(() => tf.mean(linear(params, x)));
 * disposeParams(params);
 */
export function toVariables<T extends ParamTree>(tree: T, options: ToVariablesOptions = {}): VariableTree<T> {
  const { trainable = true, name } = options;
  if (tree === null || typeof tree !== 'object') {
    throw new InvalidArgumentError(
      `Argument 'tree' passed to 'toVariables' must be a parameter tree, but got ${describeValue(tree)}.`,
    );
  }
  const made: tf.Variable[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (node instanceof tf.Tensor) {
      const v = tf.variable(node, trainable, name === undefined ? undefined : `${name}/${path}`);
      made.push(v);
      return v;
    }
    if (node === null || typeof node !== 'object') {
      throw new InvalidArgumentError(
        `Argument 'tree' passed to 'toVariables' must hold only tensors and nested objects, but '${path}' is ${describeValue(node)}.`,
      );
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node)) out[key] = walk((node as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    return out;
  };
  try {
    return walk(tree, '') as VariableTree<T>;
  } catch (error) {
    tf.dispose(made); // nothing half-made is left behind
    throw error;
  }
}
