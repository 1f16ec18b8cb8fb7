// Multi-head scaled dot-product attention. Vaswani et al. (2017), "Attention Is All You Need"
// §3.2: Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k) + M) V, with M an additive mask.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { type Seed, split, toKey } from '../random/key.js';
import { checkFloatTensor } from '../validate.js';
import { checkFeatures, checkPositiveInt } from './check.js';
import { type Initializer, checkInitializer } from './init.js';
import { type LinearParams, checkLinear, initLinear, linearUnchecked } from './linear.js';

/** Added to the scores of masked-out positions (finite, so a fully masked row gives uniform weights, not NaN). */
export const MASK_VALUE = -1e9;

/**
 * Parameters of `multiHeadAttention`: four linear layers `[dModel, dModel]` (our linear layout,
 * `[in, out]`): `query`, `key`, `value` projections and the `output` projection. Heads are
 * contiguous slices of dModel: head h uses features `h*headDim .. (h+1)*headDim - 1`.
 */
export type MultiHeadAttentionParams = {
  readonly query: LinearParams;
  readonly key: LinearParams;
  readonly value: LinearParams;
  readonly output: LinearParams;
};

/** Configuration of `initMultiHeadAttention`. */
export interface MultiHeadAttentionConfig {
  /** Model width; must be divisible by `numHeads`. */
  readonly dModel: number;
  readonly numHeads: number;
  /** Whether the projections have biases. Default true. */
  readonly bias?: boolean;
  /** Weight initialiser of the projections. Default `glorotUniform`. */
  readonly init?: Initializer;
}

/**
 * Cached keys and values of the positions seen so far, per head, for incremental decoding:
 * `keys` and `values` are `[batch, numHeads, cachedTime, headDim]` (after the key/value
 * projections, before attention).
 *
 * Memory rule: a cache is a pair of tensors owned by whoever received it. `multiHeadAttention`
 * never disposes the cache it is given; it returns a new cache (old keys/values concatenated with
 * the new ones), and the caller disposes the old one with `disposeKVCache` once it has the new
 * one. Keep exactly one live cache per layer.
 */
export interface KVCache {
  readonly keys: tf.Tensor4D;
  readonly values: tf.Tensor4D;
}

/** Options of `multiHeadAttention`. */
export interface MultiHeadAttentionOptions {
  readonly numHeads: number;
  /**
   * Causal (autoregressive) masking: query i may attend key j only when j <= i + pastLength,
   * where pastLength is the cached time (the mask is aligned to the bottom-right when keys
   * outnumber queries). Default false.
   */
  readonly causal?: boolean;
  /**
   * Extra mask broadcastable to `[batch, numHeads, queryTime, keyTime]` (keyTime includes the
   * cache): bool (true = may attend, as PyTorch's SDPA) or float32 (added to the scores).
   */
  readonly mask?: tf.Tensor;
  /**
   * Incremental decoding: the cache of earlier positions, or `null` to start one. When present
   * (even `null`), the call returns `{ output, cache }`; see `KVCache` for who disposes what.
   */
  readonly kvCache?: KVCache | null;
}

/** Result of `multiHeadAttention` with a `kvCache` option. Both are new and belong to the caller. */
export interface AttentionWithCache {
  /** `[batch, time, dModel]`. */
  readonly output: tf.Tensor3D;
  /** The cache including this call's positions. */
  readonly cache: KVCache;
}

/**
 * Creates the four projections of multi-head attention, each `weight [dModel, dModel]` and
 * `bias [dModel]`. Returns new tensors owned by the caller.
 *
 * @example
 * const params = initMultiHeadAttention(prngKey(0), { dModel: 64, numHeads: 4 });
 */
export function initMultiHeadAttention(key: Seed, config: MultiHeadAttentionConfig): MultiHeadAttentionParams {
  const fn = 'initMultiHeadAttention';
  const k = toKey(key, fn, 'key');
  const { dModel, numHeads, bias = true, init } = config ?? ({} as MultiHeadAttentionConfig);
  checkPositiveInt(fn, 'dModel', dModel);
  checkPositiveInt(fn, 'numHeads', numHeads);
  checkHeads(fn, dModel, numHeads);
  checkInitializer(fn, 'init', init);
  const [kq, kk, kv, ko] = split(k, 4);
  const layer = (lk: Seed) => initLinear(lk, { inFeatures: dModel, outFeatures: dModel, bias, init });
  return { query: layer(kq), key: layer(kk), value: layer(kv), output: layer(ko) };
}

function checkHeads(fn: string, dModel: number, numHeads: number): void {
  if (dModel % numHeads !== 0) {
    throw new InvalidArgumentError(
      `Argument 'numHeads' passed to '${fn}' must divide dModel ${dModel}, but got ${numHeads}.`,
    );
  }
}

/**
 * Disposes the tensors of a KV cache (safe to call on `null`/`undefined` and twice).
 *
 * @example
 * const next = multiHeadAttention(params, token, { numHeads: 4, causal: true, kvCache: cache });
 * disposeKVCache(cache);
 * cache = next.cache;
 */
export function disposeKVCache(cache: KVCache | null | undefined): void {
  if (cache) tf.dispose([cache.keys, cache.values]);
}

function checkMask(fn: string, mask: tf.Tensor, target: readonly number[]): void {
  if (!(mask instanceof tf.Tensor) || (mask.dtype !== 'bool' && mask.dtype !== 'float32')) {
    throw new InvalidArgumentError(
      `Argument 'mask' passed to '${fn}' must be a bool or float32 tf.Tensor, but got ${mask instanceof tf.Tensor ? `dtype ${mask.dtype}` : describeValue(mask)}.`,
    );
  }
  const offset = target.length - mask.rank;
  if (offset < 0 || mask.shape.some((d, i) => d !== 1 && d !== target[offset + i])) {
    throw new ShapeError(
      `Argument 'mask' passed to '${fn}' must be broadcastable to [batch, heads, queryTime, keyTime] = ${describeValue([...target])}, but got ${describeValue([...mask.shape])}.`,
    );
  }
}

/** Additive causal mask `[queryTime, keyTime]`: 0 where key j <= i + (keyTime - queryTime), MASK_VALUE elsewhere. */
function causalMask(queryTime: number, keyTime: number): tf.Tensor2D {
  const values = new Float32Array(queryTime * keyTime);
  const past = keyTime - queryTime;
  for (let i = 0; i < queryTime; i++) {
    for (let j = i + past + 1; j < keyTime; j++) values[i * keyTime + j] = MASK_VALUE;
  }
  return tf.tensor2d(values, [queryTime, keyTime]);
}

/** Options of `scaledDotProductAttention`. */
export interface AttentionOptions {
  /** Causal mask aligned bottom-right (query i attends keys j <= i + keyTime - queryTime). Default false. */
  readonly causal?: boolean;
  /** Bool (true = attend) or additive float32 mask broadcastable to the scores `[..., queryTime, keyTime]`. */
  readonly mask?: tf.Tensor;
}

/**
 * softmax(q k^T / sqrt(headDim) + mask) v for `q [..., queryTime, headDim]`,
 * `k [..., keyTime, headDim]`, `v [..., keyTime, valueDim]` (leading axes equal, e.g.
 * `[batch, heads]`), giving `[..., queryTime, valueDim]`. With `causal` and equal query/key
 * lengths this is `torch.nn.functional.scaled_dot_product_attention(..., is_causal=True)`.
 * Returns a new tensor owned by the caller.
 *
 * @example
 * const out = scaledDotProductAttention(q, k, v, { causal: true }); // [batch, heads, time, headDim]
 */
export function scaledDotProductAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, options: AttentionOptions = {}): tf.Tensor {
  const fn = 'scaledDotProductAttention';
  checkFloatTensor(fn, 'q', q);
  checkFloatTensor(fn, 'k', k);
  checkFloatTensor(fn, 'v', v);
  const r = q.rank;
  if (r < 2) {
    throw new ShapeError(`Argument 'q' passed to '${fn}' must have shape [..., queryTime, headDim], but got ${describeValue([...q.shape])}.`);
  }
  const lead = q.shape.slice(0, -2);
  const headDim = q.shape[r - 1];
  if (k.rank !== r || k.shape[r - 1] !== headDim || lead.some((d, i) => k.shape[i] !== d)) {
    throw new ShapeError(
      `Argument 'k' passed to '${fn}' must have shape ${describeValue([...lead, 'keyTime', headDim])}, but got ${describeValue([...k.shape])}.`,
    );
  }
  const keyTime = k.shape[r - 2];
  if (v.rank !== r || v.shape[r - 2] !== keyTime || lead.some((d, i) => v.shape[i] !== d)) {
    throw new ShapeError(
      `Argument 'v' passed to '${fn}' must have shape ${describeValue([...lead, keyTime, 'valueDim'])}, but got ${describeValue([...v.shape])}.`,
    );
  }
  const queryTime = q.shape[r - 2];
  if (options.causal && keyTime < queryTime) {
    throw new ShapeError(`Arguments 'q' and 'k' passed to '${fn}' must have keyTime >= queryTime when causal, but got ${queryTime} queries and ${keyTime} keys.`);
  }
  if (options.mask !== undefined) checkMask(fn, options.mask, [...lead, queryTime, keyTime]);
  return tf.tidy(() => attentionUnchecked(q, k, v, options.causal ?? false, options.mask));
}

function attentionUnchecked(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, causal: boolean, mask?: tf.Tensor): tf.Tensor {
  const headDim = q.shape[q.rank - 1];
  const queryTime = q.shape[q.rank - 2];
  const keyTime = k.shape[k.rank - 2];
  let scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)); // [..., queryTime, keyTime]
  if (causal) scores = tf.add(scores, causalMask(queryTime, keyTime));
  if (mask !== undefined) {
    const additive = mask.dtype === 'bool' ? tf.mul(tf.sub(1, tf.cast(mask, 'float32')), MASK_VALUE) : mask;
    scores = tf.add(scores, additive);
  }
  const weights = tf.softmax(scores, -1); // [..., queryTime, keyTime]
  return tf.matMul(weights, v); // [..., queryTime, valueDim]
}

/**
 * Multi-head self-attention of `x [batch, time, dModel]`, giving `[batch, time, dModel]`.
 *
 * Without `kvCache`, returns the output tensor. With `kvCache` (a cache, or `null` to start one),
 * `x` holds the new positions only and the call returns `{ output, cache }`, where `cache`
 * extends the given one with this call's keys and values; with `causal`, new position i attends
 * every cached position and new positions up to i. Decoding token by token this way gives the
 * same outputs as one causal call over the whole sequence. The given cache is not disposed:
 * the caller disposes it after the call (see `KVCache`). Returned tensors belong to the caller.
 *
 * @example
 * const y = multiHeadAttention(params, x, { numHeads: 4, causal: true }); // training
 * let cache: KVCache | null = null;                                        // decoding
 * for (const token of tokens) {
 *   const step = multiHeadAttention(params, embed(token), { numHeads: 4, causal: true, kvCache: cache });
 *   disposeKVCache(cache);
 *   cache = step.cache;
 * }
 */
export function multiHeadAttention(
  params: MultiHeadAttentionParams,
  x: tf.Tensor,
  options: MultiHeadAttentionOptions & { readonly kvCache?: undefined },
): tf.Tensor3D;
export function multiHeadAttention(
  params: MultiHeadAttentionParams,
  x: tf.Tensor,
  options: MultiHeadAttentionOptions & { readonly kvCache: KVCache | null },
): AttentionWithCache;
export function multiHeadAttention(
  params: MultiHeadAttentionParams,
  x: tf.Tensor,
  options: MultiHeadAttentionOptions,
): tf.Tensor3D | AttentionWithCache {
  const fn = 'multiHeadAttention';
  const numHeads = options?.numHeads;
  checkPositiveInt(fn, 'numHeads', numHeads);
  const dModel = checkLinear(fn, 'params.query', params?.query);
  checkLinear(fn, 'params.query', params.query, dModel, dModel);
  checkLinear(fn, 'params.key', params.key, dModel, dModel);
  checkLinear(fn, 'params.value', params.value, dModel, dModel);
  checkLinear(fn, 'params.output', params.output, dModel, dModel);
  checkHeads(fn, dModel, numHeads);
  checkFeatures(fn, 'x', x, dModel, 3);
  if (x.rank !== 3) {
    throw new ShapeError(`Argument 'x' passed to '${fn}' must have shape [batch, time, ${dModel}], but got ${describeValue([...x.shape])}.`);
  }
  const [batch, time] = x.shape as number[];
  const headDim = dModel / numHeads;
  const useCache = options.kvCache !== undefined;
  const past = options.kvCache ?? null;
  if (past !== null) {
    for (const name of ['keys', 'values'] as const) {
      const t = (past as unknown as Record<string, unknown>)[name];
      if (!(t instanceof tf.Tensor) || t.rank !== 4 || t.shape[0] !== batch || t.shape[1] !== numHeads || t.shape[3] !== headDim || t.shape[2] !== past.keys?.shape?.[2]) {
        throw new ShapeError(
          `Argument 'kvCache.${name}' passed to '${fn}' must have shape [${batch}, ${numHeads}, cachedTime, ${headDim}], but got ${t instanceof tf.Tensor ? describeValue([...t.shape]) : describeValue(t)}.`,
        );
      }
    }
  }
  const pastTime = past === null ? 0 : past.keys.shape[2];
  const keyTime = pastTime + time;
  if (options.mask !== undefined) checkMask(fn, options.mask, [batch, numHeads, time, keyTime]);
  const causal = options.causal ?? false;

  const result = tf.tidy(() => {
    // Project, then split dModel into heads.
    const heads = (p: LinearParams) =>
      tf.transpose(
        tf.reshape(linearUnchecked(p, x), [batch, time, numHeads, headDim]), // [batch, time, heads, headDim]
        [0, 2, 1, 3],
      ) as tf.Tensor4D; // [batch, heads, time, headDim]
    const q = heads(params.query); // [batch, heads, time, headDim]
    let k = heads(params.key); // [batch, heads, time, headDim]
    let v = heads(params.value); // [batch, heads, time, headDim]
    if (past !== null) {
      k = tf.concat([past.keys, k], 2); // [batch, heads, pastTime + time, headDim]
      v = tf.concat([past.values, v], 2); // [batch, heads, pastTime + time, headDim]
    }
    const attended = attentionUnchecked(q, k, v, causal, options.mask); // [batch, heads, time, headDim]
    const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [batch, time, dModel]); // [batch, time, heads, headDim] -> [batch, time, dModel]
    const output = linearUnchecked(params.output, merged) as tf.Tensor3D; // [batch, time, dModel]
    return useCache ? { output, keys: k, values: v } : { output };
  });
  if (!useCache) return result.output;
  return { output: result.output, cache: { keys: result.keys as tf.Tensor4D, values: result.values as tf.Tensor4D } };
}
