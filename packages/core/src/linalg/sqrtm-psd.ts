// Principal square root of symmetric PSD float32 matrices, computed in float64 on the CPU
// (A^{1/2} = V diag(sqrt(w)) V^T; Higham, "Functions of Matrices", 2008, section 6.1).
import * as tf from '@tensorflow/tfjs-core';
import { checkFiniteMatrices } from './array-f64.js';
import { type SqrtmPsdOptions, sqrtmPsdInto, sqrtmTolerance } from './sqrtm-psd-f64.js';
import { checkSquareTensor } from './tensor-utils.js';

/**
 * Principal square root of symmetric positive semi-definite float32 matrices (the symmetric PSD
 * `S` with `S S = A`), clamping eigenvalues that are negative only by rounding to 0; batched over
 * leading dimensions; only the lower triangle is read.
 *
 * Computed on the CPU in float64 (`sqrtmPsdF64`) after downloading `a`, hence asynchronous and
 * not differentiable. Float32 input carries relative errors ~1e-7, so for nearly singular input
 * pass a `tolerance` above that (e.g. `{tolerance: 1e-5}`).
 *
 * @param a `[...batch, n, n]` symmetric PSD matrices.
 * @param options `{tolerance = 1e-8}`: negative eigenvalues down to `-tolerance * max|eigenvalue|`
 *   are clamped; more negative ones raise InvalidArgumentError.
 * @returns A promise of `S`, `[...batch, n, n]`, owned by the caller.
 * @throws ShapeError on bad shapes; InvalidArgumentError on non-finite or indefinite input.
 *
 * @example
 * const s = await sqrtmPsd(tf.tensor2d([[5, 4], [4, 5]])); // [[2, 1], [1, 2]]
 */
export async function sqrtmPsd(a: tf.Tensor, options: SqrtmPsdOptions = {}): Promise<tf.Tensor> {
  const fn = 'sqrtmPsd';
  const tolerance = sqrtmTolerance(fn, options);
  const { batch, n, count } = checkSquareTensor(fn, 'a', a);
  const data = Float64Array.from(await a.data());
  checkFiniteMatrices(fn, 'a', data, batch, n * n);
  const out = new Float64Array(data.length);
  sqrtmPsdInto(fn, data, batch, n, count, tolerance, out);
  return tf.tensor(Float32Array.from(out), a.shape, 'float32');
}
