/**
 * Exposure of a cleartext NFS flow (issue 15, `wireseal triage` only: verify-encryption never makes one): calls and
 * their replies matched by xid, READ bytes from matched replies and WRITE bytes from calls, file names seen in
 * directory operations as keyed hashes with their length (the names themselves only when revealing), and AUTH_SYS
 * uid/gid/machine name.
 *
 * Memory: per direction one message head of at most HEAD_CAP bytes, taken from a pool shared by every flow of the
 * capture (HeadPool: a fixed number of buffers, reused); a message wholly inside one TCP segment is read in place.
 * Pending calls, names and credentials are capped per flow. A message longer than its head is read as far as the
 * head goes (file data past it is only measured); one that cannot be read is counted, never guessed.
 */
import { createHmac } from 'node:crypto';
import { GSS_SVC_INTEGRITY, GSS_SVC_PRIVACY, RPCSEC_GSS_DATA } from '../protocol/gss.js';
import {
  type ExposureSink,
  type ExposureStatus,
  readNfs3Call,
  readNfs3Reply,
  readNfs4Call,
  readNfs4Reply,
} from '../protocol/nfs-exposure.js';
import {
  AUTH_SYS,
  CALL,
  MIN_CALL,
  MSG_ACCEPTED,
  parseRpcHeader,
  probeRpcRecord,
  RPCSEC_GSS,
  RpcHeader,
} from '../protocol/rpc.js';
import { PROG_NFS } from '../protocol/rpc-programs.js';
import { RecordFramer, type RecordSink } from '../protocol/rpc-record.js';
import { XdrCursor } from '../protocol/xdr.js';
import type { Dir } from './analyzer.js';
import type { ExposureFacts, ExposureName } from './facts.js';

/** Bytes of each message kept to read its header, names and data lengths. */
export const HEAD_CAP = 64 * 1024;
/** Message heads in the pool shared by a capture's flows (HEAD_CAP each: 64 MiB). */
export const POOL_HEADS = 1024;
/** Calls awaiting their reply, per direction. */
export const PENDING_CAP = 4096;
/** Distinct names and AUTH_SYS identities kept per flow. */
export const NAMES_CAP = 512;
export const IDENTITIES_CAP = 16;
/** A first run longer than a minimal call with its mark is probed for a record start (shorter ones are trusted). */
const PROBE_MIN = MIN_CALL + 5;
/** Hex digits of the keyed hash shown for a name (64 bits). */
const HASH_HEX = 16;

export interface ExposureConfig {
  /** HMAC-SHA256 key for name hashes: random per report, or given (`--redact-key`) so reports correlate. */
  key: Uint8Array;
  /** Keep the names themselves (`--reveal`). */
  reveal: boolean;
}

/** Message heads shared by the flows of one capture: bounded, reused, never freed one by one. */
export class HeadPool {
  private readonly free: Uint8Array[] = [];
  private made = 0;
  /** Heads refused because the pool was empty. */
  refused = 0;
  constructor(readonly max = POOL_HEADS) {}

  take(): Uint8Array | null {
    const b = this.free.pop();
    if (b !== undefined) return b;
    if (this.made >= this.max) {
      this.refused++;
      return null;
    }
    this.made++;
    return new Uint8Array(HEAD_CAP);
  }

  give(b: Uint8Array): void {
    this.free.push(b);
  }
}

interface Pending {
  vers: number;
  proc: number;
  /** RPCSEC_GSS service of the call (0 when not RPCSEC_GSS): integrity wraps the results too. */
  gss: number;
}

class ExposureDir implements RecordSink {
  readonly framer = new RecordFramer();
  readonly pending = new Map<number, Pending>();
  /**
   * In step with the record marks. A direction starts in step (the classifier found a record start in this flow);
   * after a loss it waits for a run that probes as a record start.
   */
  sync = true;
  /** No byte of this direction seen yet: a first run long enough to probe must start a record. */
  fresh = true;
  /** A run of the current message not copied yet (valid during one onData call). */
  view: Uint8Array | null = null;
  viewPos = 0;
  viewLen = 0;
  head: Uint8Array | null = null;
  headLen = 0;
  /** The current message's head is incomplete: longer than HEAD_CAP, a hole, or no buffer free. */
  cut = false;
  /** The current message could not be kept at all (no head buffer). */
  lost = false;

  constructor(
    readonly dir: Dir,
    private readonly owner: ExposureAnalyzer,
  ) {}

  recordStart(): void {
    this.view = null;
    this.viewLen = 0;
    this.headLen = 0;
    this.cut = false;
    this.lost = false;
  }

  recordBytes(data: Uint8Array, pos: number, n: number): void {
    if (this.lost) return;
    if (this.head === null && this.view === null && this.headLen === 0) {
      this.view = data;
      this.viewPos = pos;
      this.viewLen = n;
      return;
    }
    if (this.view !== null && !this.keepView()) return;
    this.append(data, pos, n);
  }

  recordEnd(): void {
    if (this.lost) this.owner.unread++;
    else if (this.view !== null) this.owner.message(this, this.view, this.viewPos, this.viewPos + this.viewLen);
    else if (this.head !== null) this.owner.message(this, this.head, 0, this.headLen);
    this.done();
  }

  stopAtBoundary(): boolean {
    return false;
  }

  /** End of an onData call: a pending view must be copied before its bytes go away. */
  settle(): void {
    if (this.view !== null) this.keepView();
  }

  /** Copies the pending view into a head buffer; false when no buffer is free (the message is lost). */
  private keepView(): boolean {
    const v = this.view!;
    this.view = null;
    this.head ??= this.owner.pool.take();
    if (this.head === null) {
      this.lost = true;
      return false;
    }
    this.headLen = 0;
    this.append(v, this.viewPos, this.viewLen);
    return true;
  }

  private append(data: Uint8Array, pos: number, n: number): void {
    if (this.cut) return;
    const head = this.head!;
    const k = Math.min(n, HEAD_CAP - this.headLen);
    head.set(data.subarray(pos, pos + k), this.headLen);
    this.headLen += k;
    if (k < n) this.cut = true;
  }

  /** Bytes of the current message are missing: what came before them can still be read. */
  hole(): void {
    if (this.view !== null) this.keepView();
    this.cut = true;
  }

  done(): void {
    this.view = null;
    this.viewLen = 0;
    this.headLen = 0;
    if (this.head !== null) {
      this.owner.pool.give(this.head);
      this.head = null;
    }
  }
}

interface NameEntry {
  hash: string;
  length: number;
  ops: Set<string>;
  name?: string;
}

export class ExposureAnalyzer implements ExposureSink {
  private readonly dirs: [ExposureDir, ExposureDir];
  private readonly cur = new XdrCursor();
  private readonly hdr = new RpcHeader();
  private readonly names = new Map<string, NameEntry>();
  private namesDropped = 0;
  private readonly identities = new Map<string, { uid: number; gid: number; machine: NameEntry }>();
  private identitiesDropped = 0;
  private readBytes = 0;
  private readReplies = 0;
  private writeBytes = 0;
  private writeCalls = 0;
  private calls = 0;
  private matched = 0;
  private evicted = 0;
  private partial = 0;
  /** Messages that could not be read (no head buffer, a broken record chain, an invalid header). */
  unread = 0;
  private firstFrame = 0;
  private lastFrame = 0;
  private frame = 0;

  constructor(
    private readonly config: ExposureConfig,
    readonly pool: HeadPool,
  ) {
    this.dirs = [new ExposureDir(0, this), new ExposureDir(1, this)];
  }

  // ---- bytes in (the flow classifier hands over the RPC bytes of a cleartext flow) ----

  onData(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    const d = this.dirs[dir];
    this.frame = frame;
    if (d.fresh && length >= PROBE_MIN && !probeRpcRecord(data, offset, length)) d.sync = false;
    d.fresh = false;
    if (!d.sync) {
      if (!probeRpcRecord(data, offset, length)) return;
      d.sync = true;
      d.framer.reset();
    }
    d.framer.feed(data, offset, length, frame, d);
    if (d.framer.lost) this.loseSync(d);
    else d.settle();
  }

  onGap(dir: Dir, length: number): void {
    const d = this.dirs[dir];
    if (!d.sync) return;
    if (d.framer.skipMissing(length)) d.hole();
    else this.loseSync(d);
  }

  onDatagram(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    this.frame = frame;
    this.message(this.dirs[dir], data, offset, offset + length);
  }

  private loseSync(d: ExposureDir): void {
    if (d.headLen > 0 || d.view !== null) this.unread++;
    d.done();
    d.sync = false;
    d.framer.reset();
  }

  // ---- one whole message (or its head) ----

  /** Reads one RPC message in buf[off, end). */
  message(d: ExposureDir, buf: Uint8Array, off: number, end: number): void {
    const h = this.hdr;
    const c = this.cur;
    if (!parseRpcHeader(c, buf, off, end, h)) {
      this.unread++;
      return;
    }
    let st: ExposureStatus = 'done';
    if (h.msgType === CALL) {
      if (h.prog !== PROG_NFS) return;
      this.calls++;
      this.seen();
      if (h.credFlavor === AUTH_SYS && h.machineOff >= 0) this.identity(buf, h);
      const gss = h.credFlavor === RPCSEC_GSS ? (h.gssOk && h.gss.proc === RPCSEC_GSS_DATA ? h.gss.service : -1) : 0;
      if (d.pending.size >= PENDING_CAP) {
        d.pending.delete(d.pending.keys().next().value!);
        this.evicted++;
      }
      d.pending.set(h.xid, { vers: h.vers, proc: h.proc, gss });
      if (gss === GSS_SVC_PRIVACY || gss < 0) return;
      c.reset(buf, h.bodyOff, end);
      if (gss === GSS_SVC_INTEGRITY) c.skip(8); // databody_integ length, sequence number
      if (h.vers === 3) st = readNfs3Call(c, h.proc, this);
      else if (h.vers === 4 && h.proc === 1) st = readNfs4Call(c, this);
    } else {
      const callDir = this.dirs[d.dir === 0 ? 1 : 0];
      const call = callDir.pending.get(h.xid);
      if (call === undefined) return;
      callDir.pending.delete(h.xid);
      this.matched++;
      this.seen();
      if (h.replyStat !== MSG_ACCEPTED || h.acceptStat !== 0 || call.gss === GSS_SVC_PRIVACY || call.gss < 0) return;
      c.reset(buf, h.bodyOff, end);
      if (call.gss === GSS_SVC_INTEGRITY) c.skip(8);
      if (call.vers === 3) st = readNfs3Reply(c, call.proc, this);
      else if (call.vers === 4 && call.proc === 1) st = readNfs4Reply(c, this);
    }
    if (st === 'partial') this.partial++;
  }

  private seen(): void {
    if (this.firstFrame === 0) this.firstFrame = this.frame;
    this.lastFrame = this.frame;
  }

  private keyed(buf: Uint8Array, off: number, len: number): string {
    return createHmac('sha256', this.config.key)
      .update(buf.subarray(off, off + len))
      .digest('hex')
      .slice(0, HASH_HEX);
  }

  private identity(buf: Uint8Array, h: RpcHeader): void {
    const hash = this.keyed(buf, h.machineOff, h.machineLen);
    const key = `${h.uid}:${h.gid}:${hash}`;
    if (this.identities.has(key)) return;
    if (this.identities.size >= IDENTITIES_CAP) {
      this.identitiesDropped++;
      return;
    }
    const machine: NameEntry = { hash, length: h.machineLen, ops: new Set() };
    if (this.config.reveal) machine.name = text(buf, h.machineOff, h.machineLen);
    this.identities.set(key, { uid: h.uid, gid: h.gid, machine });
  }

  // ---- ExposureSink ----

  name(op: string, buf: Uint8Array, off: number, len: number): void {
    const hash = this.keyed(buf, off, len);
    const e = this.names.get(hash);
    if (e !== undefined) {
      e.ops.add(op);
      return;
    }
    if (this.names.size >= NAMES_CAP) {
      this.namesDropped++;
      return;
    }
    const entry: NameEntry = { hash, length: len, ops: new Set([op]) };
    if (this.config.reveal) entry.name = text(buf, off, len);
    this.names.set(hash, entry);
  }

  write(n: number): void {
    this.writeCalls++;
    this.writeBytes += n;
  }

  read(n: number): void {
    this.readReplies++;
    this.readBytes += n;
  }

  // ---- facts out ----

  /** The facts, once the flow ended (its message heads go back to the pool); null when no NFS call was read. */
  finish(): ExposureFacts | null {
    this.dirs[0].done();
    this.dirs[1].done();
    if (this.calls === 0) return null;
    const unanswered = this.dirs[0].pending.size + this.dirs[1].pending.size + this.evicted;
    const f: ExposureFacts = {
      calls: this.calls,
      matchedReplies: this.matched,
      unansweredCalls: unanswered,
      read: { replies: this.readReplies, bytes: this.readBytes },
      write: { calls: this.writeCalls, bytes: this.writeBytes },
      names: [...this.names.values()].map(nameFact),
      authSys: [...this.identities.values()].map((i) => ({ uid: i.uid, gid: i.gid, machine: nameFact(i.machine) })),
      firstFrame: this.firstFrame,
      lastFrame: this.lastFrame,
    };
    if (this.namesDropped > 0) f.namesDropped = this.namesDropped;
    if (this.identitiesDropped > 0) f.authSysDropped = this.identitiesDropped;
    if (this.partial > 0) f.partialMessages = this.partial;
    if (this.unread > 0) f.unreadMessages = this.unread;
    return f;
  }
}

/** Makes the exposure readers of one run: every reader takes its message heads from the same pool. */
export function exposureReaders(config: ExposureConfig, pool = new HeadPool()): () => ExposureAnalyzer {
  return () => new ExposureAnalyzer(config, pool);
}

function nameFact(e: NameEntry): ExposureName {
  const n: ExposureName = { hash: e.hash, length: e.length };
  if (e.ops.size > 0) n.ops = [...e.ops].sort();
  if (e.name !== undefined) n.name = e.name;
  return n;
}

/** A name as text (UTF-8, as NFSv4 requires and NFSv3 clients in practice send). */
function text(buf: Uint8Array, off: number, len: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + off, len).toString('utf8');
}
