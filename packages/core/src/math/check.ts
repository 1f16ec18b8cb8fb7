// Argument checks shared by the tensor special functions.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describeValue } from '../errors.js';

/** (internal) Checks a float32 tensor argument (shared by the tensor special functions). */
export function checkFloat32(fn: string, x: tf.Tensor, arg = 'x'): void {
  if (!(x instanceof tf.Tensor)) {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must be a tf.Tensor, but got ${describeValue(x)}.`,
    );
  }
  if (x.dtype !== 'float32') {
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must have dtype float32, but got ${x.dtype}.`,
    );
  }
}

