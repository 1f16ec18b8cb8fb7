import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, DisposedError, InvalidArgumentError, adamW, train } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { describe, expect, it } from 'vitest';
import { lmBatches } from '../data.js';
import { generateIds } from '../generate/generate.js';
import { CharTokenizer } from '../tokenizer/char-tokenizer.js';
import { Gpt, gptForward, initGpt } from './gpt.js';

const tok = CharTokenizer.train('abcdefgh ');
const small = { contextLength: 16, numLayers: 2, numHeads: 2, dModel: 16 } as const;

async function fullLogProbs(gpt: Gpt, context: number[]): Promise<Float64Array> {
  return gpt.nextLogProbs(context);
}

describe('Gpt', () => {
  it.each(['learned', 'rotary'] as const)('KV-cache decoding equals full forward passes (%s positions)', async (positions) => {
    const gpt = Gpt.create(tok, { ...small, positions }, 3);
    const ids = tok.encode('abcabd hgfe');
    const session = gpt.startSession();
    let cached = await session.append(ids.slice(0, 3)); // prefill three tokens, then one at a time
    for (let i = 3; i <= ids.length; i++) {
      const full = await fullLogProbs(gpt, ids.slice(0, i));
      for (let w = 0; w < gpt.vocabSize; w++) expect(Math.abs(cached[w] - full[w])).toBeLessThan(1e-4);
      if (i < ids.length) cached = await session.append([ids[i]]);
    }
    session.dispose();
    gpt.dispose();
  });

  it('is causal: a later token does not change earlier predictions; positions matter', async () => {
    const gpt = Gpt.create(tok, small, 4);
    const a = tf.tensor2d([[0, 2, 3, 4, 5]], [1, 5], 'int32');
    const b = tf.tensor2d([[0, 2, 3, 4, 9]], [1, 5], 'int32');
    const la = gptForward(gpt.params, gpt.config, a).logits.arraySync()[0];
    const lb = gptForward(gpt.params, gpt.config, b).logits.arraySync()[0];
    for (let t = 0; t < 4; t++) la[t].forEach((v, j) => expect(Math.abs(v - lb[t][j])).toBeLessThan(1e-5));
    expect(la[4].some((v, j) => Math.abs(v - lb[4][j]) > 1e-4)).toBe(true);
    tf.dispose([a, b]);
    gpt.dispose();
  });

  it('ties weights by default (no head), unties on request; learned positions only when asked', () => {
    const tied = initGpt(0, { ...small, vocabSize: 11 });
    const untied = initGpt(0, { ...small, vocabSize: 11, tieWeights: false, positions: 'rotary' });
    expect(tied.head).toBeUndefined();
    expect(tied.positionEmbedding?.weight.shape).toEqual([16, 16]);
    expect(untied.head?.weight.shape).toEqual([16, 11]);
    expect(untied.positionEmbedding).toBeUndefined();
    for (const p of [tied, untied]) tf.dispose(Object.values(p).flatMap((v) => collect(v)));
  });

  it('trains through the core loop: loss on a repeated pattern falls by half', async () => {
    const text = 'abcdefgh '.repeat(30);
    const gpt = Gpt.create(tok, { contextLength: 8, numLayers: 1, numHeads: 2, dModel: 16, dropout: 0.1 }, 1);
    const optimizer = adamW(gpt.params as never, { lr: 1e-2 });
    const result = await train({
      optimizer,
      data: lmBatches(Int32Array.from(tok.encode(text)), { batchSize: 8, contextLength: 8, seed: 1 }),
      lossFn: (batch, _step, key) => gpt.loss(batch, { training: true, key }),
      steps: 40,
      seed: 2,
      progress: false,
    });
    const rows = result.metrics.rows;
    expect(rows[rows.length - 1].loss).toBeLessThan(rows[0].loss * 0.5);
    optimizer.dispose();
    gpt.dispose();
  });

  it('save/load keeps weights and tokenizer; a different tokenizer is refused', async () => {
    const gpt = Gpt.create(tok, { ...small, positions: 'rotary' }, 5);
    const bytes = await gpt.save();
    const back = await Gpt.load(bytes);
    const ids = tok.encode('fade bad');
    expect(Math.abs((await back.logProb(ids)) - (await gpt.logProb(ids)))).toBeLessThan(1e-5);
    expect(back.tokenizer.encode('abc')).toEqual(tok.encode('abc'));
    await expect(Gpt.load(bytes, CharTokenizer.train('xyz'))).rejects.toThrow(CheckpointError);
    await expect(Gpt.load(bytes, CharTokenizer.train('xyz'))).rejects.toThrow(/Argument 'tokenizer' passed to 'Gpt.load' must match the tokenizer saved with the model/);
    gpt.dispose();
    back.dispose();
  });

  it('every public method leaks nothing; dispose returns memory to the baseline', async () => {
    const before = tf.memory().numTensors;
    const gpt = Gpt.create(tok, small, 6);
    const ids = tok.encode('abc');
    await expectNoLeak(() => gpt.nextLogProbs(ids).then(() => undefined), 'nextLogProbs');
    await expectNoLeak(() => gpt.logProb(ids).then(() => undefined), 'logProb');
    await expectNoLeak(() => gpt.perplexity(ids).then(() => undefined), 'perplexity');
    await expectNoLeak(async () => {
      const x = tf.tensor2d([ids], [1, 3], 'int32');
      const l = gpt.loss({ x, y: x });
      tf.dispose([x, l]);
    }, 'loss');
    await expectNoLeak(async () => {
      const s = gpt.startSession();
      await s.append(ids);
      for (let i = 0; i < 40; i++) await s.append([2 + (i % 5)]); // slides past contextLength 16
      s.dispose();
    }, 'session');
    await expectNoLeak(async () => (await Gpt.load(await gpt.save())).dispose(), 'save/load');
    gpt.dispose();
    gpt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(gpt.nextLogProbs(ids)).rejects.toThrow(DisposedError);
  });

  it('generation over 1000 tokens with the cache leaks nothing and is deterministic at temperature 0', async () => {
    const gpt = Gpt.create(tok, { contextLength: 32, numLayers: 1, numHeads: 1, dModel: 8 }, 7);
    let first: number[] = [];
    await expectNoLeak(async () => {
      first = (await generateIds(gpt, tok.encode('ab'), { maxTokens: 1000, stopAtEos: false, seed: 3 })).tokens;
    }, 'generateIds');
    expect(first.length).toBe(1000);
    const g1 = await generateIds(gpt, tok.encode('ab'), { maxTokens: 20, temperature: 0 });
    const g2 = await generateIds(gpt, tok.encode('ab'), { maxTokens: 20, temperature: 0 });
    expect(g1.tokens).toEqual(g2.tokens);
    gpt.dispose();
  });

  it('bad input gives clear errors', async () => {
    expect(() => Gpt.create(tok, { ...small, numHeads: 3 })).toThrow(/Argument 'config.numHeads' passed to 'Gpt.create' must divide dModel 16, but got 3/);
    expect(() => Gpt.create(tok, { ...small, positions: 'alibi' as never })).toThrow(/must be one of 'learned', 'rotary'/);
    const gpt = Gpt.create(tok, small, 8);
    await expect(gpt.nextLogProbs([1, 99])).rejects.toThrow(/Argument 'context' passed to 'Gpt.nextLogProbs' must hold integer token ids in \[0, 11\), but got 99 at index 1/);
    const long = tf.zeros([1, 17], 'int32') as tf.Tensor2D;
    expect(() => gptForward(gpt.params, gpt.config, long)).toThrow(InvalidArgumentError);
    expect(() => gptForward(gpt.params, gpt.config, long)).toThrow(/exceed contextLength 16/);
    long.dispose();
    gpt.dispose();
  });
});

function collect(v: unknown): tf.Tensor[] {
  if (v instanceof tf.Tensor) return [v];
  if (v && typeof v === 'object') return Object.values(v).flatMap(collect);
  return [];
}
