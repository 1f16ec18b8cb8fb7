// Everything a resumed run needs to continue exactly (DESIGN §5): params, optimizer state, step,
// RNG state, and the EMA averages when there are any.
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, describeValue } from '../errors.js';
import type { EmaState, ExponentialMovingAverage } from '../optim/ema.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import { flattenParams } from '../params.js';
import { Rng, type RngState } from '../random/rng.js';

/**
 * A training snapshot. `params` are named by tree path (`'encoder.dense.weight'`); optimizer slots
 * by `'<slot>.<path>'`. All tensors are copies that belong to whoever holds the state.
 */
export interface TrainState {
  /** Updates done so far (the optimizer's `stepCount`). */
  step: number;
  params: Record<string, tf.Tensor>;
  optimizer: OptimizerState;
  rng: RngState;
  ema?: EmaState;
}

/**
 * Snapshots params, optimizer, RNG (and EMA) into a `TrainState` of tensor copies. Dispose it with
 * `disposeTrainState` once written.
 *
 * @example
 * const state = captureTrainState(optimizer, rng);
 * await saveCheckpoint(path, state); // any writer of named tensors + JSON
 * disposeTrainState(state);
 */
export function captureTrainState(optimizer: Optimizer, rng: Rng, ema?: ExponentialMovingAverage): TrainState {
  const params: Record<string, tf.Tensor> = {};
  for (const [path, v] of Object.entries(flattenParams(optimizer.params))) params[path] = tf.clone(v);
  const state: TrainState = { step: optimizer.stepCount, params, optimizer: optimizer.state(), rng: rng.state() };
  if (ema) state.ema = ema.state();
  return state;
}

/**
 * Disposes every tensor of a `TrainState`.
 *
 * @example
 * disposeTrainState(captureTrainState(optimizer, rng)); // frees the copies
 */
export function disposeTrainState(state: TrainState): void {
  tf.dispose(Object.values(state.params));
  tf.dispose(Object.values(state.optimizer.slots));
  if (state.ema) tf.dispose(Object.values(state.ema.shadow));
}

/**
 * Loads a `TrainState` into the optimizer's params and slots (and the EMA), and returns the `Rng`
 * to continue with. Checks every name and shape first; on a mismatch throws `CheckpointError`
 * naming the tensor and changes nothing. Does not dispose `state`.
 *
 * @example
 * const rng = restoreTrainState(state, optimizer);
 * await train({ optimizer, seed: rng, steps: 2000, ... }); // continues at state.step
 */
export function restoreTrainState(state: TrainState, optimizer: Optimizer, ema?: ExponentialMovingAverage): Rng {
  const where = "Train state passed to 'restoreTrainState'";
  if (state == null || typeof state !== 'object' || state.params == null || state.optimizer == null) {
    throw new CheckpointError(`${where} must be {step, params, optimizer, rng}, but got ${describeValue(state)}.`);
  }
  const flat = flattenParams(optimizer.params);
  for (const [path, v] of Object.entries(flat)) {
    const t = state.params[path];
    if (!(t instanceof tf.Tensor)) throw new CheckpointError(`${where} is missing parameter '${path}'.`);
    if (t.shape.join(',') !== v.shape.join(',')) {
      throw new CheckpointError(
        `${where} has parameter '${path}' with shape ${describeValue(t.shape)}, but the model needs ${describeValue(v.shape)}.`,
      );
    }
  }
  for (const path of Object.keys(state.params)) {
    if (!(path in flat)) throw new CheckpointError(`${where} has unexpected parameter '${path}'.`);
  }
  if (state.step !== state.optimizer.step) {
    throw new CheckpointError(`${where} has step ${describeValue(state.step)} but optimizer step ${describeValue(state.optimizer.step)}.`);
  }
  if (ema && !state.ema) throw new CheckpointError(`${where} has no EMA state, but an ExponentialMovingAverage was given.`);
  const rng = Rng.fromState(state.rng);
  // Validate-then-assign: loadState checks slots before changing anything.
  const snapshot = optimizer.state();
  try {
    optimizer.loadState(state.optimizer);
    if (ema && state.ema) ema.loadState(state.ema);
  } catch (error) {
    optimizer.loadState(snapshot);
    throw error;
  } finally {
    tf.dispose(Object.values(snapshot.slots));
  }
  tf.tidy(() => {
    for (const [path, v] of Object.entries(flat)) v.assign(tf.clone(state.params[path]));
  });
  return rng;
}
