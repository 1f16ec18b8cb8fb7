// Node-side tests of the browser helpers: feature detection, Blob round trip, and the OPFS code path
// against a small in-memory stand-in for navigator.storage (real browsers: browser.browser.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointError, InvalidArgumentError, disposeParams } from '@gen/core';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import {
  browserStorageAvailable,
  checkpointBytes,
  checkpointToBlob,
  deleteCheckpointFromBrowser,
  loadCheckpointFromBrowser,
  saveCheckpointToBrowser,
} from './browser.js';

function fakeOpfs() {
  const files = new Map<string, Uint8Array>();
  const directory = {
    async getFileHandle(name: string, options: { create?: boolean } = {}) {
      if (!files.has(name) && !options.create) throw new DOMException('not found', 'NotFoundError');
      if (!files.has(name)) files.set(name, new Uint8Array(0));
      return {
        async createWritable() {
          const parts: Uint8Array[] = [];
          return {
            async write(chunk: Uint8Array) { parts.push(new Uint8Array(chunk)); },
            async close() { files.set(name, new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer())); },
          };
        },
        async getFile() { return new Blob([files.get(name)! as BlobPart]); },
      };
    },
    async removeEntry(name: string) { if (!files.delete(name)) throw new DOMException('not found', 'NotFoundError'); },
  };
  const root = { async getDirectoryHandle() { return directory; } };
  return { files, navigator: { storage: { getDirectory: async () => root } } };
}

const original = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
afterEach(() => {
  if (original) Object.defineProperty(globalThis, 'navigator', original);
  else delete (globalThis as { navigator?: unknown }).navigator;
});

describe('browser checkpoint helpers', () => {
  it('Blob round trip keeps the bytes and the checkpoint loads', async () => {
    const params = { w: tf.tensor([1, 2, 3]) };
    const bytes = await saveCheckpoint({ params, step: 2, config: null });
    const blob = checkpointToBlob(bytes);
    expect(blob.size).toBe(bytes.length);
    const back = await checkpointBytes(blob);
    expect(back).toEqual(bytes);
    expect(await checkpointBytes(bytes.slice().buffer)).toEqual(bytes);
    const ckpt = loadCheckpoint(back);
    expect(Array.from(await (ckpt.params.w as tf.Tensor).data())).toEqual([1, 2, 3]);
    disposeParams(ckpt.params);
    disposeParams(params);
    await expect(checkpointBytes('x' as never)).rejects.toThrow(InvalidArgumentError);
  });

  it('reports no storage in Node and refuses with a clear error', async () => {
    Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true });
    const idb = (globalThis as { indexedDB?: unknown }).indexedDB;
    expect(browserStorageAvailable()).toEqual({ opfs: false, indexeddb: idb !== undefined });
    if (idb === undefined) {
      await expect(saveCheckpointToBrowser('a', new Uint8Array(1))).rejects.toThrow(/needs OPFS .* or IndexedDB/);
    }
    await expect(saveCheckpointToBrowser('a', new Uint8Array(1), { storage: 'opfs' })).rejects.toThrow(/does not have/);
  });

  it('saves, loads and deletes through OPFS when navigator.storage.getDirectory exists', async () => {
    const fake = fakeOpfs();
    Object.defineProperty(globalThis, 'navigator', { value: fake.navigator, configurable: true });
    expect(browserStorageAvailable().opfs).toBe(true);
    const bytes = new Uint8Array([5, 6, 7, 8]);
    expect(await saveCheckpointToBrowser('run-1.safetensors', bytes.subarray(1))).toBe('opfs');
    expect(fake.files.get('run-1.safetensors')).toEqual(new Uint8Array([6, 7, 8]));
    expect(await loadCheckpointFromBrowser('run-1.safetensors')).toEqual(new Uint8Array([6, 7, 8]));
    await deleteCheckpointFromBrowser('run-1.safetensors');
    await expect(loadCheckpointFromBrowser('run-1.safetensors')).rejects.toThrow(CheckpointError);
    await expect(saveCheckpointToBrowser('../evil', bytes)).rejects.toThrow(/must be 1-200 characters/);
    await expect(saveCheckpointToBrowser('ok', bytes, { storage: 'disk' as never })).rejects.toThrow(/must be one of 'auto', 'opfs', 'indexeddb'/);
  });
});
