/**
 * RPC calls awaiting their reply, keyed by xid, in typed arrays: no object per call. At most `cap` entries; when
 * full, adding evicts the oldest entry still pending (insertion order, as a Map would keep it). Adding an xid that
 * is already pending replaces its values in place, keeping its age.
 *
 * Layout: an entry pool with a doubly-linked insertion-order list (head = oldest) and a free stack, indexed by an
 * open-addressing hash (linear probing, backward-shift deletion) sized to twice the cap.
 */

/** Flag bits of an entry. */
export const PENDING_AUTH_TLS = 1;
export const PENDING_PRIVACY = 2;

const NONE = -1;

/** Entries allocated at first use; the arrays double up to the cap (most flows have few calls in flight). */
const INITIAL = 16;
/** Shared by every table until its first call (never written: `room` is 0). */
const NO_U32 = new Uint32Array(0);
const NO_I32 = new Int32Array(0);
const NO_U8 = new Uint8Array(0);

export class PendingCalls {
  private xid: Uint32Array = NO_U32;
  private prog: Uint32Array = NO_U32;
  private vers: Uint32Array = NO_U32;
  private proc: Uint32Array = NO_U32;
  private flags: Uint8Array = NO_U8;
  private prev: Int32Array = NO_I32;
  private next: Int32Array = NO_I32;
  /** Hash slot -> entry index + 1 (0: empty). */
  private slots: Int32Array = NO_I32;
  private mask = 0;
  private shift = 32;
  /** Entries allocated (at most `cap`). */
  private room = 0;
  private head = NONE;
  private tail = NONE;
  /** Free entries: a stack of indices; entries never used yet come from `fresh`. */
  private free: Int32Array = NO_I32;
  private freeTop = 0;
  private fresh = 0;
  private count = 0;

  /** Found by the last `take`. */
  foundProg = 0;
  foundVers = 0;
  foundProc = 0;
  foundFlags = 0;

  constructor(readonly cap: number) {}

  get size(): number {
    return this.count;
  }

  private home(xid: number): number {
    return Math.imul(xid, 0x9e3779b1) >>> this.shift;
  }

  /** The hash slot holding `xid`, or -1. */
  private find(xid: number): number {
    if (this.count === 0) return -1;
    const mask = this.mask;
    const slots = this.slots;
    for (let s = this.home(xid); ; s = (s + 1) & mask) {
      const e = slots[s]!;
      if (e === 0) return -1;
      if (this.xid[e - 1] === xid) return s;
    }
  }

  /** Room for `room` entries (entries keep their indices; the hash is rebuilt). */
  private grow(room: number): void {
    const copy = <T extends Uint32Array | Int32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const a = make(room);
      a.set(old);
      return a;
    };
    this.xid = copy(this.xid, (n) => new Uint32Array(n));
    this.prog = copy(this.prog, (n) => new Uint32Array(n));
    this.vers = copy(this.vers, (n) => new Uint32Array(n));
    this.proc = copy(this.proc, (n) => new Uint32Array(n));
    this.flags = copy(this.flags, (n) => new Uint8Array(n));
    this.prev = copy(this.prev, (n) => new Int32Array(n));
    this.next = copy(this.next, (n) => new Int32Array(n));
    this.free = copy(this.free, (n) => new Int32Array(n));
    this.room = room;
    let bits = 4;
    while (1 << bits < room * 2) bits++;
    this.slots = new Int32Array(1 << bits);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
    for (let e = this.head; e !== NONE; e = this.next[e]!) {
      let s = this.home(this.xid[e]!);
      while (this.slots[s] !== 0) s = (s + 1) & this.mask;
      this.slots[s] = e + 1;
    }
  }

  add(xid: number, prog: number, vers: number, proc: number, flags: number): void {
    const at = this.find(xid);
    if (at >= 0) {
      this.fill(this.slots[at]! - 1, xid, prog, vers, proc, flags);
      return;
    }
    if (this.count >= this.cap) this.removeSlot(this.find(this.xid[this.head]!));
    else if (this.freeTop === 0 && this.fresh === this.room)
      this.grow(Math.min(this.cap, Math.max(INITIAL, this.room * 2)));
    const e = this.freeTop > 0 ? this.free[--this.freeTop]! : this.fresh++;
    this.fill(e, xid, prog, vers, proc, flags);
    this.prev[e] = this.tail;
    this.next[e] = NONE;
    if (this.tail === NONE) this.head = e;
    else this.next[this.tail] = e;
    this.tail = e;
    const mask = this.mask;
    let s = this.home(xid);
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = e + 1;
    this.count++;
  }

  private fill(e: number, xid: number, prog: number, vers: number, proc: number, flags: number): void {
    this.xid[e] = xid;
    this.prog[e] = prog;
    this.vers[e] = vers;
    this.proc[e] = proc;
    this.flags[e] = flags;
  }

  /** Removes `xid` and returns true with its values in `found*`, or returns false when it is not pending. */
  take(xid: number): boolean {
    const at = this.find(xid);
    if (at < 0) return false;
    const e = this.slots[at]! - 1;
    this.foundProg = this.prog[e]!;
    this.foundVers = this.vers[e]!;
    this.foundProc = this.proc[e]!;
    this.foundFlags = this.flags[e]!;
    this.removeSlot(at);
    return true;
  }

  /** Unlinks the entry at hash slot `at` and closes the probe chain behind it. */
  private removeSlot(at: number): void {
    const slots = this.slots;
    const e = slots[at]! - 1;
    const p = this.prev[e]!;
    const n = this.next[e]!;
    if (p === NONE) this.head = n;
    else this.next[p] = n;
    if (n === NONE) this.tail = p;
    else this.prev[n] = p;
    this.free[this.freeTop++] = e;
    this.count--;
    const mask = this.mask;
    let hole = at;
    for (let s = (at + 1) & mask; ; s = (s + 1) & mask) {
      const f = slots[s]!;
      if (f === 0) break;
      const h = this.home(this.xid[f - 1]!);
      // Move f back into the hole unless its home lies cyclically in (hole, s].
      if (((s - h) & mask) >= ((s - hole) & mask)) {
        slots[hole] = f;
        hole = s;
      }
    }
    slots[hole] = 0;
  }
}
