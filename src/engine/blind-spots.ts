/**
 * Blind spots: the packets and bytes a capture held that decoding could not take to a TCP/UDP flow or an encrypted
 * tunnel, by reason, with which of them touched an NFS port (when the port was visible) and which were control
 * traffic that carries no transport payload (ARP, LLDP, STP, ICMP...). Counters are typed arrays indexed by reason,
 * ethertype slot and IP protocol: nothing is allocated per packet.
 */
import type { DecodeStatus } from '../decode/types.js';
import type { BlindSpotCount, BlindSpotReason, BlindSpotsResult } from '../report/schema.js';

/** Reasons, in report order (their index is the counter slot). */
export const BLIND_REASONS: readonly BlindSpotReason[] = [
  'link-type',
  'not-ip',
  'ip-protocol',
  'truncated',
  'malformed',
  'fragment-not-reassembled',
  'unsupported-encapsulation',
  'encapsulation-too-deep',
  'empty-record',
];
const R_LINK = 0;
const R_NOT_IP = 1;
const R_IP_PROTOCOL = 2;
const R_TRUNCATED = 3;
const R_MALFORMED = 4;
const R_FRAGMENT = 5;
const R_UNSUPPORTED = 6;
const R_TOO_DEEP = 7;
const R_EMPTY = 8;

/** Distinct ethertypes counted one by one; the rest are summed under "other". */
const MAX_ETHERTYPES = 32;

/**
 * Link protocols that are not IP and cannot carry a TCP/UDP payload: ARP, RARP, LACP/slow protocols, EAPOL, LLDP,
 * Ethernet loopback, and 802.3 frames (a length instead of a type: STP, CDP and other LLC protocols). 0 is no
 * ethertype at all (a raw-IP or loopback link whose packet is not IP): not control.
 */
export function isControlEthertype(t: number): boolean {
  return (
    (t > 0 && t < 0x0600) ||
    t === 0x0806 ||
    t === 0x8035 ||
    t === 0x8809 ||
    t === 0x888e ||
    t === 0x88cc ||
    t === 0x9000
  );
}

/** IP protocols of the control plane, without a transport payload: ICMP, IGMP, ICMPv6, OSPF, PIM, VRRP. */
export function isControlProtocol(p: number): boolean {
  return p === 1 || p === 2 || p === 58 || p === 89 || p === 103 || p === 112;
}

const PROTO_NAMES: Record<number, string> = { 1: 'icmp', 2: 'igmp', 58: 'icmpv6', 89: 'ospf', 103: 'pim', 112: 'vrrp' };

function reasonOf(st: DecodeStatus): number {
  switch (st) {
    case 'unknown-linktype':
      return R_LINK;
    case 'not-ip':
      return R_NOT_IP;
    case 'not-tcp-udp':
      return R_IP_PROTOCOL;
    case 'truncated':
      return R_TRUNCATED;
    case 'unsupported-encapsulation':
      return R_UNSUPPORTED;
    case 'encapsulation-too-deep':
      return R_TOO_DEEP;
    default:
      return R_MALFORMED;
  }
}

export class BlindSpots {
  private readonly packets = new Float64Array(BLIND_REASONS.length);
  private readonly bytes = new Float64Array(BLIND_REASONS.length);
  private readonly protoPackets = new Float64Array(256);
  private readonly protoBytes = new Float64Array(256);
  private readonly etherTypes = new Int32Array(MAX_ETHERTYPES + 1).fill(-1);
  private readonly etherPackets = new Float64Array(MAX_ETHERTYPES + 1);
  private readonly etherBytes = new Float64Array(MAX_ETHERTYPES + 1);
  private nfsPackets = 0;
  private nfsBytes = 0;
  private controlPackets = 0;
  private controlBytes = 0;
  /** Every packet analysed (after --filter and --count), and its bytes on the wire. */
  totalPackets = 0;
  totalBytes = 0;

  /**
   * One packet that did not decode. `caplen` 0 is an empty record whatever the status; `etherType` is the type
   * that stopped a `not-ip` packet, `protocol` the IP protocol of a `not-tcp-udp` one; `nfsPort` is true when the
   * packet's TCP/UDP ports were visible and one of them is in the NFS port set.
   */
  add(st: DecodeStatus, caplen: number, bytes: number, etherType: number, protocol: number, nfsPort: boolean): void {
    const r = caplen === 0 ? R_EMPTY : reasonOf(st);
    this.packets[r]!++;
    this.bytes[r]! += bytes;
    if (nfsPort) {
      this.nfsPackets++;
      this.nfsBytes += bytes;
    }
    if (r === R_NOT_IP) {
      this.ethertype(etherType, bytes);
      if (isControlEthertype(etherType)) this.control(bytes);
    } else if (r === R_IP_PROTOCOL) {
      this.protoPackets[protocol & 0xff]!++;
      this.protoBytes[protocol & 0xff]! += bytes;
      if (isControlProtocol(protocol)) this.control(bytes);
    }
  }

  /** Fragments whose datagram was never rebuilt (FragmentReassembler.lost, outer and inner reassemblers summed). */
  addLostFragments(frames: number, bytes: number, watchedFrames: number, watchedBytes: number): void {
    this.packets[R_FRAGMENT]! += frames;
    this.bytes[R_FRAGMENT]! += bytes;
    this.nfsPackets += watchedFrames;
    this.nfsBytes += watchedBytes;
  }

  private control(bytes: number): void {
    this.controlPackets++;
    this.controlBytes += bytes;
  }

  private ethertype(t: number, bytes: number): void {
    const types = this.etherTypes;
    let i = 0;
    while (i < MAX_ETHERTYPES && types[i] !== -1 && types[i] !== t) i++;
    if (i < MAX_ETHERTYPES && types[i] === -1) types[i] = t;
    // i === MAX_ETHERTYPES: the "other" slot.
    this.etherPackets[i]!++;
    this.etherBytes[i]! += bytes;
  }

  /** The capture's blind spots, always present (zero counts when everything decoded). */
  result(): BlindSpotsResult {
    let packets = 0;
    let bytes = 0;
    const byReason: Partial<Record<BlindSpotReason, BlindSpotCount>> = {};
    BLIND_REASONS.forEach((name, r) => {
      const n = this.packets[r]!;
      if (n === 0) return;
      packets += n;
      bytes += this.bytes[r]!;
      byReason[name] = { packets: n, bytes: this.bytes[r]! };
    });
    const out: BlindSpotsResult = {
      packets,
      bytes,
      ofPackets: this.totalPackets,
      ofBytes: this.totalBytes,
      byReason,
      nfsPorts: { packets: this.nfsPackets, bytes: this.nfsBytes },
      control: { packets: this.controlPackets, bytes: this.controlBytes },
    };
    const ethertypes: Record<string, BlindSpotCount> = {};
    for (let i = 0; i <= MAX_ETHERTYPES; i++) {
      const n = this.etherPackets[i]!;
      if (n === 0) continue;
      const t = this.etherTypes[i]!;
      // 0: the link type has no ethertype (raw IP with a bad version nibble, a BSD loopback family not IP).
      const name = i === MAX_ETHERTYPES ? 'other' : t === 0 ? 'none' : `0x${t.toString(16).padStart(4, '0')}`;
      ethertypes[name] = { packets: n, bytes: this.etherBytes[i]! };
    }
    if (Object.keys(ethertypes).length > 0) out.ethertypes = ethertypes;
    const ipProtocols: Record<string, BlindSpotCount> = {};
    this.protoPackets.forEach((n, proto) => {
      if (n > 0) ipProtocols[PROTO_NAMES[proto] ?? String(proto)] = { packets: n, bytes: this.protoBytes[proto]! };
    });
    if (Object.keys(ipProtocols).length > 0) out.ipProtocols = ipProtocols;
    return out;
  }
}
