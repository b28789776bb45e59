/**
 * One bidirectional transport flow: endpoints, counters and (TCP) per-direction reassembly state.
 * Side A is the source of the flow's first packet; `clientIsA` says which side is the client.
 */
import type { TcpDirection } from './tcp-stream.js';

/**
 * What the flow table hands bytes to: one per flow, made by the FlowAnalysisFactory the table's owner gives it (the
 * flow table never constructs analyzers itself). Directions are 0 = client to server, 1 = server to client.
 */
export interface FlowAnalysis {
  tcpData(dir: 0 | 1, data: Uint8Array, offset: number, length: number, frame: number): void;
  tcpGap(dir: 0 | 1, length: number, frame: number): void;
  /** A FIN from this direction (after its in-order bytes were delivered). */
  tcpFin(dir: 0 | 1, frame: number): void;
  udpDatagram(dir: 0 | 1, data: Uint8Array, offset: number, length: number, frame: number): void;
  /** Nothing more can change the verdict: deep parsing may stop. */
  readonly finished: boolean;
  /** Some payload reached it. */
  readonly started: boolean;
}

export interface FlowAnalysisFactory {
  create(transport: 'tcp' | 'udp', onServicePort: boolean): FlowAnalysis;
  /** Orientation from a flow's first payload: true when only a server sends it, false when only a client, null unsure. */
  serverSpeaksFirst(transport: 'tcp' | 'udp', data: Uint8Array, offset: number, length: number): boolean | null;
}

export type Orientation = 'syn' | 'service-port' | 'content' | 'first-packet';

export class Flow {
  /** Words of the two addresses (IPv4 uses word 0 only). */
  a0 = 0;
  a1 = 0;
  a2 = 0;
  a3 = 0;
  b0 = 0;
  b1 = 0;
  b2 = 0;
  b3 = 0;
  aPort = 0;
  bPort = 0;
  ipVersion: 4 | 6 = 4;
  /** Encapsulation context (0 = none): the same 5-tuple under another VNI or GRE key is another flow. */
  ctx = 0;
  /** Context of side B's packets: ctx, unless the two directions travel in different tunnels (a VNI each way). */
  ctxB = 0;
  clientIsA = true;
  orientation: Orientation = 'first-packet';
  firstSec = 0;
  firstNsec = 0;
  lastSec = 0;
  lastNsec = 0;
  firstFrame = 0;
  lastFrame = 0;
  pktsA = 0;
  pktsB = 0;
  bytesA = 0;
  bytesB = 0;
  payA = 0;
  payB = 0;
  /** Bitmask of interface ids (first 31); beyond that, interfaces are not recorded. */
  ifMask = 0;
  /** TCP reassembly per side (null for UDP or once deep parsing stopped). */
  tcpA: TcpDirection | null = null;
  tcpB: TcpDirection | null = null;
  finA = false;
  finB = false;
  rst = false;
  /** SYN (without ACK) seen from side A / B: a later SYN after close starts a new flow. */
  synSeen = false;
  classifier: FlowAnalysis | null = null;
  /**
   * Nothing but a bare SYN seen so far: the reassembly state and the classifier are not made yet (a SYN flood's
   * flows stay this small). `isn` holds the SYN's sequence number until they are.
   */
  deferred = false;
  isn = 0;
  /** The classifier said it is finished (it never goes back): deep parsing stopped. Cached by the flow table. */
  done = false;
  /** The flow table's hash of the 5-tuple, and the flow's index in the table (-1 once removed). */
  key = 0;
  index = -1;

  constructor(
    readonly id: number,
    readonly transport: 'tcp' | 'udp',
  ) {}

  get closed(): boolean {
    return this.rst || (this.finA && this.finB);
  }
}
