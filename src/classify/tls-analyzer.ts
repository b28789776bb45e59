/**
 * Per-connection TLS state machine (StreamAnalyzer). Walks the record layer of each direction, reassembles handshake
 * bytes (capped) only until the ClientHello and the real ServerHello are parsed, then only walks record headers and
 * counts records. Never throws; malformed bytes set flags and evidence. HelloState (hello bookkeeping and the
 * TlsSummary) is shared with the DTLS analyzer.
 */

import { checkWindow, WINDOW_LEN } from '../protocol/byte-randomness.js';
import { cipherSuiteName, gradeTls } from '../protocol/cipher-suites.js';
import { probeRpcRecord } from '../protocol/rpc.js';
import { readSslv2ClientHello, type Sslv2ClientHello } from '../protocol/sslv2.js';
import { isTls13Suite } from '../protocol/tls-grade.js';
import {
  type ClientHello,
  HS_CLIENT_HELLO,
  HS_SERVER_HELLO,
  negotiatedVersion,
  offeredVersions,
  parseClientHello,
  parseServerHello,
  type ServerHello,
  sameSessionId,
} from '../protocol/tls-handshake.js';
import {
  alertDescriptionName,
  alertLevelName,
  CT_ALERT,
  CT_APPLICATION_DATA,
  CT_CHANGE_CIPHER_SPEC,
  CT_HANDSHAKE,
  checkTlsHeader,
  probeTls,
  TLS_MAX_RECORD_LEN,
  TLS_RECORD_HEADER_LEN,
} from '../protocol/tls-record.js';
import { isTls13Draft, isTls13Family, tlsVersionName } from '../protocol/tls-versions.js';
import type { Dir, EvidenceLog, StreamAnalyzer } from './analyzer.js';
import type {
  AnomalyDetail,
  EvidenceFact,
  HandshakeFailure,
  MalformedHandshake,
  ReadableKind,
  ReadableWhere,
  RecordViolation,
  TlsSummary,
  TlsWalkFacts,
} from './facts.js';
import { PlaintextSampler } from './plaintext-sampler.js';

const MAX_ALERTS = 8;
const NOT_CAPTURED = 'unknown (handshake not captured)';
const NONE = 'none negotiated';

export type RecordCounts = TlsSummary['records'];
export type AlertEntry = TlsSummary['alerts'][number];

export function emptyCounts(): RecordCounts {
  return { changeCipherSpec: 0, alert: 0, handshake: 0, applicationData: 0, other: 0 };
}

/** Hello state of one connection (TLS) or association (DTLS). */
export class HelloState {
  clientHello: ClientHello | null = null;
  serverHello: ServerHello | null = null;
  clientHelloDir: Dir | null = null;
  serverHelloDir: Dir | null = null;
  /** Frame of the real ServerHello (0 when not seen). */
  serverHelloFrame = 0;
  helloRetryRequest = false;
  /** The first HelloRetryRequest: RFC 8446 4.1.4 binds the later ServerHello to its version and cipher suite. */
  retryRequest: ServerHello | null = null;
  retryRequestDir: Dir | null = null;
  malformedHandshake = false;
  readonly alerts: AlertEntry[] = [];
  alertsDropped = 0;

  constructor(
    private readonly evidence: EvidenceLog,
    readonly dtls: boolean,
  ) {}

  get hellosKnown(): boolean {
    return this.clientHello !== null && this.serverHello !== null;
  }

  /** Negotiated version is TLS 1.3 / DTLS 1.3 (or a draft). */
  get tls13(): boolean {
    return this.serverHello !== null && isTls13Family(negotiatedVersion(this.serverHello));
  }

  onClientHello(ch: ClientHello, dir: Dir, frame: number): void {
    if (this.clientHello !== null) return;
    this.clientHello = ch;
    this.clientHelloDir = dir;
    const fact: EvidenceFact = {
      kind: 'client-hello',
      dtls: this.dtls,
      versions: offeredVersions(ch),
      cookie: ch.cookieLength > 0,
    };
    if (ch.sni !== undefined) fact.sni = ch.sni;
    if (ch.alpn !== undefined) fact.alpn = ch.alpn;
    this.evidence.add(frame, dir, fact);
  }

  /** Returns true when this was the real ServerHello (not a HelloRetryRequest). */
  onServerHello(sh: ServerHello, dir: Dir, frame: number): boolean {
    if (sh.helloRetryRequest) {
      this.helloRetryRequest = true;
      if (this.retryRequest === null) {
        this.retryRequest = sh;
        this.retryRequestDir = dir;
      }
      this.evidence.add(frame, dir, { kind: 'hello-retry-request', suite: sh.cipherSuite });
      return false;
    }
    if (this.serverHello !== null) return true;
    this.serverHello = sh;
    this.serverHelloDir = dir;
    this.serverHelloFrame = frame;
    this.evidence.add(frame, dir, {
      kind: 'server-hello',
      dtls: this.dtls,
      version: negotiatedVersion(sh),
      suite: sh.cipherSuite,
      resumed: this.resumed(),
    });
    return true;
  }

  onMalformed(malformed: MalformedHandshake, dir: Dir, frame: number): void {
    this.malformedHandshake = true;
    this.evidence.add(frame, dir, { kind: 'malformed-handshake', malformed });
  }

  onAlert(level: number, description: number, name: string, encrypted: boolean, dir: Dir, frame: number): void {
    if (this.alerts.length >= MAX_ALERTS) {
      this.alertsDropped++;
      return;
    }
    this.alerts.push({ level, description, name, encrypted });
    this.evidence.add(frame, dir, { kind: 'alert', encrypted, level, description });
  }

  resumed(): boolean {
    const sh = this.serverHello;
    if (sh === null) return false;
    if (sh.hasPreSharedKey) return true;
    if (this.tls13 || this.clientHello === null) return false;
    return sameSessionId(this.clientHello.sessionId, sh.sessionId);
  }

  summary(records: RecordCounts, recordVersion: number | null, valid: boolean): TlsSummary {
    // Without the ServerHello, a HelloRetryRequest still fixes version and suite (RFC 8446 4.1.4).
    const sh = this.serverHello ?? this.retryRequest;
    const ch = this.clientHello;
    const out: TlsSummary = {
      version: NOT_CAPTURED,
      versionId: null,
      cipherSuiteId: null,
      cipherSuite: NOT_CAPTURED,
      grade: 'unknown',
      gradeReasons: [],
      handshake: 'not-captured',
      helloRetryRequest: this.helloRetryRequest,
      records: { ...records },
      alerts: this.alerts.map((a) => ({ ...a })),
      validRecordStream: valid,
    };
    if (sh !== null) {
      const versionId = negotiatedVersion(sh);
      const g = gradeTls(versionId, sh.cipherSuite, this.dtls);
      out.version = tlsVersionName(versionId, this.dtls);
      out.versionId = versionId;
      out.cipherSuiteId = sh.cipherSuite;
      out.cipherSuite = cipherSuiteName(sh.cipherSuite);
      out.grade = g.grade;
      out.gradeReasons = g.reasons;
      out.handshake = this.resumed() ? 'resumed' : 'full';
      if (sh.alpn !== undefined) out.alpnSelected = sh.alpn;
      if (sh === this.retryRequest) out.gradeReasons.push('version and suite from the HelloRetryRequest');
    } else if (ch !== null) {
      out.version = NONE;
      out.cipherSuite = NONE;
      out.handshake = 'client-hello-only';
      out.gradeReasons = ['no ServerHello seen'];
    } else {
      out.gradeReasons = ['handshake not captured'];
    }
    if (ch !== null) {
      if (ch.sni !== undefined) out.sni = ch.sni;
      if (ch.alpn !== undefined) out.alpn = [...ch.alpn];
      out.offeredVersions = offeredVersions(ch).map((v) => tlsVersionName(v, this.dtls));
    }
    if (recordVersion !== null) out.recordVersion = tlsVersionName(recordVersion, this.dtls);
    return out;
  }
}

/** Handshake reassembly cap per direction. */
const HS_CAP = 64 * 1024;

type Mode = 'start' | 'sync' | 'hunt' | 'invalid';

class DirState {
  mode: Mode = 'start';
  readonly hdr = new Uint8Array(TLS_RECORD_HEADER_LEN);
  hdrLen = 0;
  type = 0;
  /** Record-layer version of the current record. */
  recVersion = 0;
  recLen = 0;
  bodyLeft = 0;
  /** A ChangeCipherSpec was sent this way: later handshake records are encrypted (TLS <= 1.2). */
  ccs = false;
  /** Still looking for this direction's hello. */
  wantHello = true;
  hs: Uint8Array | null = null;
  hsLen = 0;
  readonly alert = new Uint8Array(2);
  alertLen = 0;
  records = 0;
  firstVersion: number | null = null;
  unsyncedBytes = 0;
  /** The last unsynced bytes (contiguous, up to WINDOW_LEN), judged as text or zeros once full; null until needed. */
  win: Uint8Array | null = null;
  winLen = 0;
  /** Frame of this direction's FIN (0 = none yet). */
  finFrame = 0;
  /** Bytes came after that FIN (reported once). */
  afterFin = false;
  /** Bytes of an SSLv2 CLIENT-HELLO still to pass over (it is not a TLS record). */
  skip = 0;
  /** What came last this way, for naming where readable bytes appeared. */
  last: 'handshake' | 'gap' | 'alert' = 'handshake';
  /** Protected records this way after the ServerHello (TLS 1.3: application data; TLS <= 1.2: handshake after CCS). */
  protectedSeen = false;
  /** Records walked since the ServerHello (for the phase rules). */
  afterHello = 0;
  /** Bytes this way the walk may leave unsynced: a record tail at a mid-stream start or after each gap. */
  unsyncAllowance = 0;
  /** Frame at which unsyncedBytes first went past unsyncAllowance (0: never). */
  unexplainedFrame = 0;
  gapBytes = 0;
  gapCount = 0;
  /** First four body bytes of a handshake record after CCS (plaintext check). */
  readonly peek = new Uint8Array(4);
  peekLen = 0;
  bytes = 0;
}

/** A rule the stream broke, in the analyzer's direction (verdict.ts orients it). */
export interface TlsEvent {
  code:
    | 'TLS-PLAINTEXT-AFTER-HANDSHAKE'
    | 'TLS-RECORD-VIOLATION'
    | 'TLS-HANDSHAKE-FAILED'
    | 'CAPTURE-GAP'
    | 'SUITE-NOT-SEEN'
    | 'SSLV2-HELLO';
  frame: number;
  dir: Dir | null;
  detail: AnomalyDetail;
}

const MAX_EVENTS = 8;
const HEARTBEAT: RecordViolation = { rule: 'heartbeat' };
const CCS_AFTER_PROTECTED: RecordViolation = { rule: 'ccs-after-protected' };
const APP_DATA_BEFORE_CCS: RecordViolation = { rule: 'app-data-before-ccs' };
const TLS13_MAX_RECORD = 16384 + 256;
/** Handshake message types of RFC 8446 / 5246 (plaintext check after ChangeCipherSpec). */
const HS_TYPES = new Set([0, 1, 2, 4, 5, 6, 8, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 254]);

/** A WINDOW_LEN-byte window at `off` that is all printable text ('text') or all zero bytes ('zeros'), else null. */
function readableWindow(buf: Uint8Array, off: number): 'text' | 'zeros' | null {
  const kind = checkWindow(buf, off, WINDOW_LEN);
  if (kind === 'ascii') return 'text';
  if (kind !== 'zeros') return null;
  for (let i = off; i < off + WINDOW_LEN; i++) if (buf[i] !== 0) return null;
  return 'zeros';
}

/** First bytes of a direction: a valid header of a type a stream can start with, or a valid prefix of one. */
function startsLikeTls(data: Uint8Array, offset: number, length: number): boolean {
  const t = data[offset]!;
  if (t < CT_CHANGE_CIPHER_SPEC || t > CT_APPLICATION_DATA) return false;
  if (length >= TLS_RECORD_HEADER_LEN) return checkTlsHeader(data, offset) >= 0;
  if (length >= 2 && data[offset + 1] !== 3) return false;
  return length < 3 || data[offset + 2]! <= 4;
}

export function recordCount(counts: RecordCounts, type: number): void {
  if (type === CT_CHANGE_CIPHER_SPEC) counts.changeCipherSpec++;
  else if (type === CT_ALERT) counts.alert++;
  else if (type === CT_HANDSHAKE) counts.handshake++;
  else if (type === CT_APPLICATION_DATA) counts.applicationData++;
  else counts.other++;
}

export class TlsAnalyzer implements StreamAnalyzer {
  readonly hello: HelloState;
  private readonly dirs: [DirState, DirState] = [new DirState(), new DirState()];
  private readonly counts = emptyCounts();
  private readonly appData: [number, number] = [0, 0];
  private valid = true;
  private bothWaysNoted = false;
  /** Gaps reported by the flow table, both directions. */
  gaps = 0;
  /** Are application-data bodies ciphertext? (PLAINTEXT-IN-RECORDS) */
  readonly plaintext = new PlaintextSampler();
  /** Rules broken, first MAX_EVENTS kept (one per code and direction). */
  readonly events: TlsEvent[] = [];
  private resyncs = 0;
  /** Record version every record must carry once the ServerHello fixed it (null before). */
  private expectVersion: number | null = null;
  /** A plaintext fatal alert before establishment, or another failure of the handshake (null if none). */
  private failure: { frame: number; dir: Dir; failure: HandshakeFailure } | null = null;
  /** Readable bytes were found (the flow is cleartext). */
  readable = false;
  /** The client opened with an SSLv2-format CLIENT-HELLO (null if not). */
  sslv2: Sslv2ClientHello | null = null;

  constructor(
    private readonly evidence: EvidenceLog,
    /** Stop at the first application data both ways (Suricata's bypass): weaker, opt-in (--handshake-only). */
    readonly handshakeOnly = false,
  ) {
    this.hello = new HelloState(evidence, false);
  }

  private event(code: TlsEvent['code'], frame: number, dir: Dir | null, detail: AnomalyDetail): void {
    if (this.events.some((e) => e.code === code && e.dir === dir)) return;
    if (this.events.length >= MAX_EVENTS) return;
    this.events.push({ code, frame, dir, detail });
  }

  /** The session is, or may still turn out to be, TLS 1.3 (a HelloRetryRequest, or 1.3 offered and no ServerHello yet). */
  private get mayBeTls13(): boolean {
    const h = this.hello;
    if (h.serverHello !== null) return h.tls13;
    if (h.helloRetryRequest) return true;
    return h.clientHello !== null && offeredVersions(h.clientHello).some(isTls13Family);
  }

  /** ServerHello, then protected records from both sides. */
  get established(): boolean {
    return this.hello.serverHello !== null && this.dirs[0].protectedSeen && this.dirs[1].protectedSeen;
  }

  /** Facts of the walk; `clientDir` orients them (0 when unknown). */
  walk(): TlsWalkFacts {
    const [a, b] = this.dirs;
    const h = this.hello;
    const midStream =
      h.clientHello === null && h.serverHello === null && h.retryRequest === null && this.sslv2 === null;
    const notCaptured = a.bytes === 0 && b.bytes > 0 ? 0 : b.bytes === 0 && a.bytes > 0 ? 1 : null;
    return {
      mode: this.handshakeOnly ? 'handshake-only' : 'whole-stream',
      established: this.established,
      midStream,
      records: { toServer: a.records, toClient: b.records },
      gaps: { toServer: a.gapBytes, toClient: b.gapBytes },
      resyncs: this.resyncs,
      unsyncedBytes: { toServer: a.unsyncedBytes, toClient: b.unsyncedBytes },
      notCaptured: notCaptured === null ? null : notCaptured === 0 ? 'to-server' : 'to-client',
    };
  }

  /** Where unexplained bytes first appeared: the frame at which a direction's unsynced bytes first went past its allowance. */
  get firstUnexplained(): { frame: number; dir: Dir } | null {
    let best: { frame: number; dir: Dir } | null = null;
    for (const dir of [0, 1] as const) {
      const d = this.dirs[dir];
      if (d.unexplainedFrame === 0 || d.unsyncedBytes <= d.unsyncAllowance) continue;
      if (best === null || d.unexplainedFrame < best.frame) best = { frame: d.unexplainedFrame, dir };
    }
    return best;
  }

  /** Bytes beyond what record tails at a mid-stream start or after gaps explain. */
  get unexplainedBytes(): number {
    let n = 0;
    for (const d of this.dirs) n += Math.max(0, d.unsyncedBytes - d.unsyncAllowance);
    return n;
  }

  /** Why the handshake failed, or null (fatal alert before establishment, HRR without ServerHello, bad suite). */
  get handshakeFailure(): { frame: number; dir: Dir | null; failure: HandshakeFailure } | null {
    if (this.failure !== null) return this.failure;
    const h = this.hello;
    if (h.helloRetryRequest && h.serverHello === null)
      return { frame: 0, dir: h.retryRequestDir, failure: { cause: 'retry-without-server-hello' } };
    return null;
  }

  /**
   * Application-data records went both ways: the session carried data. One side's alone is not enough (TLS 1.3
   * sends its encrypted handshake flight as application-data records).
   */
  get appDataBothWays(): boolean {
    return this.appData[0] > 0 && this.appData[1] > 0;
  }

  /** A valid record stream was seen in at least one direction, or an SSLv2 hello opened the flow. */
  get isTls(): boolean {
    return this.dirs[0].records > 0 || this.dirs[1].records > 0 || this.sslv2 !== null;
  }

  /** True while no record header broke the stream. */
  get validRecordStream(): boolean {
    return this.valid;
  }

  get finished(): boolean {
    const [a, b] = this.dirs;
    if (a.mode === 'invalid' && b.mode === 'invalid') return true;
    // Whole-stream (default): never finished while bytes could still show cleartext.
    if (!this.handshakeOnly) return false;
    return this.hello.hellosKnown && this.appData[0] > 0 && this.appData[1] > 0 && this.plaintext.settled;
  }

  /** Direction the ClientHello came from (the client), null when not seen. */
  get clientDir(): Dir | null {
    const h = this.hello;
    if (h.clientHelloDir !== null) return h.clientHelloDir;
    return h.serverHelloDir === null ? null : h.serverHelloDir === 0 ? 1 : 0;
  }

  onData(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): number {
    const s = this.dirs[dir];
    if (length <= 0) return length;
    s.bytes += length;
    if (s.finFrame !== 0 && s.finFrame < frame && !s.afterFin) {
      // Nothing may follow a side's FIN (RFC 9293 3.10.7.4): bytes after it are injected or a new stream, never proof.
      s.afterFin = true;
      this.violation(dir, frame, { rule: 'bytes-after-fin', finFrame: s.finFrame });
    }
    if (s.mode === 'invalid') return length;
    let pos = offset;
    if (s.mode === 'start' && s.records === 0 && this.sslv2 === null)
      this.sslv2Hello(s, dir, data, offset, length, frame);
    if (s.skip > 0) {
      const n = Math.min(s.skip, length);
      s.skip -= n;
      pos += n;
      if (pos === offset + length) return length;
    }
    if (s.mode !== 'sync' && !this.trySync(s, dir, data, pos, offset + length - pos, frame)) return length;
    const end = offset + length;
    while (pos < end) {
      if (s.bodyLeft > 0) {
        const take = Math.min(s.bodyLeft, end - pos);
        this.onBody(s, dir, data, pos, take, frame);
        pos += take;
        s.bodyLeft -= take;
        if (s.bodyLeft === 0) this.endRecord(s, dir, frame);
        continue;
      }
      let hbuf = data;
      let hoff = pos;
      if (s.hdrLen === 0 && end - pos >= TLS_RECORD_HEADER_LEN) {
        pos += TLS_RECORD_HEADER_LEN;
      } else {
        const take = Math.min(TLS_RECORD_HEADER_LEN - s.hdrLen, end - pos);
        s.hdr.set(data.subarray(pos, pos + take), s.hdrLen);
        s.hdrLen += take;
        pos += take;
        if (s.hdrLen < TLS_RECORD_HEADER_LEN) break;
        hbuf = s.hdr;
        hoff = 0;
      }
      s.hdrLen = 0;
      if (!this.startRecord(s, dir, hbuf, hoff, frame)) {
        // Not a record header: examine what is there (readable?) and hunt for the next record header.
        const from = hbuf === data ? hoff : pos;
        this.examine(s, dir, data, from, end - from, frame);
        return length;
      }
    }
    return length;
  }

  /**
   * An SSLv2-format CLIENT-HELLO at the start of a direction: insecure by itself (SSLV2-HELLO), passed over; a TLS
   * ServerHello and records may follow (the SSL 3.0/TLS compatible form), and are walked as usual.
   */
  private sslv2Hello(s: DirState, dir: Dir, data: Uint8Array, off: number, len: number, frame: number): void {
    const h = readSslv2ClientHello(data, off, len);
    if (h === null) return;
    this.sslv2 = h;
    this.hello.clientHelloDir = dir;
    s.skip = h.length;
    s.wantHello = false;
    s.mode = 'sync';
    const hello = { version: h.version, cipherSpecs: h.cipherSpecs, sslv2Only: h.sslv2Only };
    this.event('SSLV2-HELLO', frame, dir, { kind: 'sslv2-hello', ...hello });
    this.evidence.add(frame, dir, { kind: 'sslv2-hello', ...hello });
  }

  /** A FIN from this direction: later bytes this way are after the close. */
  onFin(dir: Dir, frame: number): void {
    const s = this.dirs[dir];
    if (s.finFrame === 0) s.finFrame = frame;
  }

  onGap(dir: Dir, length: number, frame: number): void {
    const s = this.dirs[dir];
    this.gaps++;
    s.gapBytes += length;
    s.gapCount++;
    s.last = 'gap';
    s.winLen = 0; // a window never spans bytes the capture did not show
    this.event('CAPTURE-GAP', frame, dir, { kind: 'capture-gap', bytes: length });
    // The bytes after a gap may start inside a record: up to one record's tail is expected to not resync.
    s.unsyncAllowance += TLS_MAX_RECORD_LEN + TLS_RECORD_HEADER_LEN;
    if (s.mode !== 'sync') return;
    const collecting = s.type === CT_HANDSHAKE && s.hs !== null;
    if (s.hdrLen === 0 && s.bodyLeft >= length && !collecting) {
      s.bodyLeft -= length;
      if (s.type === CT_APPLICATION_DATA) this.plaintext.skip(dir, length);
      s.alertLen = 3; // alert bytes (if any) are lost
      this.evidence.add(frame, dir, { kind: 'gap-inside-record', bytes: length });
      if (s.bodyLeft === 0) this.endRecord(s, dir, frame);
      return;
    }
    s.mode = 'hunt';
    s.hdrLen = 0;
    s.bodyLeft = 0;
    s.hsLen = 0;
    this.evidence.add(frame, dir, { kind: 'gap-sync-lost', bytes: length });
  }

  summary(): TlsSummary {
    const h = this.hello;
    const serverDir: Dir = h.serverHelloDir ?? (h.clientHelloDir === null ? 1 : h.clientHelloDir === 0 ? 1 : 0);
    const rv = this.dirs[serverDir].firstVersion ?? this.dirs[serverDir === 0 ? 1 : 0].firstVersion;
    return h.summary(this.counts, rv, this.valid);
  }

  /**
   * Decide whether a run that starts while not in sync starts on a record header. At the first bytes of a direction
   * one valid header (or a valid prefix of one, for runs under 5 bytes) is enough: what follows is checked by the
   * record walk, so garbage after a valid start is caught. When hunting (mid-stream, after a gap) the strict probe
   * is used.
   */
  private trySync(s: DirState, dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): boolean {
    const ok = s.mode === 'start' ? startsLikeTls(data, offset, length) : probeTls(data, offset, length);
    if (ok) {
      if (s.mode === 'hunt') {
        this.resyncs++;
        this.evidence.add(frame, dir, { kind: 'record-sync-regained' });
      }
      s.mode = 'sync';
      s.hdrLen = 0;
      s.bodyLeft = 0;
      s.winLen = 0;
      return true;
    }
    if (s.mode === 'start') {
      // If the other side's hello was captured, this side's start was captured too: its bytes must be records.
      if (this.hello.clientHello !== null || this.hello.serverHello !== null || this.sslv2 !== null) {
        this.valid = false;
        this.evidence.add(frame, dir, { kind: 'bad-stream-start' });
      } else {
        // Mid-stream: the first bytes may be the tail of a record.
        s.unsyncAllowance += TLS_MAX_RECORD_LEN + TLS_RECORD_HEADER_LEN;
        this.evidence.add(frame, dir, { kind: 'mid-stream-start' });
      }
      s.mode = 'hunt';
    }
    this.examineRun(s, dir, data, offset, length, frame);
    return false;
  }

  /**
   * Bytes where a record header should be: the stream is broken. They are examined (an ONC-RPC record is readable:
   * the flow is cleartext), and the walk hunts for the next record header; nothing is skipped unseen.
   */
  private examine(s: DirState, dir: Dir, data: Uint8Array, off: number, len: number, frame: number): void {
    this.valid = false;
    s.mode = 'hunt';
    s.hs = null;
    s.bodyLeft = 0;
    s.hdrLen = 0;
    this.evidence.add(frame, dir, { kind: 'not-a-record-header', afterRecords: s.records });
    if (len > 0) {
      if (probeTls(data, off, len)) {
        s.mode = 'sync';
        s.winLen = 0;
        this.resyncs++;
        this.onData(dir, data, off, len, frame);
        s.bytes -= len;
        return;
      }
      this.examineRun(s, dir, data, off, len, frame);
    }
  }

  /**
   * An unsynced run: readable ONC-RPC, or a window of printable text or zero-filled bytes (what ciphertext and the
   * record tails after a gap or at a mid-stream start never are), makes the flow cleartext; otherwise its bytes are
   * counted as unexplained.
   */
  private examineRun(s: DirState, dir: Dir, data: Uint8Array, off: number, len: number, frame: number): void {
    s.unsyncedBytes += len;
    if (s.unexplainedFrame === 0 && s.unsyncedBytes > s.unsyncAllowance) s.unexplainedFrame = frame;
    if (this.readable) return;
    if (probeRpcRecord(data, off, len)) {
      this.readableAt(s, dir, frame, 'rpc');
      return;
    }
    // Before this side sent protected records, its stream may hold plaintext handshake messages (certificates are
    // full of printable names and URLs): only once it is protected is text or zeros where records go readable data.
    if (!s.protectedSeen) return;
    const kind = this.windows(s, data, off, len);
    if (kind !== null) this.readableAt(s, dir, frame, kind);
  }

  /**
   * Feed unsynced bytes through WINDOW_LEN-byte windows; the first window that is all printable text or all zero
   * bytes. (Not checkWindow's looser zero count: unsynced runs may hold record headers and TLS 1.2 explicit nonces,
   * which are often counters full of zeros; no record header byte pattern is printable text or 32 zeros.)
   */
  private windows(s: DirState, data: Uint8Array, off: number, len: number): 'text' | 'zeros' | null {
    if (s.win === null) s.win = new Uint8Array(WINDOW_LEN);
    const win = s.win;
    const end = off + len;
    let pos = off;
    while (pos < end) {
      if (s.winLen === 0 && end - pos >= WINDOW_LEN) {
        // Whole windows straight from the run.
        const kind = readableWindow(data, pos);
        if (kind !== null) return kind;
        pos += WINDOW_LEN;
        continue;
      }
      const take = Math.min(WINDOW_LEN - s.winLen, end - pos);
      win.set(data.subarray(pos, pos + take), s.winLen);
      s.winLen += take;
      pos += take;
      if (s.winLen < WINDOW_LEN) break;
      s.winLen = 0;
      const kind = readableWindow(win, 0);
      if (kind !== null) return kind;
    }
    return null;
  }

  private readableAt(s: DirState, dir: Dir, frame: number, what: ReadableKind): void {
    this.readable = true;
    const where: ReadableWhere =
      s.finFrame !== 0 && s.finFrame < frame
        ? 'after-fin'
        : s.last === 'gap'
          ? 'after-gap'
          : s.last === 'alert'
            ? 'after-alert'
            : this.hello.serverHello !== null || s.records > 0
              ? 'after-handshake'
              : 'in-place-of-records';
    this.event('TLS-PLAINTEXT-AFTER-HANDSHAKE', frame, dir, { kind: 'readable-in-tls', what, where, frame });
    this.evidence.add(frame, dir, { kind: 'readable-in-tls', what, where });
  }

  private startRecord(s: DirState, dir: Dir, hbuf: Uint8Array, hoff: number, frame: number): boolean {
    const len = checkTlsHeader(hbuf, hoff);
    if (len < 0) return false;
    s.type = hbuf[hoff]!;
    s.recVersion = (hbuf[hoff + 1]! << 8) | hbuf[hoff + 2]!;
    this.phaseRules(s, dir, hbuf, hoff, len, frame);
    s.recLen = len;
    s.bodyLeft = len;
    s.alertLen = 0;
    s.records++;
    if (s.firstVersion === null) s.firstVersion = s.recVersion;
    recordCount(this.counts, s.type);
    if (s.type === CT_APPLICATION_DATA) this.plaintext.begin(dir);
    if (len === 0) this.endRecord(s, dir, frame);
    return true;
  }

  /** Content type, version and length rules once the ServerHello fixed the session (header only: no body read). */
  private phaseRules(s: DirState, dir: Dir, hbuf: Uint8Array, hoff: number, len: number, frame: number): void {
    const t = s.type;
    const tls13 = this.hello.tls13;
    // After CCS (TLS <= 1.2) or in TLS 1.3, handshake records are encrypted: their first bytes are checked.
    s.peekLen = t === CT_HANDSHAKE && (s.ccs || (tls13 && this.expectVersion !== null)) ? 0 : -1;
    const wasProtected = s.protectedSeen;
    if (t === CT_APPLICATION_DATA) s.protectedSeen = true;
    if (this.expectVersion === null) return;
    s.afterHello++;
    const version = (hbuf[hoff + 1]! << 8) | hbuf[hoff + 2]!;
    // A ClientHello's record may carry 0x0301; every later record carries the session's record version.
    if (version !== this.expectVersion && !(t === CT_HANDSHAKE && !s.ccs && !wasProtected))
      this.violation(dir, frame, { rule: 'record-version', version, expected: this.expectVersion });
    if (tls13 && len > TLS13_MAX_RECORD)
      this.violation(dir, frame, { rule: 'tls13-record-length', length: len, limit: TLS13_MAX_RECORD });
    if (t === 24) this.violation(dir, frame, HEARTBEAT);
    if (tls13 && t === CT_CHANGE_CIPHER_SPEC && wasProtected) this.violation(dir, frame, CCS_AFTER_PROTECTED);
    if (t === CT_APPLICATION_DATA && !tls13 && !wasProtected && !s.ccs) this.violation(dir, frame, APP_DATA_BEFORE_CCS);
  }

  /** The real ServerHello: fixes the record version; a suite its version does not allow fails the handshake. */
  private onSessionFixed(sh: ServerHello, dir: Dir, frame: number): void {
    const tls13 = this.hello.tls13;
    // RFC 8446 fixes 0x0303 on every record; drafts before 22 used the record version of the ServerHello (0x0301).
    const draft = isTls13Draft(negotiatedVersion(sh));
    this.expectVersion = tls13 ? (draft ? this.dirs[dir].recVersion : 0x0303) : sh.legacyVersion;
    const suite13 = isTls13Suite(sh.cipherSuite);
    if (tls13 !== suite13 && this.failure === null) {
      const failure: HandshakeFailure = {
        cause: 'suite-not-allowed',
        suite: sh.cipherSuite,
        version: negotiatedVersion(sh),
      };
      this.failure = { frame, dir, failure };
    }
  }

  private violation(dir: Dir, frame: number, violation: RecordViolation): void {
    this.valid = false;
    this.event('TLS-RECORD-VIOLATION', frame, dir, { kind: 'record-violation', violation });
    this.evidence.add(frame, dir, { kind: 'record-violation', violation });
  }

  private onBody(s: DirState, dir: Dir, data: Uint8Array, pos: number, take: number, frame: number): void {
    if (s.type === CT_HANDSHAKE && s.peekLen >= 0 && s.peekLen < 4) {
      for (let i = 0; i < take && s.peekLen < 4; i++) s.peek[s.peekLen++] = data[pos + i]!;
    }
    if (s.type === CT_HANDSHAKE) {
      if (s.wantHello && (!s.ccs || this.hello.helloRetryRequest)) this.addHandshake(s, dir, data, pos, take, frame);
    } else if (s.type === CT_ALERT && s.recLen === 2) {
      for (let i = 0; i < take && s.alertLen < 2; i++) s.alert[s.alertLen++] = data[pos + i]!;
    } else if (s.type === CT_APPLICATION_DATA) {
      this.plaintext.body(dir, data, pos, take);
    }
  }

  private endRecord(s: DirState, dir: Dir, frame: number): void {
    if (s.type === CT_APPLICATION_DATA) {
      this.plaintext.end(dir, frame);
      this.appData[dir]++;
      if (!this.bothWaysNoted && this.appData[0] > 0 && this.appData[1] > 0) {
        this.bothWaysNoted = true;
        this.evidence.add(frame, dir, { kind: 'app-data-both-ways' });
      }
    } else if (s.type === CT_CHANGE_CIPHER_SPEC) {
      // TLS 1.3's compatibility ChangeCipherSpec (RFC 8446 D.4) protects nothing: plaintext hellos may follow it.
      if (!this.mayBeTls13) s.ccs = true;
    } else if (s.type === CT_HANDSHAKE && s.peekLen === 4) {
      const p = s.peek;
      const msgLen = (p[1]! << 16) | (p[2]! << 8) | p[3]!;
      if (HS_TYPES.has(p[0]!) && msgLen + 4 === s.recLen) {
        this.violation(dir, frame, { rule: 'plaintext-handshake', type: p[0]! });
      } else if (s.ccs) {
        s.protectedSeen = true; // encrypted Finished (or renegotiation under encryption)
      }
    } else if (s.type === CT_ALERT) {
      s.last = 'alert';
      const plain = s.recLen === 2 && s.alertLen === 2 && (!s.ccs || this.hello.tls13);
      if (plain) {
        const level = s.alert[0]!;
        const desc = s.alert[1]!;
        if (level === 2 && !this.established && this.failure === null)
          this.failure = {
            frame,
            dir,
            failure: { cause: 'fatal-alert', description: desc },
          };
        this.hello.onAlert(level, desc, `${alertLevelName(level)} ${alertDescriptionName(desc)}`, false, dir, frame);
      } else {
        this.hello.onAlert(0, 0, 'encrypted', true, dir, frame);
      }
    }
  }

  private addHandshake(s: DirState, dir: Dir, data: Uint8Array, pos: number, take: number, frame: number): void {
    if (s.hs === null) s.hs = new Uint8Array(Math.min(HS_CAP, Math.max(4096, take)));
    if (s.hsLen + take > s.hs.length) {
      if (s.hsLen + take > HS_CAP) {
        s.wantHello = false;
        s.hs = null;
        this.evidence.add(frame, dir, { kind: 'handshake-over-cap' });
        return;
      }
      const bigger = new Uint8Array(Math.min(HS_CAP, Math.max(s.hs.length * 2, s.hsLen + take)));
      bigger.set(s.hs.subarray(0, s.hsLen));
      s.hs = bigger;
    }
    s.hs.set(data.subarray(pos, pos + take), s.hsLen);
    s.hsLen += take;
    this.drainHandshake(s, dir, frame);
  }

  private drainHandshake(s: DirState, dir: Dir, frame: number): void {
    let off = 0;
    while (s.hs !== null && s.wantHello && s.hsLen - off >= 4) {
      const hs = s.hs;
      const type = hs[off]!;
      const len = (hs[off + 1]! << 16) | (hs[off + 2]! << 8) | hs[off + 3]!;
      if (4 + len > HS_CAP) {
        s.wantHello = false;
        this.hello.onMalformed({ problem: 'over-cap', length: len }, dir, frame);
        break;
      }
      if (s.hsLen - off < 4 + len) break;
      this.onMessage(s, dir, type, hs, off + 4, len, frame);
      off += 4 + len;
    }
    if (!s.wantHello || s.hs === null) {
      s.hs = null;
      s.hsLen = 0;
    } else if (off > 0) {
      s.hs.copyWithin(0, off, s.hsLen);
      s.hsLen -= off;
    }
  }

  private onMessage(
    s: DirState,
    dir: Dir,
    type: number,
    buf: Uint8Array,
    off: number,
    len: number,
    frame: number,
  ): void {
    if (type === HS_CLIENT_HELLO) {
      const r = parseClientHello(buf, off, len, false);
      if (r.ok) this.hello.onClientHello(r.value, dir, frame);
      else this.hello.onMalformed({ problem: 'decoder', error: r.error }, dir, frame);
      s.wantHello = false;
    } else if (type === HS_SERVER_HELLO) {
      const r = parseServerHello(buf, off, len);
      if (!r.ok) {
        this.hello.onMalformed({ problem: 'decoder', error: r.error }, dir, frame);
        s.wantHello = false;
      } else if (this.hello.onServerHello(r.value, dir, frame)) {
        s.wantHello = false;
        if (this.expectVersion === null) this.onSessionFixed(r.value, dir, frame);
      }
    }
  }
}
