// GPT-style decoder-only transformer. Radford et al. (2018/2019), pre-norm blocks as in GPT-2 and
// nanoGPT: x + attn(ln1(x)), x + mlp(ln2(x)); rotary positions from Su et al. (2021), RoFormer
// (the "rotate half" pairing of GPT-NeoX); weight tying from Press & Wolf (2017).
import * as tf from '@tensorflow/tfjs-core';
import {
  CheckpointError,
  DisposedError,
  InvalidArgumentError,
  type EmbeddingParams,
  type LayerNormParams,
  type LinearParams,
  type Optimizer,
  type ParamTree,
  type Rng,
  type Seed,
  crossEntropy,
  describeValue,
  disposeParams,
  dropout,
  embedding,
  gelu,
  initEmbedding,
  initLayerNorm,
  initLinear,
  layerNorm,
  linear,
  loadCheckpoint,
  normal,
  scaledDotProductAttention,
  split,
  toKey,
  toVariables,
} from '@gen/core';
import { checkPositiveInteger, checkTokenIds } from '../check.js';
import type { DecodingSession, LanguageModel } from '../language-model.js';
import { type LmSaveOptions, checkSameTokenizer, readLmCheckpointConfig, restoreLmTraining, saveLmCheckpoint } from '../train/lm-checkpoint.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';

/** Hyperparameters of `Gpt` (nanoGPT's `GPTConfig`, with reasons). */
export interface GptConfig {
  /** Number of token ids; must equal the tokenizer's vocabSize. */
  readonly vocabSize: number;
  /** Longest context the model attends to (the learned position table has this many rows). */
  readonly contextLength: number;
  readonly numLayers: number;
  readonly numHeads: number;
  /** Model width; divisible by numHeads (and headDim even for rotary positions). */
  readonly dModel: number;
  /** Residual and embedding dropout during training. Default 0 (small data overfits less with ~0.1-0.2). */
  readonly dropout?: number;
  /** 'learned' (GPT-2) or 'rotary' (RoFormer; no position table, extrapolates better). Default 'learned'. */
  readonly positions?: 'learned' | 'rotary';
  /** Share the token embedding with the output projection (fewer params, usually better). Default true. */
  readonly tieWeights?: boolean;
  /** MLP hidden width = mlpRatio * dModel. Default 4. */
  readonly mlpRatio?: number;
}

type BlockParams = {
  readonly ln1: LayerNormParams;
  readonly attn: { readonly query: LinearParams; readonly key: LinearParams; readonly value: LinearParams; readonly output: LinearParams };
  readonly ln2: LayerNormParams;
  readonly mlpIn: LinearParams;
  readonly mlpOut: LinearParams;
};

/** Parameters of a GPT: a plain tree of tensors (blocks keyed '0', '1', ...). */
export type GptParams = {
  readonly tokenEmbedding: EmbeddingParams;
  readonly positionEmbedding?: EmbeddingParams;
  readonly blocks: { readonly [index: string]: BlockParams };
  readonly lnFinal: LayerNormParams;
  /** Output projection `[dModel, vocabSize]` when weights are not tied. */
  readonly head?: LinearParams;
};

/** Per-layer key/value cache: `[batch, heads, cachedTime, headDim]` each (keys after rotation). */
export type GptCache = Array<{ keys: tf.Tensor4D; values: tf.Tensor4D }>;

type ResolvedConfig = Required<GptConfig>;

function resolveConfig(fn: string, config: GptConfig): ResolvedConfig {
  if (config == null || typeof config !== 'object') throw new InvalidArgumentError(`Argument 'config' passed to '${fn}' must be an object, but got ${describeValue(config)}.`);
  for (const name of ['vocabSize', 'contextLength', 'numLayers', 'numHeads', 'dModel'] as const) checkPositiveInteger(fn, `config.${name}`, config[name]);
  const r: ResolvedConfig = { dropout: 0, positions: 'learned', tieWeights: true, mlpRatio: 4, ...config };
  if (r.dModel % r.numHeads !== 0) throw new InvalidArgumentError(`Argument 'config.numHeads' passed to '${fn}' must divide dModel ${r.dModel}, but got ${r.numHeads}.`);
  if (r.positions !== 'learned' && r.positions !== 'rotary') throw new InvalidArgumentError(`Argument 'config.positions' passed to '${fn}' must be one of 'learned', 'rotary', but got ${describeValue(r.positions)}.`);
  if (r.positions === 'rotary' && (r.dModel / r.numHeads) % 2 !== 0) throw new InvalidArgumentError(`Argument 'config.numHeads' passed to '${fn}' must leave an even head size for rotary positions, but got head size ${r.dModel / r.numHeads}.`);
  if (!(typeof r.dropout === 'number' && r.dropout >= 0 && r.dropout < 1)) throw new InvalidArgumentError(`Argument 'config.dropout' passed to '${fn}' must be a number in [0, 1), but got ${describeValue(r.dropout)}.`);
  checkPositiveInteger(fn, 'config.mlpRatio', r.mlpRatio);
  if (typeof r.tieWeights !== 'boolean') throw new InvalidArgumentError(`Argument 'config.tieWeights' passed to '${fn}' must be a boolean, but got ${describeValue(r.tieWeights)}.`);
  return r;
}

/**
 * Initialises GPT parameters (GPT-2's scheme: normal(0.02) weights, output projections of each
 * residual branch scaled by 1/sqrt(2 numLayers)). Returns new tensors owned by the caller.
 *
 * @example
 * const params = initGpt(0, { vocabSize: 65, contextLength: 64, numLayers: 2, numHeads: 4, dModel: 64 });
 */
export function initGpt(key: Seed, config: GptConfig): GptParams {
  const fn = 'initGpt';
  const c = resolveConfig(fn, config);
  const [kTok, kPos, kHead, kBlocks] = split(toKey(key, fn, 'key'), 4);
  const std = normal(0.02);
  const residualStd = normal(0.02 / Math.sqrt(2 * c.numLayers));
  const blocks: Record<string, BlockParams> = {};
  split(kBlocks, c.numLayers).forEach((kb, i) => {
    const [q, k, v, o, mi, mo] = split(kb, 6);
    const lin = (lk: Seed, inF: number, outF: number, init = std) => initLinear(lk, { inFeatures: inF, outFeatures: outF, init });
    blocks[String(i)] = {
      ln1: initLayerNorm({ dim: c.dModel }),
      attn: { query: lin(q, c.dModel, c.dModel), key: lin(k, c.dModel, c.dModel), value: lin(v, c.dModel, c.dModel), output: lin(o, c.dModel, c.dModel, residualStd) },
      ln2: initLayerNorm({ dim: c.dModel }),
      mlpIn: lin(mi, c.dModel, c.mlpRatio * c.dModel),
      mlpOut: lin(mo, c.mlpRatio * c.dModel, c.dModel, residualStd),
    };
  });
  return {
    tokenEmbedding: initEmbedding(kTok, { numEmbeddings: c.vocabSize, embeddingDim: c.dModel, init: std }),
    ...(c.positions === 'learned' ? { positionEmbedding: initEmbedding(kPos, { numEmbeddings: c.contextLength, embeddingDim: c.dModel, init: std }) } : {}),
    blocks,
    lnFinal: initLayerNorm({ dim: c.dModel }),
    ...(c.tieWeights ? {} : { head: initLinear(kHead, { inFeatures: c.dModel, outFeatures: c.vocabSize, init: std }) }),
  };
}

// Rotary positions on x [batch, heads, time, headDim] at positions offset .. offset + time - 1.
function rotary(x: tf.Tensor4D, offset: number): tf.Tensor4D {
  const [, , time, headDim] = x.shape;
  const half = headDim / 2;
  const cos = new Float32Array(time * half);
  const sin = new Float32Array(time * half);
  for (let t = 0; t < time; t++) {
    for (let i = 0; i < half; i++) {
      const angle = (offset + t) * Math.pow(10000, (-2 * i) / headDim);
      cos[t * half + i] = Math.cos(angle);
      sin[t * half + i] = Math.sin(angle);
    }
  }
  const c = tf.tensor2d(cos, [time, half]); // [time, half], broadcast over batch and heads
  const s = tf.tensor2d(sin, [time, half]);
  const [x1, x2] = tf.split(x, 2, 3); // [batch, heads, time, half] each
  return tf.concat([tf.sub(tf.mul(x1, c), tf.mul(x2, s)), tf.add(tf.mul(x2, c), tf.mul(x1, s))], 3) as tf.Tensor4D;
}

/** Options of `gptForward`. */
export interface GptForwardOptions {
  /** Dropout on (needs `key`). Default false. */
  readonly training?: boolean;
  readonly key?: Seed;
  /** Incremental decoding: the cache of earlier positions (null to start one). The result then includes the new cache. */
  readonly cache?: GptCache | null;
}

/**
 * Logits `[batch, time, vocabSize]` of the next token at every position of `ids [batch, time]`
 * (int32). With `cache`, `ids` are the new positions only and the result also holds the extended
 * cache; the given cache is not disposed (dispose it with `disposeGptCache` once you have the new
 * one). Returned tensors belong to the caller.
 *
 * @example
 * const logits = gptForward(params, config, tf.tensor2d([[0, 5, 9]], [1, 3], 'int32')); // [1, 3, vocabSize]
 */
export function gptForward(params: GptParams, config: GptConfig, ids: tf.Tensor2D, options: GptForwardOptions = {}): { logits: tf.Tensor3D; cache?: GptCache } {
  const fn = 'gptForward';
  const c = resolveConfig(fn, config);
  if (!(ids instanceof tf.Tensor) || ids.dtype !== 'int32' || ids.rank !== 2) {
    throw new InvalidArgumentError(`Argument 'ids' passed to '${fn}' must be an int32 tf.Tensor of shape [batch, time], but got ${ids instanceof tf.Tensor ? `${ids.dtype} ${describeValue([...ids.shape])}` : describeValue(ids)}.`);
  }
  const [batch, time] = ids.shape;
  const past = options.cache ?? null;
  const offset = past && past.length ? past[0].keys.shape[2] : 0;
  if (offset + time > c.contextLength) {
    throw new InvalidArgumentError(`Argument 'ids' passed to '${fn}' must fit the context: ${offset} cached + ${time} new positions exceed contextLength ${c.contextLength}.`);
  }
  const training = options.training ?? false;
  const keys = training && c.dropout > 0 ? split(toKey(options.key ?? 0, fn, 'options.key'), 2 * c.numLayers + 1) : [];
  const drop = (x: tf.Tensor3D, i: number) => (keys.length ? dropout(x, c.dropout, keys[i], true) : x);
  const headDim = c.dModel / c.numHeads;
  const newCache: GptCache = [];
  const logits = tf.tidy(() => {
    let x = embedding(params.tokenEmbedding, ids) as tf.Tensor3D; // [batch, time, dModel]
    if (params.positionEmbedding) {
      // Positions are contiguous, so a slice of the table (rows offset .. offset + time - 1).
      // Not `embedding(table, tf.range(...))`: on wasm its backward fails when the ids tensor is
      // made inside the forward's tidy (reported to core).
      const rows = tf.slice(params.positionEmbedding.weight, [offset, 0], [time, c.dModel]); // [time, dModel]
      x = tf.add(x, rows) as tf.Tensor3D; // broadcast over batch
    }
    x = drop(x, 2 * c.numLayers);
    for (let l = 0; l < c.numLayers; l++) {
      const b = params.blocks[String(l)];
      // Attention branch: project, split heads, rotate, extend the cache, attend causally.
      const h = layerNorm(b.ln1, x);
      const heads = (p: LinearParams) => tf.transpose(tf.reshape(linear(p, h), [batch, time, c.numHeads, headDim]), [0, 2, 1, 3]) as tf.Tensor4D; // [batch, heads, time, headDim]
      let q = heads(b.attn.query);
      let k = heads(b.attn.key);
      let v = heads(b.attn.value);
      if (c.positions === 'rotary') {
        q = rotary(q, offset);
        k = rotary(k, offset);
      }
      if (past && past[l]) {
        k = tf.concat([past[l].keys, k], 2) as tf.Tensor4D; // [batch, heads, offset + time, headDim]
        v = tf.concat([past[l].values, v], 2) as tf.Tensor4D;
      }
      if (options.cache !== undefined) newCache.push({ keys: tf.keep(k), values: tf.keep(v) });
      const attended = scaledDotProductAttention(q, k, v, { causal: true }); // [batch, heads, time, headDim]
      const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [batch, time, c.dModel]); // [batch, time, dModel]
      x = tf.add(x, drop(linear(b.attn.output, merged) as tf.Tensor3D, 2 * l)) as tf.Tensor3D;
      // MLP branch.
      const m = linear(b.mlpOut, gelu(linear(b.mlpIn, layerNorm(b.ln2, x))));
      x = tf.add(x, drop(m as tf.Tensor3D, 2 * l + 1)) as tf.Tensor3D;
    }
    const flat = tf.reshape(layerNorm(params.lnFinal, x), [batch * time, c.dModel]); // [batch * time, dModel]
    // Tied: logits = h E^T (explicit transpose: wasm's transposed matmul is slow).
    const out = params.head ? linear(params.head, flat) : tf.matMul(flat, tf.transpose(params.tokenEmbedding.weight));
    return tf.reshape(out, [batch, time, c.vocabSize]) as tf.Tensor3D; // [batch, time, vocabSize]
  });
  return options.cache !== undefined ? { logits, cache: newCache } : { logits };
}

/** Disposes a GPT cache (safe on null and twice-called arrays are emptied). */
export function disposeGptCache(cache: GptCache | null | undefined): void {
  if (!cache) return;
  for (const layer of cache) tf.dispose([layer.keys, layer.values]);
  cache.length = 0;
}

const FORMAT = 'gen.lm.gpt';

/**
 * A GPT language model: config, variables and the tokenizer it was built for. Token sequences
 * start with the tokenizer's `<s>` (its `bosId`), as in training (`lmBatches` adds it).
 *
 * @example
 * const tok = CharTokenizer.train(text);
 * const gpt = Gpt.create(tok, { contextLength: 64, numLayers: 2, numHeads: 4, dModel: 64 }, 0);
 * const sample = await generate(gpt, 'Call me', { maxTokens: 100, temperature: 0.8 });
 * gpt.dispose();
 */
export class Gpt implements LanguageModel {
  readonly config: Required<GptConfig>;
  readonly tokenizer: Tokenizer;
  readonly vocabSize: number;
  readonly bosId: number;
  readonly eosId: number | null;
  private paramsTree: GptParams | null;

  private constructor(tokenizer: Tokenizer, config: Required<GptConfig>, params: GptParams) {
    this.tokenizer = tokenizer;
    this.config = config;
    this.vocabSize = config.vocabSize;
    const bos = tokenizer.specialTokenId('<s>');
    if (bos === undefined) throw new InvalidArgumentError(`Argument 'tokenizer' passed to 'Gpt' must have the special token '<s>', but got ${describeValue(tokenizer.specialTokens)}.`);
    this.bosId = bos;
    this.eosId = tokenizer.specialTokenId('</s>') ?? null;
    this.paramsTree = params;
  }

  /**
   * A new model with fresh `tf.Variable` parameters for `tokenizer` (vocabSize taken from it).
   *
   * @example
   * const gpt = Gpt.create(tok, { contextLength: 128, numLayers: 4, numHeads: 4, dModel: 128, positions: 'rotary' }, 1);
   */
  static create(tokenizer: Tokenizer, config: Omit<GptConfig, 'vocabSize'>, seed: Seed = 0): Gpt {
    const fn = 'Gpt.create';
    if (!tokenizer || typeof tokenizer.encode !== 'function') throw new InvalidArgumentError(`Argument 'tokenizer' passed to '${fn}' must be a Tokenizer, but got ${describeValue(tokenizer)}.`);
    const c = resolveConfig(fn, { ...config, vocabSize: tokenizer.vocabSize });
    // tidy frees the initial tensors; the variables survive it.
    return new Gpt(tokenizer, c, tf.tidy(() => toVariables(initGpt(seed, c)) as unknown as tf.TensorContainer) as unknown as GptParams);
  }

  private check(fn: string): void {
    if (!this.paramsTree) throw new DisposedError(`'${fn}' was called on a Gpt after dispose().`);
  }

  /** The parameters (`tf.Variable`s; give them to an optimizer). */
  get params(): GptParams {
    if (!this.paramsTree) throw new DisposedError(`'Gpt.params' was read after dispose().`);
    return this.paramsTree;
  }

  /**
   * Mean cross-entropy (nats per token) of predicting `y` from `x` (both `[batch, time]` int32, as
   * `lmBatches` makes them). Synchronous, for `train`'s lossFn. The scalar belongs to the caller.
   *
   * @example
   * await train({ optimizer, data: lmBatches(ids, {...}), lossFn: (b, _s, key) => gpt.loss(b, { training: true, key }), steps, seed });
   */
  loss(batch: { x: tf.Tensor; y: tf.Tensor }, options: { training?: boolean; key?: Seed } = {}): tf.Scalar {
    // One tidy around the forward pass: the logits stay alive for the gradient tape, then go.
    return tf.tidy(() => crossEntropy(gptForward(this.params, this.config, batch.x as tf.Tensor2D, options).logits, batch.y) as tf.Scalar);
  }

  // Log-probabilities at every position of one window [bos?, ...ids] -> [time, vocab] as float64 rows.
  private async windowLogProbs(ids: readonly number[]): Promise<Float32Array> {
    const x = tf.tensor2d(Int32Array.from(ids), [1, ids.length], 'int32');
    const { logits } = gptForward(this.params, this.config, x);
    const lp = tf.tidy(() => tf.logSoftmax(logits, -1));
    const data = (await lp.data()) as Float32Array;
    tf.dispose([x, logits, lp]);
    return data;
  }

  async nextLogProbs(context: readonly number[]): Promise<Float64Array> {
    const fn = 'Gpt.nextLogProbs';
    this.check(fn);
    checkTokenIds(fn, 'context', context, this.vocabSize);
    const window = [this.bosId, ...context].slice(-this.config.contextLength);
    const data = await this.windowLogProbs(window);
    return Float64Array.from(data.subarray((window.length - 1) * this.vocabSize, window.length * this.vocabSize));
  }

  /**
   * Sum of log-probabilities of `tokens` after `<s>`, evaluated in consecutive windows of
   * contextLength (each window starts fresh; the first with `<s>`).
   */
  async logProb(tokens: readonly number[]): Promise<number> {
    const fn = 'Gpt.logProb';
    this.check(fn);
    checkTokenIds(fn, 'tokens', tokens, this.vocabSize);
    const seq = [this.bosId, ...tokens];
    const T = this.config.contextLength;
    let total = 0;
    for (let start = 0; start + 1 < seq.length; start += T) {
      const window = seq.slice(start, Math.min(start + T + 1, seq.length)); // inputs window[0..-1], targets window[1..]
      const inputs = window.slice(0, -1);
      const data = await this.windowLogProbs(inputs);
      for (let i = 0; i < inputs.length; i++) total += data[i * this.vocabSize + window[i + 1]];
    }
    return total;
  }

  async perplexity(tokens: readonly number[]): Promise<number> {
    if (Array.isArray(tokens) && tokens.length === 0) throw new InvalidArgumentError(`Argument 'tokens' passed to 'Gpt.perplexity' must be non-empty, but got [].`);
    return Math.exp(-(await this.logProb(tokens)) / tokens.length);
  }

  /**
   * Incremental decoding with a key/value cache: each appended token costs one position of
   * attention over the cache, not a pass over the whole context. When the context would exceed
   * contextLength, the cache is rebuilt from the most recent contextLength / 2 tokens.
   */
  startSession(options: { useCache?: boolean } = {}): DecodingSession {
    this.check('Gpt.startSession');
    const useCache = options.useCache ?? true;
    let history: number[] = [this.bosId];
    let fed = 0; // how many of history are in the cache
    let cache: GptCache | null = null;
    let open = true;
    const run = async (ids: readonly number[]): Promise<Float64Array> => {
      const x = tf.tensor2d(Int32Array.from(ids), [1, ids.length], 'int32');
      const out = gptForward(this.params, this.config, x, { cache });
      disposeGptCache(cache);
      cache = out.cache!;
      const last = tf.tidy(() => tf.logSoftmax(tf.slice(out.logits, [0, ids.length - 1, 0], [1, 1, this.vocabSize]), -1));
      const data = Float64Array.from((await last.data()) as Float32Array);
      tf.dispose([x, out.logits, last]);
      return data;
    };
    return {
      append: async (tokens: readonly number[]) => {
        if (!open) throw new DisposedError(`'DecodingSession.append' was called after dispose().`);
        checkTokenIds('DecodingSession.append', 'tokens', tokens, this.vocabSize);
        history = history.concat(tokens);
        if (!useCache) return this.nextLogProbs(history.slice(1));
        if (history.length > this.config.contextLength) {
          // Slide: keep the most recent half-context and rebuild the cache from it.
          history = history.slice(-Math.max(1, Math.floor(this.config.contextLength / 2)));
          disposeGptCache(cache);
          cache = null;
          fed = 0;
        }
        const pending = history.slice(fed);
        fed = history.length;
        if (pending.length === 0) {
          // Nothing new (append([]) at the start): the distribution after the cached context.
          return this.nextLogProbs(history.slice(1));
        }
        return run(pending);
      },
      dispose: () => {
        open = false;
        disposeGptCache(cache);
        cache = null;
      },
    };
  }

  /**
   * A checkpoint (safetensors) with the weights, config and tokenizer; with `trainState` (what
   * `train`'s checkpoint callback gets) or `optimizer` (+ `rng`), also the optimizer slots, step
   * and RNG key, so `restoreTraining` continues exactly (`trainLm` does both).
   *
   * @example
   * await writeFile('gpt.safetensors', await gpt.save({ optimizer, rng: result.rng }));
   */
  async save(options: LmSaveOptions = {}): Promise<Uint8Array> {
    this.check('Gpt.save');
    return saveLmCheckpoint('Gpt.save', FORMAT, 'gpt', this.config, this.tokenizer, this.params as unknown as ParamTree, options);
  }

  /**
   * Loads `save()`'s bytes (the weights; optimizer state in the file is ignored, see
   * `restoreTraining`). With `tokenizer`, it must equal the saved one. Any mismatch or corruption
   * throws `CheckpointError` and creates nothing.
   *
   * @example
   * const gpt = await Gpt.load(await readFile('gpt.safetensors'));
   */
  static async load(bytes: Uint8Array, tokenizer?: Tokenizer): Promise<Gpt> {
    const fn = 'Gpt.load';
    const { config, tokenizer: saved } = readLmCheckpointConfig<GptConfig>(fn, bytes, FORMAT, 'gpt', 'a GPT');
    checkSameTokenizer(fn, 'tokenizer', tokenizer, saved);
    let c: Required<GptConfig>;
    try {
      c = resolveConfig(fn, config);
    } catch (error) {
      throw new CheckpointError(`Checkpoint passed to '${fn}' holds an invalid config: ${(error as Error).message}`);
    }
    if (c.vocabSize !== saved.vocabSize) throw new CheckpointError(`Checkpoint passed to '${fn}' has vocabSize ${c.vocabSize} but its tokenizer has ${saved.vocabSize}.`);
    const template = initGpt(0, c);
    try {
      const loaded = loadCheckpoint(bytes, { expect: template as unknown as ParamTree });
      const vars = toVariables(loaded.params) as unknown as GptParams;
      disposeParams(loaded.params);
      if (loaded.optimizerState) disposeParams(loaded.optimizerState);
      return new Gpt(saved, c, vars);
    } finally {
      disposeParams(template as unknown as ParamTree);
    }
  }

  /**
   * Continues training from a checkpoint saved with optimizer state: checks that it is for this
   * model (config, tokenizer, every weight and slot), then restores the weights, `optimizer`'s
   * slots and step. Returns the saved training `Rng` to pass as `train`'s `seed` (undefined when the
   * checkpoint holds none). On any mismatch throws `CheckpointError` and changes nothing.
   *
   * @example
   * const gpt = await Gpt.load(bytes);
   * const optimizer = adamW(gpt.params as never, { lr: 1e-3 });
   * const rng = gpt.restoreTraining(bytes, optimizer);
   * await train({ optimizer, seed: rng ?? 2, steps: 4000, ... }); // continues at the saved step
   */
  restoreTraining(bytes: Uint8Array, optimizer: Optimizer): Rng | undefined {
    const fn = 'Gpt.restoreTraining';
    this.check(fn);
    return restoreLmTraining(fn, bytes, FORMAT, 'gpt', 'a GPT', { config: this.config, tokenizer: this.tokenizer, params: this.params as unknown as ParamTree }, optimizer);
  }

  /** Frees the variables (idempotent). */
  dispose(): void {
    if (this.paramsTree) disposeParams(this.paramsTree as unknown as ParamTree);
    this.paramsTree = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
