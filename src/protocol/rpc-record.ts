/**
 * TCP record marking for ONC-RPC (RFC 5531 section 11): a 4-byte mark (last-fragment bit + 31-bit length) before
 * each fragment; a record is one or more fragments, the last with the bit set. The framer strips marks, hands the
 * fragment bytes of each record to a sink in order, and never buffers more than the 4 bytes of a split mark.
 */
import { MAX_FRAGMENT, recordFragmentLength, recordLastFragment } from './rpc.js';

export interface RecordSink {
  /** A new record starts (its first mark was read). */
  recordStart(frame: number): void;
  /** `n` body bytes of the current record at data[pos]. */
  recordBytes(data: Uint8Array, pos: number, n: number, frame: number): void;
  /** The last fragment of the current record ended. */
  recordEnd(frame: number): void;
  /** At a record boundary, before reading a mark: return true to stop framing here (RFC 9289 TLS upgrade). */
  stopAtBoundary(firstByte: number): boolean;
}

export class RecordFramer {
  /** Bytes of a mark read so far (0-3 while split across segments). */
  private markHave = 0;
  private mark = 0;
  /** Bytes left in the current fragment. */
  fragLeft = 0;
  private lastFrag = false;
  /** Inside a fragment, or between fragments of a record that is not finished. */
  private inRecord = false;
  private inFragment = false;
  /** Set when a mark was implausible: the chain is lost until `reset`. */
  lost = false;
  /** Body bytes of the current record seen so far. */
  recordOffset = 0;

  reset(): void {
    this.markHave = 0;
    this.mark = 0;
    this.fragLeft = 0;
    this.lastFrag = false;
    this.inRecord = false;
    this.inFragment = false;
    this.lost = false;
    this.recordOffset = 0;
  }

  /** True between records (no mark byte pending, no record open). */
  get atBoundary(): boolean {
    return !this.inRecord && this.markHave === 0;
  }

  /**
   * Frames `len` bytes at data[off]. Returns the bytes consumed: `len`, or fewer when the sink asked to stop at a
   * boundary. When a mark is implausible, sets `lost` and returns `len` (the rest of the run is not framed).
   */
  feed(data: Uint8Array, off: number, len: number, frame: number, sink: RecordSink): number {
    let pos = off;
    const end = off + len;
    while (pos < end) {
      if (!this.inFragment) {
        let mark: number;
        if (this.markHave === 0) {
          if (!this.inRecord && sink.stopAtBoundary(data[pos]!)) return pos - off;
          if (end - pos >= 4) {
            // The whole mark is here (the common case): read it at once.
            mark = ((data[pos]! << 24) | (data[pos + 1]! << 16) | (data[pos + 2]! << 8) | data[pos + 3]!) >>> 0;
            pos += 4;
          } else mark = -1;
        } else mark = -1;
        if (mark < 0) {
          while (this.markHave < 4 && pos < end) {
            this.mark = ((this.mark << 8) | data[pos++]!) >>> 0;
            this.markHave++;
          }
          if (this.markHave < 4) break;
          mark = this.mark;
          this.markHave = 0;
          this.mark = 0;
        }
        const fragLen = recordFragmentLength(mark);
        this.lastFrag = recordLastFragment(mark);
        if (fragLen > MAX_FRAGMENT) {
          this.lost = true;
          return len;
        }
        if (!this.inRecord) {
          this.inRecord = true;
          this.recordOffset = 0;
          sink.recordStart(frame);
        }
        this.inFragment = true;
        this.fragLeft = fragLen;
      }
      const n = Math.min(this.fragLeft, end - pos);
      if (n > 0) {
        sink.recordBytes(data, pos, n, frame);
        pos += n;
        this.fragLeft -= n;
        this.recordOffset += n;
      }
      if (this.fragLeft === 0) {
        this.inFragment = false;
        if (this.lastFrag) {
          this.inRecord = false;
          sink.recordEnd(frame);
        }
      }
    }
    return len;
  }

  /**
   * Accounts for `n` missing bytes that fall inside the current fragment. Returns false when the gap is not wholly
   * inside the fragment (the chain is then broken and the caller must resync).
   */
  skipMissing(n: number): boolean {
    if (!this.inFragment || n >= this.fragLeft) return false;
    this.fragLeft -= n;
    this.recordOffset += n;
    return true;
  }
}
