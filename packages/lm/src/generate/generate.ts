// One generation loop for every `LanguageModel`: ancestral sampling with temperature / top-k /
// top-p / repetition penalty, stop strings, an abort signal, and a seed through @gen/core's keys.
import { InvalidArgumentError, type Seed, describeValue, foldIn, toKey, uniformFloat64 } from '@gen/core';
import { checkPositiveInteger, checkString, checkTokenIds } from '../check.js';
import type { LanguageModel } from '../language-model.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { type SamplingOptions, checkSamplingOptions, pickToken, samplingDistribution } from './sampling.js';

/** Options of `generate`, `stream` and `generateIds`. */
export interface GenerateOptions extends SamplingOptions {
  /** Most tokens to generate. Default 64. */
  readonly maxTokens?: number;
  /** Stop when the generated text contains one of these; the stop string is not returned. */
  readonly stop?: string | readonly string[];
  /** Seed of the sampling (integer or key). Default 0, so generation is reproducible. */
  readonly seed?: Seed;
  /** Aborting ends generation before the next token; the text so far is returned. */
  readonly signal?: AbortSignal;
  /** End at the model's end-of-sequence token (not returned). Default true. */
  readonly stopAtEos?: boolean;
}

/** Why generation ended. */
export type FinishReason = 'length' | 'eos' | 'stop' | 'aborted';

/** One step of `stream`: the token chosen and the text it releases (held back while it might start a stop string). A last chunk with token -1 may carry text still held at the end. */
export interface StreamChunk {
  readonly token: number;
  readonly text: string;
}

/** Result of `generateIds`. */
export interface GenerateIdsResult {
  readonly tokens: number[];
  readonly finishReason: FinishReason;
}

const nextTick: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((r) => setImmediate(r)) : () => new Promise((r) => setTimeout(r, 0));

function checkOptions(fn: string, model: LanguageModel, options: GenerateOptions): { maxTokens: number; stops: string[]; seed: Seed } {
  if (model == null || typeof (model as LanguageModel).startSession !== 'function') {
    throw new InvalidArgumentError(`Argument 'model' passed to '${fn}' must be a LanguageModel, but got ${describeValue(model)}.`);
  }
  if (options == null || typeof options !== 'object') throw new InvalidArgumentError(`Argument 'options' passed to '${fn}' must be an object, but got ${describeValue(options)}.`);
  checkSamplingOptions(fn, options);
  const maxTokens = options.maxTokens ?? 64;
  checkPositiveInteger(fn, 'options.maxTokens', maxTokens);
  const stops = options.stop === undefined ? [] : typeof options.stop === 'string' ? [options.stop] : [...options.stop];
  if (stops.some((s) => typeof s !== 'string' || s === '')) {
    throw new InvalidArgumentError(`Argument 'options.stop' passed to '${fn}' must be a non-empty string or an array of them, but got ${describeValue(options.stop)}.`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(`Argument 'options.signal' passed to '${fn}' must be an AbortSignal, but got ${describeValue(options.signal)}.`);
  }
  const seed = options.seed ?? 0;
  toKey(seed, fn, 'options.seed');
  return { maxTokens, stops, seed };
}

function checkPrompt(fn: string, model: LanguageModel, ids: readonly number[]): void {
  checkTokenIds(fn, 'prompt', ids, model.vocabSize);
  if (ids.length === 0 && model.needsPrompt) {
    throw new InvalidArgumentError(`Argument 'prompt' passed to '${fn}' must be non-empty for this model (it has no beginning-of-sequence token), but got an empty prompt.`);
  }
}

/**
 * The core loop on token ids: yields each chosen token. Shared by `generateIds` and `stream`.
 * Every token: (1) check the signal, (2) turn the model's next-token log-probabilities into the
 * allowed distribution, (3) draw with this step's key, (4) feed the token back to the session.
 */
async function* tokenLoop(fn: string, model: LanguageModel, prompt: readonly number[], options: GenerateOptions, maxTokens: number, seed: Seed, finish: { reason: FinishReason }): AsyncGenerator<number> {
  const key = toKey(seed, fn, 'options.seed');
  const stopAtEos = options.stopAtEos ?? true;
  const history = [...prompt];
  const session = model.startSession();
  try {
    // The distribution after <s> + prompt.
    let logProbs = await session.append(prompt);
    for (let step = 0; step < maxTokens; step++) {
      if (options.signal?.aborted) {
        finish.reason = 'aborted';
        return;
      }
      const dist = samplingDistribution(logProbs, options, history);
      const u = dist.ids.length === 1 ? 0 : uniformFloat64(foldIn(key, step), 1)[0];
      const token = pickToken(dist, u);
      if (stopAtEos && token === model.eosId) {
        finish.reason = 'eos';
        return;
      }
      history.push(token);
      const more: boolean | undefined = yield token;
      if (more === false) return;
      // Let timers and abort events run between tokens, even for models that never wait.
      await nextTick();
      if (step + 1 < maxTokens && !options.signal?.aborted) logProbs = await session.append([token]);
    }
    finish.reason = 'length';
  } finally {
    session.dispose();
  }
}

/**
 * Generates token ids after `prompt` (ids, without `<s>`).
 *
 * @example
 * const { tokens, finishReason } = await generateIds(lm, tok.encode('Ma'), { maxTokens: 8, seed: 1 });
 */
export async function generateIds(model: LanguageModel, prompt: readonly number[], options: GenerateOptions = {}): Promise<GenerateIdsResult> {
  const fn = 'generateIds';
  const { maxTokens, seed } = checkOptions(fn, model, options);
  checkPrompt(fn, model, prompt);
  const finish = { reason: 'length' as FinishReason };
  const tokens: number[] = [];
  for await (const t of tokenLoop(fn, model, prompt, options, maxTokens, seed, finish)) tokens.push(t);
  return { tokens, finishReason: finish.reason };
}

function modelTokenizer(fn: string, model: LanguageModel): Tokenizer {
  if (!model?.tokenizer) throw new InvalidArgumentError(`Argument 'model' passed to '${fn}' must have a tokenizer for text prompts (use generateIds otherwise), but its tokenizer is null.`);
  return model.tokenizer;
}

/**
 * Streams the continuation of `prompt`, token by token, as `{ token, text }` chunks; text that
 * could begin a stop string is held back until it cannot. Ends at `maxTokens`, the end token, a
 * stop string, or when `signal` aborts.
 *
 * @example
 * for await (const { text } of stream(lm, 'Call me', { maxTokens: 100, temperature: 0.8, seed: 3 })) process.stdout.write(text);
 */
export async function* stream(model: LanguageModel, prompt: string, options: GenerateOptions = {}): AsyncGenerator<StreamChunk, FinishReason> {
  const fn = 'stream';
  const { maxTokens, stops, seed } = checkOptions(fn, model, options);
  checkString(fn, 'prompt', prompt);
  const tokenizer = modelTokenizer(fn, model);
  const ids = tokenizer.encode(prompt);
  checkPrompt(fn, model, ids);
  const decoder = tokenizer.decoder({ skipSpecialTokens: true });
  const finish = { reason: 'length' as FinishReason };
  let pending = ''; // decoded text not yet released
  const loop = tokenLoop(fn, model, ids, options, maxTokens, seed, finish);
  try {
    for await (const token of loop) {
      pending += decoder.push(token);
      // A complete stop string ends generation; release the text before it.
      let cut = -1;
      for (const s of stops) {
        const at = pending.indexOf(s);
        if (at >= 0 && (cut < 0 || at < cut)) cut = at;
      }
      if (cut >= 0) {
        yield { token, text: pending.slice(0, cut) };
        finish.reason = 'stop';
        return finish.reason;
      }
      // Hold back the longest tail that is a prefix of some stop string.
      let hold = 0;
      for (const s of stops) for (let len = Math.min(s.length - 1, pending.length); len > hold; len--) if (pending.endsWith(s.slice(0, len))) hold = len;
      yield { token, text: pending.slice(0, pending.length - hold) };
      pending = pending.slice(pending.length - hold);
    }
  } finally {
    await loop.return(undefined);
  }
  const rest = pending + decoder.flush();
  if (rest) yield { token: -1, text: rest };
  return finish.reason;
}

/**
 * Generates the continuation of `prompt` (the prompt itself is not included).
 *
 * @example
 * const name = await generate(lm, '', { maxTokens: 20, temperature: 0.8, seed: 7 });
 * const greedy = await generate(lm, 'The whale', { temperature: 0, maxTokens: 50, stop: '.' });
 */
export async function generate(model: LanguageModel, prompt: string, options: GenerateOptions = {}): Promise<string> {
  let text = '';
  for await (const chunk of stream(model, prompt, options)) text += chunk.text;
  return text;
}

/** Options of `beamSearch`. */
export interface BeamSearchOptions {
  /** Beams kept per step. Default 4. */
  readonly numBeams?: number;
  /** Most tokens per hypothesis. Default 32. */
  readonly maxTokens?: number;
  /** Hypotheses are ranked by logProb / length^lengthPenalty (Wu et al. 2016 style). Default 1. */
  readonly lengthPenalty?: number;
}

/** One hypothesis of `beamSearch`. */
export interface BeamHypothesis {
  readonly tokens: number[];
  /** Text of the tokens (null without a tokenizer). */
  readonly text: string | null;
  /** Sum of natural-log probabilities of the tokens (and of the end token when finished). */
  readonly logProb: number;
  readonly score: number;
  readonly finished: boolean;
}

/**
 * Beam search for the most probable continuations of `prompt` (text, or token ids). Returns up to
 * `numBeams` hypotheses, best score first.
 *
 * @example
 * const [best] = await beamSearch(lm, 'Ma', { numBeams: 5, maxTokens: 10 });
 */
export async function beamSearch(model: LanguageModel, prompt: string | readonly number[], options: BeamSearchOptions = {}): Promise<BeamHypothesis[]> {
  const fn = 'beamSearch';
  const numBeams = options.numBeams ?? 4;
  const maxTokens = options.maxTokens ?? 32;
  const lengthPenalty = options.lengthPenalty ?? 1;
  checkPositiveInteger(fn, 'options.numBeams', numBeams);
  checkPositiveInteger(fn, 'options.maxTokens', maxTokens);
  if (typeof lengthPenalty !== 'number' || !Number.isFinite(lengthPenalty)) throw new InvalidArgumentError(`Argument 'options.lengthPenalty' passed to '${fn}' must be a finite number, but got ${describeValue(lengthPenalty)}.`);
  const ids = typeof prompt === 'string' ? modelTokenizer(fn, model).encode(prompt) : [...(prompt ?? [])];
  checkPrompt(fn, model, ids);
  const score = (logProb: number, length: number) => logProb / Math.pow(Math.max(length, 1), lengthPenalty);
  let beams: Array<{ tokens: number[]; logProb: number }> = [{ tokens: [], logProb: 0 }];
  const finished: Array<{ tokens: number[]; logProb: number }> = [];
  for (let step = 0; step < maxTokens && beams.length > 0; step++) {
    const candidates: Array<{ tokens: number[]; logProb: number; end: boolean }> = [];
    for (const beam of beams) {
      const lp = await model.nextLogProbs([...ids, ...beam.tokens]);
      // Only the best numBeams + 1 extensions of each beam can survive.
      const top = Array.from(lp.keys()).filter((w) => lp[w] > -Infinity).sort((a, b) => lp[b] - lp[a] || a - b).slice(0, numBeams + 1);
      for (const w of top) candidates.push({ tokens: w === model.eosId ? beam.tokens : [...beam.tokens, w], logProb: beam.logProb + lp[w], end: w === model.eosId });
    }
    candidates.sort((a, b) => b.logProb - a.logProb);
    beams = [];
    for (const c of candidates) {
      if (beams.length >= numBeams) break;
      if (c.end) {
        if (finished.length < numBeams) finished.push(c);
      } else beams.push(c);
    }
    // Stop once every finished hypothesis beats the best any live beam can still reach (log-probabilities only fall).
    if (finished.length >= numBeams && lengthPenalty === 0) break;
  }
  const all = [...finished.map((h) => ({ ...h, finished: true })), ...beams.map((h) => ({ ...h, finished: false }))]
    .map((h) => ({ ...h, score: score(h.logProb, h.tokens.length + (h.finished ? 1 : 0)) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, numBeams);
  return all.map((h) => ({ tokens: h.tokens, text: model.tokenizer ? model.tokenizer.decode(h.tokens, { skipSpecialTokens: true }) : null, logProb: h.logProb, score: h.score, finished: h.finished }));
}
