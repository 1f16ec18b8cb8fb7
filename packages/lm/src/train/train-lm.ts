// Training a neural language model through the @gen/core loop: batches of windows from a token
// stream (nanoGPT's get_batch), validation loss every k updates on fixed held-out windows,
// checkpoints with weights + tokenizer + optimizer slots + step + RNG key, and exact resume.
import * as tf from '@tensorflow/tfjs-core';
import {
  InvalidArgumentError,
  MetricsLog,
  Optimizer,
  type Rng,
  type Seed,
  type StepMetrics,
  type TrainData,
  type TrainResult,
  describeValue,
  train,
} from '@gen/core';
import { checkPositiveInteger } from '../check.js';
import { lmBatches } from '../data.js';
import { Gpt } from '../gpt/gpt.js';
import { RnnLm } from '../rnn/rnn.js';

/** A batch of next-token windows: `x` and `y` = x shifted by one, both `[batch, time]` int32. */
export interface LmBatch {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
}

/** Training text (encoded with the model's tokenizer) or token ids. */
export type LmTokens = string | ArrayLike<number>;

/** Options of `trainLm`. */
export interface TrainLmOptions {
  /** Optimizer bound to `model.params`. */
  readonly optimizer: Optimizer;
  /**
   * Training data: a text or token ids (random windows via `lmBatches`, a function of the step,
   * so a resumed run sees the same batches), or any `train` data source of `{x, y}` batches.
   */
  readonly data: LmTokens | TrainData<LmBatch>;
  /** Train until the optimizer has done this many updates in total (a resumed run does the rest). */
  readonly steps: number;
  /**
   * Seed of the per-step keys (dropout), or an `Rng` to draw from (advanced in place, e.g.
   * `result.rng` of an earlier call); replaced by the checkpoint's RNG key when resuming.
   */
  readonly seed: Seed | Rng;
  /** Windows per batch for text/ids data. Default 16. */
  readonly batchSize?: number;
  /** Window length for text/ids data (and validation). Default: the GPT's contextLength; 64 for an RnnLm. */
  readonly contextLength?: number;
  /** Seed of the training window positions for text/ids data. Default 0. */
  readonly dataSeed?: Seed;
  /**
   * Validation loss (mean cross-entropy, nats per token, no dropout) every `every` updates on
   * `batches` (default 8) fixed batches of `batchSize` (default: the training batchSize) windows of
   * `data`, drawn once; reported as `valLoss` in the metrics rows, log lines and progress bar.
   */
  readonly validation?: { readonly data: LmTokens; readonly every: number; readonly batches?: number; readonly batchSize?: number };
  /**
   * Every `every` updates, `save` gets checkpoint bytes (weights, tokenizer, optimizer slots,
   * step, RNG key: `model.save({trainState})`) and the number of updates done.
   */
  readonly checkpoint?: { readonly every: number; readonly save: (bytes: Uint8Array, step: number) => void | Promise<void> };
  /**
   * Bytes of a checkpoint to continue from (written by `checkpoint.save` or `model.save({optimizer,
   * rng})`): the weights, optimizer slots, step and RNG key are restored first (`restoreTraining`).
   */
  readonly resume?: Uint8Array;
  readonly clipNorm?: number;
  readonly signal?: AbortSignal;
  readonly progress?: boolean | 'auto';
  readonly log?: { every: number; write?: (line: string) => void };
  readonly onStep?: (metrics: StepMetrics) => void | Promise<void>;
  readonly metrics?: MetricsLog;
}

const OPTION_KEYS = [
  'optimizer', 'data', 'steps', 'seed', 'batchSize', 'contextLength', 'dataSeed', 'validation', 'checkpoint', 'resume',
  'clipNorm', 'signal', 'progress', 'log', 'onStep', 'metrics',
];

function isTokenArray(value: unknown): value is ArrayLike<number> {
  if (ArrayBuffer.isView(value)) return !(value instanceof DataView);
  return Array.isArray(value) && (value.length === 0 || typeof value[0] === 'number');
}

function toIds(fn: string, arg: string, model: Gpt | RnnLm, value: LmTokens): ArrayLike<number> {
  if (typeof value === 'string') return Int32Array.from(model.tokenizer.encode(value));
  for (let i = 0; i < value.length; i++) {
    const id = value[i];
    if (!Number.isInteger(id) || id < 0 || id >= model.vocabSize) {
      throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' must hold integer token ids in [0, ${model.vocabSize}), but got ${describeValue(id)} at index ${i}.`);
    }
  }
  return value;
}

/**
 * Trains a `Gpt` or `RnnLm` with `@gen/core`'s `train`: next-token cross-entropy with dropout
 * keys from the run's `Rng`, periodic validation loss, checkpoints that resume exactly, and
 * everything `train` offers (clipping, abort signal, progress bar, log lines, metrics log).
 * Returns `train`'s result (`result.metrics.series('valLoss')` is the validation curve).
 *
 * @example
 * const gpt = Gpt.create(tok, { contextLength: 64, numLayers: 2, numHeads: 4, dModel: 64, dropout: 0.1 }, 0);
 * const optimizer = adamW(gpt.params as never, { lr: 1e-3 });
 * const result = await trainLm(gpt, {
 *   optimizer, data: trainText, steps: 2000, seed: 2,
 *   validation: { data: validText, every: 200 },
 *   checkpoint: { every: 500, save: (bytes) => writeFile('gpt.safetensors', bytes) },
 * });
 * // Later, in a fresh process: continue to 4000 steps exactly where it stopped.
 * const bytes = await readFile('gpt.safetensors');
 * const again = await Gpt.load(bytes);
 * await trainLm(again, { optimizer: adamW(again.params as never, { lr: 1e-3 }), data: trainText, steps: 4000, seed: 2, resume: bytes });
 */
export async function trainLm(model: Gpt | RnnLm, options: TrainLmOptions): Promise<TrainResult> {
  const fn = 'trainLm';
  if (!(model instanceof Gpt) && !(model instanceof RnnLm)) {
    throw new InvalidArgumentError(`Argument 'model' passed to '${fn}' must be a Gpt or an RnnLm, but got ${describeValue(model)}.`);
  }
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`Argument 'options' passed to '${fn}' must be an object, but got ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new InvalidArgumentError(`Argument 'options' passed to '${fn}' has unknown key '${key}'.`);
  }
  const { optimizer, steps, seed, validation, checkpoint, resume } = options;
  if (!(optimizer instanceof Optimizer)) {
    throw new InvalidArgumentError(`Argument 'options.optimizer' passed to '${fn}' must be an Optimizer bound to model.params, but got ${describeValue(optimizer)}.`);
  }
  const batchSize = options.batchSize ?? 16;
  checkPositiveInteger(fn, 'options.batchSize', batchSize);
  const contextLength = options.contextLength ?? (model instanceof Gpt ? model.config.contextLength : 64);
  checkPositiveInteger(fn, 'options.contextLength', contextLength);
  if (model instanceof Gpt && contextLength > model.config.contextLength) {
    throw new InvalidArgumentError(`Argument 'options.contextLength' passed to '${fn}' must be at most the model's contextLength ${model.config.contextLength}, but got ${contextLength}.`);
  }
  if (checkpoint !== undefined) {
    if (checkpoint === null || typeof checkpoint !== 'object' || typeof checkpoint.save !== 'function') {
      throw new InvalidArgumentError(`Argument 'options.checkpoint' passed to '${fn}' must be {every, save: (bytes, step) => ...}, but got ${describeValue(checkpoint)}.`);
    }
  }
  let data: TrainData<LmBatch>;
  const raw = options.data;
  if (typeof raw === 'string' || isTokenArray(raw)) {
    const ids = toIds(fn, 'options.data', model, raw);
    if (ids.length < contextLength + 1) {
      throw new InvalidArgumentError(`Argument 'options.data' passed to '${fn}' must hold more than contextLength ${contextLength} tokens, but got ${ids.length}.`);
    }
    data = lmBatches(ids, { batchSize, contextLength, seed: options.dataSeed ?? 0 });
  } else {
    if (options.dataSeed !== undefined) throw new InvalidArgumentError(`Argument 'options.dataSeed' passed to '${fn}' applies to text or token-id data only.`);
    data = raw as TrainData<LmBatch>;
  }

  // Validation windows, drawn once (fixed: the curve moves only because the model does).
  let valBatches: LmBatch[] = [];
  let evaluate: { every: number; fn: () => Promise<Record<string, number>> } | undefined;
  if (validation !== undefined) {
    if (validation === null || typeof validation !== 'object') {
      throw new InvalidArgumentError(`Argument 'options.validation' passed to '${fn}' must be {data, every, batches?, batchSize?}, but got ${describeValue(validation)}.`);
    }
    for (const key of Object.keys(validation)) {
      if (!['data', 'every', 'batches', 'batchSize'].includes(key)) throw new InvalidArgumentError(`Argument 'options.validation' passed to '${fn}' has unknown key '${key}'.`);
    }
    checkPositiveInteger(fn, 'options.validation.every', validation.every);
    const numBatches = validation.batches ?? 8;
    checkPositiveInteger(fn, 'options.validation.batches', numBatches);
    const valBatchSize = validation.batchSize ?? batchSize;
    checkPositiveInteger(fn, 'options.validation.batchSize', valBatchSize);
    if (typeof validation.data !== 'string' && !isTokenArray(validation.data)) {
      throw new InvalidArgumentError(`Argument 'options.validation.data' passed to '${fn}' must be a text or token ids, but got ${describeValue(validation.data)}.`);
    }
    const valIds = toIds(fn, 'options.validation.data', model, validation.data);
    if (valIds.length < contextLength + 1) {
      throw new InvalidArgumentError(`Argument 'options.validation.data' passed to '${fn}' must hold more than contextLength ${contextLength} tokens, but got ${valIds.length}.`);
    }
    const make = lmBatches(valIds, { batchSize: valBatchSize, contextLength, seed: 0 });
    valBatches = Array.from({ length: numBatches }, (_, i) => make(i));
    evaluate = {
      every: validation.every,
      fn: async () => {
        const total = tf.tidy(() => tf.addN(valBatches.map((b) => model.loss(b))));
        const sum = (await total.data())[0];
        total.dispose();
        return { valLoss: sum / valBatches.length };
      },
    };
  }

  try {
    let seedOrRng: Seed | Rng = seed;
    if (resume !== undefined) seedOrRng = model.restoreTraining(resume, optimizer) ?? seed;
    return await train<LmBatch>({
      optimizer,
      data,
      lossFn: (batch, _step, key) => model.loss(batch, { training: true, key }),
      steps,
      seed: seedOrRng,
      ...(options.clipNorm !== undefined ? { clipNorm: options.clipNorm } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      ...(options.progress !== undefined ? { progress: options.progress } : {}),
      ...(options.log !== undefined ? { log: options.log } : {}),
      ...(options.onStep !== undefined ? { onStep: options.onStep } : {}),
      ...(options.metrics !== undefined ? { metrics: options.metrics } : {}),
      ...(evaluate ? { evaluate } : {}),
      ...(checkpoint
        ? { checkpoint: { every: checkpoint.every, save: async (state) => checkpoint.save(await model.save({ trainState: state }), state.step) } }
        : {}),
    });
  } finally {
    for (const b of valBatches) tf.dispose([b.x, b.y]);
  }
}
