import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, uniformFloat64 } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { describe, expect, it } from 'vitest';
import type { DecodingSession, LanguageModel } from '../language-model.js';
import { NgramModel } from '../ngram/ngram-model.js';
import { CharTokenizer } from '../tokenizer/char-tokenizer.js';
import { beamSearch, generate, generateIds, stream } from './generate.js';
import { samplingDistribution } from './sampling.js';

const lines = readFileSync(new URL('../../fixtures/corpus.txt', import.meta.url), 'utf8').split('\n').filter(Boolean);
const tok = CharTokenizer.train(lines);
const lm = NgramModel.train(tok, lines, { order: 4 });

/** Wraps a model and records every distribution its sessions hand out (and can be slowed down). */
function spy(inner: LanguageModel, delayMs = 0, needsPrompt = false): LanguageModel & { seen: Float64Array[] } {
  const seen: Float64Array[] = [];
  return {
    seen,
    tokenizer: inner.tokenizer,
    vocabSize: inner.vocabSize,
    bosId: inner.bosId,
    eosId: inner.eosId,
    needsPrompt,
    nextLogProbs: (c) => inner.nextLogProbs(c),
    logProb: (t) => inner.logProb(t),
    perplexity: (t) => inner.perplexity(t),
    dispose: () => inner.dispose(),
    startSession(): DecodingSession {
      const s = inner.startSession();
      return {
        append: async (tokens) => {
          if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
          const d = await s.append(tokens);
          seen.push(d);
          return d;
        },
        dispose: () => s.dispose(),
      };
    },
  };
}

// The allowed set computed from the definitions, independently of samplingDistribution.
function allowed(lp: Float64Array, temperature: number, topK?: number, topP?: number): Set<number> {
  const ids = [...lp.keys()].filter((i) => lp[i] > -Infinity).sort((a, b) => lp[b] - lp[a] || a - b);
  let kept = topK ? ids.slice(0, topK) : ids;
  const w = kept.map((i) => Math.exp(lp[i] / temperature));
  const z = w.reduce((a, b) => a + b, 0);
  if (topP !== undefined) {
    let c = 0;
    let n = kept.length;
    for (let i = 0; i < kept.length; i++) {
      c += w[i] / z;
      if (c >= topP - 1e-12) {
        n = i + 1;
        break;
      }
    }
    kept = kept.slice(0, n);
  }
  return new Set(kept);
}

describe('generate / stream / generateIds', () => {
  it('temperature 0 is the argmax chain, whatever the seed', async () => {
    const prompt = tok.encode('the ');
    const { tokens } = await generateIds(lm, prompt, { temperature: 0, maxTokens: 30, seed: 5 });
    const ctx = [...prompt];
    for (const t of tokens) {
      const d = lm.nextLogProbsSync(ctx);
      const best = [...d.keys()].reduce((a, b) => (d[b] > d[a] ? b : a), 0);
      expect(t).toBe(best);
      ctx.push(t);
    }
    expect((await generateIds(lm, prompt, { temperature: 0, maxTokens: 30, seed: 99 })).tokens).toEqual(tokens);
  });

  it('the same seed gives the same text; other seeds give other texts', async () => {
    const a = await generate(lm, 'the', { maxTokens: 40, seed: 11, stopAtEos: false });
    expect(await generate(lm, 'the', { maxTokens: 40, seed: 11, stopAtEos: false })).toBe(a);
    const others = await Promise.all([1, 2, 3].map((seed) => generate(lm, 'the', { maxTokens: 40, seed, stopAtEos: false })));
    expect(others.some((t) => t !== a)).toBe(true);
  });

  it('top-k and top-p never emit a token outside the allowed set (property over 60 random settings)', async () => {
    for (let trial = 0; trial < 60; trial++) {
      const u = uniformFloat64(1000 + trial, 3);
      const topK = u[0] < 0.5 ? 1 + Math.floor(u[1] * 6) : undefined;
      const topP = u[0] >= 0.3 ? 0.05 + 0.95 * u[2] : undefined;
      const temperature = 0.5 + u[1];
      const m = spy(lm);
      const { tokens } = await generateIds(m, tok.encode('the'), { maxTokens: 12, topK, topP, temperature, seed: trial, stopAtEos: false });
      tokens.forEach((t, i) => expect(allowed(m.seen[i], temperature, topK, topP).has(t)).toBe(true));
    }
  });

  it('repetition penalty lowers the probability of seen tokens', () => {
    const d = lm.nextLogProbsSync(tok.encode('the whal'));
    const e = tok.encode('e')[0];
    const plain = samplingDistribution(d, {});
    const penalised = samplingDistribution(d, { repetitionPenalty: 1.5 }, [e]);
    const p = (x: { ids: number[]; probs: number[] }) => x.probs[x.ids.indexOf(e)];
    expect(p(penalised)).toBeLessThan(p(plain));
    expect(p(plain)).toBeCloseTo(Math.exp(d[e]), 12);
  });

  it('stop ends generation at the stop string, which is not returned; chunks concatenate to generate()', async () => {
    const full = await generate(lm, 'the', { maxTokens: 80, seed: 4, stopAtEos: false });
    const at = full.indexOf(' ');
    expect(at).toBeGreaterThanOrEqual(0);
    const m = spy(lm);
    const cut = await generate(m, 'the', { maxTokens: 80, seed: 4, stopAtEos: false, stop: [' ', 'zzz'] });
    expect(cut).toBe(full.slice(0, at));
    // Promptly: the model was asked for no more distributions than tokens up to the stop.
    expect(m.seen.length).toBe(at + 1);
    let joined = '';
    for await (const c of stream(lm, 'the', { maxTokens: 80, seed: 4, stopAtEos: false })) joined += c.text;
    expect(joined).toBe(full);
  });

  it('signal ends generation promptly: abort from the consumer, and from a timer during a slow model', async () => {
    const controller = new AbortController();
    let n = 0;
    for await (const _ of stream(lm, 'the', { maxTokens: 500, seed: 1, signal: controller.signal, stopAtEos: false })) {
      if (++n === 5) controller.abort();
    }
    expect(n).toBe(5);
    const slow = spy(lm, 5);
    const c2 = new AbortController();
    setTimeout(() => c2.abort(), 60);
    const t0 = performance.now();
    const { tokens, finishReason } = await generateIds(slow, tok.encode('the'), { maxTokens: 1000, signal: c2.signal, stopAtEos: false });
    expect(finishReason).toBe('aborted');
    expect(tokens.length).toBeLessThan(40);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('ends at the end token by default and reports the reason', async () => {
    const r = await generateIds(lm, tok.encode('the whale was gon'), { temperature: 0, maxTokens: 50 });
    expect(r.finishReason).toBe('eos');
    expect(tok.decode(r.tokens)).toBe('e.');
  });

  it('leaks nothing over 1000 generated tokens', async () => {
    await expectNoLeak(async () => {
      const { tokens } = await generateIds(lm, [], { maxTokens: 1000, stopAtEos: false, seed: 2 });
      expect(tokens.length).toBe(1000);
    }, 'generateIds');
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });

  it('bad input gives clear errors', async () => {
    await expect(generate(lm, 'the', { topP: 0 })).rejects.toThrow(/Argument 'options.topP' passed to 'stream' must be a number in \(0, 1\], but got 0/);
    await expect(generate(lm, 'the', { topP: 1.5 })).rejects.toThrow(InvalidArgumentError);
    await expect(generate(lm, 'the', { temperature: -1 })).rejects.toThrow(/'options.temperature' passed to 'stream' must be a finite number >= 0/);
    await expect(generate(lm, 'the', { topK: 0 })).rejects.toThrow(/'options.topK' passed to 'stream' must be a positive integer/);
    await expect(generate(lm, 'the', { maxTokens: 0 })).rejects.toThrow(/'options.maxTokens' passed to 'stream' must be a positive integer/);
    await expect(generateIds(lm, [1, 999])).rejects.toThrow(/Argument 'prompt' passed to 'generateIds' must hold integer token ids in \[0, \d+\), but got 999 at index 1/);
    await expect(generate(spy(lm, 0, true), '')).rejects.toThrow(/Argument 'prompt' passed to 'stream' must be non-empty for this model/);
    await expect(generate(lm, 'q€')).rejects.toThrow(/Argument 'text' passed to 'CharTokenizer.encode'/);
  });
});

describe('beamSearch', () => {
  it('with enough beams finds the exhaustive best sentence; one beam is greedy', async () => {
    // Tiny model: vocab <s>, </s>, 2, 3, 4.
    const small = NgramModel.fit([[2, 3], [2, 4, 3], [4], [3, 3, 2]], { order: 2, vocabSize: 5, bosId: 0, eosId: 1 });
    const best = { lp: -Infinity, seq: [] as number[] };
    const walk = (seq: number[], lp: number) => {
      const d = small.nextLogProbsSync(seq);
      if (lp + d[1] > best.lp) Object.assign(best, { lp: lp + d[1], seq: [...seq] });
      if (seq.length < 3) for (const w of [2, 3, 4]) walk([...seq, w], lp + d[w]);
    };
    walk([], 0);
    const [top] = await beamSearch(small, [], { numBeams: 64, maxTokens: 4, lengthPenalty: 0 });
    expect(top.finished).toBe(true);
    expect(top.tokens).toEqual(best.seq);
    expect(top.logProb).toBeCloseTo(best.lp, 12);
    const [one] = await beamSearch(small, [], { numBeams: 1, maxTokens: 4, lengthPenalty: 0 });
    const greedy = await generateIds(small, [], { temperature: 0, maxTokens: 4 });
    expect(one.tokens).toEqual(greedy.tokens);
    await expect(beamSearch(small, [], { numBeams: 0 })).rejects.toThrow(/'options.numBeams' passed to 'beamSearch' must be a positive integer/);
  });
});
