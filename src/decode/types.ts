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
}

export type DecodeStatus =
  | 'ok'
  /** A non-final IP fragment was stored; the datagram is delivered with its last fragment. */
  | 'fragment-pending'
  | 'not-ip'
  | 'not-tcp-udp'
  | 'unknown-linktype'
  | 'truncated'
  | 'malformed';

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
  };
}
