// One fused Adam/AdamW step (Kingma & Ba 2015; decoupled decay: Loshchilov & Hutter 2019) as a
// wasm kernel: reads param, grad and both moments from the wasm heap once and writes the three
// new tensors, instead of the ~15 elementwise kernels (and their temporaries) of the generic path.
// Same formulas as optim/adam.ts (torch.optim.Adam / AdamW), computed in float64 per element and
// stored as float32.
import type * as tf from '@tensorflow/tfjs-core';

/** Name of the fused kernel; `adamUpdate` uses it on backends where it is registered. */
export const ADAM_KERNEL = 'GenAdamUpdate';

/** Attributes of `GenAdamUpdate`; `step` is the 0-based update index. */
export interface AdamKernelAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupled: boolean;
  step: number;
}

interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * `GenAdamUpdate` for the wasm backend. Inputs `{param, grad, expAvg, expAvgSq}` (float32, one
 * shape); returns `[param, expAvg, expAvgSq]` updated (new tensors).
 */
export function adamKernelFunc(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { param, grad, expAvg, expAvgSq } = args.inputs as Record<string, tf.TensorInfo>;
  const { lr, beta1, beta2, eps, weightDecay, decoupled, step } = args.attrs as unknown as AdamKernelAttrs;
  const backend = args.backend as HeapBackend;
  const shape = [...param.shape];
  const outParam = backend.makeOutput(shape, 'float32');
  const outM = backend.makeOutput(shape, 'float32');
  const outV = backend.makeOutput(shape, 'float32');
  // Views after all allocations, which may have grown (and replaced) the heap.
  const p = backend.typedArrayFromHeap(param);
  const g = backend.typedArrayFromHeap(grad);
  const m = backend.typedArrayFromHeap(expAvg);
  const v = backend.typedArrayFromHeap(expAvgSq);
  const p2 = backend.typedArrayFromHeap(outParam);
  const m2 = backend.typedArrayFromHeap(outM);
  const v2 = backend.typedArrayFromHeap(outV);
  const t = step + 1;
  const shrink = decoupled ? 1 - lr * weightDecay : 1;
  const l2 = decoupled ? 0 : weightDecay;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  const stepSize = lr / (1 - beta1 ** t);
  const correction2 = Math.sqrt(1 - beta2 ** t);
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const pi = p[i] * shrink;
    const gi = g[i] + l2 * p[i];
    // The moments are rounded to float32 before use, as the stored (and the generic path's) are.
    const mi = Math.fround(beta1 * m[i] + oneMinusBeta1 * gi);
    const vi = Math.fround(beta2 * v[i] + oneMinusBeta2 * gi * gi);
    m2[i] = mi;
    v2[i] = vi;
    p2[i] = pi - (stepSize * mi) / (Math.sqrt(vi) / correction2 + eps);
  }
  return [outParam, outM, outV];
}
