/**
 * Shared push machinery for the capture parsers: turns arbitrary chunks of a byte stream into whole "units"
 * (a file header, a record, a block). Units that lie entirely in a chunk are handed over in place; a unit that
 * spans chunk boundaries is stitched in a carry buffer (one copy, at chunk boundaries only).
 *
 * A subclass says how long the next unit is (`unitLength`) and consumes it (`consume`). Neither may throw:
 * damage is reported with `fail`, after which the parser ignores further input.
 */
import { CaptureError, type CaptureErrorKind, type PacketHandler, type PacketRecord } from './types.js';

/** Largest unit (record or block) we stitch; larger ones are reported as corrupt. */
export const MAX_UNIT = 16 * 1024 * 1024;

export function newPacketRecord(): PacketRecord {
  return {
    data: Buffer.alloc(0),
    offset: 0,
    caplen: 0,
    origLen: 0,
    tsSec: 0,
    tsNsec: 0,
    linkType: 0,
    interfaceId: 0,
    frame: 0,
    fileOffset: 0,
  };
}

export abstract class ChunkedParser {
  /** The first damage found; once set, input is ignored. */
  error: CaptureError | undefined;
  /** Packets delivered so far. */
  packets = 0;
  /** Frame numbers used so far: packets plus the pcapng blocks tshark also numbers as frames (custom blocks). */
  frames = 0;
  /** Packets with caplen < origLen. */
  truncatedPackets = 0;
  /** Stream offset of the first byte not yet consumed as a whole unit. */
  consumed = 0;

  protected readonly rec: PacketRecord = newPacketRecord();
  private carry: Buffer = Buffer.alloc(0);
  private carryLen = 0;

  constructor(
    readonly file: string,
    protected readonly onPacket: PacketHandler,
  ) {}

  /**
   * Bytes of the next unit starting at buf[off], given `avail` bytes there. When the header is incomplete,
   * return the size needed to read it (greater than avail). Return -1 after calling `fail` for damage.
   */
  protected abstract unitLength(buf: Buffer, off: number, avail: number): number;

  /** Consume one whole unit buf[off, off + len). Return false after calling `fail`. */
  protected abstract consume(buf: Buffer, off: number, len: number): boolean;

  /** Name for the kind of unit a cut stream ends inside, for the error message. */
  protected abstract partialUnitName(have: number): string;

  /** Hand the filled-in record of the unit being consumed to the caller, numbering it as tshark numbers frames. */
  protected emit(rec: PacketRecord): void {
    rec.fileOffset = this.consumed;
    this.packets++;
    rec.frame = ++this.frames;
    // A frame check sequence stripped by the reader is not a cut.
    if (rec.caplen < rec.origLen - this.fcsBytes) this.truncatedPackets++;
    this.onPacket(rec);
  }

  /** Bytes of frame check sequence the format says each frame ends with (stripped from caplen by the reader). */
  protected fcsBytes = 0;

  protected fail(offset: number, kind: CaptureErrorKind, detail: string): void {
    if (this.error === undefined) this.error = new CaptureError(this.file, offset, kind, detail);
  }

  /** Feed the next chunk of the stream. The chunk may be reused by the caller as soon as this returns. */
  push(chunk: Buffer): boolean {
    if (this.error !== undefined) return false;
    let pos = 0;
    const end = chunk.length;
    if (this.carryLen > 0) {
      pos = this.fillCarry(chunk);
      if (pos < 0) return false;
      if (this.carryLen > 0) return true; // chunk used up, unit still incomplete
    }
    while (pos < end) {
      const avail = end - pos;
      const need = this.unitLength(chunk, pos, avail);
      if (need < 0) return false;
      if (need > avail) {
        if (need > MAX_UNIT) {
          this.fail(this.consumed, 'corrupt', `unit of ${need} bytes exceeds the ${MAX_UNIT}-byte limit`);
          return false;
        }
        this.stash(chunk, pos, avail);
        return true;
      }
      if (!this.consume(chunk, pos, need)) return false;
      this.consumed += need;
      pos += need;
    }
    return true;
  }

  /** Signal end of stream; reports a partial unit left over as truncation. */
  end(): void {
    if (this.error === undefined && this.carryLen > 0) {
      this.fail(this.consumed, 'truncated', `stream ends inside ${this.partialUnitName(this.carryLen)}`);
    }
    this.carryLen = 0;
  }

  /** Bytes held back waiting for the rest of a unit. */
  get pending(): number {
    return this.carryLen;
  }

  private stash(chunk: Buffer, pos: number, n: number): void {
    if (this.carry.length < n) this.carry = Buffer.allocUnsafe(Math.max(n, 64 * 1024));
    chunk.copy(this.carry, 0, pos, pos + n);
    this.carryLen = n;
  }

  /** Complete the carried unit from the front of `chunk`; returns the chunk position after it, or -1. */
  private fillCarry(chunk: Buffer): number {
    let pos = 0;
    for (;;) {
      const need = this.unitLength(this.carry, 0, this.carryLen);
      if (need < 0) return -1;
      if (need > MAX_UNIT) {
        this.fail(this.consumed, 'corrupt', `unit of ${need} bytes exceeds the ${MAX_UNIT}-byte limit`);
        return -1;
      }
      if (this.carryLen >= need) {
        if (!this.consume(this.carry, 0, need)) return -1;
        this.consumed += need;
        this.carryLen = 0;
        return pos;
      }
      if (this.carry.length < need) {
        const bigger = Buffer.allocUnsafe(Math.max(need, this.carry.length * 2));
        this.carry.copy(bigger, 0, 0, this.carryLen);
        this.carry = bigger;
      }
      const take = Math.min(need - this.carryLen, chunk.length - pos);
      chunk.copy(this.carry, this.carryLen, pos, pos + take);
      this.carryLen += take;
      pos += take;
      if (this.carryLen < need) return pos; // chunk exhausted
    }
  }
}
