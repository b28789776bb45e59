/**
 * ONC-RPC messages for the generator: calls/replies of NFSv3, NFSv4.0/4.1 COMPOUND, MOUNT and portmapper, encoded
 * with valid XDR so tshark decodes them without "malformed" marks, plus TCP record marking.
 */
import type { RandomPool } from './prng.js';
import { Xdr } from './xdr.js';

export const PROG_PORTMAP = 100000;
export const PROG_NFS = 100003;
export const PROG_MOUNT = 100005;

export interface AuthSys {
  machine: string;
  uid: number;
  gid: number;
}

/** A CALL with AUTH_SYS credentials and an AUTH_NONE verifier. */
export function rpcCall(
  xid: number,
  prog: number,
  vers: number,
  proc: number,
  cred: AuthSys,
  args: (x: Xdr) => void,
): Buffer {
  const body = new Xdr().u32(0).string(cred.machine).u32(cred.uid).u32(cred.gid).words([cred.gid]).toBuffer();
  const x = new Xdr().u32(xid).u32(0).u32(2).u32(prog).u32(vers).u32(proc).u32(1).opaque(body).u32(0).u32(0);
  args(x);
  return x.toBuffer();
}

/** An accepted, successful REPLY. */
export function rpcReply(xid: number, results: (x: Xdr) => void): Buffer {
  const x = new Xdr().u32(xid).u32(1).u32(0).u32(0).u32(0).u32(0);
  results(x);
  return x.toBuffer();
}

/** Wraps one RPC message in record marking, split into `fragments` fragments (the last one flagged). */
export function recordMark(msg: Buffer, fragments = 1): Buffer {
  const n = Math.max(1, Math.min(fragments, Math.floor(msg.length / 4)));
  const out = Buffer.allocUnsafe(msg.length + 4 * n);
  let src = 0;
  let dst = 0;
  for (let i = 0; i < n; i++) {
    const len = i === n - 1 ? msg.length - src : Math.floor(msg.length / n);
    out.writeUInt32BE(((i === n - 1 ? 0x80000000 : 0) | len) >>> 0, dst);
    msg.copy(out, dst + 4, src, src + len);
    src += len;
    dst += 4 + len;
  }
  return out;
}

/** State one NFS client conversation carries between calls. */
export interface NfsCtx {
  pool: RandomPool;
  fh: Buffer;
  stateid: Buffer;
  verifier: Buffer;
  sessionid: Buffer;
  clientid: number;
  /** Bytes of the next READ/WRITE. */
  ioSize: number;
  offset: number;
  name: string;
}

// ---- NFSv3 ----

function fattr3(x: Xdr, size: number): void {
  x.u32(1).u32(0o644).u32(1).u32(1000).u32(1000).u64(size).u64(size).u32(0).u32(0).u64(42).u64(12345);
  for (let i = 0; i < 3; i++) x.u32(1700000000).u32(0);
}

export interface V3Proc {
  name: string;
  num: number;
  args(x: Xdr, c: NfsCtx): void;
  res(x: Xdr, c: NfsCtx): void;
}

const noPostOp = (x: Xdr): Xdr => x.bool(false);

export const NFS3: Record<string, V3Proc> = {
  NULL: { name: 'NULL', num: 0, args: () => {}, res: () => {} },
  GETATTR: {
    name: 'GETATTR',
    num: 1,
    args: (x, c) => x.opaque(c.fh),
    res: (x) => fattr3(x.u32(0), 1 << 20),
  },
  LOOKUP: {
    name: 'LOOKUP',
    num: 3,
    args: (x, c) => x.opaque(c.fh).string(c.name),
    res: (x, c) => {
      x.u32(0).opaque(c.fh).bool(true);
      fattr3(x, 1 << 20);
      noPostOp(x);
    },
  },
  ACCESS: {
    name: 'ACCESS',
    num: 4,
    args: (x, c) => x.opaque(c.fh).u32(0x1f),
    res: (x) => noPostOp(x.u32(0)).u32(0x1f),
  },
  READ: {
    name: 'READ',
    num: 6,
    args: (x, c) => x.opaque(c.fh).u64(c.offset).u32(c.ioSize),
    res: (x, c) => noPostOp(x.u32(0)).u32(c.ioSize).bool(false).opaque(c.pool.slice(c.ioSize)),
  },
  WRITE: {
    name: 'WRITE',
    num: 7,
    args: (x, c) => x.opaque(c.fh).u64(c.offset).u32(c.ioSize).u32(0).opaque(c.pool.slice(c.ioSize)),
    res: (x, c) =>
      noPostOp(noPostOp(x.u32(0)))
        .u32(c.ioSize)
        .u32(0)
        .fixed(c.verifier),
  },
  READDIRPLUS: {
    name: 'READDIRPLUS',
    num: 17,
    args: (x, c) => x.opaque(c.fh).u64(0).fixed(c.verifier).u32(4096).u32(32768),
    res: (x, c) => noPostOp(x.u32(0)).fixed(c.verifier).bool(false).bool(true),
  },
  FSINFO: {
    name: 'FSINFO',
    num: 19,
    args: (x, c) => x.opaque(c.fh),
    res: (x) =>
      noPostOp(x.u32(0))
        .u32(1048576)
        .u32(1048576)
        .u32(4096)
        .u32(1048576)
        .u32(1048576)
        .u32(4096)
        .u32(4096)
        .u64(2 ** 53)
        .u32(0)
        .u32(1)
        .u32(0x1b),
  },
  COMMIT: {
    name: 'COMMIT',
    num: 21,
    args: (x, c) => x.opaque(c.fh).u64(0).u32(0),
    res: (x, c) => noPostOp(noPostOp(x.u32(0))).fixed(c.verifier),
  },
};

// ---- NFSv4 COMPOUND operations ----

export interface V4Op {
  name: string;
  num: number;
  args(x: Xdr, c: NfsCtx): void;
  res(x: Xdr, c: NfsCtx): void;
}

const none = (): void => {};
const ZERO12 = Buffer.alloc(12);

function channelAttrs(x: Xdr): void {
  x.u32(0).u32(1049620).u32(1049480).u32(3428).u32(8).u32(64).u32(0);
}

export const NFS4: Record<string, V4Op> = {
  ACCESS: { name: 'ACCESS', num: 3, args: (x) => x.u32(0x1f), res: (x) => x.u32(0x1f).u32(0x1f) },
  // The reply's stateid is the invalid special stateid, as RFC 8881 18.2.4 advises.
  CLOSE: {
    name: 'CLOSE',
    num: 4,
    args: (x, c) => x.u32(1).fixed(c.stateid),
    res: (x) => x.u32(0xffffffff).fixed(ZERO12),
  },
  COMMIT: { name: 'COMMIT', num: 5, args: (x) => x.u64(0).u32(0), res: (x, c) => x.fixed(c.verifier) },
  // attrmask {type, size}; the reply carries exactly those two attributes.
  GETATTR: {
    name: 'GETATTR',
    num: 9,
    args: (x) => x.words([0x0010011a, 0x00b0a23a]),
    res: (x) => x.words([0x12]).opaque(Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0x10, 0, 0])),
  },
  GETFH: { name: 'GETFH', num: 10, args: none, res: (x, c) => x.opaque(c.fh) },
  LOOKUP: { name: 'LOOKUP', num: 15, args: (x, c) => x.string(c.name), res: none },
  OPEN: {
    name: 'OPEN',
    num: 18,
    args: (x, c) => x.u32(0).u32(1).u32(0).u64(c.clientid).string('open id:bench').u32(0).u32(0).string(c.name),
    res: (x, c) => x.fixed(c.stateid).bool(true).u64(1).u64(2).u32(4).words([]).u32(0),
  },
  OPEN_CONFIRM: {
    name: 'OPEN_CONFIRM',
    num: 20,
    args: (x, c) => x.fixed(c.stateid).u32(1),
    res: (x, c) => x.fixed(c.stateid),
  },
  PUTFH: { name: 'PUTFH', num: 22, args: (x, c) => x.opaque(c.fh), res: none },
  PUTROOTFH: { name: 'PUTROOTFH', num: 24, args: none, res: none },
  READ: {
    name: 'READ',
    num: 25,
    args: (x, c) => x.fixed(c.stateid).u64(c.offset).u32(c.ioSize),
    res: (x, c) => x.bool(false).opaque(c.pool.slice(c.ioSize)),
  },
  READDIR: {
    name: 'READDIR',
    num: 26,
    args: (x, c) => x.u64(0).fixed(c.verifier).u32(8192).u32(32768).words([0x0018091a, 0x00b0a23a]),
    res: (x, c) => x.fixed(c.verifier).bool(false).bool(true),
  },
  RENEW: { name: 'RENEW', num: 30, args: (x, c) => x.u64(c.clientid), res: none },
  SETCLIENTID: {
    name: 'SETCLIENTID',
    num: 35,
    args: (x, c) =>
      x
        .fixed(c.verifier)
        .string(`Linux NFSv4.0 ${c.name}`)
        .u32(0x40000000)
        .string('tcp')
        .string('10.1.0.1.3.200')
        .u32(1),
    res: (x, c) => x.u64(c.clientid).fixed(c.verifier),
  },
  SETCLIENTID_CONFIRM: {
    name: 'SETCLIENTID_CONFIRM',
    num: 36,
    args: (x, c) => x.u64(c.clientid).fixed(c.verifier),
    res: none,
  },
  WRITE: {
    name: 'WRITE',
    num: 38,
    args: (x, c) => x.fixed(c.stateid).u64(c.offset).u32(0).opaque(c.pool.slice(c.ioSize)),
    res: (x, c) => x.u32(c.ioSize).u32(0).fixed(c.verifier),
  },
  EXCHANGE_ID: {
    name: 'EXCHANGE_ID',
    num: 42,
    args: (x, c) => x.fixed(c.verifier).string(`Linux NFSv4.1 ${c.name}`).u32(0x101).u32(0).u32(0),
    res: (x, c) => x.u64(c.clientid).u32(1).u32(0x10001).u32(0).u64(0).string('bench-server').string('bench').u32(0),
  },
  CREATE_SESSION: {
    name: 'CREATE_SESSION',
    num: 43,
    args: (x, c) => {
      x.u64(c.clientid).u32(1).u32(3);
      channelAttrs(x);
      channelAttrs(x);
      x.u32(0x40000000).u32(1).u32(0);
    },
    res: (x, c) => {
      x.fixed(c.sessionid).u32(1).u32(3);
      channelAttrs(x);
      channelAttrs(x);
    },
  },
  DESTROY_SESSION: { name: 'DESTROY_SESSION', num: 44, args: (x, c) => x.fixed(c.sessionid), res: none },
  SEQUENCE: {
    name: 'SEQUENCE',
    num: 53,
    args: (x, c) => x.fixed(c.sessionid).u32(1).u32(0).u32(0).bool(false),
    res: (x, c) => x.fixed(c.sessionid).u32(1).u32(0).u32(0).u32(63).u32(0),
  },
  DESTROY_CLIENTID: { name: 'DESTROY_CLIENTID', num: 57, args: (x, c) => x.u64(c.clientid), res: none },
  RECLAIM_COMPLETE: { name: 'RECLAIM_COMPLETE', num: 58, args: (x) => x.bool(false), res: none },
};

/** COMPOUND call arguments: tag, minor version, operations. */
export function compoundArgs(x: Xdr, minor: number, ops: readonly V4Op[], c: NfsCtx): void {
  x.string('').u32(minor).u32(ops.length);
  for (const op of ops) {
    x.u32(op.num);
    op.args(x, c);
  }
}

/** COMPOUND reply: NFS4_OK for the whole and for every operation. */
export function compoundRes(x: Xdr, ops: readonly V4Op[], c: NfsCtx): void {
  x.u32(0).string('').u32(ops.length);
  for (const op of ops) {
    x.u32(op.num).u32(0);
    op.res(x, c);
  }
}
