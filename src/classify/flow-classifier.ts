/**
 * Per-flow protocol detection and dispatch (Suricata-style probing): the first bytes of a direction decide
 * whether a flow carries ONC-RPC, TLS or DTLS, whatever its port. The chosen analyzer then reads the flow; an RPC
 * flow that performs the RFC 9289 STARTTLS upgrade hands each direction to a TLS analyzer at the upgrade point.
 * Owns no parsing itself: that is in src/protocol and the analyzers.
 */

import type { FlowAnalysis, FlowAnalysisFactory } from '../flow/flow.js';
import { probeDtls } from '../protocol/dtls.js';
import { probeCutRpcRecord, probeRpcDatagram, probeRpcRecord } from '../protocol/rpc.js';
import { probeSslv2ClientHello } from '../protocol/sslv2.js';
import { probeTls } from '../protocol/tls.js';
import type { Dir } from './analyzer.js';
import { EvidenceLog } from './analyzer.js';
import { DtlsAnalyzer } from './dtls-analyzer.js';
import { ExposureAnalyzer, type ExposureConfig, HeadPool } from './exposure-analyzer.js';
import { RpcAnalyzer } from './rpc-analyzer.js';
import { TlsAnalyzer } from './tls-analyzer.js';

/** Failed probes per direction, on average, before a flow is called opaque (MAX_PROBES * 2 runs or datagrams in all). */
const MAX_PROBES = 8;

export type Detected = 'none' | 'rpc' | 'tls' | 'dtls' | 'opaque';

/**
 * Peeks at a flow's first payload: true when it is a message only a server sends first (RPC REPLY, TLS
 * ServerHello, DTLS HelloVerifyRequest/ServerHello), false when only a client sends it (RPC CALL, ClientHello), null
 * when unsure. Used to orient flows whose SYN was not captured.
 */
export function serverSpeaksFirst(transport: 'tcp' | 'udp', d: Uint8Array, off: number, len: number): boolean | null {
  if (transport === 'tcp') {
    if (len >= 12 && (d[off]! & 0x80) !== 0 && probeRpcRecord(d, off, len)) {
      const mtype = ((d[off + 8]! << 24) | (d[off + 9]! << 16) | (d[off + 10]! << 8) | d[off + 11]!) >>> 0;
      return mtype === 1 ? true : mtype === 0 ? false : null;
    }
    if (len >= 6 && d[off] === 22 && d[off + 1] === 3) {
      const ht = d[off + 5];
      return ht === 2 ? true : ht === 1 ? false : null;
    }
    if (probeSslv2ClientHello(d, off, len)) return false;
    return null;
  }
  if (len >= 8 && probeRpcDatagram(d, off, len)) {
    const mtype = ((d[off + 4]! << 24) | (d[off + 5]! << 16) | (d[off + 6]! << 8) | d[off + 7]!) >>> 0;
    return mtype === 1 ? true : mtype === 0 ? false : null;
  }
  if (len >= 14 && d[off] === 22 && d[off + 1] === 0xfe) {
    const ht = d[off + 13];
    return ht === 2 || ht === 3 ? true : ht === 1 ? false : null;
  }
  return null;
}

export class FlowClassifier implements FlowAnalysis {
  readonly evidence = new EvidenceLog(24);
  detected: Detected = 'none';
  rpc: RpcAnalyzer | null = null;
  tls: TlsAnalyzer | null = null;
  dtls: DtlsAnalyzer | null = null;
  /** Per direction: bytes now go to TLS (after a STARTTLS upgrade, or a TLS flow). */
  private tlsDir0 = false;
  private tlsDir1 = false;
  private probes = 0;
  /** Per direction: the start of a short run that did not probe, until the next data or gap decides. */
  private readonly shortRun: (Uint8Array | undefined)[] = [undefined, undefined];
  /** True once any payload reached this classifier. */
  started = false;
  /** Triage only: reads what the cleartext RPC exposes (null in verify-encryption). */
  exposure: ExposureAnalyzer | null = null;

  constructor(
    readonly transport: 'tcp' | 'udp',
    /** On the NFS port set: unrecognised bytes make the flow "opaque" rather than "none". */
    readonly onServicePort: boolean,
    /** --handshake-only: TLS analyzers stop after the handshake (weaker; never the default). */
    readonly handshakeOnly = false,
    /** Makes the exposure reader when this flow turns out to be RPC (triage only). */
    private readonly makeExposure: (() => ExposureAnalyzer) | null = null,
  ) {}

  private startRpc(transport: 'tcp' | 'udp'): RpcAnalyzer {
    this.detected = 'rpc';
    this.rpc = new RpcAnalyzer(transport, this.evidence);
    if (this.makeExposure !== null) this.exposure = this.makeExposure();
    return this.rpc;
  }

  get finished(): boolean {
    switch (this.detected) {
      case 'opaque':
        return true;
      case 'tls':
        return this.tls?.finished === true;
      case 'dtls':
        return this.dtls?.finished === true;
      case 'rpc':
        if (this.tls !== null) return this.tlsDir0 && this.tlsDir1 && this.tls.finished;
        return this.rpc?.finished === true;
      default:
        return false;
    }
  }

  /** The direction the handshake or the RPC calls say is the client's, null when the bytes do not tell. */
  get clientDir(): Dir | null {
    if (this.tls !== null && this.tls.clientDir !== null) return this.tls.clientDir;
    if (this.dtls !== null) {
      const h = this.dtls.hello;
      if (h.clientHelloDir !== null) return h.clientHelloDir;
      if (h.serverHelloDir !== null) return h.serverHelloDir === 0 ? 1 : 0;
    }
    return null;
  }

  tcpData(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    this.started = true;
    if (this.detected === 'opaque') return;
    if (this.detected === 'none' && !this.probeTcp(dir, data, offset, length, frame)) return;
    if (this.detected === 'tls') {
      this.tls!.onData(dir, data, offset, length, frame);
      return;
    }
    if (this.detected !== 'rpc') return;
    if (dir === 0 ? this.tlsDir0 : this.tlsDir1) {
      this.tls!.onData(dir, data, offset, length, frame);
      return;
    }
    const used = this.rpc!.onData(dir, data, offset, length, frame);
    if (this.exposure !== null && used > 0) this.exposure.onData(dir, data, offset, used, frame);
    if (used < length && this.rpc!.upgradedToTls(dir)) {
      if (this.tls === null) {
        this.tls = new TlsAnalyzer(this.evidence, this.handshakeOnly);
        this.evidence.add(frame, dir, 'RPC-with-TLS: TLS starts on the same connection after STARTTLS');
      }
      if (dir === 0) this.tlsDir0 = true;
      else this.tlsDir1 = true;
      this.tls.onData(dir, data, offset + used, length - used, frame);
    }
  }

  tcpFin(dir: Dir, frame: number): void {
    if (this.detected === 'tls' || (dir === 0 ? this.tlsDir0 : this.tlsDir1)) this.tls?.onFin(dir, frame);
  }

  tcpGap(dir: Dir, length: number, frame: number): void {
    const short = this.shortRun[dir];
    if (this.detected === 'none' && short !== undefined && short.length > 0) {
      // The first bytes of a direction, then missing bytes: a record whose RPC header snaplen cut.
      if (probeCutRpcRecord(short, 0, short.length)) {
        const rpc = this.startRpc('tcp');
        rpc.cutRecord(dir, short, 0, short.length, frame);
        rpc.onGap(dir, length, frame);
      }
    }
    this.shortRun[dir] = undefined;
    if (this.detected === 'tls' || (dir === 0 ? this.tlsDir0 : this.tlsDir1)) this.tls?.onGap(dir, length, frame);
    else if (this.detected === 'rpc') {
      this.rpc!.onGap(dir, length, frame);
      this.exposure?.onGap(dir, length);
    }
  }

  udpDatagram(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    this.started = true;
    if (this.detected === 'none') {
      if (probeRpcDatagram(data, offset, length)) this.startRpc('udp');
      else if (probeDtls(data, offset, length)) {
        this.detected = 'dtls';
        this.dtls = new DtlsAnalyzer(this.evidence);
        this.evidence.add(frame, dir, 'DTLS record header');
      } else {
        if (this.bumpProbe()) this.giveUp(frame);
        return;
      }
    }
    if (this.detected === 'rpc') {
      this.rpc!.onDatagram(dir, data, offset, length, frame);
      this.exposure?.onDatagram(dir, data, offset, length, frame);
    } else if (this.detected === 'dtls') this.dtls!.onDatagram(dir, data, offset, length, frame);
  }

  private probeTcp(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): boolean {
    this.shortRun[dir] = undefined;
    if (probeRpcRecord(data, offset, length)) {
      this.startRpc('tcp');
      return true;
    }
    if (probeTls(data, offset, length) || probeSslv2ClientHello(data, offset, length)) {
      this.detected = 'tls';
      this.tls = new TlsAnalyzer(this.evidence, this.handshakeOnly);
      this.tlsDir0 = true;
      this.tlsDir1 = true;
      return true;
    }
    // Kept (a copy of at most 28 bytes, once per short run) in case a gap follows: then snaplen cut it.
    if (length >= 10 && length <= 44) this.shortRun[dir] = Uint8Array.from(data.subarray(offset, offset + 28));
    if (this.bumpProbe()) this.giveUp(frame);
    return false;
  }

  /** Counts a failed probe; true after MAX_PROBES * 2 of them (both directions together). */
  private bumpProbe(): boolean {
    this.probes++;
    return this.probes >= MAX_PROBES * 2;
  }

  private giveUp(frame: number): void {
    this.detected = 'opaque';
    if (this.onServicePort) {
      this.evidence.add(frame, undefined, 'payload is neither ONC-RPC nor a TLS/DTLS record stream');
    }
  }
}

/** The factory the engine gives the flow table. */
export const classifierFactory: FlowAnalysisFactory = {
  create: (transport, onServicePort) => new FlowClassifier(transport, onServicePort),
  serverSpeaksFirst,
};

/** The factory with --handshake-only: TLS is read up to its handshake and first records, then no more (weaker). */
export const handshakeOnlyClassifierFactory: FlowAnalysisFactory = {
  create: (transport, onServicePort) => new FlowClassifier(transport, onServicePort, true),
  serverSpeaksFirst,
};

/** Triage's factory: the same classifiers, each RPC flow also read for its exposure (heads from one pool). */
export function exposureClassifierFactory(config: ExposureConfig): FlowAnalysisFactory {
  const pool = new HeadPool();
  const make = () => new ExposureAnalyzer(config, pool);
  return {
    create: (transport, onServicePort) => new FlowClassifier(transport, onServicePort, false, make),
    serverSpeaksFirst,
  };
}
