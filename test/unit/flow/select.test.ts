import { describe, expect, it } from 'vitest';
import { selectSmallest } from '../../../src/flow/select.js';

/** Keys with many equal first parts, made a strict order by a unique id (as the flow table's index). */
interface Item {
  key: number;
  id: number;
}
const cmp = (x: Item, y: Item): number => x.key - y.key || x.id - y.id;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

function items(n: number, keys: number, order: 'random' | 'sorted' | 'reversed' | 'organ', seed: number): Item[] {
  const r = prng(seed);
  const a = Array.from({ length: n }, (_, id) => ({ key: Math.floor(r() * keys), id }));
  if (order === 'sorted') a.sort(cmp);
  if (order === 'reversed') a.sort((x, y) => cmp(y, x));
  if (order === 'organ') {
    a.sort(cmp);
    const half = a.splice(0, n >> 1);
    a.reverse();
    a.unshift(...half);
  }
  return a;
}

/** The selected prefix, sorted, against the first k of a full sort: the same elements. */
function check(a: Item[], k: number): void {
  const expected = [...a].sort(cmp).slice(0, Math.max(0, Math.min(k, a.length)));
  const b = [...a];
  selectSmallest(b, k, cmp);
  expect(b.length).toBe(a.length);
  expect(new Set(b.map((x) => x.id)).size).toBe(a.length); // a permutation: nothing lost or doubled
  const got = b.slice(0, Math.max(0, Math.min(k, a.length))).sort(cmp);
  expect(got.map((x) => x.id)).toEqual(expected.map((x) => x.id));
}

describe('selectSmallest', () => {
  it('gives the k smallest elements of a full sort, for every order and size', () => {
    let seed = 1;
    for (const order of ['random', 'sorted', 'reversed', 'organ'] as const) {
      for (const n of [0, 1, 2, 3, 7, 64, 1000, 8193]) {
        for (const keys of [1, 3, n + 1]) {
          for (const k of [0, 1, 2, n >>> 3, n >>> 1, n - 1, n, n + 5]) check(items(n, keys, order, seed++), k);
        }
      }
    }
  });

  it('an eighth of 65,536 flows, as the flow table evicts them', () => {
    const a = items(65536, 1000, 'random', 99);
    check(a, 8192);
  });

  it('leaves the array alone when k is 0 or at least its length', () => {
    const a = items(10, 5, 'random', 7);
    const b = [...a];
    selectSmallest(b, 0, cmp);
    expect(b).toEqual(a);
    selectSmallest(b, 10, cmp);
    expect(b).toEqual(a);
  });
});
