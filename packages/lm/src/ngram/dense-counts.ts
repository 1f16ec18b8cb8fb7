// Fast n-gram counting with integer ids (the idea of KenLM's and SRILM's tries): every distinct
// k-gram gets a dense id, and the k-gram at position i is found from the dense id of the
// (k-1)-gram at i and the next token, `prefixId * vocabSize + token`, in a flat Int32Array (or a
// typed-array hash table when that product is large). One pass per order over Int32Arrays, no
// string or Map keys; the dense ids also give each k-gram's prefix (its context) and suffix (its
// lower-order n-gram) for free, which is what interpolated Kneser-Ney needs.

/** The distinct k-grams of one order, by dense id. */
export interface DenseOrder {
  /** Number of distinct k-grams (for k = 1: vocabSize, unseen tokens with count 0). */
  readonly n: number;
  /** Dense id of the (k-1)-gram prefix, the context (k = 1: 0, the empty context). */
  readonly prefix: Int32Array;
  /** Dense id of the (k-1)-gram suffix, the lower-order n-gram (k = 1: 0). */
  readonly suffix: Int32Array;
  /** First and last token. */
  readonly first: Int32Array;
  readonly last: Int32Array;
  /** Number of occurrences. */
  readonly count: Float64Array;
  /** The base-vocabSize packed key (`Keyer`'s numeric key: ids[0] * V^(k-1) + ... + ids[k-1]). */
  readonly key: Float64Array;
}

// Open-addressing hash from non-negative integer keys (below 2^53) to dense ids.
class IdIndex {
  private keys: Float64Array;
  private ids: Int32Array;
  private mask: number;
  private size = 0;

  constructor(expected: number) {
    let cap = 1 << 10;
    while (cap < expected * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  private static slot(key: number, mask: number): number {
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & mask;
  }

  /** The id of `key`, or -1 after inserting it with id `next`. */
  getOrInsert(key: number, next: number): number {
    let i = IdIndex.slot(key, this.mask);
    for (;;) {
      const id = this.ids[i];
      if (id < 0) break;
      if (this.keys[i] === key) return id;
      i = (i + 1) & this.mask;
    }
    this.keys[i] = key;
    this.ids[i] = next;
    if (++this.size * 2 > this.keys.length) this.grow();
    return -1;
  }

  private grow(): void {
    const { keys, ids } = this;
    const cap = keys.length * 2;
    this.keys = new Float64Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let j = 0; j < keys.length; j++) {
      if (ids[j] < 0) continue;
      let i = IdIndex.slot(keys[j], this.mask);
      while (this.ids[i] >= 0) i = (i + 1) & this.mask;
      this.keys[i] = keys[j];
      this.ids[i] = ids[j];
    }
  }
}

// Largest prefix-count x vocabSize table addressed directly (16 MiB of Int32); beyond, a hash
// (`countDense`'s `directLimit` lowers it, so tests can run the hash path on small data).
const DIRECT_LIMIT = 1 << 22;

function grown<T extends Int32Array | Float64Array>(a: T, size: number): T {
  const b = new (a.constructor as { new (n: number): T })(size);
  b.set(a);
  return b;
}

/**
 * Counts all k-grams, k = 1 .. order, of the sentences `<s> s </s>` (n-grams never cross a
 * sentence boundary). Needs vocabSize^order < 2^53 (the packed keys are exact numbers).
 */
export function countDense(
  sequences: readonly (readonly number[])[],
  order: number,
  vocabSize: number,
  bosId: number,
  eosId: number,
  directLimit = DIRECT_LIMIT,
): DenseOrder[] {
  const V = vocabSize;
  let total = 0;
  for (const s of sequences) total += s.length + 2;
  const seq = new Int32Array(total);
  const ends = new Int32Array(sequences.length); // exclusive end of each padded sentence
  let at = 0;
  sequences.forEach((s, j) => {
    seq[at++] = bosId;
    for (let i = 0; i < s.length; i++) seq[at++] = s[i];
    seq[at++] = eosId;
    ends[j] = at;
  });

  // Order 1: the dense id is the token id.
  const uni: DenseOrder = {
    n: V,
    prefix: new Int32Array(V),
    suffix: new Int32Array(V),
    first: Int32Array.from({ length: V }, (_, w) => w),
    last: Int32Array.from({ length: V }, (_, w) => w),
    count: new Float64Array(V),
    key: Float64Array.from({ length: V }, (_, w) => w),
  };
  for (let i = 0; i < total; i++) uni.count[seq[i]]++;
  const out: DenseOrder[] = [uni];
  let ids = seq; // dense id of the (k-1)-gram starting at each position (valid where it fits)

  for (let k = 2; k <= order; k++) {
    const lower = out[k - 2];
    const direct = lower.n * V <= directLimit ? new Int32Array(lower.n * V).fill(-1) : null;
    const index = direct ? null : new IdIndex(lower.n * 2);
    let cap = Math.max(1024, lower.n * 2);
    let prefix = new Int32Array(cap);
    let suffix = new Int32Array(cap);
    let first = new Int32Array(cap);
    let last = new Int32Array(cap);
    let count = new Float64Array(cap);
    let key = new Float64Array(cap);
    let n = 0;
    const next = new Int32Array(total);
    let start = 0;
    for (let j = 0; j < ends.length; j++) {
      const end = ends[j];
      for (let i = start; i + k <= end; i++) {
        const p = ids[i];
        const w = seq[i + k - 1];
        const packed = p * V + w;
        // -1: new (the hash has already stored it under id n).
        let d = direct ? direct[packed] : index!.getOrInsert(packed, n);
        if (d < 0) {
          d = n++;
          if (d === cap) {
            cap *= 2;
            prefix = grown(prefix, cap);
            suffix = grown(suffix, cap);
            first = grown(first, cap);
            last = grown(last, cap);
            count = grown(count, cap);
            key = grown(key, cap);
          }
          prefix[d] = p;
          suffix[d] = ids[i + 1];
          first[d] = seq[i];
          last[d] = w;
          key[d] = lower.key[p] * V + w;
          if (direct) direct[packed] = d;
        }
        count[d]++;
        next[i] = d;
      }
      start = end;
    }
    out.push({ n, prefix: prefix.subarray(0, n), suffix: suffix.subarray(0, n), first: first.subarray(0, n), last: last.subarray(0, n), count: count.subarray(0, n), key: key.subarray(0, n) });
    ids = next;
  }
  return out;
}

/** Interpolated modified Kneser-Ney from dense counts, per order: log-probabilities and back-off weights by dense id. */
export interface DenseKneserNey {
  /** Per order k (index k - 1): natural-log interpolated probability of each k-gram (k = 1: every token; <s> is -Infinity). */
  readonly logProb: Float64Array[];
  /** Per order k < order (index k - 1): log back-off weight of each k-gram as a context (NaN: not a context). */
  readonly backoff: Float64Array[];
  readonly discounts: number[][];
}

/**
 * The same model as the Map-based build (and the Python reference): adjusted counts (raw at the
 * highest order and for n-grams starting with <s>, else the number of distinct left extensions),
 * three discounts per order from count-of-counts, interpolation down to a uniform distribution
 * over every id except <s>.
 */
export function denseKneserNey(dense: DenseOrder[], vocabSize: number, bosId: number, discountsOf: (counts: Iterable<number>) => [number, number, number]): DenseKneserNey {
  const order = dense.length;
  const adjusted: Float64Array[] = [];
  for (let k = 1; k <= order; k++) {
    const g = dense[k - 1];
    if (k === order) {
      adjusted.push(Float64Array.from(g.count));
    } else {
      const adj = new Float64Array(g.n);
      const up = dense[k];
      for (let j = 0; j < up.n; j++) adj[up.suffix[j]]++;
      for (let j = 0; j < g.n; j++) if (g.first[j] === bosId) adj[j] = g.count[j];
      adjusted.push(adj);
    }
  }
  adjusted[0][bosId] = 0; // <s> is never predicted (and unseen tokens have 0: neither counts)
  const discounts = adjusted.map((a) => discountsOf(a));

  const logProb: Float64Array[] = [];
  const backoff: Float64Array[] = [];
  for (let k = 1; k <= order; k++) {
    const g = dense[k - 1];
    const a = adjusted[k - 1];
    const contexts = k === 1 ? 1 : dense[k - 2].n;
    // Per context: total adjusted count and the numbers of words seen 1, 2, 3+ times.
    const total = new Float64Array(contexts);
    const n1 = new Float64Array(contexts);
    const n2 = new Float64Array(contexts);
    const n3 = new Float64Array(contexts);
    for (let j = 0; j < g.n; j++) {
      const c = a[j];
      if (c === 0) continue;
      const ctx = g.prefix[j];
      total[ctx] += c;
      if (c === 1) n1[ctx]++;
      else if (c === 2) n2[ctx]++;
      else n3[ctx]++;
    }
    const [d1, d2, d3] = discounts[k - 1];
    const gamma = new Float64Array(contexts);
    for (let c = 0; c < contexts; c++) gamma[c] = (d1 * n1[c] + d2 * n2[c] + d3 * n3[c]) / total[c];
    const lp = new Float64Array(g.n);
    if (k === 1) {
      const uniform = 1 / (vocabSize - 1);
      for (let w = 0; w < vocabSize; w++) {
        if (w === bosId) {
          lp[w] = -Infinity;
          continue;
        }
        const c = a[w];
        const disc = c === 0 ? 0 : c === 1 ? d1 : c === 2 ? d2 : d3;
        lp[w] = Math.log(total[0] > 0 ? Math.max(c - disc, 0) / total[0] + gamma[0] * uniform : uniform);
      }
    } else {
      const lower = logProb[k - 2];
      for (let j = 0; j < g.n; j++) {
        const c = a[j];
        const ctx = g.prefix[j];
        const disc = c === 0 ? 0 : c === 1 ? d1 : c === 2 ? d2 : d3;
        lp[j] = Math.log(Math.max(c - disc, 0) / total[ctx] + gamma[ctx] * Math.exp(lower[g.suffix[j]]));
      }
      // Back-off weights of the (k-1)-grams that are contexts of seen k-grams.
      const bo = new Float64Array(contexts).fill(Number.NaN);
      for (let j = 0; j < g.n; j++) {
        const ctx = g.prefix[j];
        if (total[ctx] > 0) bo[ctx] = Math.log(gamma[ctx]);
      }
      backoff.push(bo);
    }
    logProb.push(lp);
  }
  return { logProb, backoff, discounts };
}

/** What the model's query code needs of a table keyed by n-gram key (a `Map` qualifies). */
export interface KeyLookup<V> {
  get(key: string | number): V | undefined;
  has(key: string | number): boolean;
  readonly size: number;
  [Symbol.iterator](): IterableIterator<[string | number, V]>;
}

// Open-addressing index over a column of numeric keys: slot -> row + 1 (0: empty).
function buildIndex(keys: Float64Array, rows: number): { slots: Int32Array; mask: number } {
  let cap = 1 << 4;
  while (cap < rows * 2) cap *= 2;
  const slots = new Int32Array(cap);
  const mask = cap - 1;
  for (let j = 0; j < rows; j++) {
    let i = hashSlot(keys[j], mask);
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = j + 1;
  }
  return { slots, mask };
}

function hashSlot(key: number, mask: number): number {
  const lo = key >>> 0;
  const hi = (key / 4294967296) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & mask;
}

/**
 * A read-only table from packed numeric keys to numbers, in typed arrays (built in one pass from
 * the dense arrays; far cheaper than a Map of 10^5..10^7 float keys). Iterates in row order.
 */
export class DenseNumberTable implements KeyLookup<number> {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(private readonly keys: Float64Array, private readonly values: Float64Array) {
    ({ slots: this.slots, mask: this.mask } = buildIndex(keys, keys.length));
  }

  get size(): number {
    return this.keys.length;
  }

  private row(key: string | number): number {
    if (typeof key !== 'number') return -1;
    let i = hashSlot(key, this.mask);
    for (;;) {
      const r = this.slots[i];
      if (r === 0) return -1;
      if (this.keys[r - 1] === key) return r - 1;
      i = (i + 1) & this.mask;
    }
  }

  get(key: string | number): number | undefined {
    const r = this.row(key);
    return r < 0 ? undefined : this.values[r];
  }

  has(key: string | number): boolean {
    return this.row(key) >= 0;
  }

  *[Symbol.iterator](): IterableIterator<[string | number, number]> {
    for (let j = 0; j < this.keys.length; j++) yield [this.keys[j], this.values[j]];
  }
}

/**
 * Context key -> the last tokens of the k-grams with that context, as `Int32Array` views into one
 * array grouped by context (a counting sort of the k-grams by prefix id).
 */
export class DenseChildrenTable implements KeyLookup<Int32Array> {
  private readonly index: DenseNumberTable;
  private readonly starts: Int32Array;
  private readonly words: Int32Array;
  private readonly ctxKeys: Float64Array;

  constructor(g: DenseOrder, lower: DenseOrder) {
    const starts = new Int32Array(lower.n + 1);
    for (let j = 0; j < g.n; j++) starts[g.prefix[j] + 1]++;
    for (let c = 0; c < lower.n; c++) starts[c + 1] += starts[c];
    const fill = starts.slice(0, lower.n);
    const words = new Int32Array(g.n);
    for (let j = 0; j < g.n; j++) words[fill[g.prefix[j]]++] = g.last[j];
    // Only contexts with children are keys.
    let m = 0;
    for (let c = 0; c < lower.n; c++) if (starts[c + 1] > starts[c]) m++;
    const ctxKeys = new Float64Array(m);
    const ctxIds = new Float64Array(m);
    m = 0;
    for (let c = 0; c < lower.n; c++) {
      if (starts[c + 1] > starts[c]) {
        ctxKeys[m] = lower.key[c];
        ctxIds[m++] = c;
      }
    }
    this.index = new DenseNumberTable(ctxKeys, ctxIds);
    this.starts = starts;
    this.words = words;
    this.ctxKeys = ctxKeys;
  }

  get size(): number {
    return this.ctxKeys.length;
  }

  get(key: string | number): Int32Array | undefined {
    const c = this.index.get(key);
    return c === undefined ? undefined : this.words.subarray(this.starts[c], this.starts[c + 1]);
  }

  has(key: string | number): boolean {
    return this.index.has(key);
  }

  *[Symbol.iterator](): IterableIterator<[string | number, Int32Array]> {
    for (const [key, c] of this.index) yield [key, this.words.subarray(this.starts[c], this.starts[c + 1])];
  }
}
