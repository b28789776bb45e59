/**
 * Per-association DTLS state machine (DatagramAnalyzer). Walks every record of each datagram, reassembles the
 * ClientHello and ServerHello from handshake fragments (by message_seq and fragment offset, capped), flags
 * HelloVerifyRequest, counts DTLS 1.3 unified-header records as application data (accepted only once a classic
 * DTLS record was seen on the association), and builds the same TlsSummary as TLS. Never throws.
 */
import {
  CT_TLS12_CID,
  type DemuxKind,
  type DtlsFragment,
  type DtlsRecord,
  demuxFirstByte,
  isUnifiedHeader,
  newDtlsFragment,
  newDtlsRecord,
  readDtlsFragment,
  readDtlsRecord,
  unifiedHeaderLength,
  unifiedRecordLength,
} from '../protocol/dtls.js';
import { probeRpcDatagram } from '../protocol/rpc.js';
import {
  HS_CLIENT_HELLO,
  HS_HELLO_VERIFY_REQUEST,
  HS_SERVER_HELLO,
  parseClientHello,
  parseHelloVerifyRequest,
  parseServerHello,
} from '../protocol/tls-handshake.js';
import {
  alertDescriptionName,
  alertLevelName,
  CT_ALERT,
  CT_APPLICATION_DATA,
  CT_HANDSHAKE,
} from '../protocol/tls-record.js';
import type { DatagramAnalyzer, Dir, EvidenceLog } from './analyzer.js';
import type { TlsSummary } from './facts.js';
import { PlaintextSampler } from './plaintext-sampler.js';
import { RpcAnalyzer } from './rpc-analyzer.js';
import { emptyCounts, HelloState, recordCount } from './tls-analyzer.js';

const MSG_CAP = 64 * 1024;

/** One handshake message being put together from fragments. */
class Reassembly {
  seq = -1;
  type = -1;
  buf: Uint8Array | null = null;
  mask: Uint8Array | null = null;
  got = 0;

  reset(seq: number, type: number, len: number): void {
    this.seq = seq;
    this.type = type;
    this.buf = new Uint8Array(len);
    this.mask = new Uint8Array(len);
    this.got = 0;
  }

  /** Add a fragment; true once every byte of the message is present. */
  add(src: Uint8Array, f: DtlsFragment): boolean {
    const buf = this.buf!;
    const mask = this.mask!;
    buf.set(src.subarray(f.dataOff, f.dataOff + f.fragLen), f.fragOff);
    for (let i = f.fragOff; i < f.fragOff + f.fragLen; i++) {
      if (mask[i] === 0) {
        mask[i] = 1;
        this.got++;
      }
    }
    return this.got === buf.length;
  }

  clear(): void {
    this.buf = null;
    this.mask = null;
  }
}

export class DtlsAnalyzer implements DatagramAnalyzer {
  readonly hello: HelloState;
  helloVerifyRequest = false;
  private readonly counts = emptyCounts();
  private readonly appData: [number, number] = [0, 0];
  private readonly classicSeen: [boolean, boolean] = [false, false];
  private readonly firstVersion: [number | null, number | null] = [null, null];
  private readonly reasm: [Reassembly, Reassembly] = [new Reassembly(), new Reassembly()];
  private readonly rec: DtlsRecord = newDtlsRecord();
  private readonly frag: DtlsFragment = newDtlsFragment();
  private valid = true;
  private bothWaysNoted = false;
  private unifiedNoted = false;
  /** Datagrams in which a record could not be parsed. */
  badDatagrams = 0;
  /** Are application-data bodies ciphertext? (PLAINTEXT-IN-RECORDS) */
  readonly plaintext = new PlaintextSampler();
  /** First application-data record at epoch 0 (cleartext by definition), and how many there were. */
  epoch0Data: { frame: number; dir: Dir } | null = null;
  epoch0Records = 0;
  /** Cleartext ONC-RPC datagrams on this 5-tuple: read by an RPC analyzer of their own. */
  cleartextRpc: RpcAnalyzer | null = null;
  cleartextRpcFirst: { frame: number; dir: Dir } | null = null;
  /** Datagrams RFC 7983 assigns to another protocol (STUN, ZRTP, TURN, RTP/RTCP): counted, not DTLS. */
  readonly demuxed: Record<Exclude<DemuxKind, 'dtls' | 'other'>, number> = { stun: 0, zrtp: 0, turn: 0, rtp: 0 };

  constructor(private readonly evidence: EvidenceLog) {
    this.hello = new HelloState(evidence, true);
  }

  get isDtls(): boolean {
    return this.classicSeen[0] || this.classicSeen[1];
  }

  /** Never: every datagram of the 5-tuple is read (a cleartext RPC datagram may come after the handshake). */
  get finished(): boolean {
    return false;
  }

  onDatagram(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    const end = Math.min(offset + length, data.length);
    if (end <= offset) return;
    const kind = demuxFirstByte(data[offset]!);
    if (kind !== 'dtls' || !this.startsWithRecord(dir, data, offset, end)) {
      if (probeRpcDatagram(data, offset, end - offset)) {
        this.onCleartextRpc(dir, data, offset, end - offset, frame);
        return;
      }
      if (kind !== 'dtls' && kind !== 'other') {
        if (this.demuxed[kind]++ === 0) this.evidence.add(frame, dir, { kind: 'demux-beside-dtls', protocol: kind });
        return;
      }
    }
    let pos = offset;
    while (pos < end) {
      if (isUnifiedHeader(data[pos]!) && this.isDtls) {
        // The connection id and the (encrypted) sequence number are header, never body: a record whose CID length
        // the hellos do not tell is counted, not sampled (the rest of the datagram is taken as that record).
        const cid = this.cidLength(dir);
        const n = unifiedRecordLength(data, pos, end, cid);
        const h = unifiedHeaderLength(data[pos]!, cid);
        if (n > 0 && h > 0 && h < n) this.sample(dir, data, pos + h, n - h, frame);
        this.counts.applicationData++;
        this.onAppData(dir, frame);
        if (!this.unifiedNoted) {
          this.unifiedNoted = true;
          this.evidence.add(frame, dir, { kind: 'dtls13-unified-header' });
        }
        if (n < 0) return; // connection id of unknown length: the rest of the datagram is this record
        pos += n;
        continue;
      }
      const r = this.rec;
      if (!readDtlsRecord(data, pos, end, r, this.cidLength(dir))) {
        this.badDatagrams++;
        if (this.valid) this.evidence.add(frame, dir, { kind: 'not-a-dtls-record' });
        this.valid = false;
        return;
      }
      this.classicSeen[dir] = true;
      if (this.firstVersion[dir] === null) this.firstVersion[dir] = r.version;
      // A tls12_cid record hides its real content type, as TLS 1.3's opaque records: counted as protected data.
      recordCount(this.counts, r.type === CT_TLS12_CID ? CT_APPLICATION_DATA : r.type);
      this.onRecord(dir, data, r, frame);
      pos = r.bodyOff + r.bodyLen;
    }
  }

  summary(): TlsSummary {
    const h = this.hello;
    const serverDir: Dir = h.serverHelloDir ?? (h.clientHelloDir === 0 ? 1 : h.clientHelloDir === 1 ? 0 : 1);
    const rv = this.firstVersion[serverDir] ?? this.firstVersion[serverDir === 0 ? 1 : 0];
    const s = h.summary(this.counts, rv, this.valid);
    s.helloVerifyRequest = this.helloVerifyRequest;
    return s;
  }

  /**
   * Length of the connection id on records sent in `dir` (RFC 9146/9147), -1 when the capture does not tell: records
   * to the client carry the CID of the ClientHello's connection_id extension, records to the server the CID of the
   * ServerHello's (DTLS 1.2; DTLS 1.3 sends it in the encrypted EncryptedExtensions).
   */
  private cidLength(dir: Dir): number {
    const h = this.hello;
    const clientDir = h.clientHelloDir ?? (h.serverHelloDir === null ? null : h.serverHelloDir === 0 ? 1 : 0);
    if (clientDir === null) return -1;
    const n = dir === clientDir ? h.serverHello?.connectionIdLength : h.clientHello?.connectionIdLength;
    return n ?? -1;
  }

  /** The datagram's first record is a whole classic record, or a unified header once classic records were seen. */
  private startsWithRecord(dir: Dir, data: Uint8Array, offset: number, end: number): boolean {
    if (isUnifiedHeader(data[offset]!)) return this.isDtls;
    return readDtlsRecord(data, offset, end, this.rec, this.cidLength(dir));
  }

  private onCleartextRpc(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    if (this.cleartextRpc === null) {
      this.cleartextRpc = new RpcAnalyzer('udp', this.evidence);
      this.cleartextRpcFirst = { frame, dir };
      this.evidence.add(frame, dir, { kind: 'cleartext-rpc-on-dtls' });
    }
    this.cleartextRpc.onDatagram(dir, data, offset, length, frame);
  }

  private sample(dir: Dir, data: Uint8Array, off: number, len: number, frame: number): void {
    this.plaintext.begin(dir);
    this.plaintext.body(dir, data, off, len);
    this.plaintext.end(dir, frame);
  }

  private onAppData(dir: Dir, frame: number): void {
    this.appData[dir]++;
    if (!this.bothWaysNoted && this.appData[0] > 0 && this.appData[1] > 0) {
      this.bothWaysNoted = true;
      this.evidence.add(frame, dir, { kind: 'app-data-both-ways' });
    }
  }

  private onRecord(dir: Dir, data: Uint8Array, r: DtlsRecord, frame: number): void {
    if (r.type === CT_APPLICATION_DATA || r.type === CT_TLS12_CID) {
      if (r.epoch === 0) {
        this.epoch0Records++;
        if (this.epoch0Data === null) {
          this.epoch0Data = { frame, dir };
          this.evidence.add(frame, dir, { kind: 'dtls-epoch0-data' });
        }
      } else this.sample(dir, data, r.bodyOff, r.bodyLen, frame);
      this.onAppData(dir, frame);
    } else if (r.type === CT_ALERT) {
      if (r.epoch === 0 && r.bodyLen === 2) {
        const level = data[r.bodyOff]!;
        const desc = data[r.bodyOff + 1]!;
        this.hello.onAlert(level, desc, `${alertLevelName(level)} ${alertDescriptionName(desc)}`, false, dir, frame);
      } else this.hello.onAlert(0, 0, 'encrypted', true, dir, frame);
    } else if (r.type === CT_HANDSHAKE && r.epoch === 0) {
      this.onHandshakeRecord(dir, data, r.bodyOff, r.bodyOff + r.bodyLen, frame);
    }
  }

  private onHandshakeRecord(dir: Dir, data: Uint8Array, pos: number, end: number, frame: number): void {
    const f = this.frag;
    while (pos < end) {
      if (!readDtlsFragment(data, pos, end, f)) {
        this.hello.onMalformed({ problem: 'fragment-header' }, dir, frame);
        return;
      }
      this.onFragment(dir, data, f, frame);
      pos = f.dataOff + f.fragLen;
    }
  }

  private wanted(type: number): boolean {
    if (type === HS_CLIENT_HELLO) return this.hello.clientHello === null;
    if (type === HS_SERVER_HELLO) return this.hello.serverHello === null;
    return type === HS_HELLO_VERIFY_REQUEST;
  }

  private onFragment(dir: Dir, data: Uint8Array, f: DtlsFragment, frame: number): void {
    if (!this.wanted(f.msgType)) return;
    if (f.fragOff === 0 && f.fragLen === f.msgLen) {
      this.onMessage(dir, f.msgType, data, f.dataOff, f.msgLen, frame);
      return;
    }
    if (f.msgLen > MSG_CAP) {
      this.hello.onMalformed({ problem: 'over-cap', length: f.msgLen }, dir, frame);
      return;
    }
    const ra = this.reasm[dir];
    if (ra.buf === null || ra.seq !== f.messageSeq || ra.type !== f.msgType || ra.buf.length !== f.msgLen) {
      ra.reset(f.messageSeq, f.msgType, f.msgLen);
    }
    if (ra.add(data, f)) {
      const buf = ra.buf!;
      ra.clear();
      this.onMessage(dir, f.msgType, buf, 0, buf.length, frame);
    }
  }

  private onMessage(dir: Dir, type: number, buf: Uint8Array, off: number, len: number, frame: number): void {
    if (type === HS_CLIENT_HELLO) {
      const r = parseClientHello(buf, off, len, true);
      if (r.ok) this.hello.onClientHello(r.value, dir, frame);
      else this.hello.onMalformed({ problem: 'decoder', error: r.error }, dir, frame);
    } else if (type === HS_SERVER_HELLO) {
      const r = parseServerHello(buf, off, len);
      if (r.ok) this.hello.onServerHello(r.value, dir, frame);
      else this.hello.onMalformed({ problem: 'decoder', error: r.error }, dir, frame);
    } else if (type === HS_HELLO_VERIFY_REQUEST) {
      const r = parseHelloVerifyRequest(buf, off, len);
      if (!r.ok) this.hello.onMalformed({ problem: 'decoder', error: r.error }, dir, frame);
      else if (!this.helloVerifyRequest) {
        this.helloVerifyRequest = true;
        this.evidence.add(frame, dir, { kind: 'hello-verify-request', cookieLength: r.value.cookieLength });
      }
    }
  }
}
