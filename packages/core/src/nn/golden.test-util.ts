// Test-only helpers for the nn tests: the PyTorch golden fixtures and gradient checks.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { type ParamTree, disposeParams, flattenParams } from '../params.js';
import { toVariables } from './variables.js';

export interface Packed {
  shape: number[];
  data: number[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const golden: any = JSON.parse(readFileSync(new URL('../../fixtures/nn/nn.json', import.meta.url), 'utf8'));

/** A float32 tensor from a packed fixture array. */
export function unpack<R extends tf.Rank = tf.Rank>(p: Packed): tf.Tensor<R> {
  return tf.tensor(p.data, p.shape, 'float32') as unknown as tf.Tensor<R>;
}

/** Unpacks every `{shape, data}` leaf of a fixture object into tensors. */
export function unpackTree(node: Record<string, unknown>): ParamTree {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    const p = v as Packed;
    out[k] = Array.isArray(p.shape) && Array.isArray(p.data) ? unpack(p) : unpackTree(v as Record<string, unknown>);
  }
  return out as ParamTree;
}

/**
 * Float32 vs a float64 PyTorch reference: 1e-5 relative, plus 1e-6 absolute for outputs near
 * zero (float32 rounding of O(1) intermediates is ~1e-7).
 */
export const CLOSE = { rtol: 1e-5, atol: 1e-6 };

/**
 * Turns `params` into variables, runs `tf.variableGrads(loss)` and checks that every parameter
 * gets a finite gradient that is not all zeros. Disposes everything it made.
 */
export async function expectGradsFlow(params: ParamTree, loss: (p: ParamTree) => tf.Scalar): Promise<void> {
  const vars = tf.tidy(() => toVariables(params));
  try {
    const { value, grads } = tf.variableGrads(() => loss(vars as unknown as ParamTree));
    const flat = flattenParams(vars as unknown as ParamTree);
    try {
      expect(Number.isFinite((await value.data())[0])).toBe(true);
      for (const [path, v] of Object.entries(flat)) {
        const g = grads[(v as tf.Variable).name];
        expect(g, `gradient of ${path}`).toBeDefined();
        const values = await g.data();
        expect(values.every(Number.isFinite), `finite gradient of ${path}`).toBe(true);
        expect(values.some((x) => x !== 0), `non-zero gradient of ${path}`).toBe(true);
      }
    } finally {
      tf.dispose([value, grads]);
    }
  } finally {
    disposeParams(vars as unknown as ParamTree);
  }
}

/** `[name, case]` rows for `it.each` from a list of named fixture cases. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function cases(list: any[]): Array<[string, any]> {
  return list.map((c) => [c.name as string, c]);
}
