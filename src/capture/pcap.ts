/**
 * Classic libpcap file format (push parser): both byte orders, microsecond and nanosecond magic, and the
 * Kuznetzov "modified" format with 24-byte record headers. Never throws; damage ends the parse with `error`.
 */
import { ChunkedParser } from './chunked.js';
import type { CaptureFormat, CaptureInterface } from './types.js';

export const PCAP_FILE_HEADER = 24;
/** Largest caplen we accept in a record (libpcap's and Wireshark's own ceiling is 256 KiB). */
export const MAX_PCAP_CAPLEN = 262144;

export interface PcapMagic {
  littleEndian: boolean;
  nanosecond: boolean;
  modified: boolean;
}

/** Recognise a pcap magic number in the first four bytes, or null. */
export function pcapMagic(buf: Buffer, off = 0): PcapMagic | null {
  if (buf.length - off < 4) return null;
  const be = buf.readUInt32BE(off);
  const le = buf.readUInt32LE(off);
  for (const [v, littleEndian] of [
    [be, false],
    [le, true],
  ] as const) {
    if (v === 0xa1b2c3d4) return { littleEndian, nanosecond: false, modified: false };
    if (v === 0xa1b23c4d) return { littleEndian, nanosecond: true, modified: false };
    if (v === 0xa1b2cd34) return { littleEndian, nanosecond: false, modified: true };
  }
  return null;
}

/** uint32 at buf[o] in either byte order, by byte arithmetic (the caller has checked that 4 bytes are there). */
function u32(b: Buffer, o: number, le: boolean): number {
  return le
    ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0
    : ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export class PcapParser extends ChunkedParser {
  format: CaptureFormat = 'pcap';
  interfaces: CaptureInterface[] = [];
  private headerDone = false;
  private le = true;
  private nsec = false;
  private recHeader = 16;
  private snaplen = 0;
  private linkType = 0;

  protected unitLength(buf: Buffer, off: number, avail: number): number {
    if (!this.headerDone) return PCAP_FILE_HEADER;
    const h = this.recHeader;
    if (avail < h) return h;
    const caplen = u32(buf, off + 8, this.le);
    if (caplen > MAX_PCAP_CAPLEN) {
      this.fail(this.consumed, 'corrupt', `record caplen ${caplen} exceeds ${MAX_PCAP_CAPLEN}`);
      return -1;
    }
    return h + caplen;
  }

  protected partialUnitName(have: number): string {
    if (!this.headerDone) return `the ${PCAP_FILE_HEADER}-byte file header (${have} bytes present)`;
    if (have < this.recHeader) return `a record header (${have} of ${this.recHeader} bytes present)`;
    return `a packet record (${have} bytes present)`;
  }

  protected consume(buf: Buffer, off: number, len: number): boolean {
    if (!this.headerDone) return this.fileHeader(buf, off);
    const le = this.le;
    const sec = u32(buf, off, le);
    const frac = u32(buf, off + 4, le);
    const origLen = u32(buf, off + 12, le);
    const rec = this.rec;
    let caplen = len - this.recHeader;
    // The FCS is the last fcsBytes of the frame on the wire: captured bytes past origLen - fcsBytes are not packet.
    if (this.fcsBytes > 0) caplen = Math.max(0, Math.min(caplen, origLen - this.fcsBytes));
    // Fractions of a second beyond one second (seen in damaged files) carry into the seconds.
    const nsec = this.nsec ? frac : frac * 1000;
    if (nsec < 1e9) {
      rec.tsSec = sec;
      rec.tsNsec = nsec;
    } else {
      rec.tsSec = sec + Math.floor(nsec / 1e9);
      rec.tsNsec = nsec % 1e9;
    }
    rec.data = buf;
    rec.offset = off + this.recHeader;
    rec.caplen = caplen;
    rec.origLen = origLen;
    this.emit(rec);
    return true;
  }

  private fileHeader(buf: Buffer, off: number): boolean {
    const m = pcapMagic(buf, off);
    if (m === null) {
      this.fail(0, 'unsupported', 'not a pcap file (bad magic number)');
      return false;
    }
    this.le = m.littleEndian;
    this.nsec = m.nanosecond;
    this.recHeader = m.modified ? 24 : 16;
    this.format = m.modified ? 'pcap-modified' : m.nanosecond ? 'pcap-nsec' : 'pcap';
    const u16 = (o: number) => (m.littleEndian ? buf.readUInt16LE(off + o) : buf.readUInt16BE(off + o));
    const u32 = (o: number) => (m.littleEndian ? buf.readUInt32LE(off + o) : buf.readUInt32BE(off + o));
    const major = u16(4);
    const minor = u16(6);
    if (major !== 2) {
      this.fail(4, 'unsupported', `pcap version ${major}.${minor} (only 2.x is defined)`);
      return false;
    }
    this.snaplen = u32(16);
    // The link-type field as libpcap 1.10 reads it: link type in bits 0-15, bits 16-25 reserved (must be zero), bit
    // 26 the F flag saying bits 28-31 hold the FCS length in 16-bit words (bit 27 reserved with them).
    const field = u32(20);
    if ((field & 0x03ff0000) !== 0) {
      const hex = `0x${field.toString(16).padStart(8, '0')}`;
      this.fail(20, 'corrupt', `link-type field ${hex} has reserved bits 16-25 set (libpcap rejects it)`);
      return false;
    }
    this.linkType = field & 0xffff;
    this.fcsBytes = (field & 0x04000000) !== 0 ? ((field >>> 28) & 0xf) * 2 : 0;
    this.rec.linkType = this.linkType;
    this.rec.interfaceId = 0;
    this.interfaces.push({
      id: 0,
      linkType: this.linkType,
      snaplen: this.snaplen,
      tsresol: this.nsec ? 9 : 6,
      ...(this.fcsBytes > 0 ? { fcsBytes: this.fcsBytes } : {}),
    });
    this.headerDone = true;
    return true;
  }
}
