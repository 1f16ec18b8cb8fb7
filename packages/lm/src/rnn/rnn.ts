// Recurrent language models. LSTM: Hochreiter & Schmidhuber (1997) with forget gates (Gers et al.
// 2000), gate order i, f, g, o as PyTorch; GRU: Cho et al. (2014), PyTorch's formulation
// n = tanh(W_in x + b_in + r * (W_hn h + b_hn)). Mikolov et al. (2010) for RNN language models.
import * as tf from '@tensorflow/tfjs-core';
import {
  CheckpointError,
  DisposedError,
  InvalidArgumentError,
  type EmbeddingParams,
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
  initEmbedding,
  initLinear,
  linear,
  loadCheckpoint,
  split,
  toKey,
  toVariables,
  uniform,
} from '@gen/core';
import { checkPositiveInteger, checkTokenIds } from '../check.js';
import type { DecodingSession, LanguageModel } from '../language-model.js';
import { type LmSaveOptions, checkSameTokenizer, readLmCheckpointConfig, restoreLmTraining, saveLmCheckpoint } from '../train/lm-checkpoint.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';

/** Hyperparameters of `RnnLm`. */
export interface RnnConfig {
  readonly vocabSize: number;
  /** 'lstm' (default) or 'gru'. */
  readonly cell?: 'lstm' | 'gru';
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  /** Stacked layers. Default 1. */
  readonly numLayers?: number;
  /** Dropout between layers and before the output during training. Default 0. */
  readonly dropout?: number;
}

type LayerParams = { readonly wx: tf.Tensor2D; readonly wh: tf.Tensor2D; readonly bx: tf.Tensor1D; readonly bh: tf.Tensor1D };

/** Parameters of an RNN language model. */
export type RnnParams = {
  readonly embedding: EmbeddingParams;
  readonly layers: { readonly [index: string]: LayerParams };
  readonly head: LinearParams;
};

/** Recurrent state per layer: `h` (and `c` for LSTM), each `[batch, hiddenSize]`. */
export type RnnState = Array<{ h: tf.Tensor2D; c?: tf.Tensor2D }>;

function resolve(fn: string, config: RnnConfig): Required<RnnConfig> {
  if (config == null || typeof config !== 'object') throw new InvalidArgumentError(`Argument 'config' passed to '${fn}' must be an object, but got ${describeValue(config)}.`);
  for (const n of ['vocabSize', 'embeddingDim', 'hiddenSize'] as const) checkPositiveInteger(fn, `config.${n}`, config[n]);
  const r: Required<RnnConfig> = { cell: 'lstm', numLayers: 1, dropout: 0, ...config };
  checkPositiveInteger(fn, 'config.numLayers', r.numLayers);
  if (r.cell !== 'lstm' && r.cell !== 'gru') throw new InvalidArgumentError(`Argument 'config.cell' passed to '${fn}' must be one of 'lstm', 'gru', but got ${describeValue(r.cell)}.`);
  if (!(typeof r.dropout === 'number' && r.dropout >= 0 && r.dropout < 1)) throw new InvalidArgumentError(`Argument 'config.dropout' passed to '${fn}' must be a number in [0, 1), but got ${describeValue(r.dropout)}.`);
  return r;
}

/**
 * Initialises RNN parameters (PyTorch's scheme: uniform(+-1/sqrt(hiddenSize)) for the cells).
 * Returns new tensors owned by the caller.
 *
 * @example
 * const params = initRnn(0, { vocabSize: 65, cell: 'gru', embeddingDim: 32, hiddenSize: 128 });
 */
export function initRnn(key: Seed, config: RnnConfig): RnnParams {
  const fn = 'initRnn';
  const c = resolve(fn, config);
  const [kEmb, kHead, kLayers] = split(toKey(key, fn, 'key'), 3);
  const gates = c.cell === 'lstm' ? 4 : 3;
  const init = uniform(1 / Math.sqrt(c.hiddenSize));
  const layers: Record<string, LayerParams> = {};
  split(kLayers, c.numLayers).forEach((k, l) => {
    const [a, b, d, e] = split(k, 4);
    const inF = l === 0 ? c.embeddingDim : c.hiddenSize;
    layers[String(l)] = {
      wx: init(a, [inF, gates * c.hiddenSize]) as tf.Tensor2D,
      wh: init(b, [c.hiddenSize, gates * c.hiddenSize]) as tf.Tensor2D,
      bx: init(d, [gates * c.hiddenSize]) as tf.Tensor1D,
      bh: init(e, [gates * c.hiddenSize]) as tf.Tensor1D,
    };
  });
  return {
    embedding: initEmbedding(kEmb, { numEmbeddings: c.vocabSize, embeddingDim: c.embeddingDim }),
    layers,
    head: initLinear(kHead, { inFeatures: c.hiddenSize, outFeatures: c.vocabSize }),
  };
}

/**
 * Logits `[batch, time, vocabSize]` for `ids [batch, time]` (int32) from `state` (null: zeros),
 * and the state after the last position. Returned tensors belong to the caller; `state` is not
 * disposed.
 *
 * @example
 * const { logits, state } = rnnForward(params, config, ids, null);
 */
export function rnnForward(params: RnnParams, config: RnnConfig, ids: tf.Tensor2D, state: RnnState | null, options: { training?: boolean; key?: Seed } = {}): { logits: tf.Tensor3D; state: RnnState } {
  const fn = 'rnnForward';
  const c = resolve(fn, config);
  if (!(ids instanceof tf.Tensor) || ids.dtype !== 'int32' || ids.rank !== 2) {
    throw new InvalidArgumentError(`Argument 'ids' passed to '${fn}' must be an int32 tf.Tensor of shape [batch, time], but got ${ids instanceof tf.Tensor ? `${ids.dtype} ${describeValue([...ids.shape])}` : describeValue(ids)}.`);
  }
  const [batch, time] = ids.shape;
  const H = c.hiddenSize;
  const training = (options.training ?? false) && c.dropout > 0;
  const keys = training ? split(toKey(options.key ?? 0, fn, 'options.key'), c.numLayers + 1) : [];
  const out = tf.tidy(() => {
    let x = embedding(params.embedding, ids) as tf.Tensor3D; // [batch, time, embeddingDim]
    const next: RnnState = [];
    for (let l = 0; l < c.numLayers; l++) {
      const p = params.layers[String(l)];
      const inF = x.shape[2];
      // Input projections for all steps at once: [batch * time, gates * H].
      const xw = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [batch * time, inF]), p.wx), p.bx), [batch, time, -1]);
      let h = state?.[l]?.h ?? (tf.zeros([batch, H]) as tf.Tensor2D);
      let cell = c.cell === 'lstm' ? state?.[l]?.c ?? (tf.zeros([batch, H]) as tf.Tensor2D) : undefined;
      const hs: tf.Tensor2D[] = [];
      for (let t = 0; t < time; t++) {
        const xt = tf.reshape(tf.slice(xw, [0, t, 0], [batch, 1, -1]), [batch, -1]); // [batch, gates * H]
        const hw = tf.add(tf.matMul(h, p.wh), p.bh); // [batch, gates * H]
        if (c.cell === 'lstm') {
          const [i, f, g, o] = tf.split(tf.add(xt, hw), 4, 1);
          cell = tf.add(tf.mul(tf.sigmoid(f), cell!), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
          h = tf.mul(tf.sigmoid(o), tf.tanh(cell)) as tf.Tensor2D;
        } else {
          const [xr, xz, xn] = tf.split(xt, 3, 1);
          const [hr, hz, hn] = tf.split(hw, 3, 1);
          const r = tf.sigmoid(tf.add(xr, hr));
          const z = tf.sigmoid(tf.add(xz, hz));
          const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
          h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
        }
        hs.push(h);
      }
      next.push(c.cell === 'lstm' ? { h, c: cell } : { h });
      x = tf.stack(hs, 1) as tf.Tensor3D; // [batch, time, H]
      if (training) x = dropout(x, c.dropout, keys[l], true);
    }
    const logits = tf.reshape(linear(params.head, tf.reshape(x, [batch * time, H])), [batch, time, c.vocabSize]) as tf.Tensor3D; // [batch, time, vocab]
    return { logits, next: next.flatMap((s) => (s.c ? [s.h, s.c] : [s.h])) };
  });
  const st: RnnState = [];
  for (let l = 0, i = 0; l < c.numLayers; l++) st.push(c.cell === 'lstm' ? { h: out.next[i++] as tf.Tensor2D, c: out.next[i++] as tf.Tensor2D } : { h: out.next[i++] as tf.Tensor2D });
  return { logits: out.logits, state: st };
}

/** Disposes an RNN state (safe on null). */
export function disposeRnnState(state: RnnState | null | undefined): void {
  if (state) for (const s of state) tf.dispose([s.h, ...(s.c ? [s.c] : [])]);
}

const FORMAT = 'gen.lm.rnn';

/**
 * An LSTM or GRU language model with its tokenizer. The context is unbounded: the session
 * carries the recurrent state, so every generated token costs the same.
 *
 * @example
 * const lstm = RnnLm.create(tok, { cell: 'lstm', embeddingDim: 32, hiddenSize: 256 }, 0);
 * const text = await generate(lstm, 'Call me', { maxTokens: 80 });
 */
export class RnnLm implements LanguageModel {
  readonly config: Required<RnnConfig>;
  readonly tokenizer: Tokenizer;
  readonly vocabSize: number;
  readonly bosId: number;
  readonly eosId: number | null;
  private paramsTree: RnnParams | null;

  private constructor(tokenizer: Tokenizer, config: Required<RnnConfig>, params: RnnParams) {
    const bos = tokenizer.specialTokenId('<s>');
    if (bos === undefined) throw new InvalidArgumentError(`Argument 'tokenizer' passed to 'RnnLm' must have the special token '<s>', but got ${describeValue(tokenizer.specialTokens)}.`);
    this.tokenizer = tokenizer;
    this.config = config;
    this.vocabSize = config.vocabSize;
    this.bosId = bos;
    this.eosId = tokenizer.specialTokenId('</s>') ?? null;
    this.paramsTree = params;
  }

  /** A new model with fresh variables for `tokenizer`. */
  static create(tokenizer: Tokenizer, config: Omit<RnnConfig, 'vocabSize'>, seed: Seed = 0): RnnLm {
    const fn = 'RnnLm.create';
    if (!tokenizer || typeof tokenizer.encode !== 'function') throw new InvalidArgumentError(`Argument 'tokenizer' passed to '${fn}' must be a Tokenizer, but got ${describeValue(tokenizer)}.`);
    const c = resolve(fn, { ...config, vocabSize: tokenizer.vocabSize });
    return new RnnLm(tokenizer, c, tf.tidy(() => toVariables(initRnn(seed, c)) as unknown as tf.TensorContainer) as unknown as RnnParams);
  }

  private check(fn: string): void {
    if (!this.paramsTree) throw new DisposedError(`'${fn}' was called on an RnnLm after dispose().`);
  }

  /** The parameters (`tf.Variable`s). */
  get params(): RnnParams {
    this.check('RnnLm.params');
    return this.paramsTree!;
  }

  /** Mean cross-entropy of `y` given `x` (`[batch, time]` int32) from a zero state; for `train`. */
  loss(batch: { x: tf.Tensor; y: tf.Tensor }, options: { training?: boolean; key?: Seed } = {}): tf.Scalar {
    return tf.tidy(() => {
      const { logits, state } = rnnForward(this.params, this.config, batch.x as tf.Tensor2D, null, options);
      disposeRnnState(state);
      return crossEntropy(logits, batch.y) as tf.Scalar;
    });
  }

  private async run(ids: readonly number[], state: RnnState | null): Promise<{ logProbs: Float32Array; state: RnnState }> {
    const x = tf.tensor2d(Int32Array.from(ids), [1, ids.length], 'int32');
    const out = rnnForward(this.params, this.config, x, state);
    const lp = tf.tidy(() => tf.logSoftmax(out.logits, -1));
    const logProbs = (await lp.data()) as Float32Array;
    tf.dispose([x, out.logits, lp]);
    return { logProbs, state: out.state };
  }

  async nextLogProbs(context: readonly number[]): Promise<Float64Array> {
    const fn = 'RnnLm.nextLogProbs';
    this.check(fn);
    checkTokenIds(fn, 'context', context, this.vocabSize);
    const ids = [this.bosId, ...context];
    const { logProbs, state } = await this.run(ids, null);
    disposeRnnState(state);
    return Float64Array.from(logProbs.subarray((ids.length - 1) * this.vocabSize));
  }

  /** Sum of log-probabilities of `tokens` after `<s>`, in chunks of 256 carrying the state. */
  async logProb(tokens: readonly number[]): Promise<number> {
    const fn = 'RnnLm.logProb';
    this.check(fn);
    checkTokenIds(fn, 'tokens', tokens, this.vocabSize);
    const seq = [this.bosId, ...tokens];
    let state: RnnState | null = null;
    let total = 0;
    for (let start = 0; start + 1 < seq.length; start += 256) {
      const inputs = seq.slice(start, Math.min(start + 256, seq.length - 1));
      const out = await this.run(inputs, state);
      disposeRnnState(state);
      state = out.state;
      for (let i = 0; i < inputs.length; i++) total += out.logProbs[i * this.vocabSize + seq[start + i + 1]];
    }
    disposeRnnState(state);
    return total;
  }

  async perplexity(tokens: readonly number[]): Promise<number> {
    if (Array.isArray(tokens) && tokens.length === 0) throw new InvalidArgumentError(`Argument 'tokens' passed to 'RnnLm.perplexity' must be non-empty, but got [].`);
    return Math.exp(-(await this.logProb(tokens)) / tokens.length);
  }

  /** A session carrying the recurrent state (constant cost per token, unbounded context). */
  startSession(): DecodingSession {
    this.check('RnnLm.startSession');
    let state: RnnState | null = null;
    let pending: number[] = [this.bosId];
    let last: Float64Array | null = null;
    let open = true;
    return {
      append: async (tokens: readonly number[]) => {
        if (!open) throw new DisposedError(`'DecodingSession.append' was called after dispose().`);
        checkTokenIds('DecodingSession.append', 'tokens', tokens, this.vocabSize);
        pending = pending.concat(tokens);
        if (pending.length === 0) return Float64Array.from(last!);
        const out = await this.run(pending, state);
        disposeRnnState(state);
        state = out.state;
        last = Float64Array.from(out.logProbs.subarray((pending.length - 1) * this.vocabSize));
        pending = [];
        return Float64Array.from(last);
      },
      dispose: () => {
        open = false;
        disposeRnnState(state);
        state = null;
      },
    };
  }

  /**
   * A checkpoint (safetensors) with the weights, config and tokenizer; with `trainState` (what
   * `train`'s checkpoint callback gets) or `optimizer` (+ `rng`), also the optimizer slots, step
   * and RNG key, so `restoreTraining` continues exactly (`trainLm` does both).
   *
   * @example
   * await writeFile('rnn.safetensors', await lm.save({ optimizer, rng: result.rng }));
   */
  async save(options: LmSaveOptions = {}): Promise<Uint8Array> {
    this.check('RnnLm.save');
    return saveLmCheckpoint('RnnLm.save', FORMAT, 'rnn', this.config, this.tokenizer, this.params as unknown as ParamTree, options);
  }

  /**
   * Loads `save()`'s bytes (the weights; optimizer state in the file is ignored, see
   * `restoreTraining`). With `tokenizer`, it must equal the saved one. Any mismatch or corruption
   * throws `CheckpointError` and creates nothing.
   *
   * @example
   * const lm = await RnnLm.load(await readFile('rnn.safetensors'));
   */
  static async load(bytes: Uint8Array, tokenizer?: Tokenizer): Promise<RnnLm> {
    const fn = 'RnnLm.load';
    const { config, tokenizer: saved } = readLmCheckpointConfig<RnnConfig>(fn, bytes, FORMAT, 'rnn', 'an RNN');
    checkSameTokenizer(fn, 'tokenizer', tokenizer, saved);
    let c: Required<RnnConfig>;
    try {
      c = resolve(fn, config);
    } catch (error) {
      throw new CheckpointError(`Checkpoint passed to '${fn}' holds an invalid config: ${(error as Error).message}`);
    }
    if (c.vocabSize !== saved.vocabSize) throw new CheckpointError(`Checkpoint passed to '${fn}' has vocabSize ${c.vocabSize} but its tokenizer has ${saved.vocabSize}.`);
    const template = initRnn(0, c);
    try {
      const loaded = loadCheckpoint(bytes, { expect: template as unknown as ParamTree });
      const vars = toVariables(loaded.params) as unknown as RnnParams;
      disposeParams(loaded.params);
      if (loaded.optimizerState) disposeParams(loaded.optimizerState);
      return new RnnLm(saved, c, vars);
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
   * const lm = await RnnLm.load(bytes);
   * const optimizer = adamW(lm.params as never, { lr: 1e-3 });
   * const rng = lm.restoreTraining(bytes, optimizer);
   * await train({ optimizer, seed: rng ?? 2, steps: 4000, ... }); // continues at the saved step
   */
  restoreTraining(bytes: Uint8Array, optimizer: Optimizer): Rng | undefined {
    const fn = 'RnnLm.restoreTraining';
    this.check(fn);
    return restoreLmTraining(fn, bytes, FORMAT, 'rnn', 'an RNN', { config: this.config, tokenizer: this.tokenizer, params: this.params as unknown as ParamTree }, optimizer);
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
