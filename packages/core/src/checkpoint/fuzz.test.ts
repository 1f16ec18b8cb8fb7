// Fuzzing the decoder: truncations, seeded bit flips and random hostile headers must never crash,
// hang or leak; each either loads or throws CheckpointError.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CheckpointError, RandomStream, disposeParams, flattenParams, randomNormal } from '@gen/core';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

type Outcome = 'loaded' | 'rejected';

/** Runs `fn`, disposing whatever it loads; fails the test on any error other than CheckpointError or on a leak. */
function attempt(fn: () => tf.Tensor[]): Outcome {
  const before = tf.memory().numTensors;
  let outcome: Outcome;
  try {
    const tensors = fn();
    for (const t of tensors) expect(t.isDisposed).toBe(false);
    tf.dispose(tensors);
    outcome = 'loaded';
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    outcome = 'rejected';
  }
  expect(tf.memory().numTensors).toBe(before);
  return outcome;
}

const decodeAll = (bytes: Uint8Array) => () => Object.values(decodeSafetensors(bytes).tensors);
const loadAll = (bytes: Uint8Array) => () => {
  const ckpt = loadCheckpoint(bytes);
  return [...Object.values(flattenParams(ckpt.params)), ...Object.values(flattenParams(ckpt.optimizerState ?? {}))];
};

async function sampleFile(): Promise<Uint8Array> {
  const params = { layer: { weight: randomNormal(0, [5, 3]), bias: tf.zeros([3]) }, ids: tf.tensor([1, 2, 3], [3], 'int32'), flag: tf.tensor([true], [1], 'bool') };
  const bytes = await saveCheckpoint({ params, optimizerState: { m: { w: tf.ones([2]) } }, step: 5, rngState: { key: [1, 2] }, config: { a: [1, 2] } });
  disposeParams(params);
  return bytes;
}

describe('decoder fuzzing', () => {
  it('rejects every truncation of a valid file', async () => {
    const bytes = await sampleFile();
    expect(attempt(loadAll(bytes))).toBe('loaded');
    for (let length = 0; length < bytes.length; length++) {
      expect(attempt(decodeAll(bytes.subarray(0, length))), `truncated to ${length}`).toBe('rejected');
      if (length % 7 === 0) expect(attempt(loadAll(bytes.subarray(0, length)))).toBe('rejected');
    }
  });

  it('survives 2000 seeded random bit flips (1-4 bits each)', async () => {
    const bytes = await sampleFile();
    const stream = new RandomStream(1234);
    const counts = { loaded: 0, rejected: 0 };
    for (let trial = 0; trial < 2000; trial++) {
      const copy = bytes.slice();
      const flips = 1 + Math.floor(stream.uniform() * 4);
      for (let f = 0; f < flips; f++) {
        const position = Math.floor(stream.uniform() * copy.length);
        copy[position] ^= 1 << Math.floor(stream.uniform() * 8);
      }
      counts[attempt(trial % 2 ? decodeAll(copy) : loadAll(copy))]++;
    }
    // Flips in the data section load (different values), flips in the header mostly reject: both happen.
    expect(counts.loaded).toBeGreaterThan(100);
    expect(counts.rejected).toBeGreaterThan(100);
  });

  it('survives 1500 random hostile headers', async () => {
    const stream = new RandomStream(99);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(stream.uniform() * items.length)];
    const names = ['a', 'b', '__proto__', 'constructor', 'x.prototype', 'params.w', '', '__metadata__', 'a.b'];
    const dtypes = ['F32', 'F16', 'BF16', 'F64', 'I32', 'I64', 'U8', 'BOOL', 'F8', 'int', 7, null];
    const num = () => pick([0, 1, 2, 3, 4, 8, 12, 16, -1, 1.5, 2 ** 31, 2 ** 53, 1e300, '4', null]);
    let loaded = 0;
    for (let trial = 0; trial < 1500; trial++) {
      const header: Record<string, unknown> = {};
      const entries = Math.floor(stream.uniform() * 4);
      for (let e = 0; e < entries; e++) {
        header[pick(names)] = stream.uniform() < 0.1
          ? pick([null, 3, 'x', [], { dtype: 'F32' }])
          : { dtype: pick(dtypes), shape: Array.from({ length: Math.floor(stream.uniform() * 3) }, num), data_offsets: [num(), num()] };
      }
      if (stream.uniform() < 0.2) header.__metadata__ = pick([{ a: 'b' }, { a: 1 }, [], null, 'x']);
      let text = JSON.stringify(header);
      if (stream.uniform() < 0.1) text = text.slice(0, Math.floor(stream.uniform() * text.length));
      const data = new Uint8Array(Math.floor(stream.uniform() * 24)).map(() => Math.floor(stream.uniform() * 2));
      const head = new TextEncoder().encode(text);
      const file = new Uint8Array(8 + head.length + data.length);
      const declared = stream.uniform() < 0.1 ? pick([0, 1, 2 ** 32 + head.length, 2 ** 50, head.length + 3]) : head.length;
      new DataView(file.buffer).setBigUint64(0, BigInt(declared), true);
      file.set(head, 8);
      file.set(data, 8 + head.length);
      if (attempt(decodeAll(file)) === 'loaded') loaded++;
    }
    expect(loaded).toBeGreaterThan(0); // some random headers are valid (e.g. empty), so the test can tell
    expect(Object.prototype).not.toHaveProperty('dtype');
  });

  it('round-trips random tensors exactly (property test)', async () => {
    const stream = new RandomStream(7);
    for (let trial = 0; trial < 30; trial++) {
      const tensors: Record<string, tf.Tensor> = {};
      const count = 1 + Math.floor(stream.uniform() * 4);
      for (let i = 0; i < count; i++) {
        const shape = Array.from({ length: Math.floor(stream.uniform() * 4) }, () => Math.floor(stream.uniform() * 4));
        const size = shape.reduce((a, b) => a * b, 1);
        const kind = Math.floor(stream.uniform() * 3);
        tensors[`t${i}`] = kind === 0
          ? tf.tensor(Array.from({ length: size }, () => stream.normal() * 1e3), shape)
          : kind === 1
            ? tf.tensor(Array.from({ length: size }, () => Math.floor((stream.uniform() - 0.5) * 2 ** 32)), shape, 'int32')
            : tf.tensor(Array.from({ length: size }, () => stream.uniform() < 0.5), shape, 'bool');
      }
      const back = decodeSafetensors(await encodeSafetensors(tensors)).tensors;
      for (const [name, t] of Object.entries(tensors)) {
        expect(back[name].dtype).toBe(t.dtype);
        expect(back[name].shape).toEqual(t.shape);
        expect(Array.from(back[name].dataSync())).toEqual(Array.from(t.dataSync()));
      }
      tf.dispose([...Object.values(tensors), ...Object.values(back)]);
    }
  });
});
