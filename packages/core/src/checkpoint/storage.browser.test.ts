// Runs in headless Chromium: checkpoints saved to and loaded from the browser's real storage
// (OPFS and IndexedDB), then decoded into the same tensors.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  browserStorageAvailable,
  checkpointBytes,
  checkpointToBlob,
  deleteCheckpointFromBrowser,
  initBackend,
  loadCheckpoint,
  loadCheckpointFromBrowser,
  randomNormal,
  saveCheckpoint,
  saveCheckpointToBrowser,
} from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';

describe('checkpoints in browser storage', () => {
  it('both OPFS and IndexedDB are available in Chromium', () => {
    expect(browserStorageAvailable()).toEqual({ opfs: true, indexeddb: true });
  });

  it.each(['opfs', 'indexeddb'] as const)('%s: save, load and decode give back the same tensors', async (storage) => {
    await initBackend('cpu');
    const params = { dense: { weight: randomNormal(1, [3, 4]), bias: randomNormal(2, [4]) } };
    const bytes = await saveCheckpoint({ params, step: 7, config: { kind: 'test' } });
    expect(await saveCheckpointToBrowser(`model-${storage}`, bytes, { storage })).toBe(storage);
    const loadedBytes = await loadCheckpointFromBrowser(`model-${storage}`, { storage });
    expect(Array.from(loadedBytes)).toEqual(Array.from(bytes));
    const before = tf.memory().numTensors;
    const loaded = await loadCheckpoint(loadedBytes);
    expect(loaded.step).toBe(7);
    const weight = (loaded.params as { dense: { weight: tf.Tensor } }).dense.weight;
    expect(Array.from(await weight.data())).toEqual(Array.from(await params.dense.weight.data()));
    tf.dispose(loaded.params as unknown as tf.TensorContainer);
    expect(tf.memory().numTensors).toBe(before);
    await deleteCheckpointFromBrowser(`model-${storage}`, { storage });
    await expect(loadCheckpointFromBrowser(`model-${storage}`, { storage })).rejects.toThrow(CheckpointError);
    tf.dispose(params as unknown as tf.TensorContainer);
  });

  it('a Blob round trip leaks nothing', async () => {
    const params = { w: randomNormal(3, [2, 2]) };
    const bytes = await saveCheckpoint({ params, step: 1, config: {} });
    await expectNoLeak(async () => {
      const loaded = await loadCheckpoint(await checkpointBytes(checkpointToBlob(bytes)));
      return loaded.params as unknown as tf.TensorContainer;
    });
    tf.dispose(params.w);
  });
});
