/**
 * decodePacket: link -> IP -> TCP/UDP for one captured packet into the reused DecodedPacket.
 * No allocation per packet; never throws.
 */
import type { PacketRecord } from '../capture/types.js';
import type { FragmentKey, FragmentReassembler } from './fragments.js';
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import { decodeLink, LINK_NOT_IP, LINK_OK, LINK_TRUNCATED, newLinkInfo } from './link.js';
import type { DecodedPacket, DecodeStatus } from './types.js';

const link = newLinkInfo();
const key: FragmentKey = { version: 4, s0: 0, s1: 0, s2: 0, s3: 0, d0: 0, d1: 0, d2: 0, d3: 0, id: 0, proto: 0 };

export function decodePacket(rec: PacketRecord, out: DecodedPacket, frags: FragmentReassembler): DecodeStatus {
  const buf = rec.data;
  const end = rec.offset + Math.min(rec.caplen, buf.length - rec.offset);
  out.reassembled = false;
  out.protocol = 0;
  out.srcPort = 0;
  out.dstPort = 0;
  out.tcpFlags = 0;
  out.payloadLength = 0;
  out.payloadWireLength = 0;
  const lr = decodeLink(rec.linkType, buf, rec.offset, end, link);
  out.vlan = link.vlan;
  if (lr !== LINK_OK) {
    if (lr === LINK_NOT_IP) return 'not-ip';
    if (lr === LINK_TRUNCATED) return 'truncated';
    return 'unknown-linktype';
  }
  const o = link.netOffset;
  let v: number = link.ipVersion;
  if (v === 0) {
    if (o >= end) return 'truncated';
    v = buf[o] >>> 4;
  }
  if (v === 4) return decodeIPv4(buf, o, end, out, frags, key, rec.tsSec);
  if (v === 6) return decodeIPv6(buf, o, end, out, frags, key, rec.tsSec);
  return 'not-ip';
}
