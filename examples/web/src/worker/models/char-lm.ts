// Character-level language model on English first names (the stdlib name lists, through
// @gen/datasets), makemore style: a small GPT (2 layers of width 32, rotary positions) trained with AdamW on
// names joined as <s>name</s><s>name</s>...; samples are eight names drawn with fixed seeds, all
// eight at once (one forward pass per character instead of one per character per name).
import * as tf from '@tensorflow/tfjs-core';
import { Rng, adamW, foldIn, uniformFloat64, type ParamTree } from '@gen/core';
import { loadFirstNames } from '@gen/datasets';
import { CharTokenizer, Gpt, gptForward, lmBatches, pickToken, samplingDistribution } from '@gen/lm';
import type { SampleView, StartOptions } from '../../protocol.js';
import { restoreTrainCheckpoint, saveTrainCheckpoint, trainUntilStopped, type ModelAdapter, type ModelFactory } from '../model.js';

const CONTEXT = 16;
// Small enough to train at a few steps per second on WebGPU's software adapter (SwiftShader) in CI.
const GPT_CONFIG = { contextLength: CONTEXT, numLayers: 2, numHeads: 2, dModel: 32, dropout: 0, positions: 'rotary' } as const;
const BATCH = 16;
const NUM_SAMPLES = 8;
/** Longest sampled name (99% of the training names have at most 10 letters, the longest 15). */
const MAX_LETTERS = 12;
/** Ids of the special tokens, which the tokenizer gives the first ids, in this order. */
const SPECIALS = ['<s>', '</s>'];
const BOS = 0;
const EOS = 1;

/**
 * Draws `count` names together. Every row is a full window of `CONTEXT` ids (<s>, the letters so
 * far, then </s> padding); causal attention makes position t see only ids 0..t, so the padding
 * changes nothing and every forward pass has the same shape (the same compiled GPU kernels).
 */
async function sampleNames(gpt: Gpt, tok: CharTokenizer, count: number, seed: number, signal?: AbortSignal): Promise<string[]> {
  const rows = Array.from({ length: count }, () => [BOS]);
  const finished = new Array<boolean>(count).fill(false);
  const u = uniformFloat64(seed, count * CONTEXT); // one uniform per pick
  for (let t = 0; t < MAX_LETTERS && finished.includes(false); t++) {
    signal?.throwIfAborted();
    const logProbs = tf.tidy(() => {
      const ids = tf.tensor2d(rows.flatMap((row) => [...row, ...new Array<number>(CONTEXT - row.length).fill(EOS)]), [count, CONTEXT], 'int32');
      const { logits } = gptForward(gpt.params, gpt.config, ids); // [count, CONTEXT, vocab]
      return tf.logSoftmax(tf.squeeze(tf.slice(logits, [0, t, 0], [count, 1, -1]), [1])); // [count, vocab]: next after position t
    });
    const values = (await logProbs.data()) as Float32Array;
    logProbs.dispose();
    const vocab = values.length / count;
    for (let i = 0; i < count; i++) {
      if (finished[i]) continue;
      const distribution = samplingDistribution(values.subarray(i * vocab, (i + 1) * vocab), { temperature: 0.8 });
      const id = pickToken(distribution, u[t * count + i]);
      rows[i].push(id);
      finished[i] = id === EOS;
    }
  }
  return rows.map((row) => tok.decode(row, { skipSpecialTokens: true }));
}

async function build(seed: number, checkpoint?: Uint8Array): Promise<ModelAdapter> {
  const names = (await loadFirstNames('all')).map((name) => name.toLowerCase());
  const tok = CharTokenizer.train(names, { specialTokens: SPECIALS }); // <s> = BOS, </s> = EOS, then the letters
  const stream = Int32Array.from(names.flatMap((name) => [BOS, ...tok.encode(name), EOS]));
  const gpt = Gpt.create(tok, GPT_CONFIG, foldIn(seed, 1));
  const optimizer = adamW(gpt.params as unknown as ParamTree<never>, { lr: 3e-3, weightDecay: 0.01 });
  let rng = new Rng(foldIn(seed, 2));
  if (checkpoint) rng = restoreTrainCheckpoint(checkpoint, optimizer);
  const data = lmBatches(stream, { batchSize: BATCH, contextLength: CONTEXT, seed: foldIn(seed, 3) });

  return {
    name: 'char-lm',
    get step() {
      return optimizer.stepCount;
    },
    train: (signal, onStep) =>
      trainUntilStopped({ optimizer, rng, data, lossFn: (batch, _step, key) => gpt.loss(batch, { training: true, key }) }, signal, onStep),
    async samples(signal): Promise<SampleView> {
      return { kind: 'text', lines: await sampleNames(gpt, tok, NUM_SAMPLES, 5, signal) };
    },
    save: () => saveTrainCheckpoint(optimizer, rng, { playground: 'char-lm', seed }),
    dispose() {
      optimizer.dispose();
      gpt.dispose();
    },
  };
}

export const charLm: ModelFactory = {
  name: 'char-lm',
  create: (options: StartOptions) => build(options.seed),
  recognises: (config) => (config as { playground?: string })?.playground === 'char-lm',
  load: (bytes, config) => build((config as { seed: number }).seed, bytes),
};
