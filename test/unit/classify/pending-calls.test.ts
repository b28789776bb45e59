import { describe, expect, it } from 'vitest';
import { PENDING_AUTH_TLS, PENDING_PRIVACY, PendingCalls } from '../../../src/classify/pending-calls.js';

interface Entry {
  prog: number;
  vers: number;
  proc: number;
  flags: number;
}

/** The reference: a Map in insertion order, evicting the oldest entry when full (the analyzer's former table). */
class MapModel {
  readonly m = new Map<number, Entry>();
  constructor(readonly cap: number) {}
  add(xid: number, e: Entry): void {
    if (!this.m.has(xid) && this.m.size >= this.cap) this.m.delete(this.m.keys().next().value!);
    this.m.set(xid, e);
  }
  take(xid: number): Entry | undefined {
    const e = this.m.get(xid);
    this.m.delete(xid);
    return e;
  }
}

/** Deterministic PRNG (xorshift32) so a failure replays. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

describe('PendingCalls', () => {
  it('returns what was added, once', () => {
    const t = new PendingCalls(8);
    t.add(0xdeadbeef, 100003, 3, 1, PENDING_PRIVACY);
    t.add(7, 100005, 3, 1, PENDING_AUTH_TLS);
    expect(t.size).toBe(2);
    expect(t.take(0xdeadbeef)).toBe(true);
    expect([t.foundProg, t.foundVers, t.foundProc, t.foundFlags]).toEqual([100003, 3, 1, PENDING_PRIVACY]);
    expect(t.take(0xdeadbeef)).toBe(false);
    expect(t.take(7)).toBe(true);
    expect([t.foundProg, t.foundVers, t.foundProc, t.foundFlags]).toEqual([100005, 3, 1, PENDING_AUTH_TLS]);
    expect(t.size).toBe(0);
  });

  it('evicts the oldest pending call when full, and a re-added xid keeps its age', () => {
    const t = new PendingCalls(3);
    t.add(1, 1, 1, 1, 0);
    t.add(2, 2, 2, 2, 0);
    t.add(3, 3, 3, 3, 0);
    t.add(1, 10, 10, 10, 0); // replaces in place: still the oldest
    t.add(4, 4, 4, 4, 0); // evicts xid 1
    expect(t.size).toBe(3);
    expect(t.take(1)).toBe(false);
    expect(t.take(2)).toBe(true);
    expect(t.foundProg).toBe(2);
    t.add(5, 5, 5, 5, 0);
    t.add(6, 6, 6, 6, 0); // evicts xid 3
    expect(t.take(3)).toBe(false);
    expect([4, 5, 6].map((x) => t.take(x))).toEqual([true, true, true]);
  });

  it('matches a Map model over 20,000 random operations per cap, with colliding xids', () => {
    // Compared in plain code and asserted once per cap (an expect per operation is slow under load).
    for (const cap of [1, 5, 64]) {
      const next = rng(cap * 7919);
      const t = new PendingCalls(cap);
      const m = new MapModel(cap);
      const mismatches: string[] = [];
      for (let i = 0; i < 20_000 && mismatches.length < 5; i++) {
        const r = next();
        // Few distinct xids (many collisions and re-adds), spread over the 32-bit range.
        const xid = Math.imul((r >>> 8) % (cap * 3 + 2), 0x10001) >>> 0;
        if (r & 1) {
          const e = { prog: r >>> 4, vers: r & 7, proc: (r >>> 3) & 31, flags: r & 3 };
          t.add(xid, e.prog, e.vers, e.proc, e.flags);
          m.add(xid, e);
        } else {
          const want = m.take(xid);
          const got = t.take(xid);
          const same =
            got === (want !== undefined) &&
            (!want ||
              (t.foundProg === want.prog &&
                t.foundVers === want.vers &&
                t.foundProc === want.proc &&
                t.foundFlags === want.flags));
          if (!same) mismatches.push(`op ${i}: take ${xid} gave ${got}, model ${JSON.stringify(want)}`);
        }
        if (t.size !== m.m.size) mismatches.push(`op ${i}: size ${t.size}, model ${m.m.size}`);
      }
      expect(mismatches).toEqual([]);
    }
  });
});
