// Node helpers: checkpoints to and from files. `node:fs` is imported dynamically, so bundles for
// browsers never load it (call these only in Node).
import { CheckpointError, InvalidArgumentError, describeValue } from '../errors.js';
import {
  loadCheckpoint,
  saveCheckpoint,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  type SaveCheckpointOptions,
} from './checkpoint.js';

function checkPath(fn: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidArgumentError(`Argument 'path' passed to '${fn}' must be a non-empty string, but got ${describeValue(path)}.`);
  }
}

/**
 * Writes bytes to `path` atomically: to a temporary file beside it, then renamed over `path`, so a
 * crash mid-write never leaves a truncated checkpoint behind. Node only.
 *
 * @example
 * await writeFileAtomic('run/model.safetensors', bytes);
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  checkPath('writeFileAtomic', path);
  const fs = await import('node:fs/promises');
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.writeFile(temporary, bytes);
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Saves a checkpoint (see `saveCheckpoint`) to a `.safetensors` file, atomically. Node only.
 *
 * @example
 * await saveCheckpointFile('run/step-1000.safetensors', { params, step: 1000, rngState: rng.state(), config });
 */
export async function saveCheckpointFile(path: string, contents: SaveCheckpointOptions): Promise<void> {
  checkPath('saveCheckpointFile', path);
  await writeFileAtomic(path, await saveCheckpoint(contents));
}

/**
 * Loads a checkpoint file (see `loadCheckpoint`); a missing or unreadable file throws
 * `CheckpointError`. The returned tensors belong to the caller. Node only.
 *
 * @example
 * const ckpt = await loadCheckpointFile('run/step-1000.safetensors', { expect: model.params });
 */
export async function loadCheckpointFile(path: string, options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  checkPath('loadCheckpointFile', path);
  const fs = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    throw new CheckpointError(`Checkpoint file '${path}' cannot be read: ${(error as Error).message}`);
  }
  return loadCheckpoint(bytes, options);
}
