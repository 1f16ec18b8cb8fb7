// The tokenizer interface shared by the character-level and byte-level BPE tokenizers, and the
// JSON form that `save`/`load` of every model stores next to the weights.
import { InvalidArgumentError, describeValue } from '@gen/core';

/** JSON form of a character tokenizer (see `CharTokenizer.toJSON`). */
export interface CharTokenizerJson {
  readonly type: 'char';
  readonly specialTokens: readonly string[];
  /** Characters (Unicode code points) in id order, after the special tokens. */
  readonly chars: readonly string[];
  readonly byteFallback: boolean;
}

/** JSON form of a byte-level BPE tokenizer (see `BpeTokenizer.toJSON`). */
export interface BpeTokenizerJson {
  readonly type: 'bpe';
  readonly specialTokens: readonly string[];
  /** Merges in rank order, each a pair of token ids merged into id `specials + 256 + rank`. */
  readonly merges: ReadonlyArray<readonly [number, number]>;
}

/** JSON form of any tokenizer of this package; `tokenizerFromJson` rebuilds it. */
export type TokenizerJson = CharTokenizerJson | BpeTokenizerJson;

/** Options of `Tokenizer.decode`. */
export interface DecodeOptions {
  /** Leave special tokens out of the text. Default false (they are written as their strings). */
  readonly skipSpecialTokens?: boolean;
}

/**
 * Maps text to token ids and back. Ids run over `[0, vocabSize)`; the special tokens (such as
 * `<s>` and `</s>`) take the first ids. `encode` never produces special tokens from text: the text
 * "<s>" is encoded as its characters, so `decode(encode(s)) === s`.
 */
export interface Tokenizer {
  readonly type: 'char' | 'bpe';
  readonly vocabSize: number;
  readonly specialTokens: readonly string[];
  /** Token ids of `text`. */
  encode(text: string): number[];
  /** Text of `ids` (special tokens written as their strings unless skipped). */
  decode(ids: readonly number[], options?: DecodeOptions): string;
  /** Id of a special token, or undefined. */
  specialTokenId(token: string): number | undefined;
  /** A readable form of one token (for ARPA files and debugging): special string, character, or bytes. */
  tokenString(id: number): string;
  /** A streaming decoder: feed ids one by one and get the text they complete (UTF-8 safe). */
  decoder(options?: DecodeOptions): { push(id: number): string; flush(): string };
  toJSON(): TokenizerJson;
}

/** Throws unless `specialTokens` is an array of distinct non-empty strings. */
export function checkSpecialTokens(fn: string, value: unknown): readonly string[] {
  if (value === undefined) return ['<s>', '</s>'];
  if (!Array.isArray(value) || value.some((t) => typeof t !== 'string' || t.length === 0) || new Set(value).size !== value.length) {
    throw new InvalidArgumentError(
      `Argument 'specialTokens' passed to '${fn}' must be an array of distinct non-empty strings, but got ${describeValue(value)}.`,
    );
  }
  return [...value];
}
