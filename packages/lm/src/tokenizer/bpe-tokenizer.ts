// Byte-level byte-pair encoding. Sennrich et al. (2016), "Neural Machine Translation of Rare Words
// with Subword Units", over UTF-8 bytes as in Radford et al. (2019), GPT-2: text is split into
// pre-tokens (letters, digits, other symbols, whitespace, each with an optional leading space),
// each pre-token's bytes are merged pairwise by learned merge rank. Every string round-trips.
import { InvalidArgumentError, describeValue } from '@gen/core';
import { checkPositiveInteger, checkString, checkTokenIds, checkWellFormed } from '../check.js';
import { type BpeTokenizerJson, type DecodeOptions, type Tokenizer, checkSpecialTokens } from './tokenizer.js';

/** Options of `BpeTokenizer.train`. */
export interface BpeTokenizerOptions {
  /** Target vocabulary size: special tokens + 256 bytes + merges. */
  readonly vocabSize: number;
  /** Stop merging when the most frequent pair occurs fewer times than this (default 2). */
  readonly minFrequency?: number;
  /** Special tokens, given the first ids. Default `['<s>', '</s>']`. */
  readonly specialTokens?: readonly string[];
}

// GPT-2's pre-tokenisation classes: contractions, letters, digits, other symbols, whitespace.
const PRETOKEN = /'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const utf8 = new TextEncoder();

function pretokens(text: string): string[] {
  return text.match(PRETOKEN) ?? [];
}

/**
 * Byte-level BPE tokenizer. Ids: special tokens, then the 256 bytes, then one id per merge.
 *
 * @example
 * const tok = BpeTokenizer.train([corpus], { vocabSize: 512 });
 * tok.decode(tok.encode('naïve café ☕')) === 'naïve café ☕'; // true
 */
export class BpeTokenizer implements Tokenizer {
  readonly type = 'bpe' as const;
  readonly vocabSize: number;
  readonly specialTokens: readonly string[];
  readonly merges: ReadonlyArray<readonly [number, number]>;
  private readonly byteBase: number;
  private readonly rank: Map<number, number>; // pair key -> merge rank
  private readonly bytesOf: Uint8Array[]; // token id -> its bytes (specials: empty)
  private readonly cache = new Map<string, number[]>();

  /** Builds a tokenizer from its parts; prefer `train` or `fromJSON`. */
  constructor(specialTokens: readonly string[], merges: ReadonlyArray<readonly [number, number]>) {
    const fn = 'BpeTokenizer';
    const specials = checkSpecialTokens(fn, specialTokens);
    this.specialTokens = specials;
    this.byteBase = specials.length;
    this.bytesOf = specials.map(() => new Uint8Array(0));
    for (let b = 0; b < 256; b++) this.bytesOf.push(new Uint8Array([b]));
    this.rank = new Map();
    if (!Array.isArray(merges)) throw new InvalidArgumentError(`Argument 'merges' passed to '${fn}' must be an array of id pairs, but got ${describeValue(merges)}.`);
    merges.forEach((pair, r) => {
      const next = this.byteBase + 256 + r;
      const ok = Array.isArray(pair) && pair.length === 2 && pair.every((id) => Number.isInteger(id) && id >= this.byteBase && id < next);
      if (!ok) {
        throw new InvalidArgumentError(`Argument 'merges' passed to '${fn}' must hold pairs of earlier non-special token ids, but got ${describeValue(pair)} at index ${r}.`);
      }
      const [a, b] = pair;
      const joined = new Uint8Array(this.bytesOf[a].length + this.bytesOf[b].length);
      joined.set(this.bytesOf[a]);
      joined.set(this.bytesOf[b], this.bytesOf[a].length);
      this.bytesOf.push(joined);
      this.rank.set(a * 0x200000 + b, r);
    });
    this.merges = merges.map(([a, b]) => [a, b] as const);
    this.vocabSize = this.bytesOf.length;
  }

  /**
   * Learns merges from `texts`: repeatedly merges the most frequent adjacent pair inside
   * pre-tokens (ties: the smallest pair of ids) until `vocabSize` or `minFrequency` stops it.
   *
   * @example
   * const tok = BpeTokenizer.train(lines, { vocabSize: 400, minFrequency: 2 });
   */
  static train(texts: readonly string[] | string, options: BpeTokenizerOptions): BpeTokenizer {
    const fn = 'BpeTokenizer.train';
    const list = typeof texts === 'string' ? [texts] : texts;
    if (!Array.isArray(list)) throw new InvalidArgumentError(`Argument 'texts' passed to '${fn}' must be a string or an array of strings, but got ${describeValue(texts)}.`);
    const specials = checkSpecialTokens(fn, options?.specialTokens);
    checkPositiveInteger(fn, 'vocabSize', options?.vocabSize);
    const minFrequency = options.minFrequency ?? 2;
    checkPositiveInteger(fn, 'minFrequency', minFrequency);
    const base = specials.length + 256;
    if (options.vocabSize < base) {
      throw new InvalidArgumentError(`Argument 'vocabSize' passed to '${fn}' must be at least ${base} (special tokens and 256 bytes), but got ${options.vocabSize}.`);
    }
    // Distinct pre-tokens with their counts, as arrays of byte token ids.
    const wordCounts = new Map<string, number>();
    list.forEach((t, i) => {
      checkString(fn, `texts[${i}]`, t);
      checkWellFormed(fn, `texts[${i}]`, t);
      for (const w of pretokens(t)) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
    });
    const words: number[][] = [];
    const freq: number[] = [];
    for (const [w, n] of wordCounts) {
      words.push([...utf8.encode(w)].map((b) => specials.length + b));
      freq.push(n);
    }
    const merges: Array<[number, number]> = [];
    const key = (a: number, b: number) => a * 0x200000 + b;
    // Pair counts, and which words hold each pair, updated incrementally after each merge.
    const pairCount = new Map<number, number>();
    const pairWords = new Map<number, Set<number>>();
    const addWord = (wi: number, sign: number) => {
      const w = words[wi];
      for (let i = 0; i + 1 < w.length; i++) {
        const k = key(w[i], w[i + 1]);
        pairCount.set(k, (pairCount.get(k) ?? 0) + sign * freq[wi]);
        if (sign > 0) {
          let s = pairWords.get(k);
          if (!s) pairWords.set(k, (s = new Set()));
          s.add(wi);
        }
      }
    };
    words.forEach((_, wi) => addWord(wi, 1));
    while (specials.length + 256 + merges.length < options.vocabSize) {
      let best = -1;
      let bestCount = 0;
      for (const [k, n] of pairCount) {
        if (n > bestCount || (n === bestCount && n > 0 && k < best)) {
          best = k;
          bestCount = n;
        }
      }
      if (best < 0 || bestCount < minFrequency) break;
      const a = Math.floor(best / 0x200000);
      const b = best % 0x200000;
      const id = base + merges.length;
      merges.push([a, b]);
      for (const wi of pairWords.get(best) ?? []) {
        const w = words[wi];
        let has = false;
        for (let i = 0; i + 1 < w.length; i++) if (w[i] === a && w[i + 1] === b) has = true;
        if (!has) continue;
        addWord(wi, -1);
        const merged: number[] = [];
        for (let i = 0; i < w.length; i++) {
          if (i + 1 < w.length && w[i] === a && w[i + 1] === b) {
            merged.push(id);
            i++;
          } else merged.push(w[i]);
        }
        words[wi] = merged;
        addWord(wi, 1);
      }
      pairCount.delete(best);
      pairWords.delete(best);
    }
    return new BpeTokenizer(specials, merges);
  }

  /** Rebuilds a tokenizer from `toJSON()`'s output. */
  static fromJSON(json: BpeTokenizerJson): BpeTokenizer {
    if (json?.type !== 'bpe') {
      throw new InvalidArgumentError(`Argument 'json' passed to 'BpeTokenizer.fromJSON' must be a BPE tokenizer's JSON, but got ${describeValue(json)}.`);
    }
    return new BpeTokenizer(json.specialTokens, json.merges);
  }

  private encodeWord(word: string): number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const ids = [...utf8.encode(word)].map((b) => this.byteBase + b);
    // Merge the lowest-ranked pair present until none applies.
    for (;;) {
      let bestRank = Infinity;
      let at = -1;
      for (let i = 0; i + 1 < ids.length; i++) {
        const r = this.rank.get(ids[i] * 0x200000 + ids[i + 1]);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          at = i;
        }
      }
      if (at < 0) break;
      const id = this.byteBase + 256 + bestRank;
      const [a, b] = this.merges[bestRank];
      const next: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
          next.push(id);
          i++;
        } else next.push(ids[i]);
      }
      ids.splice(0, ids.length, ...next);
    }
    if (this.cache.size < 100_000) this.cache.set(word, ids);
    return ids;
  }

  encode(text: string): number[] {
    const fn = 'BpeTokenizer.encode';
    checkString(fn, 'text', text);
    checkWellFormed(fn, 'text', text);
    const out: number[] = [];
    for (const w of pretokens(text)) for (const id of this.encodeWord(w)) out.push(id);
    return out;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    checkTokenIds('BpeTokenizer.decode', 'ids', ids, this.vocabSize);
    const d = this.decoder(options);
    let out = '';
    for (const id of ids) out += d.push(id);
    return out + d.flush();
  }

  decoder(options: DecodeOptions = {}): { push(id: number): string; flush(): string } {
    const bytes = new TextDecoder('utf-8');
    const skip = options.skipSpecialTokens ?? false;
    return {
      push: (id: number) => {
        checkTokenIds('BpeTokenizer.decoder', 'id', [id], this.vocabSize);
        if (id < this.byteBase) return bytes.decode() + (skip ? '' : this.specialTokens[id]);
        return bytes.decode(this.bytesOf[id], { stream: true });
      },
      flush: () => bytes.decode(),
    };
  }

  specialTokenId(token: string): number | undefined {
    const i = this.specialTokens.indexOf(token);
    return i < 0 ? undefined : i;
  }

  tokenString(id: number): string {
    checkTokenIds('BpeTokenizer.tokenString', 'id', [id], this.vocabSize);
    if (id < this.byteBase) return this.specialTokens[id];
    return [...this.bytesOf[id]].map((b) => (b >= 0x21 && b < 0x7f ? String.fromCharCode(b) : `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)).join('');
  }

  toJSON(): BpeTokenizerJson {
    return { type: 'bpe', specialTokens: [...this.specialTokens], merges: this.merges.map(([a, b]) => [a, b] as const) };
  }
}
