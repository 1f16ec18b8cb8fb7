// What every model of the playground provides to the worker, and checkpoints for models trained
// with @gen/core's `train` loop (params, optimizer slots, step and RNG state: a loaded model
// continues exactly where the saved one was).
import * as tf from '@tensorflow/tfjs-core';
import {
  CheckpointError,
  Rng,
  flattenParams,
  loadCheckpoint,
  readSafetensorsHeader,
  saveCheckpoint,
  synthetic2d,
  train,
  unflattenParams,
  type JsonValue,
  type Optimizer,
  type ParamTree,
  type TrainOptions,
} from '@gen/core';
import type { Dataset2D, ModelName, SampleView, StartOptions } from '../protocol.js';

/** A trainable model behind one small interface (one file per model under ./models). */
export interface ModelAdapter {
  readonly name: ModelName;
  /** Updates done so far (continues after a load). */
  readonly step: number;
  /**
   * Trains until `signal` aborts. `onStep` runs after every update and is awaited, so the
   * worker can draw samples between steps.
   */
  train(signal: AbortSignal, onStep: (step: number, loss: number) => Promise<void>): Promise<void>;
  /**
   * The current samples, as plain data for the page. Slow samplers stop early when `signal`
   * aborts (throwing its reason), so a stop or a load need not wait for a whole picture.
   */
  samples(signal?: AbortSignal): Promise<SampleView>;
  /** A checkpoint (safetensors bytes) that `ModelFactory.load` reads back. */
  save(): Promise<Uint8Array>;
  dispose(): void;
}

/** Builds one kind of model, fresh or from its checkpoint. */
export interface ModelFactory {
  readonly name: ModelName;
  create(options: StartOptions): Promise<ModelAdapter>;
  /** Whether a checkpoint's config (from its metadata) was written by this model. */
  recognises(config: unknown): boolean;
  load(bytes: Uint8Array, config: unknown): Promise<ModelAdapter>;
}

/** Training never "completes" in the playground: it runs until stopped. */
export const ENDLESS = 1_000_000_000;

/**
 * `ModelAdapter.train` for a model trained with @gen/core's loop: runs until `signal` aborts,
 * reporting every update (1-based) and its loss; keys come from `rng`, so a restored one continues.
 */
export async function trainUntilStopped<B>(
  run: Pick<TrainOptions<B>, 'optimizer' | 'data' | 'lossFn'> & { rng: Rng },
  signal: AbortSignal,
  onStep: (step: number, loss: number) => Promise<void>,
): Promise<void> {
  await train({ optimizer: run.optimizer, data: run.data, lossFn: run.lossFn, seed: run.rng, steps: ENDLESS, signal, progress: false, onStep: (m) => onStep(m.step + 1, m.loss) });
}

/** The config JSON stored in a gen checkpoint, read from the header without creating tensors. */
export function checkpointConfig(bytes: Uint8Array): unknown {
  const { metadata } = readSafetensorsHeader(bytes);
  if (metadata['gen.config'] === undefined) throw new CheckpointError('This file is not a gen checkpoint (no gen.config metadata).');
  return JSON.parse(metadata['gen.config']);
}

/** Saves what `train` needs to continue: params, optimizer slots, step and RNG state. */
export async function saveTrainCheckpoint(optimizer: Optimizer, rng: Rng, config: JsonValue): Promise<Uint8Array> {
  const state = optimizer.state(); // slot copies, ours to free
  try {
    return await saveCheckpoint({
      params: optimizer.params,
      optimizerState: unflattenParams(state.slots),
      step: optimizer.stepCount,
      rngState: rng.state(),
      config,
    });
  } finally {
    tf.dispose(Object.values(state.slots));
  }
}

/**
 * Loads `saveTrainCheckpoint` bytes into a freshly built model's variables (`optimizer.params`)
 * and optimizer; shapes are checked before anything changes. Returns the run's `Rng`.
 */
export function restoreTrainCheckpoint(bytes: Uint8Array, optimizer: Optimizer): Rng {
  const loaded = loadCheckpoint(bytes, { expect: optimizer.params as ParamTree });
  try {
    if (!loaded.optimizerState || !loaded.rngState) throw new CheckpointError('Checkpoint has no optimizer or RNG state to resume from.');
    const saved = flattenParams(loaded.params);
    tf.tidy(() => {
      for (const [path, variable] of Object.entries(flattenParams(optimizer.params as ParamTree<tf.Variable>))) variable.assign(saved[path]);
    });
    optimizer.loadState({ config: optimizer.config, step: loaded.step, slots: flattenParams(loaded.optimizerState) });
    return Rng.fromState(loaded.rngState);
  } finally {
    tf.dispose(Object.values(flattenParams(loaded.params)));
    if (loaded.optimizerState) tf.dispose(Object.values(flattenParams(loaded.optimizerState)));
  }
}

/** Half-width of a square that holds `points` ([n, 2]) with a margin, for drawing. */
/** Settings of the 2-D models (diffusion, GMM): the toy data set and the seed of everything random. */
export interface Settings2D {
  dataset: Dataset2D;
  seed: number;
}

/** Points in the training set of a 2-D model. */
export const NUM_POINTS_2D = 8192;

/** A 2-D model's training points, the half-width of the drawn square, and the 2000 points drawn behind its samples. */
export function toyPoints({ dataset, seed }: Settings2D): { points: Float32Array; extent: number; shown: Float32Array } {
  const { x } = synthetic2d(dataset, { n: NUM_POINTS_2D, seed });
  return { points: x, extent: extentOf(x), shown: x.slice(0, 2 * 2000) };
}

export function extentOf(points: Float32Array): number {
  let max = 0;
  for (const v of points) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  return Math.max(1, max * 1.1);
}
