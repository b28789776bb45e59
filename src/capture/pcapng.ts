/**
 * pcapng (push parser): sections of either byte order, several interfaces with their own link type, snaplen and
 * timestamp resolution, Enhanced / Simple / obsolete Packet Blocks. Other blocks are skipped by their length.
 * Never throws; damage ends the parse with `error`.
 */
import { ChunkedParser } from './chunked.js';
import { TsConverter } from './timestamp.js';
import type { CaptureInterface } from './types.js';

export const PCAPNG_MAGIC = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BT_IDB = 1;
const BT_PB = 2;
const BT_SPB = 3;
const BT_EPB = 6;
const BT_SYSTEMD_JOURNAL = 9;
const BT_CUSTOM_COPY = 0x00000bad;
const BT_CUSTOM_NOCOPY = 0x40000bad;
/** Options per block we look at before giving up on the rest (bounds the work on hostile input). */
const MAX_OPTIONS = 256;

interface SectionInterface {
  info: CaptureInterface;
  ts: TsConverter;
}

export class PcapngParser extends ChunkedParser {
  /** Every interface of the file, ids counted across sections. */
  interfaces: CaptureInterface[] = [];
  sections = 0;
  private le = true;
  /** Interfaces of the current section, indexed by their id within the section. */
  private section: SectionInterface[] = [];

  protected unitLength(buf: Buffer, off: number, avail: number): number {
    if (avail < 12) return 12;
    const type = buf.readUInt32LE(off);
    if (type === PCAPNG_MAGIC) {
      const bom = buf.readUInt32LE(off + 8);
      if (bom === BYTE_ORDER_MAGIC) this.le = true;
      else if (bom === 0x4d3c2b1a) this.le = false;
      else {
        this.fail(this.consumed + 8, 'corrupt', 'section header block has a bad byte-order magic');
        return -1;
      }
    } else if (this.sections === 0) {
      this.fail(0, 'unsupported', 'not a pcapng file (first block is not a section header)');
      return -1;
    }
    const len = this.u32(buf, off + 4);
    if (len < 12 || len % 4 !== 0) {
      this.fail(this.consumed + 4, 'corrupt', `block total length ${len} is invalid`);
      return -1;
    }
    return len;
  }

  protected partialUnitName(have: number): string {
    return have < 12 ? `a block header (${have} of 12 bytes present)` : `a block (${have} bytes present)`;
  }

  protected consume(buf: Buffer, off: number, len: number): boolean {
    const type = this.u32(buf, off);
    const trailer = this.u32(buf, off + len - 4);
    if (trailer !== len) {
      this.fail(this.consumed + len - 4, 'corrupt', `block trailer length ${trailer} does not match ${len}`);
      return false;
    }
    switch (type) {
      case BT_EPB:
        return this.enhancedPacket(buf, off, len);
      case BT_SPB:
        return this.simplePacket(buf, off, len);
      case BT_PB:
        return this.obsoletePacket(buf, off, len);
      case BT_IDB:
        return this.interfaceBlock(buf, off, len);
      case PCAPNG_MAGIC:
        return this.sectionHeader(buf, off, len);
      case BT_CUSTOM_COPY:
      case BT_CUSTOM_NOCOPY:
      case BT_SYSTEMD_JOURNAL:
        // Not packets, but tshark gives them frame numbers: keep our frame numbers equal to tshark's.
        this.frames++;
        return true;
      default:
        return true; // statistics, name resolution, decryption secrets and unknown blocks: skipped
    }
  }

  /** Reads in the section's byte order, by byte arithmetic; callers check that the bytes are inside the block. */
  private u16(b: Buffer, o: number): number {
    return this.le ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!;
  }

  private u32(b: Buffer, o: number): number {
    return this.le
      ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0
      : ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }

  private sectionHeader(buf: Buffer, off: number, len: number): boolean {
    if (len < 28) {
      this.fail(this.consumed + 4, 'corrupt', `section header block of ${len} bytes is too short`);
      return false;
    }
    const major = this.u16(buf, off + 12);
    const minor = this.u16(buf, off + 14);
    // As libpcap 1.10: 1.0 and 1.2 (written by some tools for the same format) are read, 1.1 and others are not.
    if (major !== 1 || (minor !== 0 && minor !== 2)) {
      this.fail(this.consumed + 12, 'unsupported', `pcapng version ${major}.${minor} (libpcap reads only 1.0 and 1.2)`);
      return false;
    }
    // Options start after the 8-byte section length; only their bounds matter to us.
    if (this.walkOptions(buf, off, off + 24, off + len - 4, null) < 0) return false;
    this.sections++;
    this.section = [];
    return true;
  }

  private interfaceBlock(buf: Buffer, off: number, len: number): boolean {
    if (len < 20) {
      this.fail(this.consumed + 4, 'corrupt', `interface description block of ${len} bytes is too short`);
      return false;
    }
    const info: CaptureInterface = {
      id: this.interfaces.length,
      linkType: this.u16(buf, off + 8),
      snaplen: this.u32(buf, off + 12),
      tsresol: 6,
    };
    const ts = new TsConverter();
    if (this.walkOptions(buf, off, off + 16, off + len - 4, { info, ts }) < 0) return false;
    ts.setResolution(info.tsresol, info.tsresolBinary === true);
    this.interfaces.push(info);
    this.section.push({ info, ts });
    return true;
  }

  /**
   * Walk an option list in buf[start, end). With `iface`, records the interface options we use.
   * Returns 0, or -1 after reporting an option that runs past its block.
   */
  private walkOptions(buf: Buffer, block: number, start: number, end: number, iface: SectionInterface | null): number {
    let o = start;
    for (let n = 0; n < MAX_OPTIONS && o + 4 <= end; n++) {
      const code = this.u16(buf, o);
      const olen = this.u16(buf, o + 2);
      if (code === 0) return 0;
      const vstart = o + 4;
      if (vstart + olen > end) {
        this.fail(this.consumed + (o - block), 'corrupt', optionOverrun(code, olen));
        return -1;
      }
      if (iface !== null) interfaceOption(buf, vstart, olen, code, iface, this.le);
      o = vstart + ((olen + 3) & ~3);
    }
    return 0;
  }

  private iface(id: number): SectionInterface | null {
    return id < this.section.length ? this.section[id] : null;
  }

  private enhancedPacket(buf: Buffer, off: number, len: number): boolean {
    if (len < 32) {
      this.fail(this.consumed + 4, 'corrupt', `enhanced packet block of ${len} bytes is too short`);
      return false;
    }
    const id = this.u32(buf, off + 8);
    const caplen = this.u32(buf, off + 20);
    const origLen = this.u32(buf, off + 24);
    return this.deliver(buf, off, len, id, this.u32(buf, off + 12), this.u32(buf, off + 16), 28, caplen, origLen);
  }

  private obsoletePacket(buf: Buffer, off: number, len: number): boolean {
    if (len < 32) {
      this.fail(this.consumed + 4, 'corrupt', `packet block of ${len} bytes is too short`);
      return false;
    }
    const id = this.u16(buf, off + 8);
    const caplen = this.u32(buf, off + 20);
    const origLen = this.u32(buf, off + 24);
    return this.deliver(buf, off, len, id, this.u32(buf, off + 12), this.u32(buf, off + 16), 28, caplen, origLen);
  }

  private simplePacket(buf: Buffer, off: number, len: number): boolean {
    if (len < 16) {
      this.fail(this.consumed + 4, 'corrupt', `simple packet block of ${len} bytes is too short`);
      return false;
    }
    const origLen = this.u32(buf, off + 8);
    const sif = this.iface(0);
    const room = len - 16;
    let caplen = Math.min(origLen, room);
    if (sif !== null && sif.info.snaplen !== 0 && caplen > sif.info.snaplen) caplen = sif.info.snaplen;
    // A simple packet block has no timestamp: deliver 0 (unknown).
    return this.deliver(buf, off, len, 0, -1, -1, 12, caplen, origLen);
  }

  private deliver(
    buf: Buffer,
    off: number,
    len: number,
    id: number,
    tsHigh: number,
    tsLow: number,
    dataStart: number,
    caplen: number,
    origLen: number,
  ): boolean {
    const sif = this.iface(id);
    if (sif === null) {
      this.fail(this.consumed + 8, 'corrupt', `packet refers to interface ${id}, not described in this section`);
      return false;
    }
    if (caplen > len - dataStart - 4) {
      this.fail(this.consumed + dataStart - 8, 'corrupt', `packet caplen ${caplen} exceeds its block`);
      return false;
    }
    const rec = this.rec;
    if (tsHigh < 0) {
      rec.tsSec = 0;
      rec.tsNsec = 0;
    } else {
      sif.ts.convert(tsHigh, tsLow, rec);
    }
    rec.data = buf;
    rec.offset = off + dataStart;
    rec.caplen = caplen;
    rec.origLen = origLen;
    rec.linkType = sif.info.linkType;
    rec.interfaceId = sif.info.id;
    this.emit(rec);
    return true;
  }
}

function optionOverrun(code: number, olen: number): string {
  return `option ${code} of length ${olen} runs past the end of its block`;
}

function interfaceOption(
  buf: Buffer,
  v: number,
  olen: number,
  code: number,
  iface: SectionInterface,
  le: boolean,
): void {
  const info = iface.info;
  if (code === 2 && olen > 0) info.name = textOption(buf, v, olen);
  else if (code === 3 && olen > 0) info.description = textOption(buf, v, olen);
  else if (code === 9 && olen >= 1) {
    const r = buf[v];
    info.tsresol = r & 0x7f;
    if (r & 0x80) info.tsresolBinary = true;
  } else if (code === 14 && olen >= 8) {
    // if_tsoffset: signed 64-bit seconds added to every timestamp of the interface.
    iface.ts.offsetSec = Number(le ? buf.readBigInt64LE(v) : buf.readBigInt64BE(v));
  }
}

function textOption(buf: Buffer, v: number, olen: number): string {
  let end = v + olen;
  while (end > v && buf[end - 1] === 0) end--;
  return buf.toString('utf8', v, end);
}
