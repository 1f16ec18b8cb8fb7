// Character-level tokenizer: one token per Unicode code point (makemore / char-rnn style), with an
// optional UTF-8 byte fallback so that any string round-trips.
import { InvalidArgumentError, describeValue } from '@gen/core';
import { checkPositiveInteger, checkString, checkTokenIds, checkWellFormed } from '../check.js';
import { type CharTokenizerJson, type DecodeOptions, type Tokenizer, checkSpecialTokens } from './tokenizer.js';

/** Options of `CharTokenizer.train`. */
export interface CharTokenizerOptions {
  /** Largest vocabulary (special tokens, characters and the 256 fallback bytes included); keeps the most frequent characters. */
  readonly vocabSize?: number;
  /** Characters seen fewer times are left out (default 1). */
  readonly minFrequency?: number;
  /** Special tokens, given the first ids. Default `['<s>', '</s>']`. */
  readonly specialTokens?: readonly string[];
  /**
   * Add 256 byte tokens that spell characters outside the vocabulary in UTF-8, so every string
   * round-trips. Default false: encoding an unknown character throws `InvalidArgumentError`.
   */
  readonly byteFallback?: boolean;
}

const utf8 = new TextEncoder();

/**
 * Character tokenizer. Ids: special tokens, then characters (by frequency, ties by code point),
 * then (with `byteFallback`) the 256 bytes.
 *
 * @example
 * const tok = CharTokenizer.train(['hello world']);
 * tok.decode(tok.encode('hello')); // 'hello'
 */
export class CharTokenizer implements Tokenizer {
  readonly type = 'char' as const;
  readonly vocabSize: number;
  readonly specialTokens: readonly string[];
  readonly chars: readonly string[];
  readonly byteFallback: boolean;
  private readonly charToId: Map<string, number>;
  private readonly byteBase: number;

  /** Builds a tokenizer from its parts; prefer `train` or `fromJSON`. */
  constructor(specialTokens: readonly string[], chars: readonly string[], byteFallback = false) {
    const fn = 'CharTokenizer';
    const specials = checkSpecialTokens(fn, specialTokens);
    if (!Array.isArray(chars) || chars.some((c) => typeof c !== 'string' || [...c].length !== 1) || new Set(chars).size !== chars.length) {
      throw new InvalidArgumentError(`Argument 'chars' passed to '${fn}' must be an array of distinct single characters, but got ${describeValue(chars)}.`);
    }
    this.specialTokens = specials;
    this.chars = [...chars];
    this.byteFallback = byteFallback === true;
    this.charToId = new Map(this.chars.map((c, i) => [c, specials.length + i]));
    this.byteBase = specials.length + this.chars.length;
    this.vocabSize = this.byteBase + (this.byteFallback ? 256 : 0);
  }

  /**
   * Collects the characters of `texts`.
   *
   * @example
   * const tok = CharTokenizer.train(names, { specialTokens: ['<s>', '</s>'] });
   */
  static train(texts: readonly string[] | string, options: CharTokenizerOptions = {}): CharTokenizer {
    const fn = 'CharTokenizer.train';
    const list = typeof texts === 'string' ? [texts] : texts;
    if (!Array.isArray(list)) throw new InvalidArgumentError(`Argument 'texts' passed to '${fn}' must be a string or an array of strings, but got ${describeValue(texts)}.`);
    const specials = checkSpecialTokens(fn, options.specialTokens);
    const minFrequency = options.minFrequency ?? 1;
    checkPositiveInteger(fn, 'minFrequency', minFrequency);
    const byteFallback = options.byteFallback ?? false;
    const counts = new Map<string, number>();
    list.forEach((t, i) => {
      checkString(fn, `texts[${i}]`, t);
      checkWellFormed(fn, `texts[${i}]`, t);
      for (const c of t) counts.set(c, (counts.get(c) ?? 0) + 1);
    });
    let chars = [...counts.entries()]
      .filter(([, n]) => n >= minFrequency)
      .sort((a, b) => b[1] - a[1] || (a[0].codePointAt(0)! - b[0].codePointAt(0)!))
      .map(([c]) => c);
    if (options.vocabSize !== undefined) {
      checkPositiveInteger(fn, 'vocabSize', options.vocabSize);
      const room = options.vocabSize - specials.length - (byteFallback ? 256 : 0);
      if (room < 0) {
        throw new InvalidArgumentError(
          `Argument 'vocabSize' passed to '${fn}' must be at least ${specials.length + (byteFallback ? 256 : 0)} (special tokens${byteFallback ? ' and fallback bytes' : ''}), but got ${options.vocabSize}.`,
        );
      }
      chars = chars.slice(0, room);
    }
    // Id order by code point keeps the vocabulary readable; frequency only chose which survive.
    chars.sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    return new CharTokenizer(specials, chars, byteFallback);
  }

  /** Rebuilds a tokenizer from `toJSON()`'s output. */
  static fromJSON(json: CharTokenizerJson): CharTokenizer {
    if (json?.type !== 'char') {
      throw new InvalidArgumentError(`Argument 'json' passed to 'CharTokenizer.fromJSON' must be a char tokenizer's JSON, but got ${describeValue(json)}.`);
    }
    return new CharTokenizer(json.specialTokens, json.chars, json.byteFallback);
  }

  encode(text: string): number[] {
    const fn = 'CharTokenizer.encode';
    checkString(fn, 'text', text);
    checkWellFormed(fn, 'text', text);
    const ids: number[] = [];
    for (const c of text) {
      const id = this.charToId.get(c);
      if (id !== undefined) ids.push(id);
      else if (this.byteFallback) for (const b of utf8.encode(c)) ids.push(this.byteBase + b);
      else {
        throw new InvalidArgumentError(
          `Argument 'text' passed to '${fn}' must use only the tokenizer's characters (or train with byteFallback), but got ${describeValue(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase()}).`,
        );
      }
    }
    return ids;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    checkTokenIds('CharTokenizer.decode', 'ids', ids, this.vocabSize);
    const d = this.decoder(options);
    let out = '';
    for (const id of ids) out += d.push(id);
    return out + d.flush();
  }

  decoder(options: DecodeOptions = {}): { push(id: number): string; flush(): string } {
    const bytes = new TextDecoder('utf-8');
    let pending = false;
    const skip = options.skipSpecialTokens ?? false;
    const flushBytes = () => {
      if (!pending) return '';
      pending = false;
      return bytes.decode();
    };
    return {
      push: (id: number) => {
        checkTokenIds('CharTokenizer.decoder', 'id', [id], this.vocabSize);
        if (id >= this.byteBase) {
          pending = true;
          return bytes.decode(new Uint8Array([id - this.byteBase]), { stream: true });
        }
        const head = flushBytes();
        if (id < this.specialTokens.length) return head + (skip ? '' : this.specialTokens[id]);
        return head + this.chars[id - this.specialTokens.length];
      },
      flush: flushBytes,
    };
  }

  specialTokenId(token: string): number | undefined {
    const i = this.specialTokens.indexOf(token);
    return i < 0 ? undefined : i;
  }

  tokenString(id: number): string {
    checkTokenIds('CharTokenizer.tokenString', 'id', [id], this.vocabSize);
    if (id < this.specialTokens.length) return this.specialTokens[id];
    if (id >= this.byteBase) return `<0x${(id - this.byteBase).toString(16).toUpperCase().padStart(2, '0')}>`;
    return this.chars[id - this.specialTokens.length];
  }

  toJSON(): CharTokenizerJson {
    return { type: 'char', specialTokens: [...this.specialTokens], chars: [...this.chars], byteFallback: this.byteFallback };
  }
}
