// Compact keys for n-grams: a base-`vocabSize` number when every n-gram of the order fits in 53
// bits (fast Map lookups), a comma-joined string otherwise.
export type NgramKey = number | string;

/** Builds and reads keys of token windows for one vocabulary size and largest order. */
export class Keyer {
  readonly numeric: boolean;
  constructor(readonly base: number, order: number) {
    this.numeric = Math.pow(base, order) < Number.MAX_SAFE_INTEGER;
  }
  /** Key of `ids[start .. end)`. */
  key(ids: ArrayLike<number>, start: number, end: number): NgramKey {
    if (this.numeric) {
      let k = 0;
      for (let i = start; i < end; i++) k = k * this.base + ids[i];
      return k;
    }
    let s = '';
    for (let i = start; i < end; i++) s += i === start ? String(ids[i]) : `,${ids[i]}`;
    return s;
  }
  /** The `length` ids of a key. */
  ids(key: NgramKey, length: number): number[] {
    if (typeof key === 'string') return key === '' ? [] : key.split(',').map(Number);
    const out = new Array<number>(length);
    let k = key;
    for (let i = length - 1; i >= 0; i--) {
      out[i] = k % this.base;
      k = Math.floor(k / this.base);
    }
    return out;
  }
}

/** Key of the first k - 1 ids of a k-gram key (its context). */
export function prefixKey(keyer: Keyer, key: NgramKey, k: number): NgramKey {
  if (typeof key === 'number') return Math.floor(key / keyer.base);
  const at = key.lastIndexOf(',');
  return at < 0 ? '' : key.slice(0, at);
}

/** Key of the last k - 1 ids of a k-gram key (the lower-order n-gram). */
export function suffixKey(keyer: Keyer, key: NgramKey, k: number): NgramKey {
  if (typeof key === 'number') return key % Math.pow(keyer.base, k - 1);
  const at = key.indexOf(',');
  return at < 0 ? '' : key.slice(at + 1);
}

/** Last id of a key. */
export function lastId(keyer: Keyer, key: NgramKey): number {
  if (typeof key === 'number') return key % keyer.base;
  return Number(key.slice(key.lastIndexOf(',') + 1));
}

/** First id of a k-gram key. */
export function firstId(keyer: Keyer, key: NgramKey, k: number): number {
  if (typeof key === 'number') return Math.floor(key / Math.pow(keyer.base, k - 1));
  const at = key.indexOf(',');
  return Number(at < 0 ? key : key.slice(0, at));
}

/**
 * Counts numeric keys (integers below 2^53) in an open-addressing hash table of typed arrays:
 * far faster than a Map for keys outside the small-integer range, which n-gram keys usually are.
 */
export class KeyCounter {
  private keys = new Float64Array(1 << 12);
  private counts = new Float64Array(1 << 12);
  private used = new Uint8Array(1 << 12);
  private mask = (1 << 12) - 1;
  size = 0;

  private static slot(key: number, mask: number): number {
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & mask;
  }

  add(key: number): void {
    let i = KeyCounter.slot(key, this.mask);
    while (this.used[i] && this.keys[i] !== key) i = (i + 1) & this.mask;
    if (!this.used[i]) {
      this.used[i] = 1;
      this.keys[i] = key;
      if (++this.size * 2 > this.keys.length) {
        this.counts[i] = 1;
        this.grow();
        return;
      }
    }
    this.counts[i]++;
  }

  private grow(): void {
    const { keys, counts, used } = this;
    const n = keys.length * 2;
    this.keys = new Float64Array(n);
    this.counts = new Float64Array(n);
    this.used = new Uint8Array(n);
    this.mask = n - 1;
    for (let j = 0; j < keys.length; j++) {
      if (!used[j]) continue;
      let i = KeyCounter.slot(keys[j], this.mask);
      while (this.used[i]) i = (i + 1) & this.mask;
      this.used[i] = 1;
      this.keys[i] = keys[j];
      this.counts[i] = counts[j];
    }
  }

  /** The counts as a Map (one insertion per distinct key). */
  toMap(): Map<NgramKey, number> {
    const m = new Map<NgramKey, number>();
    for (let i = 0; i < this.keys.length; i++) if (this.used[i]) m.set(this.keys[i], this.counts[i]);
    return m;
  }
}
