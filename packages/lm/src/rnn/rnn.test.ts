import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, DisposedError, adam, train } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { describe, expect, it } from 'vitest';
import { lmBatches } from '../data.js';
import { generateIds } from '../generate/generate.js';
import { CharTokenizer } from '../tokenizer/char-tokenizer.js';
import { type RnnParams, RnnLm, rnnForward } from './rnn.js';

// PyTorch nn.LSTM / nn.GRU outputs from packages/lm/fixtures/rnn_reference.py.
const fx = JSON.parse(readFileSync(new URL('../../fixtures/rnn.json', import.meta.url), 'utf8'));
const tok = CharTokenizer.train('abcdefgh ');

describe('RnnLm', () => {
  it.each(['lstm', 'gru'] as const)('%s forward matches PyTorch (2 layers) to 1e-5', async (cell) => {
    const w = fx.cells[cell];
    const params = {
      embedding: { weight: tf.tensor2d(w.embedding) },
      layers: Object.fromEntries(Object.entries(w.layers as Record<string, Record<string, number[][] | number[]>>).map(([k, p]) => [k, { wx: tf.tensor2d(p.wx as number[][]), wh: tf.tensor2d(p.wh as number[][]), bx: tf.tensor1d(p.bx as number[]), bh: tf.tensor1d(p.bh as number[]) }])),
      head: { weight: tf.tensor2d(w.head.weight), bias: tf.tensor1d(w.head.bias) },
    } as unknown as RnnParams;
    const config = { vocabSize: fx.vocabSize, cell, embeddingDim: fx.embeddingDim, hiddenSize: fx.hiddenSize, numLayers: fx.numLayers };
    const ids = tf.tensor2d(fx.ids, undefined, 'int32') as tf.Tensor2D;
    const full = rnnForward(params, config, ids, null);
    const got = full.logits.arraySync();
    got.forEach((row, b) => row.forEach((v, t) => v.forEach((x, j) => expect(Math.abs(x - w.logits[b][t][j])).toBeLessThan(1e-5))));
    // Running in two chunks with the carried state gives the same logits.
    const a = rnnForward(params, config, tf.slice(ids, [0, 0], [2, 3]) as tf.Tensor2D, null);
    const b = rnnForward(params, config, tf.slice(ids, [0, 3], [2, 4]) as tf.Tensor2D, a.state);
    b.logits.arraySync().forEach((row, bi) => row.forEach((v, t) => v.forEach((x, j) => expect(Math.abs(x - w.logits[bi][t + 3][j])).toBeLessThan(1e-5))));
    tf.dispose([ids, full.logits, a.logits, b.logits, ...[full, a, b].flatMap((o) => o.state.flatMap((s) => [s.h, ...(s.c ? [s.c] : [])]))]);
    tf.dispose(params as unknown as tf.TensorContainer);
  });

  it.each(['lstm', 'gru'] as const)('%s: session decoding equals full passes; trains; save/load; no leaks', async (cell) => {
    const before = tf.memory().numTensors;
    const lm = RnnLm.create(tok, { cell, embeddingDim: 8, hiddenSize: 16 }, 2);
    const ids = tok.encode('abcab');
    const s = lm.startSession();
    let d = await s.append([]);
    for (let i = 0; i <= ids.length; i++) {
      const full = await lm.nextLogProbs(ids.slice(0, i));
      full.forEach((v, j) => expect(Math.abs(v - d[j])).toBeLessThan(1e-5));
      if (i < ids.length) d = await s.append([ids[i]]);
    }
    s.dispose();
    const optimizer = adam(lm.params as never, { lr: 2e-2 });
    const result = await train({
      optimizer,
      data: lmBatches(Int32Array.from(tok.encode('abcdefgh '.repeat(20))), { batchSize: 8, contextLength: 8, seed: 1 }),
      lossFn: (batch, _step, key) => lm.loss(batch, { training: true, key }),
      steps: 30,
      seed: 3,
      progress: false,
    });
    const rows = result.metrics.rows;
    expect(rows[rows.length - 1].loss).toBeLessThan(rows[0].loss * 0.6);
    optimizer.dispose();
    await expectNoLeak(() => lm.logProb(ids).then(() => undefined), 'logProb');
    await expectNoLeak(async () => {
      await generateIds(lm, ids, { maxTokens: 50, stopAtEos: false });
    }, 'generate');
    const back = await RnnLm.load(await lm.save());
    expect(Math.abs((await back.logProb(ids)) - (await lm.logProb(ids)))).toBeLessThan(1e-5);
    await expect(RnnLm.load(await lm.save(), CharTokenizer.train('xyz'))).rejects.toThrow(CheckpointError);
    back.dispose();
    lm.dispose();
    lm.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(lm.logProb(ids)).rejects.toThrow(DisposedError);
  });

  it('bad input', () => {
    expect(() => RnnLm.create(tok, { cell: 'rnn' as never, embeddingDim: 4, hiddenSize: 4 })).toThrow(/Argument 'config.cell' passed to 'RnnLm.create' must be one of 'lstm', 'gru', but got 'rnn'/);
    expect(() => RnnLm.create(tok, { embeddingDim: 0, hiddenSize: 4 })).toThrow(/'config.embeddingDim' passed to 'RnnLm.create' must be a positive integer/);
  });
});
