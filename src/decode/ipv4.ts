/**
 * IPv4 header: validates version, IHL and total length, fills addresses, trims link padding, and hands
 * fragments to the reassembler. Pure apart from the reassembler's state; never throws.
 */
import { u16be, u32be } from './bytes.js';
import type { FragmentKey, FragmentReassembler } from './fragments.js';
import { finishFragment } from './ipcommon.js';
import { decodeTransport } from './transport.js';
import type { DecodedPacket, DecodeStatus } from './types.js';

export function decodeIPv4(
  buf: Buffer,
  off: number,
  end: number,
  out: DecodedPacket,
  frags: FragmentReassembler,
  key: FragmentKey,
  tsSec: number,
): DecodeStatus {
  if (end - off < 20) return 'truncated';
  const vihl = buf[off];
  if (vihl >>> 4 !== 4) return 'malformed';
  const ihl = (vihl & 0x0f) * 4;
  if (ihl < 20) return 'malformed';
  if (end - off < ihl) return 'truncated';
  let total = u16be(buf, off + 2);
  // A total length of 0 is what TCP segmentation offload leaves in captured outgoing packets: use what we have.
  if (total === 0) total = end - off;
  if (total < ihl) return 'malformed';
  out.ipVersion = 4;
  out.src0 = u32be(buf, off + 12);
  out.dst0 = u32be(buf, off + 16);
  out.src1 = out.src2 = out.src3 = 0;
  out.dst1 = out.dst2 = out.dst3 = 0;
  const proto = buf[off + 9];
  out.protocol = proto;
  const payload = off + ihl;
  const wire = total - ihl;
  // Bytes past the total length are link padding (Ethernet minimum frame), not payload.
  const captured = Math.min(end - payload, wire);
  const flagsFrag = u16be(buf, off + 6);
  const more = (flagsFrag & 0x2000) !== 0;
  const fragOff = (flagsFrag & 0x1fff) * 8;
  if (!more && fragOff === 0) return decodeTransport(proto, buf, payload, captured, wire, out);
  if (captured < wire) return 'truncated';
  key.version = 4;
  key.s0 = out.src0;
  key.d0 = out.dst0;
  key.s1 = key.s2 = key.s3 = key.d1 = key.d2 = key.d3 = 0;
  key.id = u16be(buf, off + 4);
  key.proto = proto;
  return finishFragment(frags.add(key, fragOff, more, buf, payload, wire, tsSec), frags, out);
}
