// Sampling pipelines (diffusers-style): generation from noise with optional classifier-free guidance
// (Ho & Salimans 2022), image-to-image with a strength (SDEdit, Meng et al. 2022), and inpainting by
// replacing the known region with the forward process at every step (Lugmayr et al. 2022, RePaint, without resampling).
import * as tf from '@tensorflow/tfjs-core';
import {
  InvalidArgumentError,
  ShapeError,
  checkFloatTensor,
  checkNumber,
  describeValue,
  foldIn,
  randomNormal,
  split,
  type Seed,
} from '@gen/core';
import type { Scheduler } from '../schedulers/scheduler.js';
import { type Denoiser, guidedOutput } from './denoiser.js';

/** Options of `sampleSteps` / `generate`. Tensors are borrowed. */
export interface SampleOptions {
  /** The denoiser, in the scheduler's prediction type. */
  readonly model: Denoiser;
  /** Any scheduler; `setTimesteps` is called here (its multistep state is reset). */
  readonly scheduler: Scheduler;
  /** Inference steps (Heun makes 2n - 1 model calls). */
  readonly numInferenceSteps: number;
  /** Shape of the samples `[batch, ...]` (from noise). Ignored when `image` is given. */
  readonly shape?: readonly number[];
  /** Seed of the initial noise and of every stochastic step. */
  readonly seed: Seed;
  /** Class labels `[batch]` (int32 tensor or numbers) of a class-conditional model. */
  readonly classLabels?: tf.Tensor1D | readonly number[];
  /** Classifier-free guidance scale w (1 = no guidance). Needs `classLabels` and `nullLabel`. */
  readonly guidanceScale?: number;
  /** The label id the model was trained with for "no label" (e.g. numClasses). */
  readonly nullLabel?: number;
  /** Image-to-image / inpainting: the clean input `[batch, ...]`. */
  readonly image?: tf.Tensor;
  /** Image-to-image: fraction of the schedule to run, in (0, 1] (1 = from pure noise). Default 1. */
  readonly strength?: number;
  /** Inpainting: 1 where to generate, 0 where to keep `image`; shape of `image`. */
  readonly mask?: tf.Tensor;
  /** Stops between steps: the iteration throws the signal's reason (an AbortError). */
  readonly signal?: AbortSignal;
  /** Called after every step. */
  readonly onProgress?: (progress: { step: number; total: number; timestep: number }) => void;
}

/** One yielded step. The tensors are owned by the iterator and freed when it resumes, except on the last step, whose tensors belong to the caller. */
export interface SamplingStep {
  /** 0-based step index and the number of steps (model calls). */
  readonly step: number;
  readonly total: number;
  /** The timestep stepped from. */
  readonly timestep: number;
  /** The sample after this step. */
  readonly sample: tf.Tensor;
  /** The scheduler's x0 estimate at this step. */
  readonly predOriginalSample: tf.Tensor;
  /** True on the last step. */
  readonly done: boolean;
}

function check(fn: string, o: SampleOptions): { labels: tf.Tensor1D | undefined; ownLabels: boolean; shape: number[] } {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError(`Argument 'options' passed to '${fn}' must be an object, but got ${describeValue(o)}.`);
  if (typeof o.model !== 'function') throw new InvalidArgumentError(`Argument 'model' passed to '${fn}' must be a function, but got ${describeValue(o.model)}.`);
  if (o.scheduler == null || typeof o.scheduler.step !== 'function') {
    throw new InvalidArgumentError(`Argument 'scheduler' passed to '${fn}' must be a Scheduler, but got ${describeValue(o.scheduler)}.`);
  }
  checkNumber(fn, 'numInferenceSteps', o.numInferenceSteps, { min: 1, integer: true });
  let shape: number[];
  if (o.image !== undefined) {
    checkFloatTensor(fn, 'image', o.image);
    shape = [...o.image.shape];
  } else {
    if (!Array.isArray(o.shape) || o.shape.length < 1 || !o.shape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new InvalidArgumentError(`Argument 'shape' passed to '${fn}' must be an array of positive integers [batch, ...], but got ${describeValue(o.shape)}.`);
    }
    shape = [...o.shape];
  }
  if (o.mask !== undefined) {
    if (o.image === undefined) throw new InvalidArgumentError(`Argument 'mask' passed to '${fn}' needs 'image' (the pixels to keep), but got no image.`);
    checkFloatTensor(fn, 'mask', o.mask);
    if (o.mask.shape.join(',') !== shape.join(',')) {
      throw new ShapeError(`Argument 'mask' passed to '${fn}' must have the shape of image [${shape.join(', ')}], but got [${o.mask.shape.join(', ')}].`);
    }
  }
  if (o.strength !== undefined) {
    checkNumber(fn, 'strength', o.strength, { min: 0, max: 1, minExclusive: true });
    if (o.image === undefined) throw new InvalidArgumentError(`Argument 'strength' passed to '${fn}' needs 'image', but got no image.`);
  }
  const scale = o.guidanceScale ?? 1;
  checkNumber(fn, 'guidanceScale', scale);
  let labels: tf.Tensor1D | undefined;
  let ownLabels = false;
  if (o.classLabels !== undefined) {
    if (Array.isArray(o.classLabels)) {
      if (!o.classLabels.every((v) => Number.isInteger(v) && v >= 0)) {
        throw new InvalidArgumentError(`Argument 'classLabels' passed to '${fn}' must hold non-negative integers, but got ${describeValue(o.classLabels)}.`);
      }
      labels = tf.tensor1d(o.classLabels as number[], 'int32');
      ownLabels = true;
    } else if (o.classLabels instanceof tf.Tensor && o.classLabels.dtype === 'int32') {
      labels = o.classLabels;
    } else {
      throw new InvalidArgumentError(`Argument 'classLabels' passed to '${fn}' must be an int32 tensor or an array of integers, but got ${describeValue(o.classLabels)}.`);
    }
    if (labels.rank !== 1 || labels.shape[0] !== shape[0]) {
      if (ownLabels) labels.dispose();
      throw new ShapeError(`Argument 'classLabels' passed to '${fn}' must have shape [${shape[0]}], but got [${labels.shape.join(', ')}].`);
    }
  }
  if (scale !== 1) {
    if (labels === undefined || o.nullLabel === undefined) {
      if (ownLabels) labels?.dispose();
      throw new InvalidArgumentError(`Argument 'guidanceScale' passed to '${fn}' is ${scale}; guidance needs 'classLabels' and 'nullLabel', but got ${labels === undefined ? 'no classLabels' : 'no nullLabel'}.`);
    }
    checkNumber(fn, 'nullLabel', o.nullLabel, { min: 0, integer: true });
  }
  return { labels, ownLabels, shape };
}

/**
 * The denoising loop as an async iterable of steps, with progress and `AbortSignal`. From noise
 * (`shape`), from a noised `image` at `strength` (image-to-image), or with a `mask` (inpainting).
 * Every yielded tensor is freed when the iteration resumes, except the last step's, which the
 * caller owns; breaking out early frees everything.
 *
 * @example
 * for await (const s of sampleSteps({ model, scheduler, numInferenceSteps: 50, shape: [16, 2], seed: 0 })) {
 *   console.log(`${s.step + 1}/${s.total}`);
 *   if (s.done) { samples = s.sample; s.predOriginalSample.dispose(); }
 * }
 */
export async function* sampleSteps(options: SampleOptions): AsyncGenerator<SamplingStep, void, undefined> {
  const fn = 'sampleSteps';
  const { labels, ownLabels, shape } = check(fn, options);
  const { model, scheduler, seed, image, mask, signal } = options;
  const [noiseKey, stepKey, maskKey] = split(seed, 3);
  const guidance = { classLabels: labels, guidanceScale: options.guidanceScale ?? 1, nullLabel: options.nullLabel };
  let x: tf.Tensor | null = null;
  let x0: tf.Tensor | null = null;
  let completed = false;
  try {
    signal?.throwIfAborted();
    // 1. The schedule, and where to start in it (image-to-image skips the noisiest part).
    scheduler.setTimesteps(options.numInferenceSteps);
    let begin = 0;
    if (options.strength !== undefined) {
      const n = options.numInferenceSteps;
      const kept = Math.min(Math.floor(n * options.strength), n);
      if (kept === 0) throw new InvalidArgumentError(`Argument 'strength' passed to '${fn}' leaves no step (${options.strength} x ${n} steps < 1).`);
      begin = (n - kept) * scheduler.order;
      scheduler.setBeginIndex(begin);
    }
    const timesteps = scheduler.timesteps.slice(begin);
    // 2. The initial sample: pure noise at the scheduler's scale, or the image noised to the first timestep.
    x = tf.tidy(() => {
      const noise = randomNormal(noiseKey, shape);
      if (image === undefined) return tf.mul(noise, scheduler.initNoiseSigma);
      const noised = options.strength === undefined && mask !== undefined ? tf.mul(noise, scheduler.initNoiseSigma) : scheduler.addNoise(image, noise, timesteps[0]);
      return mask === undefined ? noised : tf.add(tf.mul(mask, noised), tf.mul(tf.sub(1, mask), scheduler.addNoise(image, noise, timesteps[0])));
    });
    for (let i = 0; i < timesteps.length; i++) {
      signal?.throwIfAborted();
      const t = timesteps[i];
      const current: tf.Tensor = x;
      // 3. Model output at (x, t), guided; 4. one scheduler step; 5. inpainting: re-impose the known region at the next timestep.
      const [prevSample, predOriginalSample] = tf.tidy((): [tf.Tensor, tf.Tensor] => {
        const input = scheduler.scaleModelInput(current, t);
        const modelOutput = guidedOutput(model, input, t, guidance);
        const stepped = scheduler.step({ modelOutput, timestep: t, sample: current, seed: foldIn(stepKey, i) });
        if (mask === undefined || image === undefined) return [stepped.prevSample, stepped.predOriginalSample];
        const known = i + 1 < timesteps.length ? scheduler.addNoise(image, randomNormal(foldIn(maskKey, i), shape), timesteps[i + 1]) : image;
        return [tf.add(tf.mul(mask, stepped.prevSample), tf.mul(tf.sub(1, mask), known)), stepped.predOriginalSample];
      });
      current.dispose();
      x0?.dispose();
      x = prevSample;
      x0 = predOriginalSample;
      options.onProgress?.({ step: i, total: timesteps.length, timestep: t });
      const done = i === timesteps.length - 1;
      if (done) completed = true;
      yield { step: i, total: timesteps.length, timestep: t, sample: prevSample, predOriginalSample, done };
    }
  } finally {
    if (!completed) tf.dispose([x, x0].filter((v): v is tf.Tensor => v !== null));
    if (ownLabels) labels?.dispose();
  }
}

/**
 * Runs the whole loop and returns the samples `[batch, ...]` (owned by the caller).
 *
 * @example
 * const samples = await generate({ model, scheduler: new DDIMScheduler(), numInferenceSteps: 50, shape: [1000, 2], seed: 1 });
 * const digits = await generate({ model, scheduler, numInferenceSteps: 25, shape: [10, 28, 28, 1], seed: 2,
 *   classLabels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], guidanceScale: 3, nullLabel: 10 });
 */
export async function generate(options: SampleOptions): Promise<tf.Tensor> {
  let result: tf.Tensor | null = null;
  for await (const s of sampleSteps(options)) {
    if (s.done) {
      result = s.sample;
      s.predOriginalSample.dispose();
    }
  }
  return result as tf.Tensor;
}
