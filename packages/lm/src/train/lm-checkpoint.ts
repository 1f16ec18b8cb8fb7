// Checkpoints of the neural language models (Gpt, RnnLm): @gen/core safetensors with the weights
// under `params.*`, the optimizer slots under `optimizer.*`, and in the metadata the model config,
// the tokenizer, the optimizer config, the step and the RNG key, so that training resumes exactly
// (restoreTrainState) and weights never run with another vocabulary.
import {
  CheckpointError,
  InvalidArgumentError,
  type JsonValue,
  type Optimizer,
  type ParamTree,
  Rng,
  type TrainState,
  captureTrainState,
  describeValue,
  disposeParams,
  disposeTrainState,
  flattenParams,
  loadCheckpoint,
  restoreTrainState,
  saveCheckpoint,
  unflattenParams,
} from '@gen/core';
import { tokenizerFromJson } from '../tokenizer/from-json.js';
import type { Tokenizer, TokenizerJson } from '../tokenizer/tokenizer.js';

/** Options of `Gpt.save` / `RnnLm.save`. */
export interface LmSaveOptions {
  /**
   * The state `train`'s `checkpoint.save` callback gets: its optimizer slots, step and RNG key are
   * saved with the model's weights (what `restoreTraining` needs to continue exactly).
   */
  readonly trainState?: TrainState;
  /** Or: save this optimizer's slots and step now (the one bound to the model's params). */
  readonly optimizer?: Optimizer;
  /**
   * With `optimizer`: the training `Rng` (`result.rng` of `train`), saved as its key. Without it
   * the checkpoint holds no RNG key, and a resumed run draws its keys from the seed it is given.
   */
  readonly rng?: Rng;
}

interface LmConfigJson {
  format: string;
  tokenizer: TokenizerJson;
  optimizer?: JsonValue;
  [model: string]: unknown;
}

const SAVE_KEYS = ['trainState', 'optimizer', 'rng'];

/** Writes a model checkpoint; `modelKey` names the config entry ('gpt', 'rnn'). */
export async function saveLmCheckpoint(
  fn: string,
  format: string,
  modelKey: string,
  config: object,
  tokenizer: Tokenizer,
  params: ParamTree,
  options: LmSaveOptions,
): Promise<Uint8Array> {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`Argument 'options' passed to '${fn}' must be an object, but got ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!SAVE_KEYS.includes(key)) {
      throw new InvalidArgumentError(`Argument 'options' passed to '${fn}' has unknown key '${key}'; expected one of ${SAVE_KEYS.map((k) => `'${k}'`).join(', ')}.`);
    }
  }
  const { trainState, optimizer, rng } = options;
  if (trainState !== undefined && optimizer !== undefined) {
    throw new InvalidArgumentError(`Argument 'options' passed to '${fn}' must give either 'trainState' or 'optimizer', not both.`);
  }
  if (rng !== undefined && !(rng instanceof Rng)) {
    throw new InvalidArgumentError(`Argument 'options.rng' passed to '${fn}' must be an Rng (result.rng of train), but got ${describeValue(rng)}.`);
  }
  if (rng !== undefined && optimizer === undefined) {
    throw new InvalidArgumentError(`Argument 'options.rng' passed to '${fn}' needs 'options.optimizer' too (an RNG key alone cannot resume training).`);
  }
  let state: TrainState | undefined = trainState;
  let owned = false;
  if (optimizer !== undefined) {
    state = captureTrainState(optimizer, rng ?? new Rng(0));
    owned = true;
  }
  if (state !== undefined && (state === null || typeof state !== 'object' || state.optimizer == null || state.optimizer.slots == null)) {
    throw new InvalidArgumentError(`Argument 'options.trainState' passed to '${fn}' must be a TrainState (from train's checkpoint callback), but got ${describeValue(state)}.`);
  }
  try {
    const json: LmConfigJson = { format, [modelKey]: { ...config }, tokenizer: tokenizer.toJSON() };
    if (state) json.optimizer = { ...state.optimizer.config } as JsonValue;
    return await saveCheckpoint({
      params,
      optimizerState: state ? (unflattenParams(state.optimizer.slots) as ParamTree) : undefined,
      step: state?.step ?? 0,
      rngState: state && !(owned && rng === undefined) ? state.rng : undefined,
      config: json as unknown as JsonValue,
    });
  } finally {
    if (owned && state) disposeTrainState(state);
  }
}

/** The config and tokenizer of a checkpoint, read without creating tensors; any problem is a CheckpointError. */
export function readLmCheckpointConfig<C>(fn: string, bytes: Uint8Array, format: string, modelKey: string, kind: string): { config: C; tokenizer: Tokenizer; json: LmConfigJson } {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError(`Argument 'bytes' passed to '${fn}' must be a Uint8Array, but got ${describeValue(bytes)}.`);
  }
  // Validates the whole file; the tensors it makes are freed at once (the real load checks shapes).
  const peek = loadCheckpoint(bytes);
  disposeParams(peek.params);
  if (peek.optimizerState) disposeParams(peek.optimizerState);
  const json = peek.config as unknown as LmConfigJson;
  if (json === null || typeof json !== 'object' || json.format !== format || json[modelKey] == null || json.tokenizer == null) {
    throw new CheckpointError(`Checkpoint passed to '${fn}' is not ${kind} checkpoint (config format ${describeValue((json as { format?: unknown })?.format)}).`);
  }
  let tokenizer: Tokenizer;
  try {
    tokenizer = tokenizerFromJson(json.tokenizer);
  } catch (error) {
    throw new CheckpointError(`Checkpoint passed to '${fn}' holds an invalid tokenizer: ${(error as Error).message}`);
  }
  return { config: json[modelKey] as C, tokenizer, json };
}

/** Throws CheckpointError unless `given` (when given) equals the saved tokenizer. */
export function checkSameTokenizer(fn: string, arg: string, given: Tokenizer | undefined, saved: Tokenizer): void {
  if (given && JSON.stringify(given.toJSON()) !== JSON.stringify(saved.toJSON())) {
    throw new CheckpointError(`Argument '${arg}' passed to '${fn}' must match the tokenizer saved with the model, but it differs (vocabSize ${given.vocabSize} vs saved ${saved.vocabSize}).`);
  }
}

/**
 * Restores weights, optimizer slots and step from a checkpoint into a live model and its
 * optimizer, after checking that the checkpoint is for this model (format, config, tokenizer,
 * every tensor's name and shape, optimizer kind): on any mismatch throws CheckpointError and
 * changes nothing. Returns the saved training `Rng` (undefined when the checkpoint has none).
 */
export function restoreLmTraining(
  fn: string,
  bytes: Uint8Array,
  format: string,
  modelKey: string,
  kind: string,
  model: { config: object; tokenizer: Tokenizer; params: ParamTree },
  optimizer: Optimizer,
): Rng | undefined {
  if (optimizer === null || typeof optimizer !== 'object' || typeof (optimizer as Optimizer).loadState !== 'function') {
    throw new InvalidArgumentError(`Argument 'optimizer' passed to '${fn}' must be an Optimizer bound to the model's params, but got ${describeValue(optimizer)}.`);
  }
  const { config, json } = readLmCheckpointConfig<object>(fn, bytes, format, modelKey, kind);
  checkSameTokenizer(fn, 'bytes', model.tokenizer, tokenizerFromJson(json.tokenizer));
  const mine = JSON.stringify(sortKeys(model.config));
  const saved = JSON.stringify(sortKeys(config));
  if (mine !== saved) throw new CheckpointError(`Checkpoint passed to '${fn}' is for another model: saved config ${saved}, this model ${mine}.`);
  if (json.optimizer == null) {
    throw new CheckpointError(`Checkpoint passed to '${fn}' holds no optimizer state (save it with save({trainState}) or save({optimizer, rng})).`);
  }
  const loaded = loadCheckpoint(bytes, { expect: model.params });
  try {
    if (!loaded.optimizerState) throw new CheckpointError(`Checkpoint passed to '${fn}' holds no optimizer state.`);
    const state: TrainState = {
      step: loaded.step,
      params: flattenParams(loaded.params),
      optimizer: { config: json.optimizer as never, step: loaded.step, slots: flattenParams(loaded.optimizerState) },
      rng: loaded.rngState ?? { key: [0, 0] },
    };
    // Validates every parameter and slot (and the optimizer kind) before assigning anything.
    const rng = restoreTrainState(state, optimizer);
    return loaded.rngState ? rng : undefined;
  } finally {
    disposeParams(loaded.params);
    if (loaded.optimizerState) disposeParams(loaded.optimizerState);
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}
