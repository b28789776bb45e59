/**
 * Partial selection: the k smallest elements of an array under a strict total order, without sorting all of it.
 * The flow table evicts an eighth of up to 65,536 live flows at a time; selecting them costs one pass or so over
 * the flows where a full sort costs about log2(n) passes.
 */

/** Rounds after which the pivots are taken to have gone wrong (an adversarial order): the rest is sorted instead. */
const MAX_ROUNDS = 64;

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/**
 * Rearranges `a` so that a[0..k) holds its k smallest elements under `cmp` (in no particular order) and a[k..) the
 * others. `cmp` must be a strict total order (no two elements compare equal), else which of equal elements land in
 * a[0..k) is unspecified.
 */
export function selectSmallest<T>(a: T[], k: number, cmp: (x: T, y: T) => number): void {
  if (k <= 0 || k >= a.length) return;
  const t = k - 1; // the element of rank k - 1 ends at index k - 1, every smaller one before it
  let lo = 0;
  let hi = a.length - 1;
  for (let round = 0; lo < hi; round++) {
    if (round === MAX_ROUNDS) {
      const rest = a.slice(lo, hi + 1).sort(cmp);
      for (let i = 0; i < rest.length; i++) a[lo + i] = rest[i]!;
      return;
    }
    // Median of three as the pivot, left at mid.
    const mid = lo + ((hi - lo) >>> 1);
    if (cmp(a[mid]!, a[lo]!) < 0) swap(a, mid, lo);
    if (cmp(a[hi]!, a[lo]!) < 0) swap(a, hi, lo);
    if (cmp(a[hi]!, a[mid]!) < 0) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (cmp(a[i]!, pivot) < 0) i++;
      while (cmp(a[j]!, pivot) > 0) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // a[lo..j] <= pivot <= a[i..hi]; between them only elements equal to the pivot, already in place.
    if (t <= j) hi = j;
    else if (t >= i) lo = i;
    else return;
  }
}
