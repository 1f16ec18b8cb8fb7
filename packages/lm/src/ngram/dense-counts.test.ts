import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DenseChildrenTable, DenseNumberTable, countDense } from './dense-counts.js';

// The n-gram fixture corpus, one sentence per line, as character ids (0 = <s>, 1 = </s>).
const lines = readFileSync(new URL('../../fixtures/corpus.txt', import.meta.url), 'utf8').split('\n').filter((l) => l);
const chars = [...new Set(lines.join(''))].sort();
const V = chars.length + 2;
const sentences = lines.map((l) => [...l].map((c) => chars.indexOf(c) + 2));

// Brute force: every k-gram of <s> s </s> as a comma-joined string.
function bruteCounts(order: number): Array<Map<string, number>> {
  const out = Array.from({ length: order }, () => new Map<string, number>());
  for (const s of sentences) {
    const seq = [0, ...s, 1];
    for (let k = 1; k <= order; k++) {
      for (let i = 0; i + k <= seq.length; i++) {
        const key = seq.slice(i, i + k).join(',');
        out[k - 1].set(key, (out[k - 1].get(key) ?? 0) + 1);
      }
    }
  }
  return out;
}

function unpack(key: number, k: number): number[] {
  const ids: number[] = [];
  for (let i = 0; i < k; i++) {
    ids.unshift(key % V);
    key = Math.floor(key / V);
  }
  return ids;
}

describe('countDense', () => {
  it.each([['direct tables', undefined], ['hash tables', 0]] as const)('counts every k-gram exactly, with prefix/suffix/first/last links (%s)', (_name, limit) => {
    const order = 5;
    const dense = countDense(sentences, order, V, 0, 1, limit);
    const brute = bruteCounts(order);
    dense.forEach((g, i) => {
      const k = i + 1;
      const got = new Map<string, number>();
      for (let j = 0; j < g.n; j++) {
        if (g.count[j] === 0) continue;
        const ids = unpack(g.key[j], k);
        got.set(ids.join(','), g.count[j]);
        expect(g.first[j]).toBe(ids[0]);
        expect(g.last[j]).toBe(ids[k - 1]);
        if (k > 1) {
          expect(unpack(dense[k - 2].key[g.prefix[j]], k - 1)).toEqual(ids.slice(0, -1));
          expect(unpack(dense[k - 2].key[g.suffix[j]], k - 1)).toEqual(ids.slice(1));
        }
      }
      expect(got).toEqual(brute[k - 1]);
    });
    expect(dense[0].n).toBe(V); // unigrams: every id, unseen ones with count 0
  });

  it('tables: lookups by packed key, misses, string keys, iteration in row order, children per context', () => {
    const dense = countDense(sentences, 3, V, 0, 1, 0);
    const tri = dense[2];
    const table = new DenseNumberTable(tri.key, tri.count);
    expect(table.size).toBe(tri.n);
    for (let j = 0; j < tri.n; j += 7) expect(table.get(tri.key[j])).toBe(tri.count[j]);
    expect(table.get(-1)).toBeUndefined();
    expect(table.has(V ** 3 + 5)).toBe(false);
    expect(table.get('1,2,3')).toBeUndefined();
    expect([...table].slice(0, 3)).toEqual([0, 1, 2].map((j) => [tri.key[j], tri.count[j]]));
    const kids = new DenseChildrenTable(tri, dense[1]);
    let total = 0;
    for (const [ctx, words] of kids) {
      total += words.length;
      for (const w of words) expect(table.has((ctx as number) * V + w)).toBe(true);
    }
    expect(total).toBe(tri.n);
    expect(kids.get(-3)).toBeUndefined();
  });
});
