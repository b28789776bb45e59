/**
 * IPv4 / IPv6 fragment reassembly with fixed caps: concurrent datagrams, datagram size, and a timeout measured
 * in capture time. Datagrams are keyed by (version, addresses, id, protocol) through a numeric hash (no strings).
 * Overlapping fragments keep the bytes that arrived first (Wireshark does the same) and are counted.
 * The reassembled bytes stay valid until the next call to `add`.
 */

export interface FragmentOptions {
  /** Datagrams being rebuilt at once; the oldest is evicted beyond this (default 256). */
  maxDatagrams?: number;
  /** Largest reassembled IP payload accepted (default 65535). */
  maxSize?: number;
  /** Seconds of capture time after the first fragment before a datagram is dropped (default 30). */
  timeoutSec?: number;
  /**
   * Ports to watch (the NFS port set): a datagram never rebuilt whose first fragment shows a TCP/UDP port for which
   * this says true is counted in `lost.onWatchedPort`. Called only when a datagram is lost, never per packet.
   */
  watchPort?: (port: number) => boolean;
}

/**
 * Fragments (packets) whose datagram was never rebuilt: evicted, timed out, dropped as oversize or inconsistent, or
 * still incomplete at the end (`flushLost`). `bytes` are the frame lengths given in FragmentKey.frameLen.
 */
export interface FragmentLoss {
  frames: number;
  bytes: number;
  /** Of them, fragments of datagrams whose first fragment showed a watched port. */
  watchedFrames: number;
  watchedBytes: number;
}

export interface FragmentStats {
  completed: number;
  /** Datagrams dropped to make room (cap reached). */
  evicted: number;
  timedOut: number;
  /** Datagrams dropped because they would exceed maxSize. */
  oversize: number;
  /** Fragments that overlapped bytes already held. */
  overlaps: number;
  /** Datagrams dropped for inconsistent fragments (conflicting ends, bad lengths). */
  malformed: number;
  /** Fragments that arrived again after their datagram was rebuilt (duplicates): not lost. */
  lateDuplicates: number;
}

/** Key of one datagram, filled by the caller before `add`. */
export interface FragmentKey {
  version: 4 | 6;
  s0: number;
  s1: number;
  s2: number;
  s3: number;
  d0: number;
  d1: number;
  d2: number;
  d3: number;
  id: number;
  /** IPv4 protocol (part of the key); for IPv6 the next header of this fragment (kept from offset 0). */
  proto: number;
  /** Length on the wire of the packet that carries this fragment (for FragmentLoss); not part of the key. */
  frameLen?: number;
}

/** Rebuilt datagrams remembered to tell late duplicate fragments from lost ones. */
const RECENT_DONE = 64;

export const FRAG_PENDING = -1;
export const FRAG_DROPPED = -2;

class Slot {
  version: 4 | 6 = 4;
  s0 = 0;
  s1 = 0;
  s2 = 0;
  s3 = 0;
  d0 = 0;
  d1 = 0;
  d2 = 0;
  d3 = 0;
  id = 0;
  keyProto = 0;
  hash = 0;
  /** Next header carried by the offset-0 fragment (the protocol of the rebuilt payload). */
  firstProto = -1;
  totalLen = -1;
  /** Units of 8 bytes covered so far, and the highest unit end seen. */
  covered = 0;
  maxUnit = 0;
  firstTs = 0;
  /** Bytes of the offset-0 fragment (its transport ports are at buf[0, 4) when it holds 4 or more). */
  firstLen = 0;
  /** Fragments placed and the frame bytes that carried them. */
  frames = 0;
  frameBytes = 0;
  buf: Buffer = Buffer.alloc(0);
  /** One byte per 8-byte unit: 1 when held. */
  units: Uint8Array = new Uint8Array(0);
  prev: Slot | null = null;
  next: Slot | null = null;
  chain: Slot | null = null;
}

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1);
  return (h ^ (h >>> 15)) | 0;
}

export class FragmentReassembler {
  readonly stats: FragmentStats = {
    completed: 0,
    evicted: 0,
    timedOut: 0,
    oversize: 0,
    overlaps: 0,
    malformed: 0,
    lateDuplicates: 0,
  };
  readonly lost: FragmentLoss = { frames: 0, bytes: 0, watchedFrames: 0, watchedBytes: 0 };
  /** After `add` returned a length: the buffer and the protocol of the rebuilt payload. */
  doneBuf: Buffer = Buffer.alloc(0);
  doneProto = 0;

  private readonly maxDatagrams: number;
  private readonly maxSize: number;
  private readonly timeoutSec: number;
  private readonly watchPort: ((port: number) => boolean) | null;
  private readonly table = new Map<number, Slot>();
  /** Key hashes of the datagrams rebuilt last (a ring): later copies of their fragments are duplicates, not loss. */
  private readonly recentDone = new Int32Array(RECENT_DONE);
  private recentNext = 0;
  private readonly free: Slot[] = [];
  private active = 0;
  /** Oldest-first list of live datagrams. */
  private head: Slot | null = null;
  private tail: Slot | null = null;

  constructor(opts: FragmentOptions = {}) {
    this.maxDatagrams = Math.max(1, opts.maxDatagrams ?? 256);
    this.maxSize = Math.max(8, opts.maxSize ?? 65535);
    this.timeoutSec = opts.timeoutSec ?? 30;
    this.watchPort = opts.watchPort ?? null;
  }

  /** Datagrams currently being rebuilt. */
  get pending(): number {
    return this.active;
  }

  /**
   * Add one fragment: `len` payload bytes at `buf[off]`, placed at byte `fragOff` of the datagram; `more` is the
   * more-fragments flag. Returns the rebuilt payload length when this fragment completes a datagram (bytes in
   * `doneBuf` from 0, protocol in `doneProto`), FRAG_PENDING, or FRAG_DROPPED.
   */
  add(key: FragmentKey, fragOff: number, more: boolean, buf: Buffer, off: number, len: number, tsSec: number): number {
    this.expire(tsSec);
    const end = fragOff + len;
    let slot = this.find(key);
    if (end > this.maxSize) {
      this.stats.oversize++;
      if (slot !== null) this.lose(slot);
      return FRAG_DROPPED;
    }
    if (more && len % 8 !== 0) {
      this.stats.malformed++;
      if (slot !== null) this.lose(slot);
      return FRAG_DROPPED;
    }
    if (slot === null) slot = this.create(key, tsSec);
    if (!more) {
      if ((slot.totalLen >= 0 && slot.totalLen !== end) || end < slot.maxUnit * 8 - 7) {
        this.stats.malformed++;
        this.lose(slot);
        return FRAG_DROPPED;
      }
      slot.totalLen = end;
    } else if (slot.totalLen >= 0 && end > slot.totalLen) {
      this.stats.malformed++;
      this.lose(slot);
      return FRAG_DROPPED;
    }
    if (fragOff === 0) {
      slot.firstProto = key.proto;
      slot.firstLen = len;
    }
    slot.frames++;
    slot.frameBytes += key.frameLen ?? 0;
    this.place(slot, fragOff, buf, off, len);
    if (slot.totalLen < 0 || slot.covered !== (slot.totalLen + 7) >>> 3 || slot.firstProto < 0) return FRAG_PENDING;
    this.stats.completed++;
    this.recentDone[this.recentNext] = slot.hash;
    this.recentNext = (this.recentNext + 1) % RECENT_DONE;
    this.doneBuf = slot.buf;
    this.doneProto = slot.firstProto;
    const total = slot.totalLen;
    this.release(slot);
    return total;
  }

  /** Copy the runs of 8-byte units this fragment brings that are not held yet (first arrival wins). */
  private place(slot: Slot, fragOff: number, buf: Buffer, off: number, len: number): void {
    const u0 = fragOff >>> 3;
    const u1 = (fragOff + len + 7) >>> 3;
    const units = slot.units;
    let overlapped = false;
    let u = u0;
    while (u < u1) {
      if (units[u] === 1) {
        overlapped = true;
        u++;
        continue;
      }
      const runStart = u;
      while (u < u1 && units[u] === 0) {
        units[u] = 1;
        u++;
      }
      slot.covered += u - runStart;
      const from = runStart * 8;
      const to = Math.min(u * 8, fragOff + len);
      buf.copy(slot.buf, from, off + (from - fragOff), off + (to - fragOff));
    }
    if (u1 > slot.maxUnit) slot.maxUnit = u1;
    if (overlapped) this.stats.overlaps++;
  }

  private hashOf(k: FragmentKey): number {
    let h = mix(k.version, k.s0);
    h = mix(h, k.d0);
    h = mix(h, k.id);
    if (k.version === 6) {
      h = mix(mix(mix(h, k.s1), k.s2), k.s3);
      h = mix(mix(mix(h, k.d1), k.d2), k.d3);
    } else {
      h = mix(h, k.proto);
    }
    return h;
  }

  private matches(s: Slot, k: FragmentKey): boolean {
    return (
      s.version === k.version &&
      s.id === k.id &&
      s.s0 === k.s0 &&
      s.d0 === k.d0 &&
      s.s1 === k.s1 &&
      s.s2 === k.s2 &&
      s.s3 === k.s3 &&
      s.d1 === k.d1 &&
      s.d2 === k.d2 &&
      s.d3 === k.d3 &&
      (k.version === 6 || s.keyProto === k.proto)
    );
  }

  private find(k: FragmentKey): Slot | null {
    let s = this.table.get(this.hashOf(k)) ?? null;
    while (s !== null && !this.matches(s, k)) s = s.chain;
    return s;
  }

  private create(k: FragmentKey, tsSec: number): Slot {
    if (this.active >= this.maxDatagrams && this.head !== null) {
      this.stats.evicted++;
      this.lose(this.head);
    }
    const s = this.free.pop() ?? new Slot();
    if (s.buf.length < this.maxSize) s.buf = Buffer.allocUnsafe(this.maxSize);
    const nUnits = (this.maxSize + 7) >>> 3;
    if (s.units.length < nUnits) s.units = new Uint8Array(nUnits);
    s.version = k.version;
    s.s0 = k.s0;
    s.s1 = k.s1;
    s.s2 = k.s2;
    s.s3 = k.s3;
    s.d0 = k.d0;
    s.d1 = k.d1;
    s.d2 = k.d2;
    s.d3 = k.d3;
    s.id = k.id;
    s.keyProto = k.proto;
    s.firstProto = -1;
    s.totalLen = -1;
    s.covered = 0;
    s.maxUnit = 0;
    s.firstTs = tsSec;
    s.firstLen = 0;
    s.frames = 0;
    s.frameBytes = 0;
    s.hash = this.hashOf(k);
    s.chain = this.table.get(s.hash) ?? null;
    this.table.set(s.hash, s);
    s.prev = this.tail;
    s.next = null;
    if (this.tail !== null) this.tail.next = s;
    else this.head = s;
    this.tail = s;
    this.active++;
    return s;
  }

  private release(s: Slot): void {
    // Unlink from the hash chain.
    const first = this.table.get(s.hash) ?? null;
    if (first === s) {
      if (s.chain === null) this.table.delete(s.hash);
      else this.table.set(s.hash, s.chain);
    } else {
      let p = first;
      while (p !== null && p.chain !== s) p = p.chain;
      if (p !== null) p.chain = s.chain;
    }
    // Unlink from the age list.
    if (s.prev !== null) s.prev.next = s.next;
    else this.head = s.next;
    if (s.next !== null) s.next.prev = s.prev;
    else this.tail = s.prev;
    s.prev = s.next = s.chain = null;
    s.units.fill(0, 0, s.maxUnit);
    this.active--;
    this.free.push(s);
  }

  private expire(tsSec: number): void {
    while (this.head !== null && tsSec - this.head.firstTs > this.timeoutSec) {
      this.stats.timedOut++;
      this.lose(this.head);
    }
  }

  /** Datagrams still incomplete (end of the capture): their fragments are counted as lost and released. */
  flushLost(): void {
    while (this.head !== null) this.lose(this.head);
  }

  /** A datagram dropped without being rebuilt: its fragments count in `lost`. */
  private lose(s: Slot): void {
    // Fragments of a datagram rebuilt moments ago (same key hash) are late duplicates: their bytes were decoded.
    if (this.stats.completed > 0 && this.recentDone.includes(s.hash)) {
      this.stats.lateDuplicates += s.frames;
      this.release(s);
      return;
    }
    const l = this.lost;
    l.frames += s.frames;
    l.bytes += s.frameBytes;
    const p = s.firstProto;
    if (this.watchPort !== null && (p === 6 || p === 17) && s.firstLen >= 4) {
      const b = s.buf;
      if (this.watchPort((b[0]! << 8) | b[1]!) || this.watchPort((b[2]! << 8) | b[3]!)) {
        l.watchedFrames += s.frames;
        l.watchedBytes += s.frameBytes;
      }
    }
    this.release(s);
  }
}
