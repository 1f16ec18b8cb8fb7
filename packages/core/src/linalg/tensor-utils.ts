// Shared internals of the tensor linear-algebra functions: argument checks, the [batch, n, n]
// working layout, and constant masks. Every public tensor function reshapes its input to a rank-3
// batch [B, n, n] (B = product of leading dimensions, 1 when there are none), works on that, and
// reshapes back; tfjs differentiates the reshapes.
import * as tf from '@tensorflow/tfjs-core';
import { checkFloatTensor } from '../validate.js';
import { checkSquareShape } from './array-f64.js';

/** Checks a float32 batch of square matrices; returns its layout. */
export function checkSquareTensor(
  fn: string,
  arg: string,
  x: tf.Tensor,
): { batch: number[]; n: number; count: number } {
  checkFloatTensor(fn, arg, x);
  return checkSquareShape(fn, arg, x.shape);
}

/** Transposes the last two dimensions of a rank-3 tensor. */
export function transpose3(x: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(x, [0, 2, 1]);
}

/**
 * A constant [n, n] float32 mask: 1 on and below the diagonal (`lower`) or on and above it,
 * with `diagonal` on the diagonal itself.
 */
export function triangleMask(n: number, lower: boolean, diagonal = 1): tf.Tensor2D {
  const values = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) values[i * n + j] = diagonal;
      else if (lower ? j < i : j > i) values[i * n + j] = 1;
    }
  }
  return tf.tensor2d(values, [n, n]);
}

/** The diagonals of a [B, n, n] batch, as [B, n]. */
export function diagonal3(x: tf.Tensor3D): tf.Tensor2D {
  const n = x.shape[2];
  return tf.sum(tf.mul(x, tf.eye(n)), 2);
}

/** The identity broadcast to [B, n, n]. */
export function identity3(count: number, n: number): tf.Tensor3D {
  return tf.tile(tf.reshape(tf.eye(n), [1, n, n]), [count, 1, 1]) as tf.Tensor3D;
}
