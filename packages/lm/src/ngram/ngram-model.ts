// n-gram language models. Interpolated modified Kneser-Ney: Chen & Goodman (1998), "An Empirical
// Study of Smoothing Techniques for Language Modeling", §3.5 and eq. (17)-(19), with KenLM's
// conventions (raw counts for n-grams that start with <s>, first word predicted from <s> alone).
// Add-k: Lidstone smoothing. Stupid backoff: Brants et al. (2007), renormalised per context here.
import { DisposedError, InvalidArgumentError, describeValue } from '@gen/core';
import { checkPositiveInteger, checkTokenIds } from '../check.js';
import type { DecodingSession, LanguageModel } from '../language-model.js';
import { tokenizerFromJson } from '../tokenizer/from-json.js';
import type { Tokenizer, TokenizerJson } from '../tokenizer/tokenizer.js';
import { DenseChildrenTable, DenseNumberTable, type DenseOrder, type KeyLookup, countDense, denseKneserNey } from './dense-counts.js';
import { Keyer, type NgramKey, firstId, lastId, prefixKey, suffixKey } from './keys.js';

/** Smoothing methods of `NgramModel`. */
export const NGRAM_SMOOTHINGS = ['kneser-ney', 'add-k', 'stupid-backoff'] as const;
export type NgramSmoothing = (typeof NGRAM_SMOOTHINGS)[number];

/** Configuration of `NgramModel.fit`. */
export interface NgramConfig {
  /** n: the model conditions on the previous n - 1 tokens. */
  readonly order: number;
  readonly vocabSize: number;
  /** Beginning-of-sentence id (prepended once, never predicted). */
  readonly bosId: number;
  /** End-of-sentence id (appended once, predicted). */
  readonly eosId: number;
  /** Default 'kneser-ney' (interpolated modified Kneser-Ney, three discounts per order). */
  readonly smoothing?: NgramSmoothing;
  /** Pseudo-count of add-k smoothing (default 1). */
  readonly k?: number;
  /** Back-off factor of stupid backoff (default 0.4). */
  readonly alpha?: number;
}

/** Backoff tables: per order k (index k - 1), n-gram key -> natural-log probability and back-off weight. */
interface BackoffTables {
  readonly logProb: Array<KeyLookup<number>>;
  readonly backoff: Array<KeyLookup<number>>;
  /** Per order k >= 2: context key -> the words seen after it at that order. */
  readonly children: Array<KeyLookup<ArrayLike<number>>>;
}

/** Raw counts per order (index k - 1), for add-k and stupid backoff. */
interface RawCounts {
  readonly counts: Array<Map<NgramKey, number>>;
  readonly totals: Array<Map<NgramKey, number>>; // context key -> sum of counts at that order
  readonly children: Array<Map<NgramKey, number[]>>;
}

const LN10 = Math.LN10;

// Counts with string keys (vocabularies too large for packed numeric keys); the numeric path is
// `countDense`.
function countNgrams(sequences: readonly (readonly number[])[], order: number, keyer: Keyer, bosId: number, eosId: number): Array<Map<NgramKey, number>> {
  const raw = Array.from({ length: order }, () => new Map<NgramKey, number>());
  for (const s of sequences) {
    const seq = [bosId, ...s, eosId];
    for (let k = 1; k <= order; k++) {
      const table = raw[k - 1];
      for (let i = 0; i + k <= seq.length; i++) {
        const key = keyer.key(seq, i, i + k);
        table.set(key, (table.get(key) ?? 0) + 1);
      }
    }
  }
  return raw;
}

// Raw counts by packed key (seen n-grams only) from dense counts, for add-k and stupid backoff.
function denseToMaps(dense: DenseOrder[]): Array<Map<NgramKey, number>> {
  return dense.map((g) => {
    const m = new Map<NgramKey, number>();
    for (let j = 0; j < g.n; j++) if (g.count[j] > 0) m.set(g.key[j], g.count[j]);
    return m;
  });
}

// Back-off tables by packed key from the dense Kneser-Ney arrays (typed-array tables, no Maps).
function denseTables(dense: DenseOrder[], order: number, vocabSize: number, bosId: number): { tables: BackoffTables; discounts: number[][] } {
  const kn = denseKneserNey(dense, vocabSize, bosId, modifiedKneserNeyDiscounts);
  const logProb: Array<KeyLookup<number>> = [];
  const backoff: Array<KeyLookup<number>> = [];
  const children: Array<KeyLookup<ArrayLike<number>>> = [];
  for (let k = 1; k <= order; k++) {
    const g = dense[k - 1];
    logProb.push(new DenseNumberTable(g.key, kn.logProb[k - 1]));
    if (k < order) {
      const w = kn.backoff[k - 1];
      let m = 0;
      for (let j = 0; j < g.n; j++) if (!Number.isNaN(w[j])) m++;
      const keys = new Float64Array(m);
      const values = new Float64Array(m);
      m = 0;
      for (let j = 0; j < g.n; j++) {
        if (!Number.isNaN(w[j])) {
          keys[m] = g.key[j];
          values[m++] = w[j];
        }
      }
      backoff.push(new DenseNumberTable(keys, values));
    } else backoff.push(new Map());
    children.push(k >= 2 ? new DenseChildrenTable(g, dense[k - 2]) : new Map());
  }
  return { tables: { logProb, backoff, children }, discounts: kn.discounts };
}

/** Chen & Goodman's D1, D2, D3+ from the count-of-counts of one order (zero denominators give 0; D_c clamped to [0, c]). */
export function modifiedKneserNeyDiscounts(counts: Iterable<number>): [number, number, number] {
  const n = [0, 0, 0, 0, 0];
  for (const c of counts) if (c >= 1 && c <= 4) n[c]++;
  const div = (a: number, b: number) => (b > 0 ? a / b : 0);
  const y = div(n[1], n[1] + 2 * n[2]);
  const d = [1 - 2 * y * div(n[2], n[1]), 2 - 3 * y * div(n[3], n[2]), 3 - 4 * y * div(n[4], n[3])];
  return d.map((v, i) => Math.min(Math.max(v, 0), i + 1)) as [number, number, number];
}

function buildKneserNey(raw: Array<Map<NgramKey, number>>, order: number, vocabSize: number, keyer: Keyer, bosId: number): { tables: BackoffTables; discounts: number[][] } {
  // Adjusted counts: raw at the highest order and for n-grams starting with <s>, else the number of
  // distinct left extensions (continuation counts).
  const adjusted: Array<Map<NgramKey, number>> = [];
  for (let k = 1; k <= order; k++) {
    if (k === order) {
      adjusted.push(new Map(raw[k - 1]));
      continue;
    }
    const left = new Map<NgramKey, number>();
    for (const key of raw[k].keys()) {
      const suffix = suffixKey(keyer, key, k + 1);
      left.set(suffix, (left.get(suffix) ?? 0) + 1);
    }
    const adj = new Map<NgramKey, number>();
    for (const [key, c] of raw[k - 1]) adj.set(key, firstId(keyer, key, k) === bosId ? c : left.get(key) ?? 0);
    adjusted.push(adj);
  }
  adjusted[0].delete(keyer.key([bosId], 0, 1));
  const discounts = adjusted.map((a) => modifiedKneserNeyDiscounts(a.values()));

  const logProb: Array<Map<NgramKey, number>> = [];
  const backoff: Array<Map<NgramKey, number>> = [];
  const children: Array<Map<NgramKey, number[]>> = [];
  for (let k = 1; k <= order; k++) {
    // Context statistics: total adjusted count and the numbers of words seen 1, 2, 3+ times.
    const stats = new Map<NgramKey, [number, number, number, number]>();
    const kids = new Map<NgramKey, number[]>();
    for (const [key, a] of adjusted[k - 1]) {
      const ctx = prefixKey(keyer, key, k);
      let st = stats.get(ctx);
      if (!st) stats.set(ctx, (st = [0, 0, 0, 0]));
      st[0] += a;
      if (a > 0) st[Math.min(a, 3)]++;
      let list = kids.get(ctx);
      if (!list) kids.set(ctx, (list = []));
      list.push(lastId(keyer, key));
    }
    const [d1, d2, d3] = discounts[k - 1];
    const disc = (a: number) => (a === 0 ? 0 : a === 1 ? d1 : a === 2 ? d2 : d3);
    const gammaOf = (st: readonly number[]) => (d1 * st[1] + d2 * st[2] + d3 * st[3]) / st[0];
    const lp = new Map<NgramKey, number>();
    if (k === 1) {
      // Unigrams: every word of the vocabulary, interpolated with the uniform distribution over
      // all ids except <s>.
      const st = stats.get(keyer.key([], 0, 0)) ?? [0, 0, 0, 0];
      const uniform = 1 / (vocabSize - 1);
      for (let w = 0; w < vocabSize; w++) {
        if (w === bosId) {
          lp.set(keyer.key([w], 0, 1), -Infinity);
          continue;
        }
        const a = adjusted[0].get(keyer.key([w], 0, 1)) ?? 0;
        const p = st[0] > 0 ? Math.max(a - disc(a), 0) / st[0] + gammaOf(st) * uniform : uniform;
        lp.set(keyer.key([w], 0, 1), Math.log(p));
      }
      logProb.push(lp);
      backoff.push(new Map());
      children.push(new Map());
      continue;
    }
    const bo = backoff[k - 2];
    for (const [ctx, st] of stats) {
      if (st[0] > 0) bo.set(ctx, Math.log(gammaOf(st)));
    }
    const lowerTable = logProb[k - 2];
    for (const [key, a] of adjusted[k - 1]) {
      const st = stats.get(prefixKey(keyer, key, k))!;
      // The lower-order n-gram was seen too (every suffix of a seen n-gram is), so its
      // interpolated probability is one lookup.
      const lower = Math.exp(lowerTable.get(suffixKey(keyer, key, k))!);
      lp.set(key, Math.log(Math.max(a - disc(a), 0) / st[0] + gammaOf(st) * lower));
    }
    logProb.push(lp);
    backoff.push(new Map());
    children.push(kids);
  }
  return { tables: { logProb, backoff, children }, discounts };
}

/** Back-off query: log p(w | context[start..end)) from the tables (orders above the tables' size are cut). */
function queryLogProb(tables: BackoffTables, keyer: Keyer, context: ArrayLike<number>, start: number, end: number, w: number): number {
  const maxOrder = tables.logProb.length;
  let from = Math.max(start, end - (maxOrder - 1));
  let acc = 0;
  const window = new Array<number>(end - from + 1);
  for (;;) {
    const len = end - from;
    for (let i = 0; i < len; i++) window[i] = context[from + i];
    window[len] = w;
    const hit = tables.logProb[len].get(keyer.key(window, 0, len + 1));
    if (hit !== undefined) return acc + hit;
    if (len === 0) return -Infinity;
    acc += tables.backoff[len - 1].get(keyer.key(window, 0, len)) ?? 0;
    from++;
  }
}

/** Options of `NgramModel.toArpa` / `NgramModel.fromArpa`. */
export interface ArpaOptions {
  /**
   * Spelling of token ids in the file (each distinct, without whitespace). Default: the
   * tokenizer's token strings with whitespace and control characters escaped as `<U+XXXX>`, or
   * the ids as decimal numbers without a tokenizer; `<s>` and `</s>` are always those strings.
   */
  readonly words?: readonly string[];
}

function defaultWords(vocabSize: number, tokenizer: Tokenizer | null, bosId: number, eosId: number): string[] {
  const words: string[] = [];
  for (let id = 0; id < vocabSize; id++) {
    if (id === bosId) words.push('<s>');
    else if (id === eosId) words.push('</s>');
    else if (!tokenizer) words.push(String(id));
    else {
      let s = '';
      for (const c of tokenizer.tokenString(id)) {
        const cp = c.codePointAt(0)!;
        s += /[\s\p{C}]/u.test(c) ? `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>` : c;
      }
      words.push(s);
    }
  }
  if (new Set(words).size !== words.length) return words.map((w, id) => (id === bosId ? '<s>' : id === eosId ? '</s>' : `<id${id}>`));
  return words;
}

// Decimal ids, with <s> and </s> spelled out (the form `save` uses).
function idWords(vocabSize: number, bosId: number, eosId: number): string[] {
  return Array.from({ length: vocabSize }, (_, id) => (id === bosId ? '<s>' : id === eosId ? '</s>' : String(id)));
}

/** JSON form written by `NgramModel.save` (`format` 'gen.lm.ngram'). */
export interface NgramJson {
  readonly format: 'gen.lm.ngram';
  readonly version: 1;
  readonly smoothing: NgramSmoothing;
  readonly order: number;
  readonly vocabSize: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly k?: number;
  readonly alpha?: number;
  readonly tokenizer: unknown;
  /** Kneser-Ney: the model as an ARPA file (ids spelled as decimal numbers). */
  readonly arpa?: string;
  /** Add-k / stupid backoff: raw counts per order as [...ids, count] rows. */
  readonly counts?: number[][][];
}

/**
 * An n-gram language model of any order: interpolated modified Kneser-Ney (default), add-k, or
 * stupid backoff. Counting is exact (dense integer ids per order in typed arrays, `countDense`;
 * string keys for vocabularies too large to pack); probabilities are
 * float64. Implements `LanguageModel`, so `generate`/`stream`/`beamSearch` work on it. Holds no
 * tensors.
 *
 * @example
 * const tok = CharTokenizer.train(names);
 * const lm = NgramModel.train(tok, names, { order: 4 });
 * const text = await generate(lm, 'Ma', { maxTokens: 10, seed: 0 });
 */
export class NgramModel implements LanguageModel {
  readonly order: number;
  readonly vocabSize: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly smoothing: NgramSmoothing;
  /** Discounts [D1, D2, D3+] per order (Kneser-Ney models fitted here; empty otherwise). */
  readonly discounts: ReadonlyArray<readonly number[]>;
  private readonly keyer: Keyer;
  private readonly k: number;
  private readonly alpha: number;
  private tables: BackoffTables | null = null;
  private raw: RawCounts | null = null;
  private disposed = false;
  readonly tokenizer: Tokenizer | null;

  private constructor(config: Required<Omit<NgramConfig, 'k' | 'alpha'>> & { k: number; alpha: number }, tokenizer: Tokenizer | null) {
    this.order = config.order;
    this.vocabSize = config.vocabSize;
    this.bosId = config.bosId;
    this.eosId = config.eosId;
    this.smoothing = config.smoothing;
    this.k = config.k;
    this.alpha = config.alpha;
    this.keyer = new Keyer(config.vocabSize, config.order);
    this.tokenizer = tokenizer;
    this.discounts = [];
  }

  private static checkConfig(fn: string, config: NgramConfig): Required<Omit<NgramConfig, 'k' | 'alpha'>> & { k: number; alpha: number } {
    if (config == null || typeof config !== 'object') throw new InvalidArgumentError(`Argument 'config' passed to '${fn}' must be an object, but got ${describeValue(config)}.`);
    checkPositiveInteger(fn, 'config.order', config.order);
    checkPositiveInteger(fn, 'config.vocabSize', config.vocabSize);
    if (config.vocabSize < 3) throw new InvalidArgumentError(`Argument 'config.vocabSize' passed to '${fn}' must be at least 3 (<s>, </s> and a word), but got ${config.vocabSize}.`);
    checkTokenIds(fn, 'config.bosId', [config.bosId], config.vocabSize);
    checkTokenIds(fn, 'config.eosId', [config.eosId], config.vocabSize);
    if (config.bosId === config.eosId) throw new InvalidArgumentError(`Argument 'config.eosId' passed to '${fn}' must differ from bosId ${config.bosId}, but got ${config.eosId}.`);
    const smoothing = config.smoothing ?? 'kneser-ney';
    if (!(NGRAM_SMOOTHINGS as readonly string[]).includes(smoothing)) {
      throw new InvalidArgumentError(`Argument 'config.smoothing' passed to '${fn}' must be one of ${NGRAM_SMOOTHINGS.map((s) => `'${s}'`).join(', ')}, but got ${describeValue(smoothing)}.`);
    }
    const k = config.k ?? 1;
    if (typeof k !== 'number' || !(k > 0) || !Number.isFinite(k)) throw new InvalidArgumentError(`Argument 'config.k' passed to '${fn}' must be a finite number > 0, but got ${describeValue(k)}.`);
    const alpha = config.alpha ?? 0.4;
    if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) throw new InvalidArgumentError(`Argument 'config.alpha' passed to '${fn}' must be a finite number > 0 and <= 1, but got ${describeValue(alpha)}.`);
    return { order: config.order, vocabSize: config.vocabSize, bosId: config.bosId, eosId: config.eosId, smoothing, k, alpha };
  }

  /**
   * Counts the n-grams of `sequences` (token ids without <s>/</s>; each is one sentence, padded
   * as `<s> ... </s>`) and builds the model.
   *
   * @example
   * const lm = NgramModel.fit([[2, 3, 4], [3, 4]], { order: 3, vocabSize: 5, bosId: 0, eosId: 1 });
   */
  static fit(sequences: readonly (readonly number[])[], config: NgramConfig, tokenizer: Tokenizer | null = null): NgramModel {
    const fn = 'NgramModel.fit';
    const c = NgramModel.checkConfig(fn, config);
    if (!Array.isArray(sequences)) throw new InvalidArgumentError(`Argument 'sequences' passed to '${fn}' must be an array of token id arrays, but got ${describeValue(sequences)}.`);
    sequences.forEach((s, i) => checkTokenIds(fn, `sequences[${i}]`, s, c.vocabSize));
    if (tokenizer !== null && tokenizer.vocabSize !== c.vocabSize) {
      throw new InvalidArgumentError(`Argument 'tokenizer' passed to '${fn}' must have vocabSize ${c.vocabSize}, but got ${tokenizer.vocabSize}.`);
    }
    const model = new NgramModel(c, tokenizer);
    if (model.keyer.numeric) {
      // Integer ids per order in typed arrays (countDense); Maps only for the query tables.
      const dense = countDense(sequences, c.order, c.vocabSize, c.bosId, c.eosId);
      if (c.smoothing === 'kneser-ney') {
        const built = denseTables(dense, c.order, c.vocabSize, c.bosId);
        model.tables = built.tables;
        (model as unknown as { discounts: number[][] }).discounts = built.discounts;
      } else model.raw = model.buildRaw(denseToMaps(dense));
      return model;
    }
    const raw = countNgrams(sequences, c.order, model.keyer, c.bosId, c.eosId);
    if (c.smoothing === 'kneser-ney') {
      const built = buildKneserNey(raw, c.order, c.vocabSize, model.keyer, c.bosId);
      model.tables = built.tables;
      (model as unknown as { discounts: number[][] }).discounts = built.discounts;
    } else model.raw = model.buildRaw(raw);
    return model;
  }

  /**
   * Tokenizes `texts` (one sentence each) with `tokenizer` and fits; `<s>` and `</s>` must be
   * special tokens of the tokenizer.
   *
   * @example
   * const lm = NgramModel.train(CharTokenizer.train(names), names, { order: 3 });
   */
  static train(tokenizer: Tokenizer, texts: readonly string[], config: Omit<NgramConfig, 'vocabSize' | 'bosId' | 'eosId'>): NgramModel {
    const fn = 'NgramModel.train';
    const bosId = tokenizer?.specialTokenId?.('<s>');
    const eosId = tokenizer?.specialTokenId?.('</s>');
    if (bosId === undefined || eosId === undefined) {
      throw new InvalidArgumentError(`Argument 'tokenizer' passed to '${fn}' must have special tokens '<s>' and '</s>', but got ${describeValue(tokenizer?.specialTokens)}.`);
    }
    if (!Array.isArray(texts)) throw new InvalidArgumentError(`Argument 'texts' passed to '${fn}' must be an array of strings, but got ${describeValue(texts)}.`);
    return NgramModel.fit(texts.map((t) => tokenizer.encode(t)), { ...config, vocabSize: tokenizer.vocabSize, bosId, eosId }, tokenizer);
  }

  private buildRaw(counts: Array<Map<NgramKey, number>>): RawCounts {
    const totals: Array<Map<NgramKey, number>> = [];
    const children: Array<Map<NgramKey, number[]>> = [];
    counts.forEach((table, i) => {
      const k = i + 1;
      const tot = new Map<NgramKey, number>();
      const kids = new Map<NgramKey, number[]>();
      for (const [key, c] of table) {
        const ids = this.keyer.ids(key, k);
        if (ids[k - 1] === this.bosId) continue;
        const ctx = this.keyer.key(ids, 0, k - 1);
        tot.set(ctx, (tot.get(ctx) ?? 0) + c);
        let list = kids.get(ctx);
        if (!list) kids.set(ctx, (list = []));
        list.push(ids[k - 1]);
      }
      totals.push(tot);
      children.push(kids);
    });
    return { counts, totals, children };
  }

  private check(fn: string): void {
    if (this.disposed) throw new DisposedError(`'${fn}' was called on an NgramModel after dispose().`);
  }

  /** Synchronous `nextLogProbs` (the n-gram needs no tensors). */
  nextLogProbsSync(context: readonly number[]): Float64Array {
    const fn = 'NgramModel.nextLogProbs';
    this.check(fn);
    checkTokenIds(fn, 'context', context, this.vocabSize);
    const h = [this.bosId, ...context];
    return this.distribution(this.order === 1 ? [] : h.slice(-(this.order - 1)));
  }

  /** Natural-log probabilities `[vocabSize]` of the next token after `<s> context`. */
  async nextLogProbs(context: readonly number[]): Promise<Float64Array> {
    return this.nextLogProbsSync(context);
  }

  // Distribution after `h` (already cut to at most order - 1 tokens, <s> included when in reach).
  private distribution(h: readonly number[]): Float64Array {
    const V = this.vocabSize;
    const out = new Float64Array(V);
    const kr = this.keyer;
    if (this.tables) {
      const t = this.tables;
      for (let w = 0; w < V; w++) out[w] = t.logProb[0].get(kr.key([w], 0, 1)) ?? -Infinity;
      const window = [...h, 0];
      for (let len = 1; len <= h.length; len++) {
        const from = h.length - len;
        const ctx = kr.key(h, from, h.length);
        const bo = t.backoff[len - 1].get(ctx);
        const kids = t.children[len].get(ctx);
        if (bo === undefined && kids === undefined) continue;
        if (bo !== undefined) for (let w = 0; w < V; w++) out[w] += bo;
        if (kids) {
          const win = window.slice(from);
          for (let j = 0; j < kids.length; j++) {
            const w = kids[j];
            win[len] = w;
            out[w] = t.logProb[len].get(kr.key(win, 0, len + 1))!;
          }
        }
      }
      return out;
    }
    const r = this.raw!;
    if (this.smoothing === 'add-k') {
      const ctx = kr.key(h, 0, h.length);
      const total = r.totals[h.length].get(ctx) ?? 0;
      const win = [...h, 0];
      const denom = Math.log(total + this.k * (V - 1));
      for (let w = 0; w < V; w++) {
        win[h.length] = w;
        const c = w === this.bosId ? -1 : r.counts[h.length].get(kr.key(win, 0, h.length + 1)) ?? 0;
        out[w] = c < 0 ? -Infinity : Math.log(c + this.k) - denom;
      }
      return out;
    }
    // Stupid backoff: S(w|h) = c(hw)/c(h) if seen, else alpha * S(w|h'); add-one unigrams; renormalised.
    const score = new Float64Array(V);
    const uniTotal = r.totals[0].get(kr.key([], 0, 0)) ?? 0;
    for (let w = 0; w < V; w++) score[w] = w === this.bosId ? 0 : ((r.counts[0].get(kr.key([w], 0, 1)) ?? 0) + 1) / (uniTotal + V - 1);
    for (let len = 1; len <= h.length; len++) {
      const from = h.length - len;
      const ctx = kr.key(h, from, h.length);
      const total = r.totals[len].get(ctx);
      const kids = r.children[len].get(ctx);
      if (!total || !kids) continue;
      for (let w = 0; w < V; w++) score[w] *= this.alpha;
      const win = [...h.slice(from), 0];
      for (const w of kids) {
        win[len] = w;
        score[w] = r.counts[len].get(kr.key(win, 0, len + 1))! / total;
      }
    }
    let sum = 0;
    for (let w = 0; w < V; w++) sum += score[w];
    for (let w = 0; w < V; w++) out[w] = Math.log(score[w] / sum);
    return out;
  }

  /** Sum of natural-log probabilities of `tokens` after `<s>` (append `eosId` to score a sentence). */
  logProbSync(tokens: readonly number[]): number {
    const fn = 'NgramModel.logProb';
    this.check(fn);
    checkTokenIds(fn, 'tokens', tokens, this.vocabSize);
    const seq = [this.bosId, ...tokens];
    let total = 0;
    for (let i = 1; i < seq.length; i++) total += this.tokenLogProb(seq, i);
    return total;
  }

  // log p(seq[i] | seq[max(0, i - order + 1) .. i)).
  private tokenLogProb(seq: readonly number[], i: number): number {
    const from = Math.max(0, i - this.order + 1);
    if (this.tables) return queryLogProb(this.tables, this.keyer, seq, from, i, seq[i]);
    return this.distribution(seq.slice(from, i))[seq[i]];
  }

  /** Per-token natural-log probabilities of `tokens` after `<s>`. */
  tokenLogProbs(tokens: readonly number[]): Float64Array {
    const fn = 'NgramModel.tokenLogProbs';
    this.check(fn);
    checkTokenIds(fn, 'tokens', tokens, this.vocabSize);
    const seq = [this.bosId, ...tokens];
    const out = new Float64Array(tokens.length);
    for (let i = 1; i < seq.length; i++) out[i - 1] = this.tokenLogProb(seq, i);
    return out;
  }

  async logProb(tokens: readonly number[]): Promise<number> {
    return this.logProbSync(tokens);
  }

  async perplexity(tokens: readonly number[]): Promise<number> {
    if (Array.isArray(tokens) && tokens.length === 0) throw new InvalidArgumentError(`Argument 'tokens' passed to 'NgramModel.perplexity' must be non-empty, but got [].`);
    return Math.exp(-this.logProbSync(tokens) / tokens.length);
  }

  /** A session that keeps the last order - 1 tokens. */
  startSession(): DecodingSession {
    this.check('NgramModel.startSession');
    let history: number[] = [];
    let open = true;
    return {
      append: async (tokens: readonly number[]) => {
        if (!open) throw new DisposedError(`'DecodingSession.append' was called after dispose().`);
        checkTokenIds('DecodingSession.append', 'tokens', tokens, this.vocabSize);
        history = [...history, ...tokens].slice(-Math.max(this.order - 1, 1));
        return this.nextLogProbsSync(this.order === 1 ? [] : history);
      },
      dispose: () => {
        open = false;
      },
    };
  }

  /**
   * The model in KenLM's ARPA text format (log10 probabilities and back-off weights). Kneser-Ney
   * models only: add-k and stupid backoff are not back-off models.
   *
   * @example
   * await writeFile('model.arpa', lm.toArpa());
   */
  toArpa(options: ArpaOptions = {}): string {
    const fn = 'NgramModel.toArpa';
    this.check(fn);
    if (!this.tables) throw new InvalidArgumentError(`'${fn}' needs a Kneser-Ney (back-off) model, but this model uses smoothing '${this.smoothing}'.`);
    const words = options.words ? this.checkWords(fn, options.words) : defaultWords(this.vocabSize, this.tokenizer, this.bosId, this.eosId);
    const t = this.tables;
    const fmt = (x: number) => (x === -Infinity ? '-99' : String(x / LN10));
    const lines = ['', '\\data\\'];
    t.logProb.forEach((m, i) => lines.push(`ngram ${i + 1}=${m.size}`));
    t.logProb.forEach((m, i) => {
      const k = i + 1;
      lines.push('', `\\${k}-grams:`);
      const bo = t.backoff[i];
      for (const [key, lp] of m) {
        const ids = this.keyer.ids(key, k);
        const b = bo.get(key);
        lines.push(`${fmt(lp)}\t${ids.map((id) => words[id]).join(' ')}${b !== undefined && k < this.order ? `\t${fmt(b)}` : ''}`);
      }
    });
    lines.push('', '\\end\\', '');
    return lines.join('\n');
  }

  private checkWords(fn: string, words: readonly string[]): readonly string[] {
    if (!Array.isArray(words) || words.length !== this.vocabSize || words.some((w) => typeof w !== 'string' || w === '' || /\s/.test(w)) || new Set(words).size !== words.length) {
      throw new InvalidArgumentError(`Argument 'options.words' passed to '${fn}' must be ${this.vocabSize} distinct strings without whitespace, but got ${describeValue(words)}.`);
    }
    return words;
  }

  /**
   * Reads an ARPA file (KenLM, SRILM). Words map to ids through `options.words`, else the
   * tokenizer's spellings (as `toArpa` writes them), else decimal ids; `<s>`/`</s>` must appear.
   *
   * @example
   * const lm = NgramModel.fromArpa(await readFile('model.arpa', 'utf8'), tokenizer);
   */
  static fromArpa(text: string, tokenizer: Tokenizer | null = null, options: ArpaOptions = {}): NgramModel {
    const fn = 'NgramModel.fromArpa';
    if (typeof text !== 'string') throw new InvalidArgumentError(`Argument 'text' passed to '${fn}' must be a string, but got ${describeValue(text)}.`);
    const lines = text.split(/\r?\n/);
    const sizes: number[] = [];
    let i = lines.findIndex((l) => l.trim() === '\\data\\');
    const bad = (why: string): never => {
      throw new InvalidArgumentError(`Argument 'text' passed to '${fn}' must be an ARPA file, but ${why}.`);
    };
    if (i < 0) bad("it has no '\\data\\' line");
    for (i++; i < lines.length && !lines[i].trim().startsWith('\\'); i++) {
      const m = /^ngram\s+(\d+)\s*=\s*(\d+)$/.exec(lines[i].trim());
      if (m) sizes[Number(m[1]) - 1] = Number(m[2]);
    }
    const order = sizes.length;
    if (order === 0) bad('it declares no n-gram counts');
    // Gather the entries as words first; the vocabulary comes from the unigrams.
    const entries: Array<Array<{ words: string[]; lp: number; bo: number | undefined }>> = [];
    for (let k = 1; k <= order; k++) {
      while (i < lines.length && lines[i].trim() !== `\\${k}-grams:`) i++;
      if (i >= lines.length) bad(`it has no '\\${k}-grams:' section`);
      const list: Array<{ words: string[]; lp: number; bo: number | undefined }> = [];
      for (i++; i < lines.length && !lines[i].trim().startsWith('\\'); i++) {
        const l = lines[i].trim();
        if (!l) continue;
        const parts = l.split(/\s+/);
        if (parts.length !== k + 1 && parts.length !== k + 2) bad(`line ${i + 1} has ${parts.length} fields in the ${k}-grams`);
        const num = (s: string) => {
          const v = Number(s);
          if (!Number.isFinite(v)) bad(`line ${i + 1} has the number '${s}'`);
          return v <= -99 ? -Infinity : v * LN10;
        };
        list.push({ lp: num(parts[0]), words: parts.slice(1, k + 1), bo: parts.length === k + 2 ? num(parts[k + 1]) : undefined });
      }
      if (list.length !== sizes[k - 1]) bad(`the ${k}-grams section has ${list.length} entries, not the declared ${sizes[k - 1]}`);
      entries.push(list);
    }
    // Vocabulary: `options.words`, else the tokenizer's spellings, else the unigrams in file order.
    let words: readonly string[];
    if (options.words) words = options.words;
    else if (tokenizer) words = defaultWords(tokenizer.vocabSize, tokenizer, tokenizer.specialTokenId('<s>') ?? -1, tokenizer.specialTokenId('</s>') ?? -1);
    else words = entries[0].map((x) => x.words[0]);
    const vocabSize = words.length;
    const index = new Map<string, number>();
    words.forEach((w, id) => index.set(w, id));
    const bosId = index.get('<s>');
    const eosId = index.get('</s>');
    if (bosId === undefined || eosId === undefined) bad("its vocabulary lacks '<s>' or '</s>'");
    const model = new NgramModel({ order, vocabSize, bosId: bosId!, eosId: eosId!, smoothing: 'kneser-ney', k: 1, alpha: 0.4 }, tokenizer);
    const kr = model.keyer;
    const logProb = entries.map(() => new Map<NgramKey, number>());
    const backoff = entries.map(() => new Map<NgramKey, number>());
    const children = entries.map(() => new Map<NgramKey, number[]>());
    entries.forEach((list, i2) => {
      const k = i2 + 1;
      for (const e of list) {
        const ids = e.words.map((w) => {
          const id = index.get(w);
          if (id === undefined) bad(`the word '${w}' is not in the vocabulary`);
          return id!;
        });
        const key = kr.key(ids, 0, k);
        logProb[i2].set(key, e.lp);
        if (e.bo !== undefined && e.bo !== 0) backoff[i2].set(key, e.bo);
        if (k >= 2) {
          const ctx = kr.key(ids, 0, k - 1);
          let l = children[i2].get(ctx);
          if (!l) children[i2].set(ctx, (l = []));
          l.push(ids[k - 1]);
        }
      }
    });
    // Words of the vocabulary missing from the unigrams are impossible (KenLM maps them to <unk>).
    for (let w = 0; w < vocabSize; w++) if (!logProb[0].has(kr.key([w], 0, 1))) logProb[0].set(kr.key([w], 0, 1), -Infinity);
    model.tables = { logProb, backoff, children };
    return model;
  }

  /**
   * The model and its tokenizer as one JSON string; `NgramModel.load` restores it.
   *
   * @example
   * await writeFile('names.ngram.json', lm.save());
   */
  save(): string {
    const fn = 'NgramModel.save';
    this.check(fn);
    const base = { format: 'gen.lm.ngram', version: 1, smoothing: this.smoothing, order: this.order, vocabSize: this.vocabSize, bosId: this.bosId, eosId: this.eosId, k: this.k, alpha: this.alpha, tokenizer: this.tokenizer ? this.tokenizer.toJSON() : null };
    if (this.tables) {
      return JSON.stringify({ ...base, arpa: this.toArpa({ words: idWords(this.vocabSize, this.bosId, this.eosId) }) });
    }
    const counts = this.raw!.counts.map((m, i) => [...m].map(([key, c]) => [...this.keyer.ids(key, i + 1), c]));
    return JSON.stringify({ ...base, counts });
  }

  /**
   * Restores `save()`'s output. With `tokenizer`, checks that it is the saved one (a mismatch is
   * an error, so a model never runs with the wrong vocabulary).
   *
   * @example
   * const lm = NgramModel.load(await readFile('names.ngram.json', 'utf8'));
   */
  static load(json: string, tokenizer?: Tokenizer): NgramModel {
    const fn = 'NgramModel.load';
    let data: NgramJson;
    try {
      data = JSON.parse(json) as NgramJson;
    } catch {
      throw new InvalidArgumentError(`Argument 'json' passed to '${fn}' must be the JSON text from NgramModel.save, but it does not parse.`);
    }
    if (data?.format !== 'gen.lm.ngram' || data.version !== 1) throw new InvalidArgumentError(`Argument 'json' passed to '${fn}' must have format 'gen.lm.ngram' version 1, but got ${describeValue(data?.format)}.`);
    return loadNgramJson(data, tokenizer);
  }

  /** Frees the count tables (idempotent). */
  dispose(): void {
    this.disposed = true;
    this.tables = null;
    this.raw = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** @internal Used by `load` for add-k / stupid-backoff models. */
  static fromRawCounts(config: NgramConfig, rows: number[][][], tokenizer: Tokenizer | null): NgramModel {
    const c = NgramModel.checkConfig('NgramModel.load', config);
    const model = new NgramModel(c, tokenizer);
    const counts = rows.map((list, i) => {
      const m = new Map<NgramKey, number>();
      for (const row of list) m.set(model.keyer.key(row, 0, i + 1), row[i + 1]);
      return m;
    });
    model.raw = model.buildRaw(counts);
    return model;
  }
}

// Load helper kept outside the class so `load` stays readable.

function loadNgramJson(data: NgramJson, tokenizer: Tokenizer | undefined): NgramModel {
  const fn = 'NgramModel.load';
  const saved = data.tokenizer ? tokenizerFromJson(data.tokenizer as TokenizerJson) : null;
  if (tokenizer !== undefined && JSON.stringify(tokenizer.toJSON()) !== JSON.stringify(data.tokenizer)) {
    throw new InvalidArgumentError(`Argument 'tokenizer' passed to '${fn}' must match the tokenizer saved with the model, but it differs (vocabSize ${tokenizer?.vocabSize} vs saved ${saved?.vocabSize ?? 'none'}).`);
  }
  const tok = saved;
  if (data.arpa !== undefined) {
    const m = NgramModel.fromArpa(data.arpa, null, { words: idWords(data.vocabSize, data.bosId, data.eosId) });
    (m as { tokenizer: Tokenizer | null }).tokenizer = tok;
    return m;
  }
  return NgramModel.fromRawCounts({ order: data.order, vocabSize: data.vocabSize, bosId: data.bosId, eosId: data.eosId, smoothing: data.smoothing, k: data.k, alpha: data.alpha }, data.counts ?? [], tok);
}
