/** Grouping for writers, linear in the number of items (a list per key, appended in place). */

/** Appends `value` to the list of `key`. */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Flows (or anything with a capture) by capture, in order of first appearance. */
export function byCapture<T extends { capture: string }>(items: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of items) addTo(m, x.capture, x);
  return m;
}
