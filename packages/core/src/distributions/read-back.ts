// The ONE place where gen's distributions read tensor values back to the CPU synchronously.
//
// Library code otherwise never calls dataSync (it stalls GPU pipelines; use `await t.data()`).
// Two things here cannot be async, because the Distribution API is synchronous like
// torch.distributions:
//   1. `validateArgs` checks parameter values (scale > 0, probs in [0, 1], ...) in constructors,
//      which cannot await. Pass `validateArgs: false` in hot loops to skip the read.
//   2. The CPU samplers (Marsaglia-Tsang gamma for Gamma/Beta/Dirichlet, PTRS for Poisson) are
//      rejection samplers drawing a data-dependent number of variates from a RandomStream, which
//      needs the parameter values in `sample()`.
// Keeping every such read in this file makes them easy to find and audit.
import type * as tf from '@tensorflow/tfjs-core';

/** (internal) Synchronously reads a tensor's values. See the file comment for why this exists. */
export function readSync(t: tf.Tensor): ArrayLike<number> {
  return t.dataSync() as ArrayLike<number>;
}
