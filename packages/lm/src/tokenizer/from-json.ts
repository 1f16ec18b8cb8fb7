// Rebuilds either tokenizer from its JSON form (used by model `load`).
import { InvalidArgumentError, describeValue } from '@gen/core';
import { BpeTokenizer } from './bpe-tokenizer.js';
import { CharTokenizer } from './char-tokenizer.js';
import type { Tokenizer, TokenizerJson } from './tokenizer.js';

/**
 * Rebuilds a tokenizer from `tokenizer.toJSON()` (after a JSON round trip).
 *
 * @example
 * const copy = tokenizerFromJson(JSON.parse(JSON.stringify(tok.toJSON())));
 */
export function tokenizerFromJson(json: TokenizerJson): Tokenizer {
  if (json?.type === 'char') return CharTokenizer.fromJSON(json);
  if (json?.type === 'bpe') return BpeTokenizer.fromJSON(json);
  throw new InvalidArgumentError(`Argument 'json' passed to 'tokenizerFromJson' must have type 'char' or 'bpe', but got ${describeValue(json)}.`);
}
