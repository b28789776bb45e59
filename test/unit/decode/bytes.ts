/** Builders for crafted link/IP/transport bytes. */
import type { PacketRecord } from '../../../src/capture/types.js';

export function udpHeader(sport: number, dport: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}

export function tcpHeader(sport: number, dport: number, payload: Buffer, opts = { flags: 0x18, options: 0 }): Buffer {
  const h = Buffer.alloc(20 + opts.options);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt32BE(0xdeadbeef, 4);
  h.writeUInt32BE(0x01020304, 8);
  h[12] = ((20 + opts.options) / 4) << 4;
  h[13] = opts.flags;
  return Buffer.concat([h, payload]);
}

export function ipv4(proto: number, payload: Buffer, o: { id?: number; mf?: boolean; fragOff?: number } = {}): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h.writeUInt16BE(o.id ?? 1, 4);
  h.writeUInt16BE((o.mf ? 0x2000 : 0) | ((o.fragOff ?? 0) >>> 3), 6);
  h[8] = 64;
  h[9] = proto;
  h.writeUInt32BE(0x0a000001, 12);
  h.writeUInt32BE(0x0a000002, 16);
  return Buffer.concat([h, payload]);
}

export function ipv6(nextHeader: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(payload.length, 4);
  h[6] = nextHeader;
  h[7] = 64;
  h.writeUInt32BE(0x20010db8, 8);
  h.writeUInt32BE(1, 20);
  h.writeUInt32BE(0x20010db8, 24);
  h.writeUInt32BE(2, 36);
  return Buffer.concat([h, payload]);
}

/** An IPv6 extension header of `len8` 8-octet units after the first (hop-by-hop, routing, destination). */
export function ext(next: number, len8: number): Buffer {
  const b = Buffer.alloc((len8 + 1) * 8);
  b[0] = next;
  b[1] = len8;
  return b;
}

export function fragHeader(next: number, fragOff: number, more: boolean, id: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = next;
  b.writeUInt16BE(fragOff | (more ? 1 : 0), 2);
  b.writeUInt32BE(id, 4);
  return b;
}

export function ethernet(etherType: number, payload: Buffer, vlans: [number, number][] = []): Buffer {
  const h = Buffer.alloc(12);
  const tags = vlans.map(([tpid, vid]) => {
    const t = Buffer.alloc(4);
    t.writeUInt16BE(tpid, 0);
    t.writeUInt16BE(vid, 2);
    return t;
  });
  const type = Buffer.alloc(2);
  type.writeUInt16BE(etherType, 0);
  return Buffer.concat([h, ...tags, type, payload]);
}

export function record(
  linkType: number,
  data: Buffer,
  o: { caplen?: number; tsSec?: number; pad?: number } = {},
): PacketRecord {
  const pad = o.pad ?? 3; // packet not at offset 0, as in a reader's chunk
  const buf = Buffer.concat([Buffer.alloc(pad, 0xaa), data, Buffer.alloc(5, 0xbb)]);
  const caplen = o.caplen ?? data.length;
  return {
    data: buf,
    offset: pad,
    caplen,
    origLen: data.length,
    tsSec: o.tsSec ?? 100,
    tsNsec: 0,
    linkType,
    interfaceId: 0,
    frame: 1,
    fileOffset: 0,
  };
}
