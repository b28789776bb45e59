/**
 * The flow table: finds or creates the bidirectional flow of each decoded packet (keyed by numbers, no strings),
 * keeps per-direction counters, decides client/server orientation, runs TCP reassembly and hands payload to the
 * flow's classifier. Live flows are capped; evictions are counted and the evicted flows are finalised, not lost.
 */
import type { DecodedPacket } from '../decode/types.js';
import { Flow, type FlowAnalysisFactory } from './flow.js';
import type { PortSet } from './ports.js';
import { selectSmallest } from './select.js';
import { type HeldBudget, type StreamSink, TcpDirection } from './tcp-stream.js';

export interface FlowTableOptions {
  ports: PortSet;
  /** Makes each flow's analysis (the engine gives src/classify's); the table never constructs analyzers. */
  analysis: FlowAnalysisFactory;
  /** Live flows at most; beyond it the least recently seen are finalised (default 65536). */
  maxFlows: number;
  /** Out-of-order bytes held per direction (default 256 KiB). */
  maxHeldBytes: number;
  /** Out-of-order bytes held in all flows together (default 64 MiB); past it, holes become gaps at once. */
  maxHeldTotal?: number;
  /**
   * Called once when a TCP flow closes (FIN both ways, or RST), after its held bytes were delivered: the owner may
   * reduce the flow's analysis to its result and drop the analyzers (set `classifier`, `tcpA`, `tcpB` to null).
   * The flow stays in the table, counting trailing packets, until onFlowDone.
   */
  onFlowClosed?: (flow: Flow) => void;
  /** Called once per finished flow (closed, evicted or at end of capture). */
  onFlowDone: (flow: Flow) => void;
}

const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;
const TCP_ACK = 0x10;

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x5bd1e995);
  return h ^ (h >>> 15);
}

/** Adapts a flow direction to the TCP reassembler's sink without allocating per packet. */
class DirSink implements StreamSink {
  flow: Flow | null = null;
  fromA = true;
  data(data: Uint8Array, offset: number, length: number, frame: number): void {
    const f = this.flow!;
    f.classifier?.tcpData(this.fromA === f.clientIsA ? 0 : 1, data, offset, length, frame);
  }
  gap(length: number, frame: number): void {
    const f = this.flow!;
    f.classifier?.tcpGap(this.fromA === f.clientIsA ? 0 : 1, length, frame);
  }
}

/** Smallest slot count of the open-addressing table (a power of two). */
const MIN_SLOTS = 1024;

/** Eviction order: closed flows first, then the least recently seen; a strict order (table indices are unique). */
function evictionOrder(x: Flow, y: Flow): number {
  if (x.closed !== y.closed) return x.closed ? -1 : 1;
  return x.lastSec - y.lastSec || x.lastNsec - y.lastNsec || x.firstFrame - y.firstFrame || x.index - y.index;
}

export class FlowTable {
  /**
   * Open addressing with linear probing and backward-shift deletion: `slots[i]` is an index into `flows` (-1 for
   * empty) and `hashes[i]` that flow's key, so most probes never touch a Flow. At most half the slots are used.
   */
  private slots = new Int32Array(MIN_SLOTS).fill(-1);
  private hashes = new Int32Array(MIN_SLOTS);
  private mask = MIN_SLOTS - 1;
  /** Live flows by index; freed indices are reused. */
  private readonly flows: (Flow | null)[] = [];
  private readonly freeIndices: number[] = [];
  /** liveList's array. */
  private readonly scratch: Flow[] = [];
  private live = 0;
  /** Flow ids are counted per transport, as tshark numbers tcp.stream and udp.stream. */
  private nextTcpId = 0;
  private nextUdpId = 0;
  evicted = 0;
  private readonly sink = new DirSink();

  /** Out-of-order bytes held across the whole table. */
  readonly heldBudget: HeldBudget;

  constructor(private readonly opts: FlowTableOptions) {
    this.heldBudget = { used: 0, max: opts.maxHeldTotal ?? 64 * 1024 * 1024 };
  }

  get liveFlows(): number {
    return this.live;
  }

  get totalFlows(): number {
    return this.nextTcpId + this.nextUdpId;
  }

  /** Account one decoded TCP/UDP packet. `wireLen` is the frame's original length, `ifId` its interface. */
  packet(p: DecodedPacket, frame: number, tsSec: number, tsNsec: number, wireLen: number, ifId: number): void {
    const isTcp = p.protocol === 6;
    let hA = mix(mix(mix(mix(0x811c9dc5, p.src0), p.src1), p.src2 ^ p.src3), p.srcPort);
    let hB = mix(mix(mix(mix(0x811c9dc5, p.dst0), p.dst1), p.dst2 ^ p.dst3), p.dstPort);
    hA >>>= 0;
    hB >>>= 0;
    const ctx = p.ctx;
    // The encapsulation context is compared, not hashed: a flow whose two directions travel in different contexts
    // (one VNI each way) is found by its reverse 5-tuple (see below).
    const key = mix((hA ^ hB) >>> 0, (hA + hB) >>> 0) ^ p.protocol;
    const slots = this.slots;
    const hashes = this.hashes;
    const mask = this.mask;
    const transport = isTcp ? 'tcp' : 'udp';
    let flow: Flow | null = null;
    let fromA = true;
    let pair: Flow | null = null;
    for (let i = key & mask; ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s < 0) break;
      if (hashes[i] !== key) continue;
      const f = this.flows[s]!;
      if (f.transport !== transport) continue;
      if (
        f.ctx === ctx &&
        f.aPort === p.srcPort &&
        f.bPort === p.dstPort &&
        f.a0 === p.src0 &&
        f.b0 === p.dst0 &&
        f.a1 === p.src1 &&
        f.a2 === p.src2 &&
        f.a3 === p.src3 &&
        f.b1 === p.dst1 &&
        f.b2 === p.dst2 &&
        f.b3 === p.dst3
      ) {
        flow = f;
        fromA = true;
        break;
      }
      if (
        f.aPort === p.dstPort &&
        f.bPort === p.srcPort &&
        f.a0 === p.dst0 &&
        f.b0 === p.src0 &&
        f.a1 === p.dst1 &&
        f.a2 === p.dst2 &&
        f.a3 === p.dst3 &&
        f.b1 === p.src1 &&
        f.b2 === p.src2 &&
        f.b3 === p.src3
      ) {
        if (f.ctxB === ctx) {
          flow = f;
          fromA = false;
          break;
        }
        // The reverse direction of a tunnelled flow seen one way so far, arriving in another context: it pairs up
        // with it unless a flow of its own context turns up (mirror sessions of two VMs keep their flows apart).
        if (pair === null && ctx !== 0 && f.ctx !== 0 && f.pktsB === 0 && f.ctxB === f.ctx) pair = f;
      }
    }
    if (flow === null && pair !== null) {
      flow = pair;
      flow.ctxB = ctx;
      fromA = false;
    }
    const flags = isTcp ? p.tcpFlags : 0;
    // A new connection on a closed flow's 5-tuple (port reuse) starts a new flow, as tshark's streams do.
    if (flow !== null && isTcp && (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN && flow.closed) {
      this.remove(flow);
      this.finish(flow);
      flow = null;
    }
    if (flow === null) {
      flow = this.create(p, key, isTcp, frame, tsSec, tsNsec);
      fromA = true;
    }
    flow.lastSec = tsSec;
    flow.lastNsec = tsNsec;
    flow.lastFrame = frame;
    if (ifId < 31) flow.ifMask |= 1 << ifId;
    if (fromA) {
      flow.pktsA++;
      flow.bytesA += wireLen;
      flow.payA += p.payloadWireLength;
    } else {
      flow.pktsB++;
      flow.bytesB += wireLen;
      flow.payB += p.payloadWireLength;
    }
    if (isTcp) this.tcp(flow, p, fromA, flags, frame);
    else this.udp(flow, p, fromA, frame);
  }

  /** Finalise every live flow (end of capture), in order of their first packet. */
  flushAll(): void {
    const all = this.liveList();
    all.sort((x, y) => x.firstFrame - y.firstFrame);
    for (const f of all) {
      this.remove(f);
      this.finish(f);
    }
  }

  /** The live flows in index order, in an array reused from one call to the next (valid until the next call). */
  private liveList(): Flow[] {
    const all = this.scratch;
    let n = 0;
    const flows = this.flows;
    for (let i = 0; i < flows.length; i++) {
      const f = flows[i]!;
      if (f !== null) all[n++] = f;
    }
    all.length = n;
    return all;
  }

  private create(p: DecodedPacket, key: number, isTcp: boolean, frame: number, sec: number, nsec: number): Flow {
    if (this.live >= this.opts.maxFlows) this.evictSome();
    const f = isTcp ? new Flow(this.nextTcpId++, 'tcp') : new Flow(this.nextUdpId++, 'udp');
    f.a0 = p.src0;
    f.a1 = p.src1;
    f.a2 = p.src2;
    f.a3 = p.src3;
    f.b0 = p.dst0;
    f.b1 = p.dst1;
    f.b2 = p.dst2;
    f.b3 = p.dst3;
    f.aPort = p.srcPort;
    f.bPort = p.dstPort;
    f.ipVersion = p.ipVersion;
    f.ctx = p.ctx;
    f.ctxB = p.ctx;
    f.firstSec = sec;
    f.firstNsec = nsec;
    f.firstFrame = frame;
    f.key = key;
    // Orientation: SYN, else the service-port side, else first packet's source (content may still flip it).
    const flags = isTcp ? p.tcpFlags : 0;
    const ports = this.opts.ports;
    if (isTcp && (flags & TCP_SYN) !== 0) {
      f.clientIsA = (flags & TCP_ACK) === 0;
      f.orientation = 'syn';
    } else if (ports.has(p.dstPort) !== ports.has(p.srcPort)) {
      f.clientIsA = ports.has(p.dstPort);
      f.orientation = 'service-port';
    } else {
      f.clientIsA = true;
      f.orientation = 'first-packet';
    }
    if (isTcp && (flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) === TCP_SYN && p.payloadWireLength === 0) {
      f.deferred = true;
      f.isn = p.seq;
    } else this.analyse(f);
    this.insert(f);
    return f;
  }

  /** Makes a flow's reassembly state (TCP) and classifier. */
  private analyse(f: Flow): void {
    const ports = this.opts.ports;
    if (f.transport === 'tcp') {
      f.tcpA = new TcpDirection(this.opts.maxHeldBytes, this.heldBudget);
      f.tcpB = new TcpDirection(this.opts.maxHeldBytes, this.heldBudget);
    }
    f.classifier = this.opts.analysis.create(f.transport, ports.has(f.aPort) || ports.has(f.bPort));
    if (f.deferred) {
      f.deferred = false;
      f.tcpA!.syn(f.isn);
    }
  }

  private tcp(flow: Flow, p: DecodedPacket, fromA: boolean, flags: number, frame: number): void {
    if (flow.deferred) {
      const bareSyn = (flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) === TCP_SYN && p.payloadWireLength === 0;
      if (bareSyn && fromA) flow.isn = p.seq;
      else this.analyse(flow);
    }
    const mine = fromA ? flow.tcpA : flow.tcpB;
    const peer = fromA ? flow.tcpB : flow.tcpA;
    if ((flags & TCP_SYN) !== 0) {
      if (flow.orientation !== 'syn') {
        flow.clientIsA = fromA === ((flags & TCP_ACK) === 0);
        flow.orientation = 'syn';
      }
      mine?.syn(p.seq);
    }
    if ((flags & TCP_RST) !== 0) flow.rst = true;
    if ((flags & TCP_FIN) !== 0) {
      if (fromA) flow.finA = true;
      else flow.finB = true;
    }
    const cls = flow.classifier;
    if (mine === null || peer === null || cls === null) return;
    if (flow.done || cls.finished) {
      if (!flow.done) {
        flow.done = true;
        mine.release();
        peer.release();
      }
      if (flow.closed) this.opts.onFlowClosed?.(flow);
      return;
    }
    const sink = this.sink;
    sink.flow = flow;
    if ((flags & TCP_ACK) !== 0) {
      sink.fromA = !fromA;
      peer.peerAck(p.ack, frame, sink);
    }
    if (p.payloadWireLength > 0) {
      if (!cls.started && flow.orientation !== 'syn' && p.payloadLength > 0) {
        const speaksFirst = this.opts.analysis.serverSpeaksFirst('tcp', p.data, p.payloadOffset, p.payloadLength);
        if (speaksFirst !== null) {
          const senderIsClient = !speaksFirst;
          const clientIsA = fromA === senderIsClient;
          if (clientIsA !== flow.clientIsA || flow.orientation === 'first-packet') {
            flow.clientIsA = clientIsA;
            flow.orientation = 'content';
          }
        }
      }
      sink.fromA = fromA;
      mine.segment(p.seq, p.data, p.payloadOffset, p.payloadLength, p.payloadWireLength, frame, sink);
    }
    if ((flags & TCP_FIN) !== 0) {
      mine.fin((p.seq + p.payloadWireLength) >>> 0);
      cls.tcpFin(fromA === flow.clientIsA ? 0 : 1, frame);
    }
    if (flow.closed && (flags & (TCP_FIN | TCP_RST)) !== 0) {
      sink.fromA = true;
      flow.tcpA?.flush(sink);
      sink.fromA = false;
      flow.tcpB?.flush(sink);
      sink.flow = null;
      this.opts.onFlowClosed?.(flow);
      return;
    }
    sink.flow = null;
  }

  private udp(flow: Flow, p: DecodedPacket, fromA: boolean, frame: number): void {
    const cls = flow.classifier;
    if (cls === null || flow.done || p.payloadLength === 0) return;
    if (cls.finished) {
      flow.done = true;
      return;
    }
    if (!cls.started && flow.orientation !== 'service-port') {
      const speaksFirst = this.opts.analysis.serverSpeaksFirst('udp', p.data, p.payloadOffset, p.payloadLength);
      if (speaksFirst !== null) {
        flow.clientIsA = fromA === !speaksFirst;
        flow.orientation = 'content';
      }
    }
    cls.udpDatagram(fromA === flow.clientIsA ? 0 : 1, p.data, p.payloadOffset, p.payloadLength, frame);
  }

  private insert(f: Flow): void {
    if ((this.live + 1) * 2 > this.slots.length) this.grow();
    const idx = this.freeIndices.length > 0 ? this.freeIndices.pop()! : this.flows.length;
    if (idx === this.flows.length) this.flows.push(f);
    else this.flows[idx] = f;
    f.index = idx;
    this.place(f.key, idx);
    this.live++;
  }

  private place(key: number, idx: number): void {
    const mask = this.mask;
    let i = key & mask;
    while (this.slots[i]! >= 0) i = (i + 1) & mask;
    this.slots[i] = idx;
    this.hashes[i] = key;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.hashes = new Int32Array(size);
    this.mask = size - 1;
    for (const f of this.flows) if (f !== null) this.place(f.key, f.index);
  }

  private remove(flow: Flow): void {
    const idx = flow.index;
    if (idx < 0) return;
    const slots = this.slots;
    const hashes = this.hashes;
    const mask = this.mask;
    let i = flow.key & mask;
    while (slots[i] !== idx) {
      if (slots[i]! < 0) return; // not in the table (cannot happen while index >= 0)
      i = (i + 1) & mask;
    }
    // Backward-shift deletion: pull later entries of the probe run into the hole when their home allows it.
    for (let j = (i + 1) & mask; slots[j]! >= 0; j = (j + 1) & mask) {
      const home = hashes[j]! & mask;
      // The entry at j may move to i unless its home lies cyclically in (i, j].
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (stays) continue;
      slots[i] = slots[j]!;
      hashes[i] = hashes[j]!;
      i = j;
    }
    slots[i] = -1;
    this.flows[idx] = null;
    this.freeIndices.push(idx);
    flow.index = -1;
    this.live--;
  }

  private finish(flow: Flow): void {
    const sink = this.sink;
    sink.flow = flow;
    if (flow.classifier !== null && !flow.done && !flow.classifier.finished) {
      sink.fromA = true;
      flow.tcpA?.flush(sink);
      sink.fromA = false;
      flow.tcpB?.flush(sink);
    }
    flow.tcpA?.release();
    flow.tcpB?.release();
    sink.flow = null;
    this.opts.onFlowDone(flow);
  }

  /**
   * Finalise about an eighth of the live flows: closed ones first, then the least recently seen. The eighth is
   * selected, then only it is sorted (in the order a sort of all the flows gives them: ties by table index, as a
   * stable sort of the index-ordered list breaks them).
   */
  private evictSome(): void {
    const all = this.liveList();
    const n = Math.max(1, all.length >>> 3);
    selectSmallest(all, n, evictionOrder);
    const victims = all.slice(0, n).sort(evictionOrder);
    for (let i = 0; i < victims.length; i++) {
      const f = victims[i]!;
      this.remove(f);
      this.finish(f);
      this.evicted++;
    }
  }
}
