/**
 * XDR (RFC 4506) reading over a byte window, with bounds checks on every read. Nothing here throws or copies:
 * a read that would cross `end` sets `short` and returns 0; a length that can never be valid sets `bad`.
 *
 * Variable-length opaques may run past `end`: the cursor then records how many bytes lie beyond the window in
 * `overrun` and stops at `end`. When nothing more is read after that, the caller knows the structure ends after
 * skipping `overrun` more bytes of the stream (a WRITE's data); any later read is `short`. This is what lets a
 * streaming parser step over a 1 MiB WRITE without buffering it.
 */

const EMPTY = new Uint8Array(0);

/** Round an XDR length up to its 4-byte padded size. Works for any uint32 without 32-bit overflow. */
export function xdrPad(len: number): number {
  return len + ((4 - (len & 3)) & 3);
}

export class XdrCursor {
  buf: Uint8Array = EMPTY;
  pos = 0;
  end = 0;
  /** A read needed bytes past `end` (more bytes may still come, or the input lied). */
  short = false;
  /** A value can never be valid (a length above its protocol limit, an unknown union arm). */
  bad = false;
  /** Bytes of the last opaque that lie past `end` (only meaningful while nothing else was read after it). */
  overrun = 0;

  reset(buf: Uint8Array, off: number, end: number): this {
    this.buf = buf;
    this.pos = off;
    this.end = Math.min(end, buf.length);
    this.short = false;
    this.bad = false;
    this.overrun = 0;
    return this;
  }

  /** True while no read failed and no opaque ran past the window. */
  get ok(): boolean {
    return !this.short && !this.bad && this.overrun === 0;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Reads a big-endian uint32; 0 with `short` set when fewer than 4 bytes remain. */
  u32(): number {
    if (this.overrun > 0 || this.end - this.pos < 4) {
      this.short = true;
      return 0;
    }
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  /** Skips `n` fixed bytes (already a multiple of 4 for XDR items). */
  skip(n: number): boolean {
    if (this.overrun > 0 || this.end - this.pos < n) {
      this.short = true;
      return false;
    }
    this.pos += n;
    return true;
  }

  skipHyper(): boolean {
    return this.skip(8);
  }

  /** Reads an XDR bool (0 or 1); anything else is `bad`. */
  bool(): boolean {
    const v = this.u32();
    if (v > 1) this.bad = true;
    return v === 1;
  }

  /**
   * Skips opaque<max> / string<max>: a length then padded bytes. A length above `max` is `bad`; bytes past the
   * window are recorded in `overrun` (see the class comment). Returns the declared length (0 on failure).
   */
  skipOpaque(max = 0xffffffff): number {
    const len = this.u32();
    if (this.short) return 0;
    if (len > max) {
      this.bad = true;
      return 0;
    }
    const padded = xdrPad(len);
    const avail = this.end - this.pos;
    if (padded > avail) {
      this.overrun = padded - avail;
      this.pos = this.end;
    } else {
      this.pos += padded;
    }
    return len;
  }

  /**
   * Checks that opaque<max> at the cursor lies wholly inside the window and returns its data offset (the cursor
   * moves past it), or -1. Used for small fields the caller wants to look at (a verifier body, a machine name).
   */
  opaqueInWindow(max: number): number {
    const len = this.u32();
    if (this.short) return -1;
    if (len > max) {
      this.bad = true;
      return -1;
    }
    const padded = xdrPad(len);
    if (padded > this.end - this.pos) {
      this.short = true;
      return -1;
    }
    const at = this.pos;
    this.pos += padded;
    return at;
  }

  /** Skips an array of fixed-size items: count (<= maxCount) then count * itemSize bytes. */
  skipFixedArray(itemSize: number, maxCount: number): boolean {
    const n = this.u32();
    if (this.short) return false;
    if (n > maxCount) {
      this.bad = true;
      return false;
    }
    return this.skip(n * itemSize);
  }
}

/** Reads a big-endian uint32 at `off` without a cursor; the caller has checked the bounds. */
export function readU32(buf: Uint8Array, off: number): number {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}
