import { readFileSync } from 'node:fs';
import { DisposedError, InvalidArgumentError } from '@gen/core';
import { describe, expect, it } from 'vitest';
import { CharTokenizer } from '../tokenizer/char-tokenizer.js';

// @gen/eval from source until it is installed as a devDependency of @gen/lm (a computed path, so
// this package's typecheck stays inside its rootDir; swap for `import ... from '@gen/eval'` then).
import { bitsPerCharacter, perplexity as evalPerplexity } from '@gen/eval';
import { NgramModel, modifiedKneserNeyDiscounts } from './ngram-model.js';

// Golden numbers from packages/lm/fixtures/kneser_ney_reference.py (an independent pure-Python
// recursion over count tables; see the script's docstring).
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/kneser-ney.json', import.meta.url), 'utf8')) as {
  vocabSize: number;
  bos: number;
  eos: number;
  train: number[][];
  test: number[][];
  largeVocab: { vocabSize: number; order: number; tokenLogProbs: number[] };
  orders: Record<string, { discounts: number[][]; tokenLogProbs: number[][]; perplexity: number; context: number[]; distribution: number[] }>;
};
const relClose = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.abs(b);

const fitOrder = (order: number, smoothing?: 'kneser-ney' | 'add-k' | 'stupid-backoff') =>
  NgramModel.fit(fixture.train, { order, vocabSize: fixture.vocabSize, bosId: fixture.bos, eosId: fixture.eos, smoothing });

describe('NgramModel (interpolated modified Kneser-Ney)', () => {
  it.each([1, 2, 3, 4, 5])('order %i agrees with the reference script to 1e-6 relative (every token, perplexity, discounts)', (order) => {
    const ref = fixture.orders[String(order)];
    const lm = fitOrder(order);
    lm.discounts.forEach((d, k) => d.forEach((v, j) => expect(Math.abs(v - ref.discounts[k][j])).toBeLessThan(1e-12)));
    let total = 0;
    let count = 0;
    fixture.test.forEach((s, i) => {
      const got = lm.tokenLogProbs([...s, fixture.eos]);
      got.forEach((lp, j) => expect(relClose(lp, ref.tokenLogProbs[i][j], 1e-6)).toBe(true));
      total += got.reduce((a, b) => a + b, 0);
      count += got.length;
    });
    expect(relClose(Math.exp(-total / count), ref.perplexity, 1e-6)).toBe(true);
    // The whole next-token distribution after one context, and it sums to 1 (p(<s>) = 0).
    const dist = lm.nextLogProbsSync(ref.context.slice(1));
    dist.forEach((lp, w) => {
      if (ref.distribution[w] === 0) expect(lp).toBe(-Infinity);
      else expect(relClose(Math.exp(lp), ref.distribution[w], 1e-6)).toBe(true);
    });
    expect(Math.abs(dist.reduce((a, lp) => a + Math.exp(lp), 0) - 1)).toBeLessThan(1e-12);
  });

  it('perplexity and bits/char agree with @gen/eval on the per-token log-probabilities', async () => {
    const lm = fitOrder(4);
    const tokens = [...fixture.test[1], fixture.eos];
    const nll = Array.from(lm.tokenLogProbs(tokens), (lp) => -lp);
    expect(relClose(await lm.perplexity(tokens), (await evalPerplexity(nll)).value, 1e-12)).toBe(true);
    expect(relClose(-(await lm.logProb(tokens)) / tokens.length / Math.LN2, (await bitsPerCharacter(nll)).value, 1e-12)).toBe(true);
    expect(relClose(Math.exp(-fixture.orders['4'].tokenLogProbs[1].reduce((a, b) => a + b, 0) / tokens.length), await lm.perplexity(tokens), 1e-6)).toBe(true);
  });

  it('higher orders fit the held-out lines better than lower ones (bigram > trigram perplexity)', async () => {
    const tokens = [...fixture.test[0], fixture.eos];
    const p2 = await fitOrder(2).perplexity(tokens);
    const p3 = await fitOrder(3).perplexity(tokens);
    expect(p3).toBeLessThan(p2);
  });

  it('large vocabularies (string n-gram keys) agree with the reference too', () => {
    const { vocabSize, order, tokenLogProbs } = fixture.largeVocab;
    const lm = NgramModel.fit(fixture.train, { order, vocabSize, bosId: 0, eosId: 1 });
    lm.tokenLogProbs([...fixture.test[0], 1]).forEach((lp, j) => expect(relClose(lp, tokenLogProbs[j], 1e-6)).toBe(true));
  });

  it('discount formula: Chen & Goodman on count-of-counts', () => {
    // n1 = 4, n2 = 2, n3 = 1, n4 = 1: Y = 4/8, D1 = 1 - 2*.5*.5 = .5, D2 = 2 - 3*.5*.5 = 1.25, D3 = 3 - 4*.5*1 = 1.
    expect(modifiedKneserNeyDiscounts([1, 1, 1, 1, 2, 2, 3, 4, 9])).toEqual([0.5, 1.25, 1]);
  });

  it('ARPA export and import round-trip every probability; KenLM-style hand-written file parses', () => {
    for (const order of [1, 3, 5]) {
      const lm = fitOrder(order);
      const arpa = lm.toArpa();
      expect(arpa).toContain(`\\${order}-grams:`);
      const back = NgramModel.fromArpa(arpa, null, { words: Array.from({ length: fixture.vocabSize }, (_, id) => (id === 0 ? '<s>' : id === 1 ? '</s>' : String(id))) });
      expect(back.order).toBe(order);
      for (const s of fixture.test) {
        const a = lm.tokenLogProbs([...s, 1]);
        const b = back.tokenLogProbs([...s, 1]);
        a.forEach((v, j) => expect(relClose(b[j], v, 1e-12)).toBe(true));
      }
      const ctx = fixture.orders['5'].context.slice(1);
      const da = lm.nextLogProbsSync(ctx);
      const db = back.nextLogProbsSync(ctx);
      da.forEach((v, j) => (v === -Infinity ? expect(db[j]).toBe(-Infinity) : expect(relClose(db[j], v, 1e-12)).toBe(true)));
    }
    const handWritten = ['\\data\\', 'ngram 1=4', 'ngram 2=2', '', '\\1-grams:', '-99\t<s>\t-0.30103', '-0.5\ta\t-0.2', '-0.6\tb', '-0.8\t</s>', '', '\\2-grams:', '-0.1\t<s> a', '-0.4\ta b', '', '\\end\\'].join('\n');
    const lm = NgramModel.fromArpa(handWritten);
    expect(lm.vocabSize).toBe(4);
    expect(lm.bosId).toBe(0);
    // p(b | a) is listed; p(</s> | a) backs off: 10^(-0.2 - 0.8); p(b | <s>) = 10^(-0.30103 - 0.6).
    const lp = lm.tokenLogProbs([1, 2, 3]);
    expect(lp[0]).toBeCloseTo(-0.1 * Math.LN10, 12);
    expect(lp[1]).toBeCloseTo(-0.4 * Math.LN10, 12);
    expect(lp[2]).toBeCloseTo(-0.8 * Math.LN10, 12); // context 'b' has no back-off weight
    expect(lm.nextLogProbsSync([1])[3]).toBeCloseTo(-(0.2 + 0.8) * Math.LN10, 12);
    expect(() => NgramModel.fromArpa('hello')).toThrow(/Argument 'text' passed to 'NgramModel.fromArpa' must be an ARPA file, but it has no '\\data\\' line/);
    expect(() => NgramModel.fromArpa(handWritten.replace('ngram 2=2', 'ngram 2=3'))).toThrow(/the 2-grams section has 2 entries, not the declared 3/);
  });

  it('char-level train through a tokenizer; save/load keeps the tokenizer and refuses another', async () => {
    const text = readFileSync(new URL('../../fixtures/corpus.txt', import.meta.url), 'utf8').split('\n').filter(Boolean);
    const tok = CharTokenizer.train(text);
    const lm = NgramModel.train(tok, text, { order: 3 });
    const ids = tok.encode('the whale');
    const loaded = NgramModel.load(lm.save());
    expect(loaded.tokenizer?.encode('the whale')).toEqual(ids);
    expect(relClose(await loaded.logProb(ids), await lm.logProb(ids), 1e-12)).toBe(true);
    const other = CharTokenizer.train(['abc']);
    expect(() => NgramModel.load(lm.save(), other)).toThrow(/Argument 'tokenizer' passed to 'NgramModel.load' must match the tokenizer saved with the model/);
    expect(() => NgramModel.load('{')).toThrow(InvalidArgumentError);
    // ARPA through the tokenizer's spellings (space escaped as <U+0020>).
    const arpa = lm.toArpa();
    expect(arpa).toContain('<U+0020>');
    const back = NgramModel.fromArpa(arpa, tok);
    expect(relClose(back.logProbSync(ids), lm.logProbSync(ids), 1e-12)).toBe(true);
  });
});

describe('NgramModel (add-k, stupid backoff)', () => {
  it('add-k: (c(hw) + k) / (c(h) + k|V|) at the full order', () => {
    const lm = NgramModel.fit([[2, 3], [2, 4]], { order: 2, vocabSize: 5, bosId: 0, eosId: 1, smoothing: 'add-k', k: 0.5 });
    // After <s>: c(<s> 2) = 2 of c(<s>) = 2; |V| = 4 (no <s>).
    const d = lm.nextLogProbsSync([]);
    expect(Math.exp(d[2])).toBeCloseTo(2.5 / 4, 12);
    expect(Math.exp(d[3])).toBeCloseTo(0.5 / 4, 12);
    expect(d[0]).toBe(-Infinity);
    // Unseen context -> uniform.
    expect(Math.exp(lm.nextLogProbsSync([1])[3])).toBeCloseTo(1 / 4, 12); // nothing follows </s>
    const back = NgramModel.load(lm.save());
    expect(back.nextLogProbsSync([2])).toEqual(lm.nextLogProbsSync([2]));
    expect(() => lm.toArpa()).toThrow(/needs a Kneser-Ney \(back-off\) model, but this model uses smoothing 'add-k'/);
  });

  it('stupid backoff: seen words score c(hw)/c(h), unseen alpha * lower, renormalised', () => {
    const lm = NgramModel.fit([[2, 3], [2, 4], [3]], { order: 2, vocabSize: 5, bosId: 0, eosId: 1, smoothing: 'stupid-backoff', alpha: 0.4 });
    const d = lm.nextLogProbsSync([2]);
    // Scores after 2: 3 -> 1/2, 4 -> 1/2, </s> -> 0.4 * (3+1)/(8+4), 2 -> 0.4 * (2+1)/12.
    const s = [0, 0.4 * 4 / 12, 0.4 * 3 / 12, 0.5, 0.5];
    const z = s.reduce((a, b) => a + b, 0);
    s.forEach((v, w) => (v === 0 ? expect(d[w]).toBe(-Infinity) : expect(Math.exp(d[w])).toBeCloseTo(v / z, 12)));
  });

  it('bad input and dispose', async () => {
    const cfg = { order: 2, vocabSize: 5, bosId: 0, eosId: 1 };
    expect(() => NgramModel.fit([[2, 7]], cfg)).toThrow(/Argument 'sequences\[0\]' passed to 'NgramModel.fit' must hold integer token ids in \[0, 5\), but got 7 at index 1/);
    expect(() => NgramModel.fit([], { ...cfg, order: 0 })).toThrow(/Argument 'config.order' passed to 'NgramModel.fit' must be a positive integer, but got 0/);
    expect(() => NgramModel.fit([], { ...cfg, smoothing: 'witten-bell' as never })).toThrow(/must be one of 'kneser-ney', 'add-k', 'stupid-backoff', but got 'witten-bell'/);
    const lm = NgramModel.fit([[2, 3]], cfg);
    await expect(lm.nextLogProbs([9])).rejects.toThrow(/Argument 'context' passed to 'NgramModel.nextLogProbs' must hold integer token ids in \[0, 5\), but got 9/);
    await expect(lm.perplexity([])).rejects.toThrow(/must be non-empty/);
    lm.dispose();
    lm.dispose();
    expect(() => lm.logProbSync([2])).toThrow(DisposedError);
  });
});
