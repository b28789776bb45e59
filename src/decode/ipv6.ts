/**
 * IPv6 header and extension-header chain (hop-by-hop, routing, fragment, destination options, AH), capped in
 * length; ESP and no-next-header end decoding. Fragments go to the reassembler. Never throws.
 */
import { u16be, u32be } from './bytes.js';
import { FRAG_DROPPED, FRAG_PENDING, type FragmentKey, type FragmentReassembler } from './fragments.js';
import { decodeTransport } from './transport.js';
import type { DecodedPacket, DecodeStatus } from './types.js';

const NH_HOP = 0;
const NH_ROUTING = 43;
const NH_FRAGMENT = 44;
const NH_ESP = 50;
const NH_AH = 51;
const NH_NONE = 59;
const NH_DEST = 60;
/** Extension headers followed before giving up. */
export const MAX_EXT_HEADERS = 8;

export function decodeIPv6(
  buf: Buffer,
  off: number,
  end: number,
  out: DecodedPacket,
  frags: FragmentReassembler,
  key: FragmentKey,
  tsSec: number,
): DecodeStatus {
  if (end - off < 40) return 'truncated';
  if (buf[off] >>> 4 !== 6) return 'malformed';
  out.ipVersion = 6;
  out.src0 = u32be(buf, off + 8);
  out.src1 = u32be(buf, off + 12);
  out.src2 = u32be(buf, off + 16);
  out.src3 = u32be(buf, off + 20);
  out.dst0 = u32be(buf, off + 24);
  out.dst1 = u32be(buf, off + 28);
  out.dst2 = u32be(buf, off + 32);
  out.dst3 = u32be(buf, off + 36);
  let plen = u16be(buf, off + 4);
  // 0 is a jumbogram (hop-by-hop option) or offload; use what the capture holds.
  if (plen === 0) plen = end - off - 40;
  const payload = off + 40;
  const captured = Math.min(end - payload, plen);
  return walk(buf, payload, captured, plen, buf[off + 6], out, frags, key, tsSec);
}

/**
 * Follow the header chain from `nh` at buf[o]; `captured`/`wire` are the bytes held/announced from o on.
 * After reassembly it is called again on the rebuilt payload (with no further fragment header expected).
 */
function walk(
  buf: Buffer,
  o: number,
  captured: number,
  wire: number,
  nh: number,
  out: DecodedPacket,
  frags: FragmentReassembler | null,
  key: FragmentKey,
  tsSec: number,
): DecodeStatus {
  for (let n = 0; n <= MAX_EXT_HEADERS; n++) {
    let hlen: number;
    switch (nh) {
      case NH_HOP:
      case NH_ROUTING:
      case NH_DEST:
        if (captured < 2) return wire < 2 ? 'malformed' : 'truncated';
        hlen = (buf[o + 1] + 1) * 8;
        break;
      case NH_AH:
        if (captured < 2) return wire < 2 ? 'malformed' : 'truncated';
        hlen = (buf[o + 1] + 2) * 4;
        break;
      case NH_FRAGMENT:
        if (frags === null) return 'malformed'; // a fragment header inside a rebuilt datagram
        return fragment(buf, o, captured, wire, out, frags, key, tsSec);
      case NH_ESP:
        return decodeTransport(nh, buf, o, captured, wire, out);
      case NH_NONE:
        out.protocol = nh;
        return 'not-tcp-udp';
      default:
        return decodeTransport(nh, buf, o, captured, wire, out);
    }
    if (hlen > wire) return 'malformed';
    if (hlen > captured) return 'truncated';
    nh = buf[o];
    o += hlen;
    captured -= hlen;
    wire -= hlen;
  }
  return 'malformed';
}

function fragment(
  buf: Buffer,
  o: number,
  captured: number,
  wire: number,
  out: DecodedPacket,
  frags: FragmentReassembler,
  key: FragmentKey,
  tsSec: number,
): DecodeStatus {
  if (wire < 8) return 'malformed';
  if (captured < 8) return 'truncated';
  const nh = buf[o];
  const offFlags = u16be(buf, o + 2);
  const fragOff = offFlags & 0xfff8;
  const more = (offFlags & 1) !== 0;
  const dataLen = wire - 8;
  // An atomic fragment (offset 0, no more) is a whole datagram.
  if (fragOff === 0 && !more) return walk(buf, o + 8, captured - 8, dataLen, nh, out, null, key, tsSec);
  if (captured < wire) return 'truncated';
  key.version = 6;
  key.s0 = out.src0;
  key.s1 = out.src1;
  key.s2 = out.src2;
  key.s3 = out.src3;
  key.d0 = out.dst0;
  key.d1 = out.dst1;
  key.d2 = out.dst2;
  key.d3 = out.dst3;
  key.id = u32be(buf, o + 4);
  key.proto = nh;
  const r = frags.add(key, fragOff, more, buf, o + 8, dataLen, tsSec);
  if (r === FRAG_PENDING) return 'fragment-pending';
  if (r === FRAG_DROPPED) return 'malformed';
  out.reassembled = true;
  return walk(frags.doneBuf, 0, r, r, frags.doneProto, out, null, key, tsSec);
}
