import { InvalidArgumentError, uniformFloat64 } from '@gen/core';
import { describe, expect, it } from 'vitest';
import { BpeTokenizer } from './bpe-tokenizer.js';
import { CharTokenizer } from './char-tokenizer.js';
import { tokenizerFromJson } from './from-json.js';

// Random well-formed strings: code points drawn from ASCII, Latin-1, CJK, emoji (astral) and
// whitespace/control ranges, so UTF-8 sequences of 1 to 4 bytes all occur.
const RANGES: Array<[number, number]> = [[0x20, 0x7e], [0x00, 0x1f], [0xa0, 0x24f], [0x4e00, 0x9fff], [0x1f300, 0x1faff], [0xe000, 0xf8ff], [0x10000, 0x10ffff]];
function randomString(seed: number, maxLength = 40): string {
  const u = uniformFloat64(seed, 1 + 2 * maxLength);
  const n = Math.floor(u[0] * maxLength);
  let s = '';
  for (let i = 0; i < n; i++) {
    const [lo, hi] = RANGES[Math.floor(u[1 + 2 * i] * RANGES.length)];
    s += String.fromCodePoint(lo + Math.floor(u[2 + 2 * i] * (hi - lo + 1)));
  }
  return s;
}

const corpus = 'the cat sat on the mat. the cat ate the rat! Then the rat sat on the cat, and that was that.\n';

describe('CharTokenizer', () => {
  it('round-trips its alphabet, puts specials first, and rejects unknown characters', () => {
    const tok = CharTokenizer.train(corpus);
    expect(tok.specialTokens).toEqual(['<s>', '</s>']);
    expect(tok.specialTokenId('</s>')).toBe(1);
    expect(tok.vocabSize).toBe(2 + new Set(corpus).size);
    const ids = tok.encode('that cat');
    expect(ids.length).toBe(8);
    expect(ids.every((id) => id >= 2)).toBe(true);
    expect(tok.decode(ids)).toBe('that cat');
    expect(tok.decode([0, ...ids, 1])).toBe('<s>that cat</s>');
    expect(tok.decode([0, ...ids, 1], { skipSpecialTokens: true })).toBe('that cat');
    expect(() => tok.encode('zebra')).toThrow(InvalidArgumentError);
    expect(() => tok.encode('zebra')).toThrow(/Argument 'text' passed to 'CharTokenizer.encode' must use only/);
    expect(() => tok.decode([tok.vocabSize])).toThrow(/Argument 'ids' passed to 'CharTokenizer.decode' must hold integer token ids in \[0, \d+\), but got \d+ at index 0/);
  });

  it('with byteFallback, decode(encode(s)) === s for random Unicode strings (property)', () => {
    const tok = CharTokenizer.train(corpus, { byteFallback: true });
    for (let seed = 0; seed < 300; seed++) {
      const s = randomString(seed);
      expect(tok.decode(tok.encode(s))).toBe(s);
    }
    // Streaming decoder gives the same text piece by piece.
    const s = 'cat ☕ 𝄞 é';
    const d = tok.decoder();
    expect(tok.encode(s).map((id) => d.push(id)).join('') + d.flush()).toBe(s);
  });

  it('keeps the most frequent characters under vocabSize and minFrequency; JSON round trip', () => {
    const tok = CharTokenizer.train('aaaabbbcc d', { vocabSize: 4, specialTokens: ['<s>'] });
    expect(tok.chars).toEqual(['a', 'b', 'c']);
    const tok2 = CharTokenizer.train('aaaabbbcc d', { minFrequency: 3 });
    expect(tok2.chars).toEqual(['a', 'b']);
    const copy = tokenizerFromJson(JSON.parse(JSON.stringify(tok.toJSON())));
    expect(copy.encode('abca')).toEqual(tok.encode('abca'));
    expect(() => CharTokenizer.train('ab', { vocabSize: 1.5 })).toThrow(/Argument 'vocabSize' passed to 'CharTokenizer.train' must be a positive integer/);
    expect(() => CharTokenizer.train('a\ud800b')).toThrow(/well-formed Unicode string, but got a lone surrogate U\+D800 at index 1/);
  });
});

describe('BpeTokenizer', () => {
  it('learns frequent merges, respects vocabSize, and compresses the training text', () => {
    const tok = BpeTokenizer.train(corpus.repeat(3), { vocabSize: 2 + 256 + 20 });
    expect(tok.vocabSize).toBe(278);
    expect(tok.merges.length).toBe(20);
    const ids = tok.encode(corpus);
    expect(ids.length).toBeLessThan(new TextEncoder().encode(corpus).length * 0.6);
    expect(tok.decode(ids)).toBe(corpus);
    // ' the' is the most frequent word; it must end up a single token.
    expect(tok.encode(' the').length).toBe(1);
    expect(tok.tokenString(tok.encode(' the')[0])).toBe('<0x20>the');
  });

  it('stops at minFrequency', () => {
    const tok = BpeTokenizer.train('ab ab ab cd', { vocabSize: 1000, minFrequency: 3 });
    // Only 'ab' (3x) and ' a'+'b' chains reach 3; 'cd' (once) never merges.
    expect(tok.encode('cd').length).toBe(2);
    expect(tok.encode('ab').length).toBe(1);
  });

  it('decode(encode(s)) === s for random Unicode strings (property), also streaming', () => {
    const tok = BpeTokenizer.train([corpus, 'naïve café ☕ 東京 𝄞𝄞'], { vocabSize: 320, minFrequency: 1 });
    for (let seed = 0; seed < 300; seed++) {
      const s = randomString(1000 + seed);
      const ids = tok.encode(s);
      expect(tok.decode(ids)).toBe(s);
      const d = tok.decoder();
      expect(ids.map((id) => d.push(id)).join('') + d.flush()).toBe(s);
    }
    expect(tok.decode(tok.encode('<s> is text'))).toBe('<s> is text');
  });

  it('JSON round trip encodes identically; bad input is rejected', () => {
    const tok = BpeTokenizer.train(corpus, { vocabSize: 300, specialTokens: ['<pad>', '<s>', '</s>'] });
    const copy = tokenizerFromJson(JSON.parse(JSON.stringify(tok.toJSON())));
    expect(copy.vocabSize).toBe(tok.vocabSize);
    expect(copy.encode(corpus)).toEqual(tok.encode(corpus));
    expect(tok.specialTokenId('<s>')).toBe(1);
    expect(() => BpeTokenizer.train(corpus, { vocabSize: 100 })).toThrow(/Argument 'vocabSize' passed to 'BpeTokenizer.train' must be at least 258/);
    expect(() => new BpeTokenizer(['<s>'], [[5, 500]])).toThrow(/Argument 'merges' passed to 'BpeTokenizer' must hold pairs of earlier non-special token ids/);
    expect(() => tokenizerFromJson({ type: 'word' } as never)).toThrow(InvalidArgumentError);
    expect(() => tok.encode(5 as never)).toThrow(/Argument 'text' passed to 'BpeTokenizer.encode' must be a string, but got 5/);
  });
});
