/**
 * NFSv4 COMPOUND4args / CB_COMPOUND4args walking: the header (tag, minorversion, callback_ident, op count) and the
 * operations one by one. Resumable: the walk stops at the end of the bytes it has and says what it needs next, so a
 * stream analyzer can feed it a record a piece at a time and step over bulk data (WRITE) without buffering it.
 */
import { nfs4CbOpName, nfs4OpName } from './nfs-names.js';
import { skipNfs4CbOpArgs, skipNfs4OpArgs } from './nfs4-args.js';
import type { XdrCursor } from './xdr.js';

/** COMPOUND tags are utf8str_cs; real clients send short ones. */
const MAX_TAG = 1024;
/** A COMPOUND with more operations than this is treated as malformed. */
export const MAX_COMPOUND_OPS = 4096;

export type WalkStatus =
  /** every operation was read */
  | 'done'
  /** the window ended inside an operation: supply more bytes from `CompoundWalk.resumeAt` */
  | 'more'
  /** the current operation ends after `skip` more bytes past the window: skip them, then walk on */
  | 'skip'
  /** an operation we cannot step over (flagged by `stopOp`): stop counting this COMPOUND */
  | 'stop'
  /** impossible values (a length past its limit, an unknown operation number) */
  | 'bad';

export class CompoundWalk {
  cb = false;
  minorVersion = 0;
  total = 0;
  /** Operations still to read. */
  left = 0;
  /** Where the unfinished operation starts (valid after 'more'). */
  resumeAt = 0;
  /** Bytes to skip after the window (valid after 'skip'). */
  skip = 0;
  /** The operation number that stopped the walk ('stop' or 'bad'), or -1. */
  stopOp = -1;

  /** Reads COMPOUND4args (or CB_COMPOUND4args when `cb`) up to the first operation. */
  begin(c: XdrCursor, cb: boolean): 'done' | 'more' | 'bad' {
    this.cb = cb;
    this.stopOp = -1;
    this.skip = 0;
    c.skipOpaque(MAX_TAG);
    this.minorVersion = c.u32();
    if (cb) c.u32(); // callback_ident
    const n = c.u32();
    if (c.bad || c.overrun > 0 || n > MAX_COMPOUND_OPS || this.minorVersion > 2) return 'bad';
    if (c.short) return 'more';
    this.total = this.left = n;
    this.resumeAt = c.pos;
    return 'done';
  }

  /**
   * Reads operations from `c` until they are all read or the window ends. `count(name)` is called once per
   * operation whose arguments were fully stepped over (or whose trailing data will be skipped).
   */
  walk(c: XdrCursor, count: (name: string) => void): WalkStatus {
    this.skip = 0;
    while (this.left > 0) {
      const start = c.pos;
      const op = c.u32();
      if (c.short) {
        this.resumeAt = start;
        return 'more';
      }
      const opName = this.cb ? nfs4CbOpName(op) : nfs4OpName(op);
      if (opName === null) {
        this.stopOp = op;
        return 'bad';
      }
      const skippable = this.cb ? skipNfs4CbOpArgs(c, op) : skipNfs4OpArgs(c, op);
      if (!skippable && !c.short) {
        this.stopOp = op;
        return 'stop';
      }
      if (c.bad) {
        this.stopOp = op;
        return 'bad';
      }
      if (c.short) {
        this.resumeAt = start;
        return 'more';
      }
      this.left--;
      count(opName);
      if (c.overrun > 0) {
        this.skip = c.overrun;
        return this.left > 0 ? 'skip' : 'done';
      }
    }
    return 'done';
  }
}
