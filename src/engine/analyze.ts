/**
 * The pipeline for one capture source: packets -> decode -> flow table -> per-flow verdicts.
 * Streaming: only live flows are held; each finished flow is reduced to its FlowResult at once.
 */
import { PacketFilter } from '../capture/filter.js';
import { readCapture } from '../capture/read.js';
import { formatInstant, TimeWindow, type TimeWindowSpec } from '../capture/time-window.js';
import type { CaptureSummary, DropWindow, PacketRecord } from '../capture/types.js';
import type { ExposureConfig } from '../classify/exposure-analyzer.js';
import { classifierFactoryFor, type FlowClassifier } from '../classify/flow-classifier.js';
import type { AnalyzerRegistry } from '../classify/registry.js';
import { flowVerdict } from '../classify/verdict.js';
import { type DecodeConfig, decodePacket, newDecodeConfig } from '../decode/decode.js';
import { FragmentReassembler } from '../decode/fragments.js';
import { type DecodedPacket, type DecodeStatus, ENCAP_NAMES, newDecodedPacket } from '../decode/types.js';
import { addrToString, isLoopback } from '../flow/address.js';
import { EncapContexts } from '../flow/encap-context.js';
import { EncryptedTunnels } from '../flow/encrypted-tunnels.js';
import type { Flow } from '../flow/flow.js';
import { FlowTable } from '../flow/flow-table.js';
import { isTunnelPort, type PortSet } from '../flow/ports.js';
import type { TcpDirection } from '../flow/tcp-stream.js';
import { evidenceResult, evidenceText } from '../report/evidence-text.js';
import { anomalyResult, reasonText } from '../report/reason-text.js';
import type { CaptureResult, FlowResult, UnlistedKind } from '../report/schema.js';
import { BlindSpots } from './blind-spots.js';
import { countEmptyUnlisted, countUnlisted, newUnlisted } from './unlisted.js';

export interface AnalyzeOptions {
  ports: PortSet;
  /** Live flows at most (default 65536). */
  maxFlows?: number;
  /** Out-of-order bytes held per TCP direction (default 256 KiB). */
  maxHeldBytes?: number;
  /** Flow results kept at most (default 25,000: about 100 MB of results); beyond it flows are only counted (CaptureResult.unlisted). */
  maxResults?: number;
  /**
   * Keep results of every flow (default), or only of the flows verify-encryption reports: NFS-relevant ones and
   * DTLS (network-layer encryption on any port). The others are counted, not kept, so memory stays bounded on
   * captures full of unrelated traffic.
   */
  listAll?: boolean;
  /**
   * Flows without payload (SYN floods, scans, bare handshakes) listed at most (default 1,000): past it they are
   * counted in `unlisted` without building a result. They expose nothing and prove nothing, and a flood of them
   * must neither hold memory nor crowd the flows that carry data out of the listing.
   */
  maxEmptyListed?: number;
  /** Analyze only the flows whose 5-tuple hash falls in this shard (parallel workers; see parallel.ts). */
  shard?: { index: number; count: number };
  /** BPF expression: only the packets it keeps are analysed (files; live captures filter in the kernel). */
  filter?: string;
  /** Analyse only the first N packets (after the filter), as tcpdump -c N on a file. */
  count?: number;
  /** `--since` / `--until` on files: only packets in [since, until) are analysed (after the filter, before count). */
  timeWindow?: TimeWindowSpec;
  /** UDP ports decoded as VXLAN (default 4789, 8472, 4790) and GENEVE (default 6081). */
  vxlanPorts?: number[];
  genevePorts?: number[];
  /**
   * --handshake-only (Suricata's `encryption-handling: bypass`): stop reading a TLS flow once its handshake and the
   * first application data both ways were seen. Weaker: bytes after that point are not examined. Never the default.
   */
  handshakeOnly?: boolean;
  /**
   * Triage only: also read what each cleartext NFS flow exposes (calls matched to replies, READ/WRITE bytes, keyed
   * name hashes) into FlowResult.exposure. Off for verify-encryption, which keeps its speed and memory.
   */
  exposure?: ExposureConfig;
  /**
   * The protocol analyzers (default: the built-in ONC-RPC, TLS and DTLS entries). Tests register their own here;
   * parallel workers always use the built-in ones (a registry holds functions, which do not cross threads).
   */
  analyzers?: AnalyzerRegistry;
}

const PROTO_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

/** Symmetric hash of a packet's 5-tuple: both directions of a flow land in the same shard. */
export function shardOf(p: DecodedPacket, count: number): number {
  let h = (p.src0 ^ p.dst0) + (p.src1 ^ p.dst1) + (p.src2 ^ p.dst2) + (p.src3 ^ p.dst3);
  h = Math.imul(h ^ (p.srcPort ^ p.dstPort) ^ (p.protocol << 16), 0x9e3779b1);
  h ^= h >>> 15;
  return (h >>> 0) % count;
}

export interface CaptureAnalysisResult {
  capture: CaptureResult;
  flows: FlowResult[];
}

const NO_COUNTS = { total: 0, toServer: 0, toClient: 0 } as const;

function isoTime(sec: number, nsec: number): string {
  const d = new Date(sec * 1000);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.toISOString().slice(0, 19)}.${String(nsec).padStart(9, '0')}Z`;
}

export class CaptureAnalysis {
  private readonly table: FlowTable;
  private readonly decoded: DecodedPacket = newDecodedPacket();
  private readonly frags: FragmentReassembler;
  private readonly decodeConfig: DecodeConfig;
  /** Packets and bytes decoding could not read, by reason (captures[].blindSpots). */
  private readonly blind = new BlindSpots();
  private readonly contexts = new EncapContexts();
  private readonly tunnels = new EncryptedTunnels();
  /** Encapsulated packets by tunnel type (ENCAP_*) crossed, and by innermost IP protocol. */
  private readonly encapByLayer = new Float64Array(ENCAP_NAMES.length);
  private readonly encapByProto = new Float64Array(256);
  private encapPackets = 0;
  private readonly viaOfCtx = (ctx: number) => this.contexts.via(ctx);
  private readonly window: TimeWindow | null;
  /** Packets taken so far (for `count`). */
  private taken = 0;
  private readonly results: FlowResult[] = [];
  private readonly unlisted = newUnlisted();
  private readonly unlistedIndex = new Map<string, UnlistedKind>();
  /** Interface bitmask of each kept result, resolved to names at finish (names come with the summary). */
  private readonly ifMasks: number[] = [];
  /** The first packet of a link type we cannot decode: reported as the capture's error (exit 3). */
  private unknownLink: { linkType: number; offset: number } | null = null;
  /** Listed flows that carried no payload (see AnalyzeOptions.maxEmptyListed). */
  private emptyListed = 0;
  /** Results of closed flows still in the table (see freeze). */
  private readonly frozen = new Map<Flow, FlowResult>();
  readonly decodeErrors: Record<string, number> = {};
  private readonly filter: PacketFilter | null;

  constructor(
    readonly name: string,
    private readonly opts: AnalyzeOptions,
  ) {
    this.filter = opts.filter !== undefined ? new PacketFilter(opts.filter) : null;
    this.window = opts.timeWindow !== undefined ? new TimeWindow(opts.timeWindow) : null;
    const nfsPort = (port: number) => opts.ports.has(port);
    this.frags = new FragmentReassembler({ watchPort: nfsPort });
    this.decodeConfig = newDecodeConfig({
      vxlan: opts.vxlanPorts,
      geneve: opts.genevePorts,
      never: opts.ports.list(),
      watchPort: nfsPort,
    });
    this.table = new FlowTable({
      ports: opts.ports,
      analysis: classifierFactoryFor(opts.analyzers, {
        ...(opts.handshakeOnly === true ? { handshakeOnly: true } : {}),
        ...(opts.exposure !== undefined ? { exposure: opts.exposure } : {}),
      }),
      maxFlows: opts.maxFlows ?? 65536,
      maxHeldBytes: opts.maxHeldBytes ?? 256 * 1024,
      onFlowDone: (f) => this.flowDone(f),
      onFlowClosed: (f) => this.freeze(f),
    });
  }

  /** The packet handler to give a capture reader (bound, allocation-free per packet). */
  readonly onPacket = (rec: PacketRecord): void => {
    if (this.filter !== null && !this.filter.accepts(rec)) return;
    if (this.window !== null && !this.window.accepts(rec.tsSec, rec.tsNsec)) return;
    if (this.opts.count !== undefined && ++this.taken > this.opts.count) return;
    const p = this.decoded;
    const blind = this.blind;
    blind.totalPackets++;
    blind.totalBytes += rec.origLen;
    const st = decodePacket(rec, p, this.frags, this.decodeConfig);
    if (p.encapDepth > 0) this.countEncap(p, st);
    p.ctx = p.encapDepth === 0 ? 0 : this.contexts.intern(p);
    if (st === 'encrypted-tunnel') {
      this.tunnels.add(p, rec.frame, rec.origLen, this.viaOfCtx);
      return;
    }
    if (st !== 'ok') {
      if (st !== 'fragment-pending') this.undecoded(st, rec, p);
      return;
    }
    const shard = this.opts.shard;
    if (shard !== undefined && shardOf(p, shard.count) !== shard.index) return;
    this.table.packet(p, rec.frame, rec.tsSec, rec.tsNsec, rec.origLen, rec.interfaceId);
  };

  /** A packet decoding stopped on: counted as a blind spot (and in the older decodeErrors, by status). */
  private undecoded(st: DecodeStatus, rec: PacketRecord, p: DecodedPacket): void {
    this.decodeErrors[st] = (this.decodeErrors[st] ?? 0) + 1;
    if (st === 'unknown-linktype' && this.unknownLink === null) {
      this.unknownLink = { linkType: rec.linkType, offset: rec.fileOffset };
    }
    const ports = this.opts.ports;
    // Ports are read (and reset per packet and per tunnel level) only from a TCP/UDP header at least 4 bytes long.
    const nfs = (p.protocol === 6 || p.protocol === 17) && (ports.has(p.srcPort) || ports.has(p.dstPort));
    this.blind.add(st, rec.caplen, rec.origLen, this.decodeConfig.link.etherType, p.protocol, nfs);
  }

  private countEncap(p: DecodedPacket, st: string): void {
    this.encapPackets++;
    for (let i = 0; i < p.encapDepth; i++) this.encapByLayer[p.encapType[i]!]!++;
    if (st === 'ok' || st === 'not-tcp-udp') this.encapByProto[p.protocol]!++;
  }

  private encapsulationResult(): CaptureResult['encapsulation'] {
    if (this.encapPackets === 0) return undefined;
    const packetsByLayer: Record<string, number> = {};
    this.encapByLayer.forEach((n, t) => {
      if (n > 0) packetsByLayer[ENCAP_NAMES[t]!] = n;
    });
    const innerByProtocol: Record<string, number> = {};
    this.encapByProto.forEach((n, proto) => {
      if (n > 0) innerByProtocol[PROTO_NAMES[proto] ?? String(proto)] = n;
    });
    const r: NonNullable<CaptureResult['encapsulation']> = {
      packetsByLayer,
      innerByProtocol,
      contexts: this.contexts.size,
    };
    if (this.contexts.overflowed > 0) r.contextsOverflowed = this.contexts.overflowed;
    return r;
  }

  /** End of the capture: finalise every flow and build the capture's result. */
  finish(summary: CaptureSummary): CaptureAnalysisResult {
    this.table.flushAll();
    for (const fr of [this.frags, this.decodeConfig.innerFrags]) {
      fr.flushLost();
      const l = fr.lost;
      this.blind.addLostFragments(l.frames, l.bytes, l.watchedFrames, l.watchedBytes);
    }
    const ifNames: string[] = [];
    for (const i of summary.interfaces) ifNames[i.id] = i.name ?? String(i.id);
    this.results.forEach((r, k) => {
      const mask = this.ifMasks[k]!;
      if (mask === 0 || summary.format !== 'pcapng') return;
      const names: string[] = [];
      for (let i = 0; i < 31; i++) if ((mask & (1 << i)) !== 0) names.push(ifNames[i] ?? String(i));
      r.interfaces = names;
    });
    const rs = this.results;
    const order = rs
      .map((_, k) => k)
      .sort((x, y) => rs[x]!.firstFrame - rs[y]!.firstFrame || (rs[x]!.transport < rs[y]!.transport ? -1 : 1));
    const flows = order.map((k) => this.results[k]!);
    const capture: CaptureResult = {
      file: summary.file,
      format: summary.format,
      gzip: summary.gzip,
      packets: summary.packets,
      bytesRead: summary.bytesRead,
      interfaces: summary.interfaces.map((i) =>
        i.name ? { id: i.id, name: i.name, linkType: i.linkType } : { id: i.id, linkType: i.linkType },
      ),
      truncatedPackets: summary.truncatedPackets,
      decodeErrors: this.decodeErrors,
      flowsEvicted: this.table.evicted,
      flowsTotal: this.table.totalFlows,
    };
    if (this.unlisted.total > 0) capture.unlisted = this.unlisted;
    const encapsulation = this.encapsulationResult();
    if (encapsulation !== undefined) capture.encapsulation = encapsulation;
    if (this.tunnels.count > 0) capture.encryptedTunnels = this.tunnels.results();
    capture.blindSpots = this.blind.result();
    if (summary.kernelDrops !== undefined) capture.kernelDrops = summary.kernelDrops;
    if (summary.ifDrops !== undefined) capture.interfaceDrops = summary.ifDrops;
    if (summary.pcapReceived !== undefined) capture.pcapReceived = summary.pcapReceived;
    if (summary.dropWindows !== undefined && summary.dropWindows.length > 0) {
      capture.dropWindows = summary.dropWindows;
      markDrops(flows, summary.dropWindows);
    }
    const f = this.filter;
    if (f !== null) capture.filter = { expression: f.expression, matched: f.matched, rejected: f.rejected };
    const w = this.window;
    if (w !== null) {
      capture.timeWindow = { kept: w.kept, before: w.before, after: w.after };
      if (w.spec.since !== undefined) capture.timeWindow.since = formatInstant(w.spec.since);
      if (w.spec.until !== undefined) capture.timeWindow.until = formatInstant(w.spec.until);
    }
    if (summary.error) {
      capture.error = { kind: summary.error.kind, offset: summary.error.offset, message: summary.error.message };
    } else if (f?.failure) {
      capture.error = {
        kind: 'unsupported',
        offset: f.failure.offset,
        message: `${summary.file}: ${f.failure.message}`,
      };
    } else if (this.unknownLink !== null) {
      const { linkType, offset } = this.unknownLink;
      const n = this.decodeErrors['unknown-linktype'] ?? 0;
      capture.error = {
        kind: 'unsupported',
        offset,
        message: `${summary.file}: unsupported at byte ${offset}: link type ${linkType} is not decoded (${n} packets skipped)`,
      };
    }
    return { capture, flows };
  }

  /**
   * A closed TCP flow: its verdict can no longer change, so it is reduced to its result now and its analyzers are
   * dropped; only the counters of trailing packets (last ACKs) are added at the end. Keeps memory proportional to
   * the open flows, not to every flow of the capture.
   */
  private freeze(f: Flow): void {
    this.frozen.set(f, this.toResult(f));
    this.release(f);
  }

  /** Drops a flow's analyzers and reassembly state. */
  private release(f: Flow): void {
    f.classifier = null;
    f.tcpA?.release();
    f.tcpB?.release();
    f.tcpA = null;
    f.tcpB = null;
  }

  private flowDone(f: Flow): void {
    if (f.payA + f.payB === 0 && this.emptyListed >= (this.opts.maxEmptyListed ?? 1000)) {
      this.frozen.delete(f);
      this.release(f);
      const ports = this.opts.ports;
      const loopback =
        isLoopback(f.ipVersion, f.a0, f.a1, f.a2, f.a3) && isLoopback(f.ipVersion, f.b0, f.b1, f.b2, f.b3);
      countEmptyUnlisted(this.unlisted, ports.has(f.aPort) || ports.has(f.bPort), loopback);
      return;
    }
    let r = this.frozen.get(f);
    if (r === undefined) r = this.toResult(f);
    else {
      this.frozen.delete(f);
      this.refreshCounters(r, f);
    }
    this.release(f);
    const wanted = this.opts.listAll !== false || r.nfsRelevant || r.class === 'dtls';
    if (wanted && this.results.length < (this.opts.maxResults ?? 25_000)) {
      if (r.payload.total === 0) this.emptyListed++;
      this.results.push(r);
      this.ifMasks.push(f.ifMask);
      return;
    }
    countUnlisted(this.unlisted, this.unlistedIndex, r);
  }

  /** The fields that trailing packets still change: last seen and the counters, by direction. */
  private refreshCounters(r: FlowResult, f: Flow): void {
    const c = f.clientIsA;
    r.lastSeen = isoTime(f.lastSec, f.lastNsec);
    r.lastFrame = f.lastFrame;
    r.packets = { total: f.pktsA + f.pktsB, toServer: c ? f.pktsA : f.pktsB, toClient: c ? f.pktsB : f.pktsA };
    r.bytes = { total: f.bytesA + f.bytesB, toServer: c ? f.bytesA : f.bytesB, toClient: c ? f.bytesB : f.bytesA };
    r.payload = { total: f.payA + f.payB, toServer: c ? f.payA : f.payB, toClient: c ? f.payB : f.payA };
    if (f.transport === 'tcp')
      r.tcpEnd = f.rst ? 'rst' : f.finA && f.finB ? 'fin' : f.finA || f.finB ? 'half-closed' : 'open';
  }

  private toResult(f: Flow): FlowResult {
    // Without a SYN, the side that sent the ClientHello (or the RPC call) is the client, whatever the ports say.
    // The engine's factory made every classifier: it is a FlowClassifier.
    const cls = f.classifier as FlowClassifier | null;
    const cd = cls?.clientDir ?? null;
    const dirFlipped = f.orientation !== 'syn' && cd === 1;
    if (dirFlipped) {
      f.clientIsA = !f.clientIsA;
      f.orientation = 'content';
      for (const e of cls!.evidence.items) {
        if (e.dir !== undefined) e.dir = e.dir === 'to-server' ? 'to-client' : 'to-server';
      }
    }
    const a = { ip: addrToString(f.ipVersion, f.a0, f.a1, f.a2, f.a3), port: f.aPort };
    const b = { ip: addrToString(f.ipVersion, f.b0, f.b1, f.b2, f.b3), port: f.bPort };
    const c = f.clientIsA;
    const loopback = isLoopback(f.ipVersion, f.a0, f.a1, f.a2, f.a3) && isLoopback(f.ipVersion, f.b0, f.b1, f.b2, f.b3);
    const server = c ? b : a;
    const ports = this.opts.ports;
    const onServicePort = ports.has(f.aPort) || ports.has(f.bPort);
    const payloadBytes = f.payA + f.payB;
    const v = cls
      ? flowVerdict(cls, { loopback, tunnelPort: isTunnelPort(server.port), onServicePort, payloadBytes, dirFlipped })
      : f.deferred
        ? { class: 'none' as const, verdict: 'unknown' as const, why: { kind: 'no-payload' as const } }
        : { class: 'none' as const, verdict: 'unknown' as const, why: { kind: 'not-analysed' as const } };
    const gapA = f.tcpA?.gapBytes ?? 0;
    const gapB = f.tcpB?.gapBytes ?? 0;
    const r: FlowResult = {
      id: f.id,
      capture: this.name,
      transport: f.transport,
      client: c ? a : b,
      server,
      orientation: f.orientation,
      firstSeen: isoTime(f.firstSec, f.firstNsec),
      lastSeen: '',
      firstFrame: f.firstFrame,
      lastFrame: 0,
      packets: NO_COUNTS,
      bytes: NO_COUNTS,
      payload: NO_COUNTS,
      gaps: { toServer: c ? gapA : gapB, toClient: c ? gapB : gapA },
      nfsRelevant: onServicePort || cls?.nfsByContent === true || v.rpc !== undefined,
      loopback,
      class: v.class,
      verdict: v.verdict,
      verdictReason: reasonText(v.why),
      evidence: cls ? cls.evidence.items.map(evidenceResult) : [],
    };
    this.refreshCounters(r, f);
    if (v.tls) r.tls = v.tls;
    if (v.dtls) r.dtls = v.dtls;
    if (v.rpc) r.rpc = v.rpc;
    const exposure = cls?.exposure();
    if (exposure) r.exposure = exposure;
    if (v.anomalies && v.anomalies.length > 0) r.anomalies = v.anomalies.map(anomalyResult);
    if (cls && cls.evidence.dropped > 0) r.evidenceDropped = cls.evidence.dropped;
    const ctxToServer = c ? f.ctx : f.ctxB;
    const ctxToClient = c ? f.ctxB : f.ctx;
    if (ctxToServer !== 0) r.via = this.contexts.via(ctxToServer);
    if (ctxToClient !== ctxToServer) r.viaToClient = this.contexts.via(ctxToClient);
    if (f.tcpA !== null && f.tcpB !== null) applyOverlaps(r, c ? f.tcpA : f.tcpB, c ? f.tcpB : f.tcpA);
    return r;
  }
}

/**
 * TCP-OVERLAP-CONFLICT: retransmitted bytes that disagree with the bytes already delivered. The analyzers read only
 * the first copy, so the flow can not be `encrypted` (an encrypted verdict becomes `unknown`; cleartext stays).
 */
function applyOverlaps(r: FlowResult, toServer: TcpDirection, toClient: TcpDirection): void {
  const checked = toServer.overlapChecked + toClient.overlapChecked;
  const unchecked = toServer.overlapUnchecked + toClient.overlapUnchecked;
  const conflicting = toServer.overlapConflictBytes + toClient.overlapConflictBytes;
  if (checked + unchecked === 0) return;
  r.tcp = { overlaps: { checked, conflicting, unchecked } };
  if (conflicting === 0) return;
  const first =
    toClient.overlapConflicts > 0 &&
    (toServer.overlapConflicts === 0 || toClient.firstConflictFrame < toServer.firstConflictFrame)
      ? { d: toClient, dir: 'to-client' as const }
      : { d: toServer, dir: 'to-server' as const };
  const segs = toServer.overlapConflicts + toClient.overlapConflicts;
  const what = 'TCP retransmission disagrees with bytes already delivered (evasion or corruption)';
  const anomaly = { code: 'TCP-OVERLAP-CONFLICT', frame: first.d.firstConflictFrame, dir: first.dir, what };
  r.anomalies = [...(r.anomalies ?? []), anomaly];
  if (r.verdict === 'encrypted' || r.verdict === 'encrypted-weak') {
    r.verdict = 'unknown';
    r.verdictReason = `${r.verdictReason}, but ${segs} retransmitted segment${segs === 1 ? '' : 's'} disagree with the bytes already read (${conflicting} bytes differ)`;
  }
}

/** Analyze one capture file (or `-` for standard input). */
export async function analyzeCaptureFile(path: string, opts: AnalyzeOptions): Promise<CaptureAnalysisResult> {
  const analysis = new CaptureAnalysis(path, opts);
  const summary = await readCapture(path, analysis.onPacket);
  return analysis.finish(summary);
}

/** Seconds since the epoch of a result time (`YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`); NaN when empty. */
function epochSec(iso: string): number {
  return Date.parse(`${iso.slice(0, 19)}Z`) / 1000 + Number(`0${iso.slice(19, 29)}`);
}

/**
 * Live capture: a flow active while the capture dropped packets may have lost some of them. Its result carries
 * how many packets the capture dropped meanwhile (`captureDrops`), and an unknown verdict says why it may be so.
 */
export function markDrops(flows: FlowResult[], windows: readonly DropWindow[]): void {
  for (const r of flows) {
    const from = epochSec(r.firstSeen);
    const to = epochSec(r.lastSeen);
    if (!Number.isFinite(from) || !Number.isFinite(to)) continue;
    let n = 0;
    // Windows are measured between reads of the statistics: the drops lie anywhere inside, so any overlap counts.
    for (const w of windows) if (w.fromSec <= to && w.toSec >= from) n += w.count;
    if (n === 0) continue;
    r.captureDrops = n;
    const note = evidenceText({ kind: 'capture-drops', packets: n });
    r.evidence.push({ frame: r.lastFrame, what: note });
    if (r.verdict === 'unknown') r.verdictReason = `${r.verdictReason}; ${note}`;
  }
}
