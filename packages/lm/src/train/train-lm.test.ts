import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, InvalidArgumentError, adam, adamW, flattenParams, sgd, type Optimizer } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { describe, expect, it } from 'vitest';
import { Gpt } from '../gpt/gpt.js';
import { RnnLm } from '../rnn/rnn.js';
import { CharTokenizer } from '../tokenizer/char-tokenizer.js';
import { trainLm } from './train-lm.js';

// Real text: the Moby-Dick-like corpus of the n-gram fixtures; the last two lines are validation.
const lines = readFileSync(new URL('../../fixtures/corpus.txt', import.meta.url), 'utf8').split('\n').filter((l) => l);
const trainText = lines.slice(0, -2).join('\n');
const validText = lines.slice(-2).join('\n');
const tok = CharTokenizer.train(lines.join('\n'));

type Model = Gpt | RnnLm;
const makers: Array<[string, (seed: number) => Model, (m: Model) => Optimizer]> = [
  ['Gpt (dropout 0.2)', (s) => Gpt.create(tok, { contextLength: 16, numLayers: 1, numHeads: 2, dModel: 16, dropout: 0.2 }, s), (m) => adamW(m.params as never, { lr: 3e-3, weightDecay: 0.01 })],
  ['RnnLm LSTM (2 layers, dropout 0.2)', (s) => RnnLm.create(tok, { cell: 'lstm', embeddingDim: 8, hiddenSize: 16, numLayers: 2, dropout: 0.2 }, s), (m) => adam(m.params as never, { lr: 3e-3 })],
];
const common = { data: trainText, batchSize: 4, contextLength: 16, dataSeed: 7, seed: 11, progress: false as const, validation: { data: validText, every: 10, batches: 2 } };

function paramValues(m: Model): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(flattenParams(m.params as never)).map(([k, v]) => [k, v.dataSync() as Float32Array]));
}
function maxDiff(a: Record<string, Float32Array>, b: Record<string, Float32Array>): number {
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  let d = 0;
  for (const k of Object.keys(a)) a[k].forEach((v, i) => (d = Math.max(d, Math.abs(v - b[k][i]))));
  return d;
}

describe('trainLm: validation loss, checkpoints, exact resume', () => {
  it.each(makers)('%s: 20 steps, checkpoint, load into a fresh model, 20 more = 40 straight (1e-6)', async (_name, make, makeOpt) => {
    const before = tf.memory().numTensors;
    // 40 uninterrupted steps.
    const straight = make(1);
    const straightOpt = makeOpt(straight);
    const ref = await trainLm(straight, { ...common, optimizer: straightOpt, steps: 40 });
    expect(ref.step).toBe(40);
    const refVal = ref.metrics.series('valLoss');
    expect(refVal.map(([s]) => s)).toEqual([10, 20, 30, 40]);
    expect(refVal[3][1]).toBeLessThan(refVal[0][1]); // it learns

    // 20 steps with a checkpoint at 20 ...
    const first = make(1);
    const firstOpt = makeOpt(first);
    let saved: Uint8Array | undefined;
    let savedAt = -1;
    await trainLm(first, { ...common, optimizer: firstOpt, steps: 20, checkpoint: { every: 20, save: (bytes, step) => { saved = bytes; savedAt = step; } } });
    expect(savedAt).toBe(20);
    firstOpt.dispose();
    first.dispose();

    // ... then a fresh model (other init) loads it and trains to 40.
    const resumed = make(99);
    const loaded = (resumed instanceof Gpt ? await Gpt.load(saved!) : await RnnLm.load(saved!)) as Model;
    resumed.dispose();
    const resumedOpt = makeOpt(loaded);
    const rest = await trainLm(loaded, { ...common, seed: 12345, optimizer: resumedOpt, steps: 40, resume: saved });
    expect(rest.stepsDone).toBe(20);
    expect(resumedOpt.stepCount).toBe(40);
    expect(maxDiff(paramValues(straight), paramValues(loaded))).toBeLessThan(1e-6);
    // Same training losses and validation losses for steps 21..40.
    ref.metrics.rows.slice(20).forEach((row, i) => expect(Math.abs(rest.metrics.rows[i].loss - row.loss)).toBeLessThan(1e-6));
    const restVal = rest.metrics.series('valLoss');
    expect(restVal.map(([s]) => s)).toEqual([30, 40]);
    restVal.forEach(([, v], i) => expect(Math.abs(v - refVal[2 + i][1])).toBeLessThan(1e-6));

    // Without the RNG key (a different seed, no resume), the dropout masks differ and so does the run.
    const other = make(1);
    const otherOpt = makeOpt(other);
    await trainLm(other, { ...common, seed: 12, optimizer: otherOpt, steps: 40 });
    expect(maxDiff(paramValues(straight), paramValues(other))).toBeGreaterThan(1e-4);

    for (const o of [straightOpt, resumedOpt, otherOpt]) o.dispose();
    for (const m of [straight, loaded, other]) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('save({optimizer, rng}) resumes exactly too; the log line shows valLoss', async () => {
    const a = Gpt.create(tok, { contextLength: 16, numLayers: 1, numHeads: 2, dModel: 16, dropout: 0.1 }, 3);
    const aOpt = adam(a.params as never, { lr: 3e-3 });
    const lines: string[] = [];
    const r1 = await trainLm(a, { ...common, optimizer: aOpt, steps: 10, log: { every: 5, write: (l) => lines.push(l) } });
    expect(lines[1]).toMatch(/^step 10\/10 loss [0-9.]+ valLoss [0-9.]+ gradNorm/);
    const bytes = await a.save({ optimizer: aOpt, rng: r1.rng });
    await trainLm(a, { ...common, optimizer: aOpt, seed: r1.rng, steps: 15 });
    const b = await Gpt.load(bytes);
    const bOpt = adam(b.params as never, { lr: 3e-3 });
    const rng = b.restoreTraining(bytes, bOpt);
    expect(rng).toBeDefined();
    expect(bOpt.stepCount).toBe(10);
    await trainLm(b, { ...common, optimizer: bOpt, seed: rng!, steps: 15 });
    expect(maxDiff(paramValues(a), paramValues(b))).toBeLessThan(1e-6);
    await expectNoLeak(async () => {
      await a.save({ optimizer: aOpt, rng: r1.rng });
      b.restoreTraining(bytes, bOpt);
    }, 'save({optimizer, rng}) and restoreTraining');
    // Without an optimizer the checkpoint holds weights only: restoreTraining refuses it.
    const weightsOnly = await a.save();
    expect(() => b.restoreTraining(weightsOnly, bOpt)).toThrow(/holds no optimizer state/);
    for (const o of [aOpt, bOpt]) o.dispose();
    a.dispose();
    b.dispose();
  });

  it('mismatched or corrupt checkpoints throw CheckpointError and change nothing', async () => {
    const cfg = { contextLength: 16, numLayers: 1, numHeads: 2, dModel: 16 };
    const src = Gpt.create(tok, cfg, 1);
    const srcOpt = adam(src.params as never, { lr: 1e-2 });
    let bytes: Uint8Array | undefined;
    await trainLm(src, { ...common, optimizer: srcOpt, steps: 3, checkpoint: { every: 3, save: (b) => { bytes = b; } } });

    const target = Gpt.create(tok, cfg, 2);
    const targetOpt = adam(target.params as never, { lr: 1e-2 });
    await trainLm(target, { ...common, optimizer: targetOpt, steps: 1 });
    const snapshot = paramValues(target);
    const slotsBefore = targetOpt.state();
    const unchanged = () => {
      expect(maxDiff(snapshot, paramValues(target))).toBe(0);
      expect(targetOpt.stepCount).toBe(1);
      const now = targetOpt.state();
      for (const k of Object.keys(slotsBefore.slots)) expect(Array.from(now.slots[k].dataSync())).toEqual(Array.from(slotsBefore.slots[k].dataSync()));
      tf.dispose(Object.values(now.slots));
    };
    // Another architecture.
    const wide = Gpt.create(tok, { ...cfg, dModel: 32 }, 1);
    const wideOpt = adam(wide.params as never, { lr: 1e-2 });
    expect(() => wide.restoreTraining(bytes!, wideOpt)).toThrow(CheckpointError);
    expect(() => wide.restoreTraining(bytes!, wideOpt)).toThrow(/is for another model/);
    // Another optimizer kind.
    const sgdOpt = sgd(target.params as never, { lr: 1e-2, momentum: 0.9 });
    expect(() => target.restoreTraining(bytes!, sgdOpt)).toThrow(CheckpointError);
    unchanged();
    // Another tokenizer.
    const otherTok = Gpt.create(CharTokenizer.train(lines.slice(0, 3)), cfg, 1);
    const otherTokOpt = adam(otherTok.params as never, { lr: 1e-2 });
    expect(() => otherTok.restoreTraining(bytes!, otherTokOpt)).toThrow(/must match the tokenizer saved with the model/);
    await expect(Gpt.load(bytes!, otherTok.tokenizer)).rejects.toThrow(CheckpointError);
    // An RNN checkpoint is not a GPT checkpoint, and vice versa.
    const rnn = RnnLm.create(tok, { embeddingDim: 8, hiddenSize: 8 }, 0);
    await expect(Gpt.load(await rnn.save())).rejects.toThrow(/is not a GPT checkpoint/);
    await expect(RnnLm.load(bytes!)).rejects.toThrow(/is not an RNN checkpoint/);
    // Corrupt bytes: truncated, and a flipped byte inside the JSON header.
    const numBefore = tf.memory().numTensors;
    const truncated = bytes!.slice(0, bytes!.length - 7);
    expect(() => target.restoreTraining(truncated, targetOpt)).toThrow(CheckpointError);
    await expect(Gpt.load(truncated)).rejects.toThrow(CheckpointError);
    const flipped = bytes!.slice();
    flipped[12] = 0x7b; // '{' in the middle of the header JSON
    expect(() => target.restoreTraining(flipped, targetOpt)).toThrow(CheckpointError);
    await expect(Gpt.load(flipped)).rejects.toThrow(CheckpointError);
    expect(tf.memory().numTensors).toBe(numBefore);
    unchanged();
    // The good checkpoint then restores.
    target.restoreTraining(bytes!, targetOpt);
    expect(targetOpt.stepCount).toBe(3);
    expect(maxDiff(paramValues(src), paramValues(target))).toBe(0);
    tf.dispose(Object.values(slotsBefore.slots));
    for (const o of [srcOpt, targetOpt, wideOpt, sgdOpt, otherTokOpt]) o.dispose();
    for (const m of [src, target, wide, otherTok, rnn]) m.dispose();
  });

  it('leaks nothing over a run with validation and checkpoints', async () => {
    const lm = RnnLm.create(tok, { cell: 'gru', embeddingDim: 8, hiddenSize: 16, dropout: 0.1 }, 0);
    const optimizer = adam(lm.params as never, { lr: 1e-2 });
    await trainLm(lm, { ...common, optimizer, steps: 1 }); // creates the optimizer slots
    await expectNoLeak(async () => {
      await trainLm(lm, { ...common, optimizer, steps: optimizer.stepCount + 12, validation: { data: validText, every: 4, batches: 2 }, checkpoint: { every: 6, save: () => {} } });
    }, 'trainLm');
    optimizer.dispose();
    lm.dispose();
  });

  it('bad input gives InvalidArgumentError naming the argument', async () => {
    const gpt = Gpt.create(tok, { contextLength: 16, numLayers: 1, numHeads: 2, dModel: 16 }, 0);
    const optimizer = adam(gpt.params as never, { lr: 1e-2 });
    const base = { ...common, optimizer, steps: 1 };
    await expect(trainLm({} as never, base)).rejects.toThrow(/Argument 'model' passed to 'trainLm' must be a Gpt or an RnnLm/);
    await expect(trainLm(gpt, { ...base, optimizer: {} as never })).rejects.toThrow(/'options.optimizer' passed to 'trainLm' must be an Optimizer/);
    await expect(trainLm(gpt, { ...base, contextLength: 32 })).rejects.toThrow(/'options.contextLength' passed to 'trainLm' must be at most the model's contextLength 16, but got 32/);
    await expect(trainLm(gpt, { ...base, data: [1, 2, 999] })).rejects.toThrow(/'options.data' passed to 'trainLm' must hold integer token ids in \[0, \d+\), but got 999 at index 2/);
    await expect(trainLm(gpt, { ...base, validation: { data: 'the', every: 5 } })).rejects.toThrow(/'options.validation.data' passed to 'trainLm' must hold more than contextLength 16 tokens, but got 3/);
    await expect(trainLm(gpt, { ...base, validation: { data: validText, every: 0 } })).rejects.toThrow(/'options.validation.every' passed to 'trainLm' must be a positive integer, but got 0/);
    await expect(trainLm(gpt, { ...base, batchsize: 3 } as never)).rejects.toThrow(/unknown key 'batchsize'/);
    await expect(gpt.save({ rng: 3 } as never)).rejects.toThrow(InvalidArgumentError);
    optimizer.dispose();
    gpt.dispose();
  });
});
