/**
 * TCP and UDP headers into the reused DecodedPacket. Pure: reads buf[off, off + captured) only, never throws.
 * `captured` is what the capture holds of the IP payload, `wire` what the IP header announces.
 */
import { u16be, u32be } from './bytes.js';
import type { DecodedPacket, DecodeStatus } from './types.js';

export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

export function decodeTransport(
  proto: number,
  buf: Buffer,
  off: number,
  captured: number,
  wire: number,
  out: DecodedPacket,
): DecodeStatus {
  out.protocol = proto;
  out.data = buf;
  if (proto === PROTO_TCP) return tcp(buf, off, captured, wire, out);
  if (proto === PROTO_UDP) return udp(buf, off, captured, wire, out);
  // Another protocol (a tunnel, ESP, ICMP...): its bytes are the payload, for the encapsulation layers to read.
  out.payloadOffset = off;
  out.payloadWireLength = wire;
  out.payloadLength = Math.min(captured, wire);
  return 'not-tcp-udp';
}

function tcp(buf: Buffer, off: number, captured: number, wire: number, out: DecodedPacket): DecodeStatus {
  if (wire < 20) return 'malformed';
  if (captured < 4) return 'truncated';
  // Ports first: a header cut after them still says which service it went to (blind-spot accounting).
  out.srcPort = u16be(buf, off);
  out.dstPort = u16be(buf, off + 2);
  if (captured < 20) return 'truncated';
  out.seq = u32be(buf, off + 4);
  out.ack = u32be(buf, off + 8);
  const hlen = (buf[off + 12] >>> 4) * 4;
  out.tcpFlags = buf[off + 13];
  if (hlen < 20 || hlen > wire) return 'malformed';
  if (hlen > captured) return 'truncated';
  out.payloadOffset = off + hlen;
  out.payloadWireLength = wire - hlen;
  out.payloadLength = Math.min(captured, wire) - hlen;
  return 'ok';
}

function udp(buf: Buffer, off: number, captured: number, wire: number, out: DecodedPacket): DecodeStatus {
  out.tcpFlags = 0;
  out.seq = 0;
  out.ack = 0;
  if (wire < 8) return 'malformed';
  if (captured < 4) return 'truncated';
  out.srcPort = u16be(buf, off);
  out.dstPort = u16be(buf, off + 2);
  if (captured < 8) return 'truncated';
  // A UDP length that disagrees with the IP payload (fuzzed or bogus; 0 for jumbograms) is overruled by the IP
  // layer, as Wireshark does: the datagram still belongs to its conversation.
  const field = u16be(buf, off + 4);
  const ulen = field < 8 || field > wire ? wire : field;
  out.payloadOffset = off + 8;
  out.payloadWireLength = ulen - 8;
  out.payloadLength = Math.min(captured, ulen) - 8;
  return 'ok';
}
