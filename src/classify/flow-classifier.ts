/**
 * Per-flow protocol detection and dispatch (Suricata-style probing): the first bytes of a direction decide, through
 * the analyzer registry (src/classify/registry.ts), which protocol's analyzer reads the flow, whatever its port.
 * Owns no parsing and no protocol knowledge itself: that is in the registry's entries, src/protocol and the analyzers.
 */

import type { FlowAnalysis, FlowAnalysisFactory } from '../flow/flow.js';
import type { Dir } from './analyzer.js';
import { EvidenceLog } from './analyzer.js';
import { builtinRegistry } from './builtin-analyzers.js';
import { type ExposureConfig, exposureReaders } from './exposure-analyzer.js';
import type { ExposureFacts } from './facts.js';
import type { AnalyzerOptions, AnalyzerRegistry, CutStart, ProtocolAnalyzer } from './registry.js';

/** Failed probes per direction, on average, before a flow is called opaque (MAX_PROBES * 2 runs or datagrams in all). */
const MAX_PROBES = 8;
/** A direction's first run of this many bytes or fewer that probes as nothing is kept, in case a gap follows it. */
const SHORT_RUN_MAX = 44;
const SHORT_RUN_MIN = 10;
/** Bytes of such a run kept (a record mark and the RPC call header up to the procedure). */
const SHORT_RUN_KEEP = 28;

/** 'none' until the first probe succeeds, then the entry's name ("rpc", "tls", "dtls"...), or 'opaque'. */
export type Detected = string;

export class FlowClassifier implements FlowAnalysis {
  readonly evidence = new EvidenceLog(24);
  detected: Detected = 'none';
  /** The analyzer the registry's entry made, null until a probe succeeded. */
  analyzer: (ProtocolAnalyzer & CutStart) | null = null;
  /** The entry's flows are NFS-relevant on any port (ONC-RPC by content). */
  nfsByContent = false;
  private probes = 0;
  /** Per direction: the start of a short run that did not probe, until the next data or gap decides. */
  private readonly shortRun: (Uint8Array | undefined)[] = [undefined, undefined];
  /** True once any payload reached this classifier. */
  started = false;

  constructor(
    readonly transport: 'tcp' | 'udp',
    /** On the NFS port set: unrecognised bytes make the flow "opaque" rather than "none". */
    readonly onServicePort: boolean,
    private readonly registry: AnalyzerRegistry = defaultRegistry,
    private readonly opts: AnalyzerOptions = {},
  ) {}

  get finished(): boolean {
    if (this.detected === 'opaque') return true;
    return this.analyzer?.finished === true;
  }

  /** With the exposure option: what the flow exposed in the clear (once, when the flow ends), else null. */
  exposure(): ExposureFacts | null {
    return this.analyzer?.exposure?.() ?? null;
  }

  /** The direction the handshake says is the client's, null when the bytes do not tell. */
  get clientDir(): Dir | null {
    return this.analyzer?.clientDir ?? null;
  }

  tcpData(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    this.started = true;
    if (this.detected === 'opaque') return;
    if (this.analyzer === null && !this.probe(dir, data, offset, length, frame)) return;
    this.analyzer!.onData(dir, data, offset, length, frame);
  }

  tcpFin(dir: Dir, frame: number): void {
    this.analyzer?.onFin(dir, frame);
  }

  tcpGap(dir: Dir, length: number, frame: number): void {
    const short = this.shortRun[dir];
    this.shortRun[dir] = undefined;
    if (this.analyzer === null && this.detected === 'none' && short !== undefined && short.length > 0) {
      // The first bytes of a direction, then missing bytes: a message whose header snaplen cut.
      const entry = this.registry.probeCut(short, 0, short.length);
      if (entry !== null) {
        this.adopt(entry.name, entry.create('tcp', this.evidence, this.opts), entry.nfsByContent === true);
        this.analyzer!.onCutStart?.(dir, short, 0, short.length, frame);
      }
    }
    this.analyzer?.onGap(dir, length, frame);
  }

  udpDatagram(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    this.started = true;
    if (this.detected === 'opaque') return;
    if (this.analyzer === null) {
      const entry = this.registry.probe('udp', data, offset, length);
      if (entry === null) {
        if (this.bumpProbe()) this.giveUp(frame);
        return;
      }
      this.adopt(entry.name, entry.create('udp', this.evidence, this.opts), entry.nfsByContent === true);
    }
    this.analyzer!.onDatagram(dir, data, offset, length, frame);
  }

  private adopt(name: string, analyzer: ProtocolAnalyzer & CutStart, nfsByContent: boolean): void {
    this.detected = name;
    this.analyzer = analyzer;
    this.nfsByContent = nfsByContent;
  }

  private probe(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): boolean {
    this.shortRun[dir] = undefined;
    const entry = this.registry.probe('tcp', data, offset, length);
    if (entry !== null) {
      this.adopt(entry.name, entry.create('tcp', this.evidence, this.opts), entry.nfsByContent === true);
      return true;
    }
    // Kept (a copy of at most 28 bytes, once per short run) in case a gap follows: then snaplen cut it.
    if (length >= SHORT_RUN_MIN && length <= SHORT_RUN_MAX)
      this.shortRun[dir] = Uint8Array.from(data.subarray(offset, offset + SHORT_RUN_KEEP));
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
      this.evidence.add(frame, undefined, { kind: 'unrecognised-payload' });
    }
  }
}

const defaultRegistry = builtinRegistry();

/** How a run reads its flows: options of the registry's entries, chosen once per run. */
export interface ClassifierOptions {
  /** --handshake-only: TLS is read up to its handshake and first records, then no more (weaker; never the default). */
  handshakeOnly?: boolean;
  /** Triage: each cleartext RPC flow is also read for what it exposes (names hashed with this key). */
  exposure?: ExposureConfig;
}

/**
 * The factory the engine gives the flow table: classifiers over `registry` (default: the built-in analyzers) with
 * the run's options. The flow table only calls it; it never constructs an analyzer itself.
 */
export function classifierFactoryFor(
  registry: AnalyzerRegistry = defaultRegistry,
  opts: ClassifierOptions = {},
): FlowAnalysisFactory {
  const aopts: AnalyzerOptions = {};
  if (opts.handshakeOnly === true) aopts.handshakeOnly = true;
  if (opts.exposure !== undefined) aopts.exposure = exposureReaders(opts.exposure);
  return {
    create: (transport, onServicePort) => new FlowClassifier(transport, onServicePort, registry, aopts),
    serverSpeaksFirst: (transport, data, offset, length) => registry.serverSpeaksFirst(transport, data, offset, length),
  };
}

/** The factory of the built-in analyzers with default options (verify-encryption). */
export const classifierFactory: FlowAnalysisFactory = classifierFactoryFor();
