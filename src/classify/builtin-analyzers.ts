/**
 * The built-in entries of the analyzer registry: ONC-RPC (with the RFC 9289 STARTTLS upgrade to TLS on the same
 * connection), TLS and DTLS. Each adapts its analyzers to the registry's ProtocolAnalyzer and states its facts with
 * the rules of src/classify/verdict.ts. A new protocol adds one line to BUILTIN_ANALYZERS.
 */

import { probeDtls } from '../protocol/dtls.js';
import { probeCutRpcRecord, probeRpcDatagram, probeRpcRecord } from '../protocol/rpc.js';
import { probeSslv2ClientHello } from '../protocol/sslv2.js';
import { probeTls } from '../protocol/tls.js';
import type { Dir, EvidenceLog } from './analyzer.js';
import { DtlsAnalyzer } from './dtls-analyzer.js';
import type { ExposureAnalyzer } from './exposure-analyzer.js';
import type { ExposureFacts } from './facts.js';
import {
  type AnalyzerEntry,
  type AnalyzerOptions,
  AnalyzerRegistry,
  type FlowContext,
  type FlowVerdict,
  type ProtocolAnalyzer,
  type Transport,
} from './registry.js';
import { RpcAnalyzer } from './rpc-analyzer.js';
import { TlsAnalyzer } from './tls-analyzer.js';
import { dtlsFlowVerdict, rpcFlowVerdict, tlsFlowVerdict } from './verdict.js';

function u32(d: Uint8Array, at: number): number {
  return ((d[at]! << 24) | (d[at + 1]! << 16) | (d[at + 2]! << 8) | d[at + 3]!) >>> 0;
}

/**
 * ONC-RPC on TCP or UDP; after an RFC 9289 upgrade each direction's remaining bytes go to a TLS analyzer. With the
 * exposure option (triage) the RPC bytes read in the clear also go to an exposure reader.
 */
export class RpcFlow implements ProtocolAnalyzer {
  readonly rpc: RpcAnalyzer;
  tls: TlsAnalyzer | null = null;
  /** Triage only: reads what the cleartext RPC exposes (null in verify-encryption). */
  readonly exposureReader: ExposureAnalyzer | null;
  /** Per direction: bytes now go to TLS (after the upgrade). */
  private readonly toTls: [boolean, boolean] = [false, false];

  constructor(
    transport: Transport,
    private readonly evidence: EvidenceLog,
    private readonly opts: AnalyzerOptions,
  ) {
    this.rpc = new RpcAnalyzer(transport, evidence);
    this.exposureReader = opts.exposure?.() ?? null;
  }

  get finished(): boolean {
    if (this.tls !== null) return this.toTls[0] && this.toTls[1] && this.tls.finished;
    return this.rpc.finished;
  }

  get clientDir(): Dir | null {
    return this.tls?.clientDir ?? null;
  }

  onData(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    if (this.toTls[dir]) {
      this.tls!.onData(dir, data, offset, length, frame);
      return;
    }
    const used = this.rpc.onData(dir, data, offset, length, frame);
    if (this.exposureReader !== null && used > 0) this.exposureReader.onData(dir, data, offset, used, frame);
    if (used < length && this.rpc.upgradedToTls(dir)) {
      if (this.tls === null) {
        this.tls = new TlsAnalyzer(this.evidence, this.opts.handshakeOnly === true);
        this.evidence.add(frame, dir, { kind: 'rpc-with-tls-starts' });
      }
      this.toTls[dir] = true;
      this.tls.onData(dir, data, offset + used, length - used, frame);
    }
  }

  onGap(dir: Dir, length: number, frame: number): void {
    if (this.toTls[dir]) this.tls!.onGap(dir, length, frame);
    else {
      this.rpc.onGap(dir, length, frame);
      this.exposureReader?.onGap(dir, length);
    }
  }

  onFin(dir: Dir, frame: number): void {
    if (this.toTls[dir]) this.tls!.onFin(dir, frame);
  }

  onDatagram(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    this.rpc.onDatagram(dir, data, offset, length, frame);
    this.exposureReader?.onDatagram(dir, data, offset, length, frame);
  }

  onCutStart(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    this.rpc.cutRecord(dir, data, offset, length, frame);
  }

  verdict(ctx: FlowContext): FlowVerdict {
    return rpcFlowVerdict(this.rpc, this.tls, ctx);
  }

  exposure(): ExposureFacts | null {
    return this.exposureReader?.finish() ?? null;
  }
}

/** TLS from the first byte of the flow. */
export class TlsFlow implements ProtocolAnalyzer {
  readonly tls: TlsAnalyzer;

  constructor(evidence: EvidenceLog, opts: AnalyzerOptions) {
    this.tls = new TlsAnalyzer(evidence, opts.handshakeOnly === true);
  }

  get finished(): boolean {
    return this.tls.finished;
  }

  get clientDir(): Dir | null {
    return this.tls.clientDir;
  }

  onData(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    this.tls.onData(dir, data, offset, length, frame);
  }

  onGap(dir: Dir, length: number, frame: number): void {
    this.tls.onGap(dir, length, frame);
  }

  onFin(dir: Dir, frame: number): void {
    this.tls.onFin(dir, frame);
  }

  onDatagram(): void {}

  verdict(ctx: FlowContext): FlowVerdict {
    return tlsFlowVerdict(this.tls, ctx);
  }
}

/** DTLS on any UDP port. */
export class DtlsFlow implements ProtocolAnalyzer {
  readonly dtls: DtlsAnalyzer;
  private noted = false;

  constructor(private readonly evidence: EvidenceLog) {
    this.dtls = new DtlsAnalyzer(evidence);
  }

  get finished(): boolean {
    return this.dtls.finished;
  }

  get clientDir(): Dir | null {
    const h = this.dtls.hello;
    if (h.clientHelloDir !== null) return h.clientHelloDir;
    if (h.serverHelloDir !== null) return h.serverHelloDir === 0 ? 1 : 0;
    return null;
  }

  onData(): void {}
  onGap(): void {}
  onFin(): void {}

  onDatagram(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    if (!this.noted) {
      this.noted = true;
      this.evidence.add(frame, dir, { kind: 'dtls-record-header' });
    }
    this.dtls.onDatagram(dir, data, offset, length, frame);
  }

  verdict(ctx: FlowContext): FlowVerdict {
    return dtlsFlowVerdict(this.dtls, ctx);
  }
}

export const RPC_ENTRY: AnalyzerEntry = {
  name: 'rpc',
  transports: ['tcp', 'udp'],
  nfsByContent: true,
  probe: (t, d, off, len) => (t === 'tcp' ? probeRpcRecord(d, off, len) : probeRpcDatagram(d, off, len)),
  probeCut: probeCutRpcRecord,
  create: (t, evidence, opts) => new RpcFlow(t, evidence, opts),
  serverSpeaksFirst(t, d, off, len) {
    // The message type follows the record mark (TCP) and the xid: 0 CALL (client), 1 REPLY (server).
    if (t === 'tcp') {
      if (len < 12 || (d[off]! & 0x80) === 0 || !probeRpcRecord(d, off, len)) return null;
      const mtype = u32(d, off + 8);
      return mtype === 1 ? true : mtype === 0 ? false : null;
    }
    if (len < 8 || !probeRpcDatagram(d, off, len)) return null;
    const mtype = u32(d, off + 4);
    return mtype === 1 ? true : mtype === 0 ? false : null;
  },
};

export const TLS_ENTRY: AnalyzerEntry = {
  name: 'tls',
  transports: ['tcp'],
  // A TLS record stream, or an SSLv2-format ClientHello (the TLS analyzer reads and grades it).
  probe: (_t, d, off, len) => probeTls(d, off, len) || probeSslv2ClientHello(d, off, len),
  create: (_t, evidence, opts) => new TlsFlow(evidence, opts),
  serverSpeaksFirst(_t, d, off, len) {
    // A handshake record: ServerHello (2) only from a server, ClientHello (1) only from a client.
    if (len >= 6 && d[off] === 22 && d[off + 1] === 3) {
      const ht = d[off + 5];
      return ht === 2 ? true : ht === 1 ? false : null;
    }
    return probeSslv2ClientHello(d, off, len) ? false : null;
  },
};

export const DTLS_ENTRY: AnalyzerEntry = {
  name: 'dtls',
  transports: ['udp'],
  probe: (_t, d, off, len) => probeDtls(d, off, len),
  create: (_t, evidence) => new DtlsFlow(evidence),
  serverSpeaksFirst(_t, d, off, len) {
    // A handshake record's message type: HelloVerifyRequest (3) and ServerHello (2) from a server, ClientHello (1).
    if (len < 14 || d[off] !== 22 || d[off + 1] !== 0xfe) return null;
    const ht = d[off + 13];
    return ht === 2 || ht === 3 ? true : ht === 1 ? false : null;
  },
};

/** The protocols wireseal reads, in probing order. */
export const BUILTIN_ANALYZERS: readonly AnalyzerEntry[] = [RPC_ENTRY, TLS_ENTRY, DTLS_ENTRY];

/** A registry of the built-in analyzers (tests add their own entries to a registry of their own). */
export function builtinRegistry(): AnalyzerRegistry {
  return new AnalyzerRegistry(BUILTIN_ANALYZERS);
}
