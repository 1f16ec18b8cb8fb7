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
