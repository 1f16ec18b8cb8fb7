// Symmetric eigendecomposition of float32 tensors, computed in float64 on the CPU (Householder
// tridiagonalisation + implicit QL; see eigh-f64.ts).
import * as tf from '@tensorflow/tfjs-core';
import { checkFiniteMatrices } from './array-f64.js';
import { eighBatch } from './eigh-f64.js';
import { checkSquareTensor } from './tensor-utils.js';

/**
 * Result of `eigh`: tensors owned by the caller. (A type alias, not an interface, so that it is
 * a `tf.TensorContainer` and can be passed to `tf.dispose`.)
 */
export type EighResult = {
  /** Eigenvalues in ascending order, `[...batch, n]`. */
  values: tf.Tensor;
  /** Unit eigenvectors as columns, `[...batch, n, n]` (column i belongs to `values[..., i]`). */
  vectors: tf.Tensor;
};

/**
 * Eigenvalues (ascending) and eigenvectors (as columns) of symmetric float32 matrices, like
 * `numpy.linalg.eigh`; batched over leading dimensions. Only the lower triangle is read.
 *
 * Computed on the CPU in float64 (`eighF64`) after downloading `a`, hence asynchronous and not
 * differentiable; the results are rounded to float32. Eigenvectors are unique only up to sign.
 *
 * @param a `[...batch, n, n]` symmetric matrices.
 * @returns A promise of `{values: [...batch, n], vectors: [...batch, n, n]}`, owned by the caller.
 * @throws ShapeError if `a` is not a batch of square matrices; InvalidArgumentError on non-finite values.
 *
 * @example
 * const { values, vectors } = await eigh(tf.tensor2d([[2, 1], [1, 2]])); // values [1, 3]
 */
export async function eigh(a: tf.Tensor): Promise<EighResult> {
  const fn = 'eigh';
  const { batch, n, count } = checkSquareTensor(fn, 'a', a);
  const data = Float64Array.from(await a.data());
  checkFiniteMatrices(fn, 'a', data, batch, n * n);
  const { values, vectors } = eighBatch(data, n, count);
  return {
    values: tf.tensor(Float32Array.from(values), [...batch, n], 'float32'),
    vectors: tf.tensor(Float32Array.from(vectors), a.shape, 'float32'),
  };
}
