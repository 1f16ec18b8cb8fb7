// The training loop: forward + backward (tf.variableGrads) in one tidy, optional global-norm
// clipping, the optimizer update, and one batched read of the step's scalars for metrics, the
// NaN/Inf guard and the progress bar.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, NonFiniteError, ShapeError, describeValue } from '../errors.js';
import { clipByGlobalNorm, globalNorm } from '../optim/clip.js';
import { checkOptionKeys } from '../optim/check-options.js';
import { ExponentialMovingAverage } from '../optim/ema.js';
import { Optimizer } from '../optim/optimizer.js';
import { type ParamTree, flattenParams, unflattenParams } from '../params.js';
import type { PRNGKey, Seed } from '../random/key.js';
import { Rng } from '../random/rng.js';
import { checkNumber } from '../validate.js';
import { MetricsLog, type StepMetrics } from './metrics-log.js';
import { createProgressBar } from './progress.js';
import { type TrainState, captureTrainState, disposeTrainState } from './train-state.js';

/** What `lossFn` returns: the scalar to minimise, and optionally named scalar components to log. */
export interface LossOutput {
  loss: tf.Scalar;
  parts?: Record<string, tf.Scalar>;
}

/**
 * Computes the loss of one batch. Runs inside `tf.variableGrads` and `tf.tidy`, so it must be
 * synchronous and use the optimizer's variables directly. `step` is the 0-based update index;
 * `key` is a fresh random key for this step (dropout, noise, sampled timesteps, ...).
 */
export type LossFn<B> = (batch: B, step: number, key: PRNGKey) => tf.Scalar | LossOutput;

/** Where batches come from: an iterable, an async iterable, or a function of the step. */
export type TrainData<B> = Iterable<B> | AsyncIterable<B> | ((step: number) => B | Promise<B>);

/** Options of `train`. */
export interface TrainOptions<B> {
  /** Optimizer bound to the trainable variables; its params are what gets trained. */
  optimizer: Optimizer;
  /** Loss of one batch (see `LossFn`). */
  lossFn: LossFn<B>;
  /**
   * Batches. With a function of the step, a resumed run sees the same batches as an uninterrupted
   * one; an iterator is read from where it is (a second `train` call calls `[Symbol.iterator]()`
   * again on an iterable, which usually restarts it).
   */
  data: TrainData<B>;
  /**
   * Train until the optimizer has done this many updates in total. A fresh optimizer runs `steps`
   * updates; one restored from a checkpoint at step k runs `steps - k`.
   */
  steps: number;
  /** Seed of the per-step keys, or an `Rng` to draw from (advanced in place; use for resuming). */
  seed: Seed | Rng;
  /** Clip gradients to this global L2 norm (torch's clip_grad_norm_); off by default. */
  clipNorm?: number;
  /** Also keep an EMA of the params, updated after every step and saved in checkpoints. */
  ema?: ExponentialMovingAverage;
  /** Called after every step with its metrics (awaited). */
  onStep?: (metrics: StepMetrics) => void | Promise<void>;
  /** A log to append every step's metrics to; a new one by default (returned in the result). */
  metrics?: MetricsLog;
  /**
   * Every `every` updates (counted in total, like `steps`), `save` gets a `TrainState` of tensor
   * copies; they are disposed when `save` resolves, so write or copy them before returning.
   */
  checkpoint?: { every: number; save: (state: TrainState) => void | Promise<void> };
  /**
   * Periodic evaluation (validation loss, sample quality, ...): every `every` updates (counted in
   * total, like `steps` and `checkpoint`), `fn(updatesDone)` is awaited after the update and its
   * named numbers go into that step's metrics row as `evaluation` (so `metrics.mean('valLoss')`,
   * `metrics.series('valLoss')` and the CSV see them), the log line and the progress bar. It runs
   * before `onStep` and `checkpoint.save`; it must not touch the optimizer or the `Rng`, so
   * training is the same with or without it. Tensors it makes are its own to free.
   */
  evaluate?: { every: number; fn: (step: number) => Record<string, number> | Promise<Record<string, number>> };
  /** Stops cleanly between steps when aborted; `train` then resolves with `stopReason: 'aborted'`. */
  signal?: AbortSignal;
  /** Terminal progress bar: 'auto' (default) draws only on a TTY outside CI. */
  progress?: boolean | 'auto';
  /** Every `every` steps, write a one-line summary (default `console.log`); for CI logs. */
  log?: { every: number; write?: (line: string) => void };
  /**
   * Dispose the tensors of each batch after its step (default true: batches handed to the loop
   * belong to it). Set false when the data source hands out tensors it keeps using.
   */
  disposeBatches?: boolean;
}

/** What `train` returns. */
export interface TrainResult {
  /** Why it stopped. */
  stopReason: 'completed' | 'aborted' | 'dataExhausted';
  /** Updates done by this call. */
  stepsDone: number;
  /** Total updates (the optimizer's `stepCount`). */
  step: number;
  /** The metrics log (the one passed in, or a new one). */
  metrics: MetricsLog;
  /** The Rng, advanced past the last step; `rng.state()` goes into checkpoints. */
  rng: Rng;
}

const OPTION_KEYS = [
  'optimizer', 'lossFn', 'data', 'steps', 'seed', 'clipNorm', 'ema', 'onStep', 'metrics',
  'checkpoint', 'evaluate', 'signal', 'progress', 'log', 'disposeBatches',
] as const;

type NextBatch<B> = (step: number) => Promise<{ done: boolean; value?: B }>;

function batchReader<B>(data: TrainData<B>): NextBatch<B> {
  if (typeof data === 'function') return async (step) => ({ done: false, value: await data(step) });
  if (data != null && typeof (data as AsyncIterable<B>)[Symbol.asyncIterator] === 'function') {
    const it = (data as AsyncIterable<B>)[Symbol.asyncIterator]();
    return async () => {
      const r = await it.next();
      return { done: r.done === true, value: r.value };
    };
  }
  if (data != null && typeof (data as Iterable<B>)[Symbol.iterator] === 'function') {
    const it = (data as Iterable<B>)[Symbol.iterator]();
    return async () => {
      const r = it.next();
      return { done: r.done === true, value: r.value };
    };
  }
  throw new InvalidArgumentError(
    `Argument 'data' passed to 'train' must be an iterable, an async iterable or a function of the step, but got ${describeValue(data)}.`,
  );
}

function checkScalar(t: unknown, what: string): asserts t is tf.Scalar {
  if (!(t instanceof tf.Tensor)) {
    throw new InvalidArgumentError(`${what} returned by 'lossFn' must be a scalar tf.Tensor, but got ${describeValue(t)}.`);
  }
  if (t.rank !== 0) {
    throw new ShapeError(`${what} returned by 'lossFn' must have shape [], but got ${describeValue(t.shape)}.`);
  }
}

/**
 * Trains `optimizer.params` on `data` until the optimizer has done `steps` updates, the data runs
 * out, or `signal` aborts. Per step: forward and backward inside `tf.tidy`, optional clipping, the
 * optimizer update, then a single read of all the step's scalars (loss, components, gradient
 * norm), which also feeds the NaN/Inf guard: a non-finite loss, component or gradient norm throws
 * `NonFiniteError` naming the step and the component. The guard runs after the update (no extra
 * sync), so the params of that step are already touched: resume from the last checkpoint.
 *
 * @example
 * const params = { w: tf.variable(randomNormal(0, [2, 1])) };
 * const result = await train({
 *   optimizer: adam(params, { lr: 1e-2 }),
 *   lossFn: ({ x, y }) => tf.losses.meanSquaredError(y, tf.matMul(x, params.w)) as tf.Scalar,
 *   data: (step) => makeBatch(step),  // [batch, 2] inputs, [batch, 1] targets
 *   steps: 1000,
 *   seed: 0,
 * });
 * console.log(result.metrics.last()?.loss);
 */
export async function train<B>(options: TrainOptions<B>): Promise<TrainResult> {
  const fn = 'train';
  checkOptionKeys(fn, 'options', options, OPTION_KEYS);
  const { optimizer, lossFn, data, steps, seed, clipNorm, ema, onStep, checkpoint, evaluate, signal, log } = options;
  if (!(optimizer instanceof Optimizer)) {
    throw new InvalidArgumentError(`Argument 'optimizer' passed to '${fn}' must be an Optimizer (from adam, sgd, ...), but got ${describeValue(optimizer)}.`);
  }
  if (typeof lossFn !== 'function') {
    throw new InvalidArgumentError(`Argument 'lossFn' passed to '${fn}' must be a function, but got ${describeValue(lossFn)}.`);
  }
  checkNumber(fn, 'steps', steps, { min: 0, integer: true });
  if (clipNorm !== undefined) checkNumber(fn, 'clipNorm', clipNorm, { min: 0, minExclusive: true });
  if (checkpoint !== undefined) {
    checkOptionKeys(fn, 'checkpoint', checkpoint, ['every', 'save']);
    checkNumber(fn, 'checkpoint.every', checkpoint.every, { min: 1, integer: true });
    if (typeof checkpoint.save !== 'function') {
      throw new InvalidArgumentError(`Argument 'checkpoint.save' passed to '${fn}' must be a function, but got ${describeValue(checkpoint.save)}.`);
    }
  }
  if (evaluate !== undefined) {
    checkOptionKeys(fn, 'evaluate', evaluate, ['every', 'fn']);
    checkNumber(fn, 'evaluate.every', evaluate.every, { min: 1, integer: true });
    if (typeof evaluate.fn !== 'function') {
      throw new InvalidArgumentError(`Argument 'evaluate.fn' passed to '${fn}' must be a function, but got ${describeValue(evaluate.fn)}.`);
    }
  }
  if (log !== undefined) {
    checkOptionKeys(fn, 'log', log, ['every', 'write']);
    checkNumber(fn, 'log.every', log.every, { min: 1, integer: true });
  }
  if (ema !== undefined && !(ema instanceof ExponentialMovingAverage)) {
    throw new InvalidArgumentError(`Argument 'ema' passed to '${fn}' must be an ExponentialMovingAverage, but got ${describeValue(ema)}.`);
  }
  const rng = seed instanceof Rng ? seed : new Rng(seed);
  const nextBatch = batchReader(data);
  const metrics = options.metrics ?? new MetricsLog();
  const disposeBatches = options.disposeBatches ?? true;
  const write = log?.write ?? ((line: string) => console.log(line));

  // Gradients come back keyed by variable name; map them to tree paths for the optimizer.
  const flat = flattenParams(optimizer.params);
  const variables = Object.values(flat);
  const pathOf = new Map(Object.entries(flat).map(([path, v]) => [v.name, path]));

  const startStep = optimizer.stepCount;
  const bar = createProgressBar({ total: steps, start: startStep, enabled: options.progress ?? 'auto' });
  let stopReason: TrainResult['stopReason'] = 'completed';
  try {
    while (optimizer.stepCount < steps) {
      if (signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
      const step = optimizer.stepCount;
      const next = await nextBatch(step);
      if (next.done) {
        stopReason = 'dataExhausted';
        break;
      }
      const key = rng.next();
      const batch = next.value as B;
      const lr = optimizer.learningRate;
      const started = performance.now();
      let partNames: string[] = [];
      let packedParts: tf.Tensor | undefined; // kept out of variableGrads' tidy, freed below
      let scalars: tf.Tensor;
      try {
        // [loss, gradNorm, ...parts]: one tensor, so the step needs one read.
        scalars = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => {
            const out = lossFn(batch, step, key);
            if (out != null && typeof (out as unknown as PromiseLike<unknown>).then === 'function') {
              throw new InvalidArgumentError(`Argument 'lossFn' passed to '${fn}' must be synchronous (it runs inside tf.tidy), but it returned a Promise.`);
            }
            const { loss, parts } = out instanceof tf.Tensor ? { loss: out, parts: undefined } : (out as LossOutput);
            checkScalar(loss, 'The loss');
            if (parts !== undefined) {
              partNames = Object.keys(parts);
              partNames.forEach((name) => checkScalar(parts[name], `Loss component '${name}'`));
              if (partNames.length > 0) packedParts = tf.keep(tf.stack(partNames.map((name) => parts[name])));
            }
            return loss;
          }, variables);
          const byPath: Record<string, tf.Tensor> = {};
          for (const [name, grad] of Object.entries(grads)) byPath[pathOf.get(name) as string] = grad;
          const gradTree = unflattenParams(byPath) as ParamTree;
          let norm: tf.Scalar;
          let update = gradTree;
          if (clipNorm !== undefined) ({ grads: update, norm } = clipByGlobalNorm(gradTree, clipNorm));
          else norm = globalNorm(gradTree);
          optimizer.step(update);
          const head = tf.stack([value, norm]);
          return packedParts ? tf.concat([head, packedParts]) : head;
        });
      } finally {
        packedParts?.dispose();
        if (disposeBatches) tf.dispose(batch as unknown as tf.TensorContainer);
      }
      const values = await scalars.data();
      scalars.dispose();
      const parts: Record<string, number> = {};
      partNames.forEach((name, i) => {
        parts[name] = values[2 + i];
      });
      const row: StepMetrics = {
        step,
        loss: values[0],
        parts,
        gradNorm: values[1],
        lr,
        stepMs: performance.now() - started,
        numTensors: tf.memory().numTensors,
      };
      // The NaN/Inf guard, on the values just read for metrics. A bad component is named first,
      // since it is what made the total bad. The row is logged before throwing.
      const badPart = partNames.find((name) => !Number.isFinite(parts[name]));
      let bad: NonFiniteError | undefined;
      if (badPart !== undefined) bad = new NonFiniteError(`Loss component '${badPart}' became ${parts[badPart]} at step ${step} in 'train'.`);
      else if (!Number.isFinite(row.loss)) bad = new NonFiniteError(`The loss became ${row.loss} at step ${step} in 'train'.`);
      else if (!Number.isFinite(row.gradNorm)) {
        bad = new NonFiniteError(`The gradient norm became ${row.gradNorm} at step ${step} in 'train' (the loss was ${row.loss}).`);
      }
      if (bad) {
        metrics.push(row);
        bar.update(step + 1, row.loss);
        throw bad;
      }
      ema?.update(); // after the guard, so a non-finite step never reaches the averages
      if (evaluate && optimizer.stepCount % evaluate.every === 0) row.evaluation = await runEvaluation(evaluate.fn, optimizer.stepCount);
      metrics.push(row);
      bar.update(step + 1, row.loss, row.evaluation);
      if (log && (step + 1) % log.every === 0) write(formatLogLine(row, steps));
      if (onStep) await onStep(row);
      if (checkpoint && optimizer.stepCount % checkpoint.every === 0) {
        const state = captureTrainState(optimizer, rng, ema);
        try {
          await checkpoint.save(state);
        } finally {
          disposeTrainState(state);
        }
      }
    }
  } finally {
    bar.finish();
  }
  return { stopReason, stepsDone: optimizer.stepCount - startStep, step: optimizer.stepCount, metrics, rng };
}

async function runEvaluation(
  evaluateFn: (step: number) => Record<string, number> | Promise<Record<string, number>>,
  step: number,
): Promise<Record<string, number>> {
  const values = await evaluateFn(step);
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new InvalidArgumentError(`Argument 'evaluate.fn' passed to 'train' must return an object of named numbers, but got ${describeValue(values)}.`);
  }
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'number') {
      throw new InvalidArgumentError(`Argument 'evaluate.fn' passed to 'train' must return an object of named numbers, but '${name}' is ${describeValue(value)}.`);
    }
    out[name] = value;
  }
  return out;
}

function formatLogLine(row: StepMetrics, total: number): string {
  const parts = Object.entries(row.parts).map(([name, v]) => ` ${name} ${v.toPrecision(4)}`).join('');
  const evaluation = Object.entries(row.evaluation ?? {}).map(([name, v]) => ` ${name} ${v.toPrecision(4)}`).join('');
  return `step ${row.step + 1}/${total} loss ${row.loss.toPrecision(4)}${parts}${evaluation} gradNorm ${row.gradNorm.toPrecision(3)} lr ${row.lr.toPrecision(3)} ${row.stepMs.toFixed(1)} ms tensors ${row.numTensors}`;
}
