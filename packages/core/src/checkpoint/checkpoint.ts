// Training checkpoints as safetensors files: params under `params.*`, optimizer slots under
// `optimizer.*`, and step, RNG state and config as JSON strings in `__metadata__` (DESIGN.md §5:
// a resumed run continues exactly). Loading validates everything before creating any tensor.
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, InvalidArgumentError, describeValue } from '../errors.js';
import { flattenParams, type ParamTree } from '../params.js';
import { isPRNGKey } from '../random/key.js';
import type { RngState } from '../random/rng.js';
import {
  createTensors,
  decodeEntry,
  encodeSafetensors,
  readSafetensorsHeader,
  type DecodedArray,
  type SafetensorsDtype,
  type SafetensorsEntry,
} from './safetensors.js';

/** A JSON value (what `JSON.stringify` round-trips). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Everything a training run needs to resume exactly. */
export interface CheckpointContents {
  /** Model parameters (tensors or variables); saved under `params.<path>`. */
  params: ParamTree;
  /** Optimizer slots (e.g. `{m: tree, v: tree}`); saved under `optimizer.<path>`. */
  optimizerState?: ParamTree;
  /** Number of optimizer steps taken: a non-negative integer. */
  step: number;
  /** `rng.state()` of the run's `Rng`, so a resumed run draws the same numbers. */
  rngState?: RngState;
  /** The model/training config; must survive `JSON.stringify`. */
  config: JsonValue;
}

/** Options of `saveCheckpoint`. */
export interface SaveCheckpointOptions extends CheckpointContents {
  /** Extra string metadata (keys must not start with `gen.`). */
  metadata?: Record<string, string>;
}

/** Options of `loadCheckpoint`. */
export interface LoadCheckpointOptions {
  /** A tree with the expected names, shapes and dtypes of `params` (e.g. a freshly initialised model). */
  expect?: ParamTree;
  /** The same for `optimizerState`. */
  expectOptimizer?: ParamTree;
}

/** A loaded checkpoint. Its tensors belong to the caller (`disposeParams(loaded.params)`). */
export interface LoadedCheckpoint {
  params: ParamTree;
  optimizerState?: ParamTree;
  step: number;
  rngState?: RngState;
  config: JsonValue;
  /** Extra string metadata given to `saveCheckpoint`. */
  metadata: Record<string, string>;
}

/** Format name stored in the metadata of every gen checkpoint. */
export const CHECKPOINT_FORMAT = 'gen.checkpoint';
/** Version of the checkpoint layout; bumped on incompatible changes. */
export const CHECKPOINT_VERSION = 1;

const KEY = {
  format: 'gen.format',
  version: 'gen.version',
  step: 'gen.step',
  rng: 'gen.rng',
  config: 'gen.config',
  optimizer: 'gen.optimizer',
} as const;

const SAFETENSORS_TO_TFJS: Record<SafetensorsDtype, 'float32' | 'int32' | 'bool'> = {
  F32: 'float32',
  F16: 'float32',
  BF16: 'float32',
  F64: 'float32',
  I32: 'int32',
  I64: 'int32',
  U8: 'int32',
  BOOL: 'bool',
};

function invalid(message: string): never {
  throw new CheckpointError(`Checkpoint is invalid: ${message}`);
}

function flattenArg(tree: unknown, fn: string, arg: string): Record<string, tf.Tensor> {
  if (tree === null || typeof tree !== 'object' || tree instanceof tf.Tensor) {
    throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' must be a tree of tensors, but got ${describeValue(tree)}.`);
  }
  try {
    return flattenParams(tree as ParamTree);
  } catch (error) {
    throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' is not a valid tree: ${(error as Error).message}`);
  }
}

/**
 * Serialises a training state to safetensors bytes. Params go under `params.*`, optimizer slots
 * under `optimizer.*`; step, RNG state and config are JSON in the metadata. Inputs are not disposed.
 *
 * @example
 * const bytes = await saveCheckpoint({ params, optimizerState, step: 1000, rngState: rng.state(), config });
 */
export async function saveCheckpoint(options: SaveCheckpointOptions): Promise<Uint8Array> {
  const fn = 'saveCheckpoint';
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`Argument 'options' passed to '${fn}' must be an object, but got ${describeValue(options)}.`);
  }
  const { params, optimizerState, step, rngState, config, metadata = {} } = options;
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new InvalidArgumentError(`Argument 'step' passed to '${fn}' must be a non-negative integer, but got ${describeValue(step)}.`);
  }
  if (rngState !== undefined && !isPRNGKey(rngState?.key)) {
    throw new InvalidArgumentError(`Argument 'rngState' passed to '${fn}' must be {key: [uint32, uint32]} (from rng.state()), but got ${describeValue(rngState)}.`);
  }
  let configText: string | undefined;
  try {
    configText = JSON.stringify(config);
  } catch (error) {
    throw new InvalidArgumentError(`Argument 'config' passed to '${fn}' must be JSON-serialisable: ${(error as Error).message}`);
  }
  if (configText === undefined) {
    throw new InvalidArgumentError(`Argument 'config' passed to '${fn}' must be JSON-serialisable, but got ${describeValue(config)}.`);
  }
  const tensors: Record<string, tf.Tensor> = {};
  for (const [path, t] of Object.entries(flattenArg(params, fn, 'params'))) tensors[`params.${path}`] = t;
  if (optimizerState !== undefined) {
    for (const [path, t] of Object.entries(flattenArg(optimizerState, fn, 'optimizerState'))) tensors[`optimizer.${path}`] = t;
  }
  const meta: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (key.startsWith('gen.')) {
      throw new InvalidArgumentError(`Metadata key '${key}' passed to '${fn}' must not start with 'gen.', which is reserved.`);
    }
    meta[key] = value;
  }
  meta[KEY.format] = CHECKPOINT_FORMAT;
  meta[KEY.version] = String(CHECKPOINT_VERSION);
  meta[KEY.step] = String(step);
  meta[KEY.config] = configText;
  if (rngState !== undefined) meta[KEY.rng] = JSON.stringify({ key: [rngState.key[0], rngState.key[1]] });
  if (optimizerState !== undefined) meta[KEY.optimizer] = 'true';
  return encodeSafetensors(tensors, meta);
}

function parseJsonMeta(metadata: Record<string, string>, key: string): unknown {
  try {
    return JSON.parse(metadata[key]);
  } catch {
    return invalid(`metadata '${key}' is not valid JSON.`);
  }
}

/** Checks that no path is both a leaf and a subtree (`a.b` and `a.b.c`) and that no part is empty. */
function checkTreePaths(paths: string[], group: string): void {
  const leaves = new Set(paths);
  for (const path of paths) {
    const parts = path.split('.');
    if (parts.some((part) => part.length === 0)) invalid(`tensor name '${group}.${path}' has an empty path part.`);
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('.');
      if (leaves.has(prefix)) invalid(`tensor '${group}.${prefix}' is both a tensor and the parent of '${group}.${path}'.`);
    }
  }
}

/** Compares the stored entries of one group to an expected tree; lists every mismatch. */
function checkExpected(
  entries: Map<string, SafetensorsEntry>,
  expect: ParamTree,
  group: string,
  arg: string,
): void {
  const wanted = flattenArg(expect, 'loadCheckpoint', arg);
  const problems: string[] = [];
  for (const [path, t] of Object.entries(wanted)) {
    const entry = entries.get(path);
    if (!entry) {
      problems.push(`missing '${group}.${path}'`);
      continue;
    }
    if (entry.shape.join(',') !== t.shape.join(',')) {
      problems.push(`'${group}.${path}' has shape [${entry.shape.join(', ')}], expected [${t.shape.join(', ')}]`);
    }
    const dtype = SAFETENSORS_TO_TFJS[entry.dtype];
    if (dtype !== t.dtype) problems.push(`'${group}.${path}' has dtype ${dtype} (${entry.dtype}), expected ${t.dtype}`);
  }
  for (const path of entries.keys()) {
    if (!Object.hasOwn(wanted, path)) problems.push(`unexpected '${group}.${path}'`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 8).join('; ');
    const more = problems.length > 8 ? `; and ${problems.length - 8} more` : '';
    throw new CheckpointError(`Checkpoint does not match the expected ${arg === 'expect' ? 'params' : 'optimizer state'}: ${shown}${more}.`);
  }
}

/**
 * Rebuilds a tree from validated dot paths using own properties only, so names such as
 * 'toString.x' can never reach `Object.prototype` (unlike a plain `node[part] ??= {}` walk).
 */
function buildTree(flat: Record<string, tf.Tensor>): ParamTree {
  const root: Record<string, unknown> = {};
  for (const [path, tensor] of Object.entries(flat)) {
    const parts = path.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      if (!Object.hasOwn(node, part)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = tensor;
  }
  return root as ParamTree;
}

/**
 * Loads a checkpoint written by `saveCheckpoint`. Validates the whole file (format, metadata, every
 * tensor's dtype/shape/offsets, and the `expect` trees when given) before creating any tensor; any
 * problem throws `CheckpointError` and nothing is loaded. The returned tensors belong to the caller.
 *
 * @example
 * const ckpt = loadCheckpoint(bytes, { expect: model.params });
 * const rng = ckpt.rngState ? Rng.fromState(ckpt.rngState) : new Rng(0);
 * // ... later: disposeParams(ckpt.params)
 */
export function loadCheckpoint(input: Uint8Array | ArrayBuffer, options: LoadCheckpointOptions = {}): LoadedCheckpoint {
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError(
      `Argument 'bytes' passed to 'loadCheckpoint' must be a Uint8Array or ArrayBuffer, but got ${describeValue(input)}.`,
    );
  }
  const header = readSafetensorsHeader(bytes);
  const { metadata } = header;
  if (metadata[KEY.format] !== CHECKPOINT_FORMAT) {
    invalid(`metadata '${KEY.format}' is ${describeValue(metadata[KEY.format])}, expected '${CHECKPOINT_FORMAT}' (not a gen checkpoint?).`);
  }
  if (metadata[KEY.version] !== String(CHECKPOINT_VERSION)) {
    invalid(`metadata '${KEY.version}' is ${describeValue(metadata[KEY.version])}; this version of gen reads version ${CHECKPOINT_VERSION}.`);
  }
  const stepText = metadata[KEY.step];
  const step = stepText !== undefined && /^(0|[1-9][0-9]{0,15})$/.test(stepText) ? Number(stepText) : NaN;
  if (!Number.isSafeInteger(step)) invalid(`metadata '${KEY.step}' is ${describeValue(stepText)}, expected a non-negative integer.`);
  if (metadata[KEY.config] === undefined) invalid(`metadata '${KEY.config}' is missing.`);
  const config = parseJsonMeta(metadata, KEY.config) as JsonValue;
  let rngState: RngState | undefined;
  if (metadata[KEY.rng] !== undefined) {
    const rng = parseJsonMeta(metadata, KEY.rng) as RngState;
    if (rng === null || typeof rng !== 'object' || !isPRNGKey(rng.key)) {
      invalid(`metadata '${KEY.rng}' must be {"key": [uint32, uint32]}, but is ${metadata[KEY.rng].slice(0, 80)}.`);
    }
    rngState = { key: [rng.key[0], rng.key[1]] };
  }
  const hasOptimizer = metadata[KEY.optimizer] === 'true';

  const groups = { params: new Map<string, SafetensorsEntry>(), optimizer: new Map<string, SafetensorsEntry>() };
  for (const entry of header.entries) {
    const dot = entry.name.indexOf('.');
    const group = entry.name.slice(0, dot);
    if (dot < 0 || (group !== 'params' && group !== 'optimizer')) {
      invalid(`tensor '${entry.name}' is neither under 'params.' nor under 'optimizer.'.`);
    }
    if (group === 'optimizer' && !hasOptimizer) invalid(`tensor '${entry.name}' is present but the metadata records no optimizer state.`);
    groups[group].set(entry.name.slice(dot + 1), entry);
  }
  checkTreePaths([...groups.params.keys()], 'params');
  checkTreePaths([...groups.optimizer.keys()], 'optimizer');
  if (options.expect !== undefined) checkExpected(groups.params, options.expect, 'params', 'expect');
  if (options.expectOptimizer !== undefined) {
    if (!hasOptimizer) throw new CheckpointError('Checkpoint does not match the expected optimizer state: it holds no optimizer state.');
    checkExpected(groups.optimizer, options.expectOptimizer, 'optimizer', 'expectOptimizer');
  }

  // Everything is valid: convert the bytes (which may still reject I64 overflow or bad BOOL bytes),
  // then create all tensors at once.
  const arrays: Record<string, DecodedArray> = {};
  for (const entry of header.entries) arrays[entry.name] = decodeEntry(bytes, header.dataStart, entry);
  const tensors = createTensors(arrays);
  const pick = (group: 'params' | 'optimizer') => {
    const flat: Record<string, tf.Tensor> = {};
    for (const path of groups[group].keys()) flat[path] = tensors[`${group}.${path}`];
    return buildTree(flat);
  };
  const extra: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) if (!key.startsWith('gen.')) extra[key] = value;
  return {
    params: pick('params'),
    optimizerState: hasOptimizer ? pick('optimizer') : undefined,
    step,
    rngState,
    config,
    metadata: extra,
  };
}
