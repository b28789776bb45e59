/**
 * The registry of protocol analyzers (issue 10; Suricata registers probe, parser and state per app-layer protocol):
 * each protocol is one entry of (probe, analyzer, facts). The flow classifier probes a direction's first bytes with
 * the entries in order and hands the flow to the first that accepts; the analyzer the entry creates reads every byte
 * of the flow and states its facts as a class, a verdict and typed summaries and anomalies (src/verify judges them,
 * src/report writes them).
 *
 * Adding a protocol touches at most four files: its parser (src/protocol), its analyzer with its entry
 * (src/classify), one line of BUILTIN_ANALYZERS (src/classify/builtin-analyzers.ts) and, when it brings a new flow
 * class or summary, src/classify/facts.ts. Tests register their own entries in a registry of their own and give it
 * to the engine (AnalyzeOptions.analyzers).
 */
import type { Dir, EvidenceLog } from './analyzer.js';
import type { ExposureAnalyzer } from './exposure-analyzer.js';
import type { AnomalyFact, ExposureFacts, FlowClass, FlowReason, RpcSummary, TlsSummary, Verdict } from './facts.js';

export type Transport = 'tcp' | 'udp';

/** What an analyzer states about its flow (src/classify/verdict.ts builds it for the built-in protocols). */
export interface FlowVerdict {
  class: FlowClass;
  verdict: Verdict;
  /** Why, as facts (src/report/reason-text.ts makes the text). */
  why: FlowReason;
  tls?: TlsSummary;
  dtls?: TlsSummary;
  rpc?: RpcSummary;
  /** Rules the flow broke, as facts (the engine adds their text: FlowAnomaly). */
  anomalies?: AnomalyFact[];
}

/** What the verdict rules need to know of the flow beyond its bytes. */
export interface FlowContext {
  loopback: boolean;
  /** The server side's port is in the tunnel range 20049-21049. */
  tunnelPort: boolean;
  onServicePort: boolean;
  payloadBytes: number;
  /** Analyzer direction 0 is server to client (the bytes showed the first sender was the server). */
  dirFlipped?: boolean;
}

/** Options every analyzer of a run receives. */
export interface AnalyzerOptions {
  /** TLS: stop at the first application data both ways (Suricata's bypass; weaker, opt-in). */
  handshakeOnly?: boolean;
  /**
   * Triage only: makes the reader of what a cleartext RPC flow exposes (its message heads come from one pool per
   * run). Absent in verify-encryption, which keeps its speed and memory.
   */
  exposure?: () => ExposureAnalyzer;
}

/**
 * One flow's analyzer. TCP analyzers get in-order bytes (one call per contiguous run), gaps and FINs; UDP analyzers
 * get one call per datagram. Never throws on bad bytes: what it cannot read becomes a fact (evidence, anomaly).
 */
export interface ProtocolAnalyzer {
  onData(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void;
  onGap(dir: Dir, length: number, frame: number): void;
  onFin(dir: Dir, frame: number): void;
  onDatagram(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void;
  /** True once nothing more can change the verdict (deep parsing may stop). */
  readonly finished: boolean;
  /** The direction the bytes say is the client's (a ClientHello's sender), null when they do not tell. */
  readonly clientDir: Dir | null;
  /** The flow's facts as class, verdict, summaries and anomalies. */
  verdict(ctx: FlowContext): FlowVerdict;
  /**
   * With AnalyzerOptions.exposure: what the flow exposed in the clear, read once when the flow ends (the reader's
   * buffers go back to their pool); null when nothing was read.
   */
  exposure?(): ExposureFacts | null;
}

export interface AnalyzerEntry {
  /** Short name ("rpc", "tls", "dtls"): FlowClassifier.detected. */
  readonly name: string;
  readonly transports: readonly Transport[];
  /** Do these first bytes of a direction (a TCP run, or one datagram) belong to this protocol? Pure, no allocation. */
  probe(transport: Transport, data: Uint8Array, offset: number, length: number): boolean;
  /**
   * TCP, optional: the first bytes of a direction, then missing bytes (snaplen cut them): do they start one of this
   * protocol's messages? When true the analyzer gets them through onCutStart, then the gap.
   */
  probeCut?(data: Uint8Array, offset: number, length: number): boolean;
  create(transport: Transport, evidence: EvidenceLog, opts: AnalyzerOptions): ProtocolAnalyzer & CutStart;
  /**
   * Orientation from a flow's first payload: true when only a server sends it, false when only a client, null when
   * unsure (or not this protocol).
   */
  serverSpeaksFirst?(transport: Transport, data: Uint8Array, offset: number, length: number): boolean | null;
  /** Flows of this protocol are NFS-relevant on any port (ONC-RPC found by content). */
  readonly nfsByContent?: boolean;
}

/** Optional: the start of a message whose rest the capture cut (see AnalyzerEntry.probeCut). */
export interface CutStart {
  onCutStart?(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void;
}

/** An ordered list of entries: earlier entries are probed first. */
export class AnalyzerRegistry {
  private readonly list: AnalyzerEntry[] = [];

  constructor(entries: readonly AnalyzerEntry[] = []) {
    for (const e of entries) this.register(e);
  }

  /** Adds an entry, probed after the ones already there (or first with `first`). Names are unique. */
  register(entry: AnalyzerEntry, where: 'first' | 'last' = 'last'): this {
    if (this.list.some((e) => e.name === entry.name)) throw new Error(`analyzer ${entry.name} is already registered`);
    if (where === 'first') this.list.unshift(entry);
    else this.list.push(entry);
    return this;
  }

  get entries(): readonly AnalyzerEntry[] {
    return this.list;
  }

  /** The first entry whose probe accepts these bytes, or null. */
  probe(transport: Transport, data: Uint8Array, offset: number, length: number): AnalyzerEntry | null {
    for (const e of this.list) {
      if (e.transports.includes(transport) && e.probe(transport, data, offset, length)) return e;
    }
    return null;
  }

  /** The first entry that recognises a cut message start, or null. */
  probeCut(data: Uint8Array, offset: number, length: number): AnalyzerEntry | null {
    for (const e of this.list) {
      if (e.transports.includes('tcp') && e.probeCut?.(data, offset, length) === true) return e;
    }
    return null;
  }

  /** Orientation from the first entry that can tell. */
  serverSpeaksFirst(transport: Transport, data: Uint8Array, offset: number, length: number): boolean | null {
    for (const e of this.list) {
      if (!e.transports.includes(transport) || e.serverSpeaksFirst === undefined) continue;
      const r = e.serverSpeaksFirst(transport, data, offset, length);
      if (r !== null) return r;
    }
    return null;
  }
}
