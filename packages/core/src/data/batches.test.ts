import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { batchIndices, batches, numBatches } from './batches.js';
import { trainTestSplit } from './split.js';

const rows = (n: number, width = 3) => ({ values: Float32Array.from({ length: n * width }, (_, i) => i), shape: [n, width] });

describe('batchIndices / batches', () => {
  it('covers every example exactly once per epoch, in order without shuffle', () => {
    const groups = batchIndices(10, { batchSize: 4 });
    expect(groups.map((g) => Array.from(g))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(batchIndices(10, { batchSize: 4, dropLast: true }).length).toBe(2);
    expect(numBatches(10, 4)).toBe(3);
    expect(numBatches(10, 4, true)).toBe(2);
  });

  it('shuffles reproducibly per (seed, epoch) and differently across epochs and seeds', () => {
    const a = batchIndices(50, { batchSize: 50, shuffle: true, seed: 1, epoch: 0 })[0];
    const again = batchIndices(50, { batchSize: 50, shuffle: true, seed: 1, epoch: 0 })[0];
    const nextEpoch = batchIndices(50, { batchSize: 50, shuffle: true, seed: 1, epoch: 1 })[0];
    const otherSeed = batchIndices(50, { batchSize: 50, shuffle: true, seed: 2, epoch: 0 })[0];
    expect(Array.from(again)).toEqual(Array.from(a));
    expect(Array.from(nextEpoch)).not.toEqual(Array.from(a));
    expect(Array.from(otherSeed)).not.toEqual(Array.from(a));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('yields aligned rows of tensors and arrays; resuming at an epoch repeats its batches', async () => {
    const x = tf.tensor2d(Array.from({ length: 14 }, (_, i) => i), [7, 2]);
    const labels = { values: Int32Array.from([0, 1, 2, 3, 4, 5, 6]), shape: [7] };
    const seen: number[] = [];
    const all: Array<{ x: number[]; labels: number[] }> = [];
    for (const batch of batches({ x, labels }, { batchSize: 3, shuffle: true, seed: 5, epochs: 2 })) {
      expect(batch.labels.dtype).toBe('int32');
      const xs = Array.from(await batch.x.data());
      const ls = Array.from(await batch.labels.data());
      // Row i of x is [2i, 2i + 1]: rows must stay aligned with their labels.
      ls.forEach((l, r) => expect([xs[2 * r], xs[2 * r + 1]]).toEqual([2 * l, 2 * l + 1]));
      seen.push(...ls);
      all.push({ x: xs, labels: ls });
      tf.dispose(batch);
    }
    expect(all.length).toBe(6); // 3 batches x 2 epochs
    expect(seen.slice(0, 7).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(seen.slice(7).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const resumed: number[][] = [];
    for (const batch of batches({ x, labels }, { batchSize: 3, shuffle: true, seed: 5, epoch: 1 })) {
      resumed.push(Array.from(await batch.labels.data()));
      tf.dispose(batch);
    }
    expect(resumed).toEqual(all.slice(3).map((b) => b.labels));
    x.dispose();
  });

  it('slices unshuffled tensor batches and copies typed-array rows', async () => {
    const x = tf.tensor3d(Array.from({ length: 24 }, (_, i) => i), [4, 3, 2]);
    const out: number[][] = [];
    for (const b of batches(x, { batchSize: 3 })) {
      expect(b.shape.slice(1)).toEqual([3, 2]);
      out.push(Array.from(await b.data()));
      b.dispose();
    }
    expect(out).toEqual([Array.from({ length: 18 }, (_, i) => i), [18, 19, 20, 21, 22, 23]]);
    const fromArray = [...batches(rows(5), { batchSize: 2, dropLast: true })];
    expect(fromArray.map((t) => t.shape)).toEqual([[2, 3], [2, 3]]);
    expect(Array.from(fromArray[1].dataSync())).toEqual([6, 7, 8, 9, 10, 11]);
    tf.dispose(fromArray);
    x.dispose();
  });

  it('leaks nothing when batches are disposed, even after breaking early', async () => {
    const x = tf.randomUniform([20, 4], 0, 1, 'float32', 1);
    await expectNoLeak(() => {
      for (const b of batches(x, { batchSize: 6, shuffle: true, seed: 0 })) {
        b.dispose();
        break;
      }
    }, 'batches (break)');
    await expectNoLeak(() => {
      for (const b of batches({ x, y: rows(20) }, { batchSize: 6, shuffle: true, seed: 0 })) tf.dispose(b);
    }, 'batches');
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('rejects bad arguments with clear errors', () => {
    const x = tf.zeros([4, 2]);
    expect(() => [...batches(x, { batchSize: 0 })]).toThrow("Argument 'batchSize' passed to 'batches' must be an integer >= 1, but got 0.");
    expect(() => [...batches(x, { batchSize: 2, shuffle: true })]).toThrow(/'seed' passed to 'batches' is required/);
    expect(() => [...batches({ x, y: tf.zeros([3]) }, { batchSize: 2 })]).toThrow(ShapeError);
    expect(() => [...batches({ values: new Float32Array(5), shape: [2, 2] }, { batchSize: 2 })]).toThrow(/does not match its 5 values/);
    expect(() => [...batches([1, 2] as never, { batchSize: 2 })]).toThrow(InvalidArgumentError);
    tf.dispose(x);
  });
});

describe('trainTestSplit', () => {
  it('splits disjointly and completely, keeping rows aligned, reproducibly', async () => {
    const x = tf.tensor2d(Array.from({ length: 40 }, (_, i) => i), [20, 2]);
    const y = { values: Int32Array.from({ length: 20 }, (_, i) => i), shape: [20] };
    const split = trainTestSplit({ x, y }, { testFraction: 0.25, seed: 3 });
    expect(split.test.x.shape).toEqual([5, 2]);
    expect(split.train.y.shape).toEqual([15]);
    const all = [...split.trainIndices, ...split.testIndices].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(Array.from(split.test.y.values)).toEqual(Array.from(split.testIndices));
    const tx = Array.from(await split.test.x.data());
    split.testIndices.forEach((i, r) => expect(tx[2 * r]).toBe(2 * i));
    const again = trainTestSplit({ x, y }, { testFraction: 0.25, seed: 3 });
    expect(Array.from(again.testIndices)).toEqual(Array.from(split.testIndices));
    tf.dispose([split.train.x, split.test.x, again.train.x, again.test.x, x]);
  });

  it('stratifies: each class keeps its share in the test set', () => {
    const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : i < 95 ? 1 : 2));
    const data = { values: new Float32Array(100), shape: [100] };
    const { testIndices } = trainTestSplit(data, { testFraction: 0.2, seed: 1, stratify: labels });
    const counts = [0, 0, 0];
    for (const i of testIndices) counts[labels[i]]++;
    expect(testIndices.length).toBe(20);
    expect(counts).toEqual([16, 3, 1]);
  });

  it('without shuffle takes the last examples as test; leaks nothing', async () => {
    const x = tf.zeros([10, 2]);
    const { testIndices } = trainTestSplit(rows(10), { testSize: 3, shuffle: false });
    expect(Array.from(testIndices)).toEqual([7, 8, 9]);
    await expectNoLeak(() => {
      const s = trainTestSplit(x, { seed: 0 });
      return [s.train, s.test];
    }, 'trainTestSplit');
    expect(() => trainTestSplit(x, { testSize: 10, seed: 0 })).toThrow("Argument 'testSize' passed to 'trainTestSplit' must be an integer >= 1 and <= 9, but got 10.");
    expect(() => trainTestSplit(x, {})).toThrow(/'seed' passed to 'trainTestSplit' is required/);
    expect(() => trainTestSplit(x, { seed: 0, stratify: [1, 2] })).toThrow(ShapeError);
    x.dispose();
  });
});
