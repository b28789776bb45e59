/**
 * What an NFS message exposes when it travels in the clear (issue 15, triage): file data sizes (WRITE arguments,
 * READ results) and the file names carried by directory operations (LOOKUP, OPEN, CREATE, REMOVE, RENAME, LINK in
 * calls; READDIR and READDIRPLUS in replies), for NFSv3 (RFC 1813) and NFSv4.x COMPOUND (RFC 7530, 8881).
 *
 * Pure readers over one message window (the arguments or results after the RPC header): they report through an
 * ExposureSink and stop quietly at the end of the window, at an operation they cannot step over, or at an
 * impossible value. Names are handed over as offsets into the window (never copied here); data is only measured.
 */
import { skipBitmap, skipFattr, skipNfs4OpArgs, skipOpenHow, skipOwner } from './nfs4-args.js';
import { readU32, type XdrCursor } from './xdr.js';

export interface ExposureSink {
  /** A file name of `len` bytes at buf[off] seen in operation `op` (LOOKUP, READDIR...). */
  name(op: string, buf: Uint8Array, off: number, len: number): void;
  /** A WRITE call carrying `n` bytes of file data. */
  write(n: number): void;
  /** A successful READ result carrying `n` bytes of file data. */
  read(n: number): void;
}

/** How far a reader got. */
export type ExposureStatus = 'done' | 'partial';

/** NFS file names (component4 / filename3): generous, far below a hostile length. */
const MAX_NAME = 8192;
const NFS3_FHSIZE = 64;
const NFS4_FHSIZE = 128;
const FATTR3 = 84;
const STATEID = 16;
const CHANGE_INFO = 20;
/** Directory entries read per reply at most (a hostile reply cannot spin the reader). */
const MAX_ENTRIES = 65536;
const MAX_OPS = 4096;

function name(c: XdrCursor, op: string, sink: ExposureSink): void {
  const at = c.opaqueInWindow(MAX_NAME);
  if (at >= 0) sink.name(op, c.buf, at, readU32(c.buf, at - 4));
}

function diropargs3(c: XdrCursor, op: string, sink: ExposureSink): void {
  c.skipOpaque(NFS3_FHSIZE);
  name(c, op, sink);
}

/** Done unless a read ran out of bytes or met an impossible value (data running past the window is fine). */
function status(c: XdrCursor): ExposureStatus {
  return c.short || c.bad ? 'partial' : 'done';
}

/** File data (opaque<>): measured, never read; it may run past the window. */
function data(c: XdrCursor, sink: ExposureSink, write: boolean): void {
  const len = c.skipOpaque();
  if (c.short || c.bad) return;
  if (write) sink.write(len);
  else sink.read(len);
}

// ---- NFSv3 ----

const V3_DIROP: Record<number, string> = {
  3: 'LOOKUP',
  8: 'CREATE',
  9: 'MKDIR',
  10: 'SYMLINK',
  11: 'MKNOD',
  12: 'REMOVE',
  13: 'RMDIR',
};

/** NFSv3 call arguments of procedure `proc`. */
export function readNfs3Call(c: XdrCursor, proc: number, sink: ExposureSink): ExposureStatus {
  const op = V3_DIROP[proc];
  if (op !== undefined) diropargs3(c, op, sink);
  else if (proc === 14) {
    diropargs3(c, 'RENAME', sink);
    diropargs3(c, 'RENAME', sink);
  } else if (proc === 15) {
    c.skipOpaque(NFS3_FHSIZE);
    diropargs3(c, 'LINK', sink);
  } else if (proc === 7) {
    c.skipOpaque(NFS3_FHSIZE);
    c.skip(8 + 4 + 4); // offset, count, stable
    data(c, sink, true);
  }
  return status(c);
}

function postOpAttr(c: XdrCursor): void {
  if (c.bool()) c.skip(FATTR3);
}

/** NFSv3 results of procedure `proc` (READ, READDIR, READDIRPLUS; others expose nothing read here). */
export function readNfs3Reply(c: XdrCursor, proc: number, sink: ExposureSink): ExposureStatus {
  if (proc !== 6 && proc !== 16 && proc !== 17) return 'done';
  if (c.u32() !== 0 || !c.ok) return status(c);
  postOpAttr(c);
  if (proc === 6) {
    c.skip(8); // count, eof
    data(c, sink, false);
    return status(c);
  }
  c.skip(8); // cookieverf
  for (let i = 0; i < MAX_ENTRIES && c.ok && c.bool(); i++) {
    c.skip(8); // fileid
    name(c, proc === 16 ? 'READDIR' : 'READDIRPLUS', sink);
    c.skip(8); // cookie
    if (proc === 17) {
      postOpAttr(c);
      if (c.bool()) c.skipOpaque(NFS3_FHSIZE);
    }
  }
  return status(c);
}

// ---- NFSv4 COMPOUND ----

function openClaimName(c: XdrCursor, sink: ExposureSink): boolean {
  const claim = c.u32();
  if (claim === 0 || claim === 3) name(c, 'OPEN', sink);
  else if (claim === 1) c.u32();
  else if (claim === 2) {
    c.skip(STATEID);
    name(c, 'OPEN', sink);
  } else if (claim === 5) c.skip(STATEID);
  else if (claim !== 4 && claim !== 6) return c.short;
  return true;
}

/** One COMPOUND operation's arguments: names and WRITE sizes reported, the rest stepped over. */
function callOp(c: XdrCursor, op: number, sink: ExposureSink): boolean {
  switch (op) {
    case 6: {
      // CREATE
      const type = c.u32();
      if (type === 5) c.skipOpaque(MAX_NAME);
      else if (type === 3 || type === 4) c.skip(8);
      name(c, 'CREATE', sink);
      skipFattr(c);
      return true;
    }
    case 11:
      name(c, 'LINK', sink);
      return true;
    case 15:
      name(c, 'LOOKUP', sink);
      return true;
    case 18:
      c.skip(12);
      skipOwner(c);
      return skipOpenHow(c) && openClaimName(c, sink);
    case 28:
      name(c, 'REMOVE', sink);
      return true;
    case 29:
      name(c, 'RENAME', sink);
      name(c, 'RENAME', sink);
      return true;
    case 38: {
      c.skip(STATEID + 12);
      data(c, sink, true);
      return true;
    }
    default:
      return skipNfs4OpArgs(c, op);
  }
}

/** COMPOUND4args: tag, minor version, operations. Stops at the end of the window (a WRITE's data runs past it). */
export function readNfs4Call(c: XdrCursor, sink: ExposureSink): ExposureStatus {
  c.skipOpaque(1024); // tag
  c.u32(); // minorversion
  const n = c.u32();
  if (n > MAX_OPS) return 'partial';
  for (let i = 0; i < n && c.ok; i++) {
    const op = c.u32();
    // The operations after a WRITE follow its data: the loop reads on only when the data is inside the window.
    if (!c.ok || !callOp(c, op, sink)) return 'partial';
  }
  return status(c);
}

/** open_delegation4 (RFC 7530 16.16.5, RFC 8881 18.16.3). */
function openDelegation(c: XdrCursor): boolean {
  const type = c.u32();
  if (type === 0) return true;
  if (type === 1 || type === 2) {
    c.skip(STATEID + 4); // stateid, recall
    if (type === 2) c.skip(12); // nfs_space_limit4
    c.skip(12); // nfsace4 type, flag, mask
    c.skipOpaque(1024); // who
    return true;
  }
  if (type === 3) {
    const why = c.u32();
    if (why === 1 || why === 2) c.u32();
    return true;
  }
  return c.short;
}

/** One successful operation's results: READ sizes and READDIR names reported, the rest stepped over. */
function replyOp(c: XdrCursor, op: number, sink: ExposureSink): boolean {
  switch (op) {
    case 8: // DELEGRETURN
    case 15: // LOOKUP
    case 16: // LOOKUPP
    case 19: // OPENATTR
    case 22: // PUTFH
    case 23: // PUTPUBFH
    case 24: // PUTROOTFH
    case 30: // RENEW
    case 31: // RESTOREFH
    case 32: // SAVEFH
    case 36: // SETCLIENTID_CONFIRM
    case 39: // RELEASE_LOCKOWNER
    case 44: // DESTROY_SESSION
    case 45: // FREE_STATEID
    case 57: // DESTROY_CLIENTID
    case 58: // RECLAIM_COMPLETE
      return true;
    case 3: // ACCESS
    case 5: // COMMIT
      return c.skip(8);
    case 4: // CLOSE
    case 12: // LOCK
    case 14: // LOCKU
    case 20: // OPEN_CONFIRM
    case 21: // OPEN_DOWNGRADE
      return c.skip(STATEID);
    case 6: // CREATE
      c.skip(CHANGE_INFO);
      skipBitmap(c);
      return true;
    case 9: // GETATTR
      skipFattr(c);
      return true;
    case 10: // GETFH
      c.skipOpaque(NFS4_FHSIZE);
      return true;
    case 11: // LINK
    case 28: // REMOVE
      return c.skip(CHANGE_INFO);
    case 29: // RENAME
      return c.skip(2 * CHANGE_INFO);
    case 18: // OPEN
      c.skip(STATEID + CHANGE_INFO + 4);
      skipBitmap(c);
      return openDelegation(c);
    case 25: {
      // READ
      c.u32(); // eof
      data(c, sink, false);
      return true;
    }
    case 26: // READDIR
      c.skip(8); // cookieverf
      for (let i = 0; i < MAX_ENTRIES && c.ok && c.bool(); i++) {
        c.skip(8); // cookie
        name(c, 'READDIR', sink);
        skipFattr(c);
      }
      c.bool(); // eof
      return true;
    case 27: // READLINK
      c.skipOpaque(MAX_NAME);
      return true;
    case 34: // SETATTR
      skipBitmap(c);
      return true;
    case 35: // SETCLIENTID
      return c.skip(16);
    case 38: // WRITE
      return c.skip(16);
    case 53: // SEQUENCE
      return c.skip(16 + 20);
    default:
      return false;
  }
}

/**
 * COMPOUND4res: status, tag, results. Processing stops at the first failing operation, so a failing status ends
 * the walk (its result, if any, is the last thing in the message).
 */
export function readNfs4Reply(c: XdrCursor, sink: ExposureSink): ExposureStatus {
  c.u32(); // status
  c.skipOpaque(1024); // tag
  const n = c.u32();
  if (n > MAX_OPS) return 'partial';
  for (let i = 0; i < n && c.ok; i++) {
    const op = c.u32();
    const st = c.u32();
    if (!c.ok) break;
    if (st !== 0) return 'done';
    if (!replyOp(c, op, sink)) return 'partial';
  }
  return status(c);
}
