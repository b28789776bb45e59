/**
 * Per-flow ONC-RPC analyzer (TCP and UDP): frames TCP records, decodes CALL/REPLY headers, matches replies to
 * calls by xid, counts NFS procedures and NFSv4 COMPOUND operations, notes credentials (AUTH_SYS, RPCSEC_GSS
 * services, AUTH_TLS) and the RFC 9289 STARTTLS upgrade, after which it hands the direction back to the caller.
 *
 * Memory: per direction at most BODY_CAP bytes of a record are buffered, and only when a message's header or one
 * COMPOUND operation spans segments; bulk data (WRITE payloads, READ replies) streams past without being copied.
 *
 * Cost: `finished` stays false for cleartext TCP/UDP RPC so every call is counted (exact operation counts need every
 * record's header and COMPOUND op list). It turns true only when both directions moved to TLS, or when the stream
 * is hopeless (too many malformed records). Parsing stops at each record's last interesting byte, so a long NFS
 * flow costs one header decode per record plus a walk of each COMPOUND's op list.
 */

import {
  GSS_SVC_INTEGRITY,
  GSS_SVC_PRIVACY,
  gssProcName,
  gssServiceName,
  judgeWrapToken,
  NFS4_LEASE_OPS,
  RPCSEC_GSS_DATA,
  WRAP_HEAD_MAX,
} from '../protocol/gss.js';
import { NFS4_PROC_COMPOUND, nfsProcName } from '../protocol/nfs-names.js';
import { CompoundWalk } from '../protocol/nfs4-compound.js';
import {
  AUTH_SYS,
  AUTH_TLS,
  authFlavorName,
  CALL,
  MIN_CALL,
  MSG_ACCEPTED,
  parseRpcHeader,
  probeCutRpcRecord,
  probeRpcDatagram,
  probeRpcRecord,
  RPCSEC_GSS,
  RpcHeader,
} from '../protocol/rpc.js';
import { PROG_NFS, PROG_NFS_CB, rpcProgramLabel, rpcProgramName } from '../protocol/rpc-programs.js';
import { RecordFramer, type RecordSink } from '../protocol/rpc-record.js';
import { readU32, XdrCursor } from '../protocol/xdr.js';
import type { DatagramAnalyzer, Dir, EvidenceLog, StreamAnalyzer } from './analyzer.js';
import type { CompoundEnd, EvidenceFact, RpcSummary } from './facts.js';
import { PENDING_AUTH_TLS, PENDING_PRIVACY, PendingCalls } from './pending-calls.js';

/** Most bytes of one record buffered per direction (a header or one COMPOUND operation must fit). */
export const BODY_CAP = 64 * 1024;
/** Calls awaiting their reply, per direction. */
export const PENDING_CAP = 4096;
/** COMPOUNDs whose op list goes into evidence. */
const COMPOUND_EVIDENCE = 4;
/** Op names listed per COMPOUND evidence line. */
const EVIDENCE_OPS = 12;
/** How an unfinished COMPOUND is named among the exposed calls. */
const COMPOUND_SUFFIX: Record<CompoundEnd, string> = {
  complete: '',
  incomplete: ' (incomplete)',
  truncated: ' (truncated)',
};
/** After this many malformed records with no valid message at all the flow is declared not RPC. */
const MALFORMED_GIVE_UP = 8;
/** Need this many bytes at the start of a run to decide whether it starts a record. */
const PROBE_MIN = 16;

const TLS_HANDSHAKE = 0x16;
/** Bytes of a short run kept to read a header cut by snaplen (mark + xid, type, rpcvers, prog, vers, proc). */
const SHORT_RUN = 28;
/** Cut headers written to the evidence per flow. */
const CUT_EVIDENCE = 2;

/**
 * `gsswrap`: at an RPCSEC_GSS privacy body (opaque length + wrap token); `trail`: after that token, where any
 * further byte of the message is readable (not sealed).
 */
type Phase = 'header' | 'compound' | 'ops' | 'gsswrap' | 'trail' | 'discard';

/** Kerberos exposure names kept per flow. */
const EXPOSED_NAMES_CAP = 16;

/** What a readable COMPOUND being walked turns out to be (Kerberos rules, issue 11). */
enum Judge {
  None = 0,
  /** A readable NFSv4 COMPOUND call: lease-only or exposing, decided when its op list ends. */
  Compound = 1,
  /** A readable CB_COMPOUND (backchannel callback): allowed, counted as lease/session traffic. */
  Callback = 2,
}

/** A readable message of a flow that takes part in RFC 9289 (see RpcAnalyzer.startTlsFacts). */
export interface ReadableMessage {
  frame: number;
  dir: Dir;
  kind: 'call' | 'reply';
  /** "nfs/4", or null for a reply whose call was not seen. */
  program: string | null;
  /** NFS procedure name ("WRITE", "COMPOUND"), else "proc N"; null for a reply whose call was not seen. */
  procedure: string | null;
}

/**
 * RFC 9289 facts of one flow: the AUTH_TLS probe, the STARTTLS reply, where each direction moved to TLS, and the
 * readable messages before the upgrade (other than the probe and its reply) or on one side after the other side
 * upgraded. src/classify/verdict.ts judges them.
 */
export interface StartTlsFacts {
  /** Direction of the first AUTH_TLS NULL probe (the client), null when none was seen. */
  probeDir: Dir | null;
  /** Frame of the first reply with the STARTTLS verifier, 0 when none. */
  startTlsFrame: number;
  startTlsDir: Dir | null;
  /** Frame where each direction's bytes moved to TLS, 0 while it has not. */
  upgradeFrame: [number, number];
  /** Readable messages while neither side had moved to TLS: count and the first. */
  before: { count: number; first: ReadableMessage | null };
  /** Readable messages from a side that had not moved to TLS after the other side had: count and the first. */
  oneSided: { count: number; first: ReadableMessage | null };
}

class DirState implements RecordSink {
  readonly framer = new RecordFramer();
  buf: Uint8Array | null = null;
  bufLen = 0;
  phase: Phase = 'header';
  /** Record body bytes to drop before parsing again (the tail of a WRITE's data). */
  skipLeft = 0;
  /** Nothing decided yet about this direction (first bytes not seen). */
  fresh = true;
  /** Looking for a record mark at the start of a later run. */
  resync = false;
  upgraded = false;
  frame = 0;
  /** Skip 8 bytes (RPCSEC_GSS integrity length + sequence) before the COMPOUND header. */
  gssIntegSkip = 0;
  cbCompound = false;
  readonly walk = new CompoundWalk();
  opNames: string[] = [];
  logOps = false;
  /** Program label and credential flavor of the current COMPOUND call. */
  callProgram = '';
  callFlavor = 0;
  /** Kerberos judging of the current message (see Judge). */
  judge = Judge.None;
  /** The current readable COMPOUND has an operation outside the lease/session set. */
  nonLease = false;
  /** Calls awaiting their reply (flags: PENDING_AUTH_TLS; PENDING_PRIVACY, an RPCSEC_GSS DATA call with privacy,
   * whose successful reply must be a sealed wrap token too). */
  readonly pending = new PendingCalls(PENDING_CAP);
  /** A short run at a record start that did not probe as a whole header: decided by what follows (a gap: cut). */
  readonly shortRun = new Uint8Array(SHORT_RUN);
  shortLen = 0;

  constructor(
    readonly dir: Dir,
    private readonly owner: RpcAnalyzer,
  ) {}

  /** Still reading this message's header or COMPOUND (not skipping data, not discarding the rest). */
  get parsing(): boolean {
    return this.phase !== 'discard' && this.skipLeft === 0;
  }

  beginMessage(): void {
    this.bufLen = 0;
    this.phase = 'header';
    this.skipLeft = 0;
    this.gssIntegSkip = 0;
    this.logOps = false;
    if (this.opNames.length > 0) this.opNames.length = 0;
    this.judge = Judge.None;
    this.nonLease = false;
  }

  recordStart(frame: number): void {
    this.frame = frame;
    this.beginMessage();
  }

  recordBytes(data: Uint8Array, pos: number, n: number, frame: number): void {
    this.frame = frame;
    this.owner.feedBody(this, data, pos, n);
  }

  recordEnd(frame: number): void {
    this.frame = frame;
    this.owner.endMessage(this);
  }

  stopAtBoundary(firstByte: number): boolean {
    return firstByte === TLS_HANDSHAKE && this.owner.mayUpgrade;
  }
}

export class RpcAnalyzer implements StreamAnalyzer, DatagramAnalyzer {
  private readonly dirs: [DirState, DirState];
  private readonly cur = new XdrCursor();
  private readonly hdr = new RpcHeader();
  private readonly programs = new Set<string>();
  private readonly operations = new Map<string, number>();
  private readonly flavors = new Set<number>();
  private readonly gssServices = new Set<string>();
  private readonly minors = new Set<number>();
  private nfsVersMax = 0;
  private calls = 0;
  private replies = 0;
  private unmatched = 0;
  private malformed = 0;
  /** Messages whose header the capture cut short (snaplen): counted, read as far as the bytes go. */
  private cut = 0;
  private nfsPrivacyCalls = 0;
  private nfsCallsSeen = false;
  private authTls = false;
  private startTlsSeen = false;
  private compoundsLogged = 0;
  private readonly loggedPrograms = new Set<string>();
  private loggedPrivacy = false;
  // Kerberos exposure (issue 11): see gssPrivacy.
  private readonly exposedNames = new Set<string>();
  private exposedCalls = 0;
  private leaseCalls = 0;
  private unsealed = 0;
  private resyncs = 0;
  /** RFC 9289 (see StartTlsFacts). */
  private readonly tlsFacts: StartTlsFacts = {
    probeDir: null,
    startTlsFrame: 0,
    startTlsDir: null,
    upgradeFrame: [0, 0],
    before: { count: 0, first: null },
    oneSided: { count: 0, first: null },
  };
  /** AUTH_SYS machine name of the first call that had one (payload: exposed only through `authSysMachineName`). */
  private machineName: string | undefined;
  private readonly countOp = (name: string): void => {
    // A run of the same operation (pipelined GETATTRs) is counted here and put in the Map when the name changes.
    if (name === this.opName) this.opRun++;
    else {
      this.flushOps();
      this.opName = name;
      this.opRun = 1;
    }
    const d = this.countingDir;
    if (d !== null && d.judge === Judge.Compound && !NFS4_LEASE_OPS.has(name)) {
      d.nonLease = true;
      this.nameExposed(`${d.callProgram} ${name}`);
    }
    if (d?.logOps && d.opNames.length <= EVIDENCE_OPS) d.opNames.push(name);
  };
  private countingDir: DirState | null = null;
  private opName = '';
  private opRun = 0;
  /** One-entry caches of the hot path (see programLabel, exposeProc, onCall). */
  private labelProg = -1;
  private labelVers = -1;
  private label = '';
  private exposedProg = -1;
  private exposedVers = -1;
  private exposedProc = -1;
  private lastFlavor = -1;

  constructor(
    readonly transport: 'tcp' | 'udp',
    private readonly evidence: EvidenceLog,
  ) {
    this.dirs = [new DirState(0, this), new DirState(1, this)];
  }

  // ---- verdict getters ----

  /** At least one valid RPC call or reply was decoded. */
  get isRpc(): boolean {
    return this.calls + this.replies + this.cut > 0;
  }

  get hasNfs(): boolean {
    return this.nfsCallsSeen;
  }

  /**
   * Kerberos privacy holds for the flow: at least one NFS call used RPCSEC_GSS privacy, no call carried file data
   * or names without privacy (lease/session calls and callbacks are allowed), and every privacy body seen (calls
   * and their successful replies) is a sealed wrap token.
   */
  get gssPrivacy(): boolean {
    return this.nfsPrivacyCalls > 0 && this.exposedCalls === 0 && this.unsealed === 0;
  }

  /** Messages that could not be read (malformed, cut by snaplen, or bytes skipped to find a record mark again). */
  get unaccounted(): number {
    return this.malformed + this.resyncs + this.cut;
  }

  /** NFS calls with RPCSEC_GSS privacy. */
  get privacyCalls(): number {
    return this.nfsPrivacyCalls;
  }

  get authTlsProbe(): boolean {
    return this.authTls;
  }

  get startTls(): boolean {
    return this.startTlsSeen;
  }

  /** RFC 9289 facts: probe, STARTTLS reply, upgrade frames and readable messages around them. */
  get startTlsFacts(): StartTlsFacts {
    return this.tlsFacts;
  }

  /** AUTH_SYS machine name (payload; for an explicit opt-in report only). */
  get authSysMachineName(): string | undefined {
    return this.machineName;
  }

  /** True once the direction switched to TLS after an RFC 9289 upgrade. */
  upgradedToTls(dir: Dir): boolean {
    return this.dirs[dir].upgraded;
  }

  get finished(): boolean {
    if (this.dirs[0].upgraded && this.dirs[1].upgraded) return true;
    return !this.isRpc && this.malformed >= MALFORMED_GIVE_UP;
  }

  /** An AUTH_TLS call was seen, so a TLS record at a record boundary is an upgrade, not a malformed record. */
  get mayUpgrade(): boolean {
    return this.authTls;
  }

  private flushOps(): void {
    if (this.opRun > 0) this.operations.set(this.opName, (this.operations.get(this.opName) ?? 0) + this.opRun);
    this.opRun = 0;
  }

  summary(): RpcSummary {
    this.flushOps();
    this.opName = '';
    const s: RpcSummary = {
      programs: [...this.programs].sort(),
      operations: Object.fromEntries([...this.operations.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
      calls: this.calls,
      replies: this.replies,
      credentials: [...this.flavors].sort((a, b) => a - b).map(authFlavorName),
      malformed: this.malformed,
    };
    if (this.nfsVersMax > 0) {
      const minors = [...this.minors].sort((a, b) => a - b);
      const top = minors[minors.length - 1] ?? 0;
      s.nfsVersion = this.nfsVersMax < 4 ? `NFSv${this.nfsVersMax}` : top > 0 ? `NFSv4.${top}` : 'NFSv4';
      if (this.nfsVersMax === 4 && minors.length > 0) s.nfsMinorVersions = minors;
    }
    if (this.unmatched > 0) s.unmatchedReplies = this.unmatched;
    if (this.cut > 0) s.headersCut = this.cut;
    if (this.gssServices.size > 0) s.gssServices = [...this.gssServices].sort();
    if (this.exposedCalls > 0) {
      s.gssExposedCalls = this.exposedCalls;
      s.gssExposed = [...this.exposedNames];
    }
    if (this.leaseCalls > 0) s.gssLeaseCalls = this.leaseCalls;
    if (this.unsealed > 0) s.gssUnsealed = this.unsealed;
    if (this.authTls) s.authTlsProbe = true;
    if (this.startTlsSeen) s.startTls = true;
    return s;
  }

  // ---- StreamAnalyzer ----

  onData(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): number {
    const d = this.dirs[dir];
    if (d.upgraded) return 0;
    d.shortLen = 0;
    if (d.fresh || d.resync) {
      if (d.framer.atBoundary && data[offset] === TLS_HANDSHAKE && this.mayUpgrade) return this.upgrade(d, frame, 0);
      if (length < PROBE_MIN) {
        if (d.resync) {
          this.keepShort(d, data, offset, length);
          return length;
        }
      } else if (!probeRpcRecord(data, offset, length)) {
        if (length <= MIN_CALL + 4) {
          // Too short to judge: a gap right after it means the header was cut (onGap decides).
          this.keepShort(d, data, offset, length);
          d.fresh = false;
          d.resync = true;
          return length;
        }
        if (d.fresh) {
          d.fresh = false;
          d.resync = true;
          this.resyncs++;
          this.evidence.add(frame, dir, { kind: 'rpc-no-record-mark' });
        }
        return length;
      } else if (d.resync) {
        this.evidence.add(frame, dir, { kind: 'rpc-resynced' });
        d.framer.reset();
        d.beginMessage();
      }
      d.fresh = false;
      d.resync = false;
    }
    const used = d.framer.feed(data, offset, length, frame, d);
    if (d.framer.lost) {
      this.malformed++;
      this.evidence.add(frame, dir, { kind: 'rpc-record-mark-implausible' });
      this.loseSync(d);
      return length;
    }
    if (used < length) return this.upgrade(d, frame, used);
    return length;
  }

  onGap(dir: Dir, length: number, frame: number): void {
    const d = this.dirs[dir];
    if (d.upgraded) return;
    if (d.resync) {
      // A short run at a record start and then missing bytes: a header cut by snaplen.
      if (d.shortLen > 0 && probeCutRpcRecord(d.shortRun, 0, d.shortLen))
        this.cutRecord(dir, d.shortRun, 0, d.shortLen, frame);
      d.shortLen = 0;
      return;
    }
    if (d.phase === 'header' && d.skipLeft === 0 && !d.framer.atBoundary) {
      // In step, the header of the current message was still incomplete: it was cut by snaplen.
      this.cutMessage(d, d.buf ?? d.shortRun, 0, d.bufLen, frame);
      this.evidence.add(frame, dir, { kind: 'rpc-bytes-missing', bytes: length });
      this.loseSync(d);
      return;
    }
    // A gap wholly inside bytes we were going to drop anyway does not break the record chain.
    if ((d.phase === 'discard' || d.skipLeft >= length) && d.framer.skipMissing(length)) {
      if (d.phase !== 'discard') d.skipLeft -= length;
      return;
    }
    this.evidence.add(frame, dir, { kind: 'rpc-bytes-missing', bytes: length });
    this.loseSync(d);
  }

  private keepShort(d: DirState, data: Uint8Array, offset: number, length: number): void {
    const n = Math.min(length, SHORT_RUN);
    d.shortRun.set(data.subarray(offset, offset + n), 0);
    d.shortLen = n;
  }

  /**
   * The captured start of a record the capture cut short (snaplen): `buf[off, off + len)` holds its record mark
   * and the first bytes of the message (the caller checked them with probeCutRpcRecord).
   */
  cutRecord(dir: Dir, buf: Uint8Array, off: number, len: number, frame: number): void {
    const d = this.dirs[dir];
    d.frame = frame;
    this.cutMessage(d, buf, off + 4, len - 4, frame);
  }

  /** Read a cut message header as far as it goes: type, program, version and procedure when present. */
  private cutMessage(d: DirState, buf: Uint8Array, off: number, len: number, frame: number): void {
    this.cut++;
    let message: 'call' | 'reply' | null = null;
    let program: string | null = null;
    const isCall = len >= 8 && readU32(buf, off + 4) === CALL;
    if (isCall) {
      message = 'call';
      if (len >= 16) {
        const prog = readU32(buf, off + 12);
        const vers = len >= 20 ? readU32(buf, off + 16) : -1;
        const label = vers >= 0 ? rpcProgramLabel(prog, vers) : rpcProgramName(prog);
        this.programs.add(label);
        program = label;
        if (prog === PROG_NFS) {
          this.nfsCallsSeen = true;
          // Whether the body is protected (RPCSEC_GSS privacy) is in the credential, which was not captured: the
          // message is unaccounted for (see `unaccounted`), so privacy cannot be proven.
          if (vers > this.nfsVersMax && vers <= 4) this.nfsVersMax = vers;
        }
      }
    } else if (len >= 8) message = 'reply';
    // A cut header is still readable RPC, unless it shows the AUTH_TLS NULL probe (procedure 0, credential AUTH_TLS).
    const probe = isCall && len >= 28 && readU32(buf, off + 20) === 0 && readU32(buf, off + 24) === AUTH_TLS;
    if (!probe) this.noteReadable(d, isCall ? 'call' : 'reply', program, null, frame);
    if (this.cut <= CUT_EVIDENCE)
      this.evidence.add(frame, d.dir, { kind: 'rpc-header-cut', message, program, bytes: len });
  }

  /**
   * A readable message other than the AUTH_TLS probe and its reply: before any upgrade, or (one-sided) from a
   * direction still in the clear after the other direction moved to TLS. Only judged on flows that upgrade.
   */
  private noteReadable(
    d: DirState,
    kind: 'call' | 'reply',
    program: string | null,
    procedure: string | null,
    frame: number,
  ): void {
    const other = this.dirs[d.dir === 0 ? 1 : 0];
    const slot = other.upgraded ? this.tlsFacts.oneSided : this.tlsFacts.before;
    slot.count++;
    slot.first ??= { frame, dir: d.dir, kind, program, procedure };
  }

  /** noteReadable for a parsed call or reply; names are built only for the first message of its kind (no strings per message). prog < 0: a reply whose call was not seen. */
  private noteReadableRpc(d: DirState, kind: 'call' | 'reply', prog: number, vers: number, proc: number): void {
    const other = this.dirs[d.dir === 0 ? 1 : 0];
    const slot = other.upgraded ? this.tlsFacts.oneSided : this.tlsFacts.before;
    slot.count++;
    if (slot.first !== null) return;
    const known = prog >= 0;
    const procName = known && prog === PROG_NFS ? nfsProcName(vers, proc) : null;
    slot.first = {
      frame: d.frame,
      dir: d.dir,
      kind,
      program: known ? rpcProgramLabel(prog, vers) : null,
      procedure: known ? (procName ?? `proc ${proc}`) : null,
    };
  }

  private loseSync(d: DirState): void {
    this.resyncs++;
    d.resync = true;
    d.fresh = false;
    d.framer.reset();
    d.beginMessage();
  }

  private upgrade(d: DirState, frame: number, used: number): number {
    d.upgraded = true;
    this.tlsFacts.upgradeFrame[d.dir] = frame;
    this.evidence.add(frame, d.dir, { kind: 'rpc-upgraded-to-tls' });
    return used;
  }

  // ---- DatagramAnalyzer ----

  onDatagram(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    const d = this.dirs[dir];
    if (!probeRpcDatagram(data, offset, length)) {
      this.malformed++;
      if (this.malformed === 1) this.evidence.add(frame, dir, { kind: 'rpc-not-a-datagram' });
      return;
    }
    d.frame = frame;
    d.beginMessage();
    this.feedBody(d, data, offset, length);
    this.endMessage(d);
  }

  // ---- message body (called by the framer, or once per datagram) ----

  /** Feeds `n` body bytes of the current message. Parses in place when nothing is buffered. */
  feedBody(d: DirState, data: Uint8Array, pos: number, n: number): void {
    while (n > 0) {
      if (d.skipLeft > 0) {
        const k = Math.min(d.skipLeft, n);
        d.skipLeft -= k;
        pos += k;
        n -= k;
        continue;
      }
      if (d.phase === 'discard') return;
      if (d.bufLen === 0) {
        const used = this.parse(d, data, pos, pos + n);
        pos += used;
        n -= used;
        if (n > 0 && d.parsing) {
          // The parser needs bytes that have not arrived: keep the unparsed tail.
          if (!this.stash(d, data, pos, n)) return;
          n = 0;
        }
        continue;
      }
      const buf = d.buf!;
      const k = Math.min(BODY_CAP - d.bufLen, n);
      buf.set(data.subarray(pos, pos + k), d.bufLen);
      d.bufLen += k;
      pos += k;
      n -= k;
      const used = this.parse(d, buf, 0, d.bufLen);
      if (used > 0) {
        buf.copyWithin(0, used, d.bufLen);
        d.bufLen -= used;
      } else if (d.bufLen === BODY_CAP) {
        this.tooBig(d);
        return;
      }
      if (!d.parsing) d.bufLen = 0;
    }
  }

  private stash(d: DirState, data: Uint8Array, pos: number, n: number): boolean {
    if (n >= BODY_CAP) {
      this.tooBig(d);
      return false;
    }
    d.buf ??= new Uint8Array(BODY_CAP);
    d.buf.set(data.subarray(pos, pos + n), 0);
    d.bufLen = n;
    return true;
  }

  private tooBig(d: DirState): void {
    this.evidence.add(d.frame, d.dir, { kind: 'compound-op-too-big', cap: BODY_CAP });
    this.finishCompound(d, 'incomplete');
    d.phase = 'discard';
    d.bufLen = 0;
  }

  /** The current message ended (record end, or end of datagram). */
  endMessage(d: DirState): void {
    if (d.phase === 'gsswrap') {
      this.malformedMessage(d, { kind: 'rpc-malformed', problem: 'wrap-token-cut' });
      this.onWrap(d, false);
    } else if (d.phase === 'trail' && d.skipLeft > 0) this.onWrap(d, false);
    if (d.phase === 'header' || d.phase === 'compound') {
      this.malformedMessage(d, { kind: 'rpc-malformed', problem: 'header-cut' });
    } else if (d.phase === 'ops') {
      this.malformedMessage(d, { kind: 'compound-cut', opsLeft: d.walk.left });
      this.finishCompound(d, 'truncated');
    } else if (d.skipLeft > 0) {
      this.malformedMessage(d, { kind: 'rpc-malformed', problem: 'opaque-overrun' });
    }
    if (d.judge === Judge.Compound) this.exposeCall(d, `${d.callProgram} COMPOUND (unreadable)`);
    d.beginMessage();
  }

  private malformedMessage(d: DirState, fact: EvidenceFact): void {
    this.malformed++;
    this.evidence.add(d.frame, d.dir, fact);
  }

  /** Parses from src[start, end) in the current phase; returns the bytes consumed. */
  private parse(d: DirState, src: Uint8Array, start: number, end: number): number {
    let at = start;
    const c = this.cur;
    for (;;) {
      switch (d.phase) {
        case 'header': {
          if (!parseRpcHeader(c, src, at, end, this.hdr)) {
            if (c.short && !c.bad) return at - start;
            this.malformedMessage(d, { kind: 'rpc-malformed', problem: 'bad-header' });
            d.phase = 'discard';
            return end - start;
          }
          at = this.hdr.bodyOff;
          this.onHeader(d, src);
          break;
        }
        case 'compound': {
          c.reset(src, at, end);
          if (d.gssIntegSkip > 0 && !c.skip(d.gssIntegSkip)) return at - start;
          const r = d.walk.begin(c, d.cbCompound);
          if (r === 'more') return at - start;
          if (r === 'bad') {
            this.malformedMessage(d, { kind: 'rpc-malformed', problem: 'bad-compound-header' });
            d.phase = 'discard';
            return end - start;
          }
          d.gssIntegSkip = 0;
          if (!d.cbCompound) this.minors.add(d.walk.minorVersion);
          d.phase = 'ops';
          at = c.pos;
          break;
        }
        case 'ops': {
          c.reset(src, at, end);
          this.countingDir = d;
          const r = d.walk.walk(c, this.countOp);
          this.countingDir = null;
          switch (r) {
            case 'more':
              return d.walk.resumeAt - start;
            case 'skip':
              d.skipLeft = d.walk.skip;
              return end - start;
            case 'done':
              this.finishCompound(d, 'complete');
              d.phase = 'discard';
              d.skipLeft = d.walk.skip; // a trailing opaque past the window must still fit the message
              return end - start;
            case 'stop':
              this.evidence.add(d.frame, d.dir, { kind: 'compound-op-unskippable', op: d.walk.stopOp });
              this.finishCompound(d, 'incomplete');
              d.phase = 'discard';
              return end - start;
            default:
              this.malformedMessage(d, { kind: 'compound-bad-op', op: d.walk.stopOp });
              this.finishCompound(d, 'incomplete');
              d.phase = 'discard';
              return end - start;
          }
        }
        case 'gsswrap': {
          c.reset(src, at, end);
          const len = c.u32();
          if (c.short) return at - start;
          const kind = judgeWrapToken(src, c.pos, Math.min(end - c.pos, WRAP_HEAD_MAX), len);
          if (kind === null) return at - start;
          if (kind !== 'sealed') {
            const body = kind === 'not-sealed' ? 'not-sealed' : 'not-a-wrap-token';
            this.evidence.add(d.frame, d.dir, { kind: 'gss-privacy-readable', body });
            this.onWrap(d, false);
            return end - start;
          }
          const tokenEnd = c.pos + len + ((4 - (len % 4)) % 4);
          d.phase = 'trail';
          if (tokenEnd >= end) {
            d.skipLeft = tokenEnd - end;
            return end - start;
          }
          at = tokenEnd;
          break;
        }
        case 'trail':
          if (end > at) {
            this.evidence.add(d.frame, d.dir, { kind: 'gss-trailing-bytes' });
            this.onWrap(d, false);
          }
          d.phase = 'discard';
          return end - start;
        default:
          return end - start;
      }
    }
  }

  /** A privacy body was judged: sealed, or readable (not a sealed token, cut short, or followed by bytes). */
  private onWrap(d: DirState, sealed: boolean): void {
    if (!sealed) this.unsealed++;
    d.phase = 'discard';
  }

  private nameExposed(name: string): void {
    if (this.exposedNames.size < EXPOSED_NAMES_CAP) this.exposedNames.add(name);
  }

  /** A call that carries file data or names went without privacy. */
  private exposeCall(d: DirState, name: string): void {
    this.exposedCalls++;
    this.nameExposed(name);
    d.judge = Judge.None;
  }

  private finishCompound(d: DirState, end: CompoundEnd): void {
    if (d.judge === Judge.Callback) {
      this.leaseCalls++;
      d.judge = Judge.None;
    } else if (d.judge === Judge.Compound) {
      // Every operation read and all of them lease/session management: allowed (info). Otherwise exposure.
      if (end === 'complete' && !d.nonLease) {
        if (d.walk.total > 0) this.leaseCalls++;
        d.judge = Judge.None;
      } else if (d.nonLease) {
        this.exposedCalls++;
        d.judge = Judge.None;
      } else this.exposeCall(d, `${d.callProgram} COMPOUND${COMPOUND_SUFFIX[end]}`);
    }
    if (!d.logOps) return;
    d.logOps = false;
    this.evidence.add(d.frame, d.dir, {
      kind: 'compound-call',
      program: d.callProgram,
      flavor: d.callFlavor,
      ops: d.opNames.slice(0, EVIDENCE_OPS),
      more: d.opNames.length > EVIDENCE_OPS,
      end,
    });
  }

  /** A valid header was decoded: account for it and choose the next phase. */
  private onHeader(d: DirState, src: Uint8Array): void {
    const h = this.hdr;
    d.phase = 'discard';
    if (h.msgType === CALL) this.onCall(d, src);
    else this.onReply(d);
  }

  /** "name/version" of a program, added to `programs`; the last one is cached (one label string per change). */
  private programLabel(prog: number, vers: number): string {
    if (prog === this.labelProg && vers === this.labelVers) return this.label;
    const label = rpcProgramLabel(prog, vers);
    this.programs.add(label);
    this.labelProg = prog;
    this.labelVers = vers;
    this.label = label;
    return label;
  }

  /** A non-COMPOUND call carried file data or names without privacy: its name is built once per procedure. */
  private exposeProc(d: DirState, label: string, prog: number, vers: number, proc: number, procName: string | null) {
    this.exposedCalls++;
    d.judge = Judge.None;
    if (prog === this.exposedProg && vers === this.exposedVers && proc === this.exposedProc) return;
    if (this.exposedNames.size >= EXPOSED_NAMES_CAP) return;
    this.exposedProg = prog;
    this.exposedVers = vers;
    this.exposedProc = proc;
    this.nameExposed(`${label} ${procName ?? `proc ${proc}`}`);
  }

  private onCall(d: DirState, src: Uint8Array): void {
    const h = this.hdr;
    this.calls++;
    const credFlavor = h.credFlavor;
    if (credFlavor !== this.lastFlavor) {
      this.flavors.add(credFlavor);
      this.lastFlavor = credFlavor;
    }
    const label = this.programLabel(h.prog, h.vers);
    const gssData = credFlavor !== RPCSEC_GSS || (h.gssOk && h.gss.proc === RPCSEC_GSS_DATA);
    const privacy = credFlavor === RPCSEC_GSS && h.gssOk && gssData && h.gss.service === GSS_SVC_PRIVACY;
    const flags = (credFlavor === AUTH_TLS ? PENDING_AUTH_TLS : 0) | (privacy ? PENDING_PRIVACY : 0);
    d.pending.add(h.xid, h.prog, h.vers, h.proc, flags);

    if (credFlavor === AUTH_SYS && h.machineOff >= 0 && this.machineName === undefined) {
      this.machineName = Buffer.from(src.buffer, src.byteOffset + h.machineOff, h.machineLen).toString('latin1');
      h.wantAuthSys = false; // the machine name is all the analyzer reads of AUTH_SYS, and only the first
    }
    let service = -1;
    if (credFlavor === RPCSEC_GSS) {
      if (!h.gssOk) this.evidence.add(d.frame, d.dir, { kind: 'gss-credential-not-understood' });
      else {
        service = h.gss.service;
        const name = gssServiceName(service);
        if (name) this.gssServices.add(name);
        if (service === GSS_SVC_PRIVACY && !this.loggedPrivacy) {
          this.loggedPrivacy = true;
          this.evidence.add(d.frame, d.dir, { kind: 'gss-privacy', program: label });
        }
      }
    }
    if (credFlavor === AUTH_TLS && h.proc === 0 && !this.authTls) {
      this.evidence.add(d.frame, d.dir, { kind: 'auth-tls-probe', program: label });
      this.loggedPrograms.add(label); // the probe line already names the call
    }
    if (credFlavor === AUTH_TLS) this.authTls = true;

    const isNfs = h.prog === PROG_NFS;
    if (isNfs) {
      this.nfsCallsSeen = true;
      if (h.vers > this.nfsVersMax && h.vers <= 4) this.nfsVersMax = h.vers;
      if (h.proc !== 0 && privacy) this.nfsPrivacyCalls++;
    }
    const first = !this.loggedPrograms.has(label);
    if (first) this.loggedPrograms.add(label);

    const procName = isNfs ? nfsProcName(h.vers, h.proc) : null;
    if (h.credFlavor !== AUTH_TLS || h.proc !== 0) this.noteReadableRpc(d, 'call', h.prog, h.vers, h.proc);
    else this.tlsFacts.probeDir ??= d.dir;
    const cb = h.prog === PROG_NFS_CB || (h.prog > PROG_NFS_CB && h.prog < 0x60000000 && this.nfsVersMax === 4);
    const compound = h.proc === NFS4_PROC_COMPOUND && ((isNfs && h.vers === 4) || cb);
    // Kerberos rules (issue 11): RPCSEC_GSS control procedures (INIT, CONTINUE_INIT, DESTROY) go to the NULL
    // procedure and carry no NFS body; privacy bodies must be sealed wrap tokens; any other non-NULL call is readable
    // and exposes file data or names unless it is a lease/session-only COMPOUND or a callback.
    if (credFlavor === RPCSEC_GSS && h.gssOk && !gssData && h.proc !== 0) {
      this.evidence.add(d.frame, d.dir, {
        kind: 'gss-control-on-proc',
        gssProc: h.gss.proc,
        program: label,
        proc: h.proc,
      });
      this.exposeCall(d, `${label} ${gssProcName(h.gss.proc)} on proc ${h.proc}`);
    } else if (privacy && h.proc !== 0) {
      d.phase = 'gsswrap';
    } else if (gssData && h.proc !== 0 && !compound) {
      this.exposeProc(d, label, h.prog, h.vers, h.proc, procName);
    }
    const nfs23 = isNfs && h.vers < 4;
    if (nfs23 && procName) this.countOp(procName);
    if (nfs23 || !compound || !gssData || privacy) {
      if (first)
        this.evidence.add(d.frame, d.dir, {
          kind: 'rpc-call',
          program: label,
          procedure: procName,
          proc: h.proc,
          flavor: credFlavor,
        });
      return;
    }
    d.judge = isNfs ? Judge.Compound : Judge.Callback;
    d.cbCompound = !isNfs;
    d.gssIntegSkip = service === GSS_SVC_INTEGRITY ? 8 : 0;
    d.phase = 'compound';
    d.callProgram = label;
    d.callFlavor = credFlavor;
    if (this.compoundsLogged < COMPOUND_EVIDENCE) {
      this.compoundsLogged++;
      d.logOps = true;
    }
  }

  private onReply(d: DirState): void {
    const h = this.hdr;
    this.replies++;
    const callDir = this.dirs[d.dir === 0 ? 1 : 0];
    const pending = callDir.pending;
    const matched = pending.take(h.xid);
    const callAuthTls = matched && (pending.foundFlags & PENDING_AUTH_TLS) !== 0;
    if (matched) {
      this.programLabel(pending.foundProg, pending.foundVers);
      // A privacy call's successful results are an rpc_gss_priv_data too.
      if (
        (pending.foundFlags & PENDING_PRIVACY) !== 0 &&
        pending.foundProc !== 0 &&
        h.replyStat === MSG_ACCEPTED &&
        h.acceptStat === 0
      )
        d.phase = 'gsswrap';
    } else this.unmatched++;
    const startTls = h.replyStat === MSG_ACCEPTED && h.startTls;
    if (!callAuthTls && !startTls) {
      if (matched) this.noteReadableRpc(d, 'reply', pending.foundProg, pending.foundVers, pending.foundProc);
      else this.noteReadableRpc(d, 'reply', -1, 0, 0);
    }
    if (startTls) {
      this.startTlsSeen = true;
      if (this.tlsFacts.startTlsFrame === 0) {
        this.tlsFacts.startTlsFrame = d.frame;
        this.tlsFacts.startTlsDir = d.dir;
      }
      this.evidence.add(d.frame, d.dir, { kind: 'starttls-reply', toProbe: callAuthTls });
    } else if (callAuthTls) {
      this.evidence.add(d.frame, d.dir, { kind: 'auth-tls-no-starttls' });
    }
  }
}
