// The interface every language model of this package implements, so that one generation API
// (`generate`, `stream`, `beamSearch`) and one evaluation path serve n-grams, RNNs and transformers.
import type { Tokenizer } from './tokenizer/tokenizer.js';

/**
 * An incremental decoding session: the model keeps whatever state makes the next step cheap (the
 * n-gram's recent tokens, an RNN's hidden state, a transformer's key/value cache).
 */
export interface DecodingSession {
  /**
   * Appends `tokens` to the context and returns the natural-log probabilities of the next token,
   * `[vocabSize]` (a new array owned by the caller; -Infinity for impossible tokens).
   */
  append(tokens: readonly number[]): Promise<Float64Array>;
  /** Frees the session's state (idempotent). */
  dispose(): void;
}

/**
 * A model of p(next token | context). Contexts are token ids that follow an implicit beginning of
 * sequence (`bosId`); `logProb(tokens)` scores `tokens` after it, so add `eosId` yourself to score
 * a complete sentence.
 */
export interface LanguageModel {
  /** The tokenizer saved with the model (null for models built directly on ids). */
  readonly tokenizer: Tokenizer | null;
  readonly vocabSize: number;
  /** Beginning-of-sequence id, never predicted. */
  readonly bosId: number;
  /** End-of-sequence id (generation stops on it), or null. */
  readonly eosId: number | null;
  /** True when the model cannot start from an empty context (generation then needs a prompt). */
  readonly needsPrompt?: boolean;
  /** Natural-log probabilities `[vocabSize]` of the token after `context` (a new array). */
  nextLogProbs(context: readonly number[]): Promise<Float64Array>;
  /** Starts incremental decoding from the beginning of a sequence. */
  startSession(): DecodingSession;
  /** Sum of natural-log probabilities of `tokens` after the beginning of sequence. */
  logProb(tokens: readonly number[]): Promise<number>;
  /** exp(-logProb(tokens) / tokens.length). */
  perplexity(tokens: readonly number[]): Promise<number>;
  /** Frees the model's memory (idempotent); use afterwards throws `DisposedError`. */
  dispose(): void;
}
