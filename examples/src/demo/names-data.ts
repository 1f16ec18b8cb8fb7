// First names for the language-model sections, loaded once: the English first names the stdlib
// packages ship, lower-cased, shuffled with a fixed seed, the last 10% held out; a character
// tokenizer; and bits per character on held-out names, each scored as <s> name </s>.
import { permutation } from '@gen/core';
import { loadFirstNames } from '@gen/datasets';
import { CharTokenizer, type LanguageModel, type Tokenizer, generate } from '@gen/lm';

export interface NamesData {
  train: string[];
  valid: string[];
  tokenizer: CharTokenizer;
}

let cached: Promise<NamesData> | null = null;

export function names(): Promise<NamesData> {
  cached ??= (async () => {
    const all = (await loadFirstNames('all')).map((n) => n.toLowerCase());
    const order = permutation(0, all.length);
    const shuffled = Array.from(order, (i) => all[i]);
    const cut = Math.floor(shuffled.length * 0.9);
    return { train: shuffled.slice(0, cut), valid: shuffled.slice(cut), tokenizer: CharTokenizer.train(shuffled) };
  })();
  return cached;
}

/** Bits per character of `names` (each <s> name </s>; the end token counts as a character). */
export async function bitsPerChar(lm: LanguageModel, tokenizer: Tokenizer, names: string[]): Promise<{ value: number; chars: number }> {
  let nats = 0;
  let chars = 0;
  for (const name of names) {
    const ids = [...tokenizer.encode(name), lm.eosId!];
    nats -= await lm.logProb(ids);
    chars += ids.length;
  }
  return { value: nats / chars / Math.LN2, chars };
}

/** `count` names sampled at temperature 0.9 with seeds 0, 1, ... */
export function sampleNames(lm: LanguageModel, count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, (_, seed) => generate(lm, '', { maxTokens: 20, temperature: 0.9, seed })));
}
