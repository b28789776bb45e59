/**
 * Streaming capture writers for the generator: classic little-endian microsecond pcap and pcapng (SHB, one IDB per
 * interface, Enhanced Packet Blocks). Records are packed into one large buffer written with a single write when
 * full, so memory stays bounded whatever the file size.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export type OutputFormat = 'pcap' | 'pcapng';

export interface OutputInterface {
  name: string;
  linkType: number;
}

const CHUNK = 8 << 20;
const SNAPLEN = 262144;

export class CaptureSink {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  /** Bytes handed to the file so far (headers included). */
  bytesWritten = 0;
  packets = 0;

  constructor(
    readonly path: string,
    readonly format: OutputFormat,
    interfaces: readonly OutputInterface[],
  ) {
    this.fd = openSync(path, 'w');
    if (format === 'pcap') this.pcapHeader(interfaces[0]?.linkType ?? 1);
    else this.pcapngHeader(interfaces);
  }

  private room(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  private flush(): void {
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.pos = 0;
  }

  private pcapHeader(linkType: number): void {
    const b = this.buf;
    b.writeUInt32LE(0xa1b2c3d4, 0);
    b.writeUInt16LE(2, 4);
    b.writeUInt16LE(4, 6);
    b.writeInt32LE(0, 8);
    b.writeUInt32LE(0, 12);
    b.writeUInt32LE(SNAPLEN, 16);
    b.writeUInt32LE(linkType, 20);
    this.pos = 24;
    this.bytesWritten = 24;
  }

  private pcapngHeader(interfaces: readonly OutputInterface[]): void {
    const b = this.buf;
    // Section Header Block, no options, section length unknown (-1).
    b.writeUInt32LE(0x0a0d0d0a, 0);
    b.writeUInt32LE(28, 4);
    b.writeUInt32LE(0x1a2b3c4d, 8);
    b.writeUInt16LE(1, 12);
    b.writeUInt16LE(0, 14);
    b.writeInt32LE(-1, 16);
    b.writeInt32LE(-1, 20);
    b.writeUInt32LE(28, 24);
    let p = 28;
    for (const itf of interfaces) {
      const name = Buffer.from(itf.name, 'utf8');
      const namePad = (name.length + 3) & ~3;
      // if_name option, if_tsresol = 6 (microseconds), opt_endofopt.
      const optLen = 4 + namePad + 4 + 4 + 4;
      const len = 20 + optLen;
      b.writeUInt32LE(1, p);
      b.writeUInt32LE(len, p + 4);
      b.writeUInt16LE(itf.linkType, p + 8);
      b.writeUInt16LE(0, p + 10);
      b.writeUInt32LE(SNAPLEN, p + 12);
      let o = p + 16;
      b.writeUInt16LE(2, o);
      b.writeUInt16LE(name.length, o + 2);
      b.fill(0, o + 4, o + 4 + namePad);
      name.copy(b, o + 4);
      o += 4 + namePad;
      b.writeUInt16LE(9, o);
      b.writeUInt16LE(1, o + 2);
      b.writeUInt32LE(6, o + 4);
      o += 8;
      b.writeUInt32LE(0, o);
      o += 4;
      b.writeUInt32LE(len, o);
      p = o + 4;
    }
    this.pos = p;
    this.bytesWritten = p;
  }

  /** Appends one packet of `len` bytes from `frame`, timestamped `tsUsec` microseconds since the epoch. */
  packet(iface: number, tsUsec: number, frame: Buffer, len: number): void {
    const sec = Math.floor(tsUsec / 1e6);
    const usec = tsUsec - sec * 1e6;
    let recLen: number;
    if (this.format === 'pcap') {
      recLen = 16 + len;
      this.room(recLen);
      const b = this.buf;
      const p = this.pos;
      b.writeUInt32LE(sec, p);
      b.writeUInt32LE(usec, p + 4);
      b.writeUInt32LE(len, p + 8);
      b.writeUInt32LE(len, p + 12);
      frame.copy(b, p + 16, 0, len);
    } else {
      const padded = (len + 3) & ~3;
      recLen = 32 + padded;
      this.room(recLen);
      const b = this.buf;
      const p = this.pos;
      b.writeUInt32LE(6, p);
      b.writeUInt32LE(recLen, p + 4);
      b.writeUInt32LE(iface, p + 8);
      b.writeUInt32LE(Math.floor(tsUsec / 4294967296), p + 12);
      b.writeUInt32LE(tsUsec >>> 0, p + 16);
      b.writeUInt32LE(len, p + 20);
      b.writeUInt32LE(len, p + 24);
      frame.copy(b, p + 28, 0, len);
      b.fill(0, p + 28 + len, p + 28 + padded);
      b.writeUInt32LE(recLen, p + 28 + padded);
    }
    this.pos += recLen;
    this.bytesWritten += recLen;
    this.packets++;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
