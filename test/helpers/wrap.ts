/**
 * Wraps the Ethernet frames of a classic pcap in an encapsulation, frames unchanged (or their IP packet, for
 * tunnels that carry IP): the lab captures seen through VXLAN, GENEVE, GRE, ERSPAN, IP-in-IP, MPLS, PPPoE, GRE-in-UDP,
 * GTP-U and a three-tag VLAN stack. Outer headers are written from the formats with fixed addresses.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export const WRAPS = [
  'vxlan',
  'geneve',
  'gre-teb',
  'gre-ip',
  'erspan-ii',
  'erspan-iii',
  'ip-in-ip',
  'mpls',
  'mpls-pw',
  'pppoe',
  'gre-in-udp',
  'gtp-u',
  'vlan3',
] as const;
export type Wrap = (typeof WRAPS)[number];

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

function eth(type: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from('02000000aa0202000000aa01', 'hex'), u16(type), payload]);
}

function ipv4(proto: number, payload: Buffer, id: number): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h.writeUInt16BE(id & 0xffff, 4);
  h[8] = 64;
  h[9] = proto;
  h.writeUInt32BE(0xc0000201, 12); // 192.0.2.1 -> 192.0.2.2
  h.writeUInt32BE(0xc0000202, 16);
  let s = 0;
  for (let i = 0; i < 20; i += 2) s += h.readUInt16BE(i);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  h.writeUInt16BE(~s & 0xffff, 10);
  return Buffer.concat([h, payload]);
}

function udp(sport: number, dport: number, payload: Buffer): Buffer {
  return Buffer.concat([u16(sport), u16(dport), u16(8 + payload.length), u16(0), payload]);
}

function gre(proto: number, extra: Buffer[] = [], flags = 0): Buffer {
  return Buffer.concat([u16(flags), u16(proto), ...extra]);
}

/**
 * How VXLAN and GENEVE are written: their UDP destination port (default 4789 / 6081), and bytes appended to each
 * inner frame (a mirrored frame's 4-byte FCS).
 */
export interface WrapOptions {
  port?: number;
  trailer?: number;
}

/** One frame wrapped; `ip` is the frame's IP packet (after its Ethernet header). */
export function wrapFrame(w: Wrap, frame: Buffer, n: number, o: WrapOptions = {}): Buffer {
  const ip = frame.subarray(14);
  const inner = o.trailer ? Buffer.concat([frame, Buffer.alloc(o.trailer, 0x5a)]) : frame;
  switch (w) {
    case 'vxlan':
      return eth(
        0x0800,
        ipv4(17, udp(50000 + (n % 100), o.port ?? 4789, Buffer.concat([u32(0x08000000), u32(4242 << 8), inner])), n),
      );
    case 'geneve': {
      const opt = Buffer.concat([u16(0x0103), Buffer.from([0x80, 1]), u32(7)]); // one 4-byte option body
      const h = Buffer.concat([Buffer.from([opt.length / 4, 0]), u16(0x6558), u32(77 << 8)]);
      return eth(0x0800, ipv4(17, udp(50001, o.port ?? 6081, Buffer.concat([h, opt, inner])), n));
    }
    case 'gre-teb':
      return eth(0x0800, ipv4(47, Buffer.concat([gre(0x6558, [u32(9)], 0x2000), frame]), n));
    case 'gre-ip':
      return eth(0x0800, ipv4(47, Buffer.concat([gre(0x0800, [u32(n)], 0x1000), ip]), n));
    case 'erspan-ii': {
      const e = Buffer.concat([u16(0x1000), u16(0x0015), u32(1)]);
      return eth(0x0800, ipv4(47, Buffer.concat([gre(0x88be, [u32(n)], 0x1000), e, frame]), n));
    }
    case 'erspan-iii': {
      const e = Buffer.concat([u16(0x2000), u16(0x0016), u32(n), u16(0), u16(0)]);
      return eth(0x0800, ipv4(47, Buffer.concat([gre(0x22eb, [u32(n)], 0x1000), e, frame]), n));
    }
    case 'ip-in-ip':
      return eth(0x0800, ipv4(4, ip, n));
    case 'mpls':
      return eth(0x8847, Buffer.concat([u32((16 << 12) | 64), u32((17 << 12) | 0x100 | 64), ip]));
    case 'mpls-pw':
      return eth(0x8847, Buffer.concat([u32((18 << 12) | 0x100 | 64), u32(0), frame]));
    case 'pppoe':
      return eth(0x8864, Buffer.concat([Buffer.from([0x11, 0]), u16(0x2a), u16(ip.length + 2), u16(0x0021), ip]));
    case 'gre-in-udp':
      return eth(0x0800, ipv4(17, udp(50002, 4754, Buffer.concat([gre(0x0800), ip])), n));
    case 'gtp-u':
      return eth(
        0x0800,
        ipv4(17, udp(2152, 2152, Buffer.concat([Buffer.from([0x30, 0xff]), u16(ip.length), u32(0x1234), ip])), n),
      );
    case 'vlan3':
      return eth(0x88a8, Buffer.concat([u16(100), u16(0x8100), u16(200), u16(0x8100), u16(300), u16(0x0800), ip]));
  }
}

/** Wrap every frame of a classic little-endian Ethernet pcap (`src`) into `dest`. */
export function wrapPcap(src: string, dest: string, w: Wrap, opts: WrapOptions = {}): void {
  const b = readFileSync(src);
  if (b.readUInt32LE(0) !== 0xa1b2c3d4 || b.readUInt32LE(20) !== 1) throw new Error(`${src}: not a LE Ethernet pcap`);
  const out: Buffer[] = [b.subarray(0, 24)];
  let o = 24;
  for (let n = 1; o + 16 <= b.length; n++) {
    const incl = b.readUInt32LE(o + 8);
    const frame = b.subarray(o + 16, o + 16 + incl);
    const wrapped = wrapFrame(w, frame, n, opts);
    const h = Buffer.from(b.subarray(o, o + 16));
    h.writeUInt32LE(wrapped.length, 8);
    h.writeUInt32LE(wrapped.length, 12);
    out.push(h, wrapped);
    o += 16 + incl;
  }
  const hdr = Buffer.from(out[0]!);
  hdr.writeUInt32LE(262144, 16);
  out[0] = hdr;
  writeFileSync(dest, Buffer.concat(out));
}
