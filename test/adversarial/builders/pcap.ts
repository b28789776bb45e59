/**
 * Capture file writers for crafted bytes: classic pcap (either byte order, micro- or nanosecond timestamps) and
 * pcapng blocks. Used by the capture tests and by the adversarial corpus (test/adversarial/generate.ts).
 */

export function pcapFile(
  packets: { data: Buffer; sec?: number; frac?: number; origLen?: number }[],
  opts: { le?: boolean; nsec?: boolean; linkType?: number; snaplen?: number; major?: number } = {},
): Buffer {
  const le = opts.le ?? true;
  const h = Buffer.alloc(24);
  const w32 = (b: Buffer, v: number, o: number) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const w16 = (b: Buffer, v: number, o: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  w32(h, opts.nsec ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(h, opts.major ?? 2, 4);
  w16(h, 4, 6);
  w32(h, opts.snaplen ?? 65535, 16);
  w32(h, opts.linkType ?? 1, 20);
  const parts: Buffer[] = [h];
  for (const p of packets) {
    const r = Buffer.alloc(16);
    w32(r, p.sec ?? 1000, 0);
    w32(r, p.frac ?? 0, 4);
    w32(r, p.data.length, 8);
    w32(r, p.origLen ?? p.data.length, 12);
    parts.push(r, p.data);
  }
  return Buffer.concat(parts);
}

export class PcapngBuilder {
  private readonly parts: Buffer[] = [];
  constructor(private readonly le = true) {}

  private w32(b: Buffer, v: number, o: number): void {
    if (this.le) b.writeUInt32LE(v >>> 0, o);
    else b.writeUInt32BE(v >>> 0, o);
  }

  private w16(b: Buffer, v: number, o: number): void {
    if (this.le) b.writeUInt16LE(v, o);
    else b.writeUInt16BE(v, o);
  }

  option(code: number, value: Buffer): Buffer {
    const b = Buffer.alloc(4 + ((value.length + 3) & ~3));
    this.w16(b, code, 0);
    this.w16(b, value.length, 2);
    value.copy(b, 4);
    return b;
  }

  block(type: number, body: Buffer): this {
    const len = 12 + body.length;
    const b = Buffer.alloc(len);
    this.w32(b, type, 0);
    this.w32(b, len, 4);
    body.copy(b, 8);
    this.w32(b, len, len - 4);
    this.parts.push(b);
    return this;
  }

  shb(major = 1, options: Buffer[] = [], minor = 0): this {
    const b = Buffer.alloc(16);
    this.w32(b, 0x1a2b3c4d, 0);
    this.w16(b, major, 4);
    this.w16(b, minor, 6);
    b.writeInt32LE(-1, 8);
    b.writeInt32LE(-1, 12);
    return this.block(0x0a0d0d0a, Buffer.concat([b, ...options]));
  }

  idb(linkType: number, snaplen: number, options: Buffer[] = []): this {
    const b = Buffer.alloc(8);
    this.w16(b, linkType, 0);
    this.w32(b, snaplen, 4);
    const opts = options.length > 0 ? [...options, Buffer.alloc(4)] : [];
    return this.block(1, Buffer.concat([b, ...opts]));
  }

  epb(iface: number, tsHigh: number, tsLow: number, data: Buffer, origLen = data.length): this {
    const b = Buffer.alloc(20);
    this.w32(b, iface, 0);
    this.w32(b, tsHigh, 4);
    this.w32(b, tsLow, 8);
    this.w32(b, data.length, 12);
    this.w32(b, origLen, 16);
    return this.block(6, Buffer.concat([b, data, Buffer.alloc((4 - (data.length % 4)) % 4)]));
  }

  spb(data: Buffer, origLen = data.length): this {
    const b = Buffer.alloc(4);
    this.w32(b, origLen, 0);
    return this.block(3, Buffer.concat([b, data, Buffer.alloc((4 - (data.length % 4)) % 4)]));
  }

  pb(iface: number, tsHigh: number, tsLow: number, data: Buffer): this {
    const b = Buffer.alloc(20);
    this.w16(b, iface, 0);
    this.w32(b, tsHigh, 4);
    this.w32(b, tsLow, 8);
    this.w32(b, data.length, 12);
    this.w32(b, data.length, 16);
    return this.block(2, Buffer.concat([b, data, Buffer.alloc((4 - (data.length % 4)) % 4)]));
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}
