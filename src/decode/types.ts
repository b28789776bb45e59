/**
 * The reused struct that link/IP/transport decoding fills for each packet (gopacket's DecodingLayerParser idea):
 * one instance per pipeline, overwritten per packet, no allocation per packet.
 *
 * Addresses are kept as 32-bit words so the flow table can key and compare flows without building strings:
 * IPv4 uses src0/dst0 only (src1..3 = 0); IPv6 uses all four words, most significant first.
 */
export interface DecodedPacket {
  ipVersion: 4 | 6;
  src0: number;
  src1: number;
  src2: number;
  src3: number;
  dst0: number;
  dst1: number;
  dst2: number;
  dst3: number;
  /** IP protocol of the transport header (6 TCP, 17 UDP). */
  protocol: number;
  srcPort: number;
  dstPort: number;
  /** TCP only: flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10), sequence and ack numbers (uint32). */
  tcpFlags: number;
  seq: number;
  ack: number;
  /** Buffer holding the transport payload: the packet's own buffer, or the reassembly buffer for IP fragments. */
  data: Buffer;
  payloadOffset: number;
  /** Payload bytes present in `data` (may be less than payloadWireLength when the packet was cut by snaplen). */
  payloadLength: number;
  /** Payload length the headers announce (IP total length minus headers). */
  payloadWireLength: number;
  /** Outermost VLAN id, -1 when untagged. */
  vlan: number;
  /** True when this datagram was rebuilt from IP fragments. */
  reassembled: boolean;
  /**
   * Encapsulation levels crossed to reach the innermost IP header (0 = none), outermost first, at most
   * MAX_ENCAP_DEPTH. Per level: ENCAP_* type, its identifier (VNI, GRE key, ERSPAN session, top MPLS label, PPPoE
   * session, GTP TEID; -1 when the header has none) and the IP header that carried it (version 0 when it came
   * below IP: MPLS, PPPoE), addresses as 4+4 words at encapAddr[level * 8].
   */
  encapDepth: number;
  readonly encapType: Uint8Array;
  readonly encapId: Float64Array;
  readonly encapIpVersion: Uint8Array;
  readonly encapAddr: Uint32Array;
  /** Encapsulation-context id given by the flow layer (0 = not encapsulated): part of the flow key. */
  ctx: number;
  /**
   * For status 'encrypted-tunnel': which (TUNNEL_ESP, TUNNEL_WIREGUARD, TUNNEL_MACSEC) and its identifier (ESP SPI,
   * WireGuard receiver index; -1 when none). Addresses, and ports for UDP-carried ones, are filled as for a flow.
   */
  tunnel: number;
  tunnelId: number;
}

/** Deepest encapsulation nesting decoded (ERSPAN -> VXLAN -> TCP is 2); a deeper packet is counted, not decoded. */
export const MAX_ENCAP_DEPTH = 4;

export const ENCAP_VXLAN = 1;
export const ENCAP_GENEVE = 2;
export const ENCAP_GRE = 3;
export const ENCAP_ERSPAN = 4;
export const ENCAP_IPIP = 5;
export const ENCAP_MPLS = 6;
export const ENCAP_PPPOE = 7;
export const ENCAP_GRE_UDP = 8;
export const ENCAP_TEREDO = 9;
export const ENCAP_GTPU = 10;
export const ENCAP_VXLAN_GPE = 11;

/** Names of the ENCAP_* types, as they appear in reports (`via`). */
export const ENCAP_NAMES: readonly string[] = [
  '',
  'vxlan',
  'geneve',
  'gre',
  'erspan',
  'ip-in-ip',
  'mpls',
  'pppoe',
  'gre-in-udp',
  'teredo',
  'gtp-u',
  'vxlan-gpe',
];

export const TUNNEL_ESP = 1;
export const TUNNEL_WIREGUARD = 2;
export const TUNNEL_MACSEC = 3;
export const TUNNEL_NAMES: readonly string[] = ['', 'ipsec-esp', 'wireguard', 'macsec'];

export type DecodeStatus =
  | 'ok'
  /** A non-final IP fragment was stored; the datagram is delivered with its last fragment. */
  | 'fragment-pending'
  | 'not-ip'
  | 'not-tcp-udp'
  | 'unknown-linktype'
  | 'truncated'
  | 'malformed'
  /** An encryption layer (ESP, WireGuard, MACsec): its contents cannot be decoded; see `tunnel`. */
  | 'encrypted-tunnel'
  /** A tunnel header of a kind not decoded (GRE version 1/routing, ERSPAN with other frame types, VXLAN-GPE NSH). */
  | 'unsupported-encapsulation'
  /** Tunnels nested deeper than MAX_ENCAP_DEPTH. */
  | 'encapsulation-too-deep';

export function newDecodedPacket(): DecodedPacket {
  return {
    ipVersion: 4,
    src0: 0,
    src1: 0,
    src2: 0,
    src3: 0,
    dst0: 0,
    dst1: 0,
    dst2: 0,
    dst3: 0,
    protocol: 0,
    srcPort: 0,
    dstPort: 0,
    tcpFlags: 0,
    seq: 0,
    ack: 0,
    data: Buffer.alloc(0),
    payloadOffset: 0,
    payloadLength: 0,
    payloadWireLength: 0,
    vlan: -1,
    reassembled: false,
    encapDepth: 0,
    encapType: new Uint8Array(MAX_ENCAP_DEPTH),
    encapId: new Float64Array(MAX_ENCAP_DEPTH),
    encapIpVersion: new Uint8Array(MAX_ENCAP_DEPTH),
    encapAddr: new Uint32Array(MAX_ENCAP_DEPTH * 8),
    ctx: 0,
    tunnel: 0,
    tunnelId: -1,
  };
}
