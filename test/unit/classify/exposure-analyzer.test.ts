/**
 * The triage exposure reader on crafted bytes: NFSv3 and NFSv4 calls and replies matched by xid, READ bytes only
 * from matched successful replies, WRITE bytes from calls, names as keyed hashes (the text only when revealing),
 * AUTH_SYS identities; messages split across segments and fragments, gaps, hostile lengths, a full head pool.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Dir } from '../../../src/classify/analyzer.js';
import { ExposureAnalyzer, HEAD_CAP, HeadPool } from '../../../src/classify/exposure-analyzer.js';
import { readNfs3Reply, readNfs4Call, readNfs4Reply } from '../../../src/protocol/nfs-exposure.js';
import { XdrCursor } from '../../../src/protocol/xdr.js';
import { op, stateid } from '../../adversarial/builders/nfs4.js';
import {
  AUTH_NONE_CRED,
  authSys,
  callMsg,
  compound,
  concat,
  record,
  replyMsg,
  Xdr,
} from '../../adversarial/builders/rpc.js';

const NFS = 100003;
const KEY = Buffer.from('test-key');
const FH = new Array<number>(32).fill(7);

function hashOf(name: string, key = KEY): string {
  return createHmac('sha256', key).update(Buffer.from(name)).digest('hex').slice(0, 16);
}

function make(reveal = false, pool = new HeadPool()): ExposureAnalyzer {
  return new ExposureAnalyzer({ key: KEY, reveal }, pool);
}

function feed(a: ExposureAnalyzer, dir: Dir, bytes: Uint8Array, sizes: number[] = []): void {
  let at = 0;
  let frame = 1;
  for (const size of [...sizes, bytes.length]) {
    const n = Math.min(size, bytes.length - at);
    if (n <= 0) break;
    const seg = Buffer.alloc(n + 8);
    seg.set(bytes.subarray(at, at + n), 4);
    a.onData(dir, seg, 4, n, frame++);
    at += n;
  }
}

const v3lookup = (xid: number, name: string) =>
  record(callMsg(xid, NFS, 3, 3, authSys('client-7', 1000, 100), new Xdr().opaque(FH).str(name).bytes()));
const v3read = (xid: number, count: number) =>
  record(callMsg(xid, NFS, 3, 6, authSys('client-7', 1000, 100), new Xdr().opaque(FH).hyper(0, 0).u32(count).bytes()));
const v3readReply = (xid: number, n: number, status = 0) => {
  const res = new Xdr().u32(status).u32(0); // status, post_op_attr absent
  if (status === 0) res.u32(n).u32(1).opaque(new Array<number>(n).fill(0x41)); // count, eof, data
  return record(concat(replyMsg(xid), res.bytes()));
};
const v3write = (xid: number, n: number) =>
  record(
    callMsg(
      xid,
      NFS,
      3,
      7,
      authSys('client-7', 1000, 100),
      new Xdr().opaque(FH).hyper(0, 0).u32(n).u32(0).opaque(new Array<number>(n).fill(0x42)).bytes(),
    ),
  );

describe('exposure analyzer: NFSv3', () => {
  it('READ bytes from the matched reply, WRITE bytes from the call, names hashed, AUTH_SYS identity', () => {
    const a = make();
    feed(a, 0, concat(v3lookup(1, 'secret-plan.txt'), v3read(2, 4096), v3write(3, 5000)));
    feed(a, 1, concat(record(replyMsg(1)), v3readReply(2, 1234), record(replyMsg(3))), [7, 30, 100]);
    const f = a.finish()!;
    expect(f.read).toEqual({ replies: 1, bytes: 1234 });
    expect(f.write).toEqual({ calls: 1, bytes: 5000 });
    expect([f.calls, f.matchedReplies, f.unansweredCalls]).toEqual([3, 3, 0]);
    expect(f.names).toEqual([{ hash: hashOf('secret-plan.txt'), length: 15, ops: ['LOOKUP'] }]);
    expect(f.authSys).toEqual([{ uid: 1000, gid: 100, machine: { hash: hashOf('client-7'), length: 8 } }]);
    expect(JSON.stringify(f)).not.toContain('secret-plan');
    expect(JSON.stringify(f)).not.toContain('client-7');
  });

  it('reveal keeps the texts', () => {
    const a = make(true);
    feed(a, 0, v3lookup(1, 'secret-plan.txt'));
    const f = a.finish()!;
    expect(f.names[0]?.name).toBe('secret-plan.txt');
    expect(f.authSys[0]?.machine.name).toBe('client-7');
  });

  it('a READ reply without its call, or a failed READ, counts no bytes', () => {
    const a = make();
    feed(a, 0, v3read(2, 100));
    feed(a, 1, concat(v3readReply(9, 100), v3readReply(2, 0, 13)));
    const f = a.finish()!;
    expect(f.read).toEqual({ replies: 0, bytes: 0 });
    expect([f.calls, f.matchedReplies, f.unansweredCalls]).toEqual([1, 1, 0]);
  });

  it('a message split byte by byte and across fragments reads the same', () => {
    const a = make();
    const call = callMsg(5, NFS, 3, 3, AUTH_NONE_CRED, new Xdr().opaque(FH).str('split-name').bytes());
    const bytes = record(call, [10, 17]);
    feed(
      a,
      0,
      bytes,
      Array.from({ length: bytes.length }, () => 1),
    );
    expect(a.finish()?.names.map((n) => n.length)).toEqual([10]);
  });

  it('READDIRPLUS names from the reply', () => {
    const a = make();
    feed(
      a,
      0,
      record(callMsg(4, NFS, 3, 17, AUTH_NONE_CRED, new Xdr().opaque(FH).zeros(16).u32(4096).u32(8192).bytes())),
    );
    const res = new Xdr().u32(0).u32(0).zeros(8);
    for (const n of ['a', 'bb', 'ccc']) res.u32(1).hyper(0, 1).str(n).hyper(0, 2).u32(0).u32(1).opaque(FH);
    res.u32(0).u32(1);
    feed(a, 1, record(concat(replyMsg(4), res.bytes())));
    expect(a.finish()?.names.map((n) => [n.length, n.ops])).toEqual([
      [1, ['READDIRPLUS']],
      [2, ['READDIRPLUS']],
      [3, ['READDIRPLUS']],
    ]);
  });

  it('a gap inside a WRITE keeps the sizes read before it; a gap at a mark loses sync until the next record', () => {
    const a = make();
    const w = v3write(3, 3000);
    feed(a, 0, w.subarray(0, 200));
    a.onGap(0, 1000);
    feed(a, 0, w.subarray(1200));
    a.onGap(0, 10); // between records: the chain is broken
    feed(a, 0, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]));
    feed(a, 0, v3lookup(8, 'after-gap'));
    const f = a.finish()!;
    expect(f.write).toEqual({ calls: 1, bytes: 3000 });
    expect(f.names.map((n) => n.length)).toEqual([9]);
  });
});

describe('exposure analyzer: NFSv4 COMPOUND', () => {
  const readOp = () => new Xdr().u32(25).fixed(stateid).hyper(0, 0).u32(65536).bytes();
  const seqRes = () => new Xdr().u32(53).u32(0).zeros(16).u32(1).u32(0).u32(63).u32(63).u32(0).bytes();
  const putfhRes = () => new Xdr().u32(22).u32(0).bytes();

  it('SEQUENCE, PUTFH, READ: the READ result bytes; OPEN and LOOKUP names in the call', () => {
    const a = make();
    const c1 = compound(1, [op.sequence(), op.putfh(), readOp()]);
    const c2 = compound(1, [op.sequence(), op.putrootfh(), op.lookup('home'), op.openCreate('payroll.xlsx')]);
    feed(
      a,
      0,
      concat(record(callMsg(10, NFS, 4, 1, AUTH_NONE_CRED, c1)), record(callMsg(11, NFS, 4, 1, AUTH_NONE_CRED, c2))),
    );
    const r1 = concat(
      replyMsg(10),
      new Xdr().u32(0).str('').u32(3).bytes(),
      seqRes(),
      putfhRes(),
      new Xdr().u32(25).u32(0).u32(1).opaque(new Array<number>(777).fill(0x55)).bytes(),
    );
    feed(a, 1, record(r1), [50]);
    const f = a.finish()!;
    expect(f.read).toEqual({ replies: 1, bytes: 777 });
    expect(f.names.map((n) => [n.length, n.ops])).toEqual([
      [4, ['LOOKUP']],
      [12, ['OPEN']],
    ]);
    expect(f.unansweredCalls).toBe(1);
  });

  it('WRITE data larger than the head: the size is read, the data is not kept', () => {
    const a = make();
    const big = HEAD_CAP * 3;
    const c = compound(1, [op.sequence(), op.putfh(), op.write(big), op.getattr()]);
    feed(a, 0, record(callMsg(12, NFS, 4, 1, AUTH_NONE_CRED, c)), [1000, 60000, 60000]);
    const f = a.finish()!;
    expect(f.write).toEqual({ calls: 1, bytes: big });
  });

  it('READDIR names from the reply; a failing op ends the walk', () => {
    const entries = new Xdr().u32(26).u32(0).zeros(8);
    for (const n of ['q1', 'q22']) entries.u32(1).hyper(0, 3).str(n).u32(0).u32(0);
    entries.u32(0).u32(1);
    const res = concat(
      new Xdr().u32(0).str('').u32(3).bytes(),
      putfhRes(),
      entries.bytes(),
      new Xdr().u32(9).u32(70).bytes(),
    );
    const got: string[] = [];
    const sink = {
      name: (o: string, b: Uint8Array, off: number, len: number) =>
        got.push(`${o}:${Buffer.from(b.subarray(off, off + len))}`),
      read: () => got.push('read'),
      write: () => got.push('write'),
    };
    expect(readNfs4Reply(new XdrCursor().reset(res, 0, res.length), sink)).toBe('done');
    expect(got).toEqual(['READDIR:q1', 'READDIR:q22']);
  });

  it('hostile values stop quietly: name length past its cap, op count past its cap, unknown op, short window', () => {
    const sink = { name: () => {}, read: () => {}, write: () => {} };
    const badName = new Xdr().str('').u32(0).u32(1).u32(15).u32(0x7fffffff).bytes();
    expect(readNfs4Call(new XdrCursor().reset(badName, 0, badName.length), sink)).toBe('partial');
    const manyOps = new Xdr().str('').u32(0).u32(100000).bytes();
    expect(readNfs4Call(new XdrCursor().reset(manyOps, 0, manyOps.length), sink)).toBe('partial');
    const unknown = new Xdr().u32(0).str('').u32(1).u32(9999).u32(0).bytes();
    expect(readNfs4Reply(new XdrCursor().reset(unknown, 0, unknown.length), sink)).toBe('partial');
    // READDIR with an endless run of entries in a short window: stops at the window's end.
    const entries = new Xdr().u32(0).u32(0).zeros(8);
    for (let i = 0; i < 50; i++) entries.u32(1).hyper(0, i).str('x');
    const e = entries.bytes();
    expect(readNfs3Reply(new XdrCursor().reset(e, 0, e.length), 16, sink)).toBe('partial');
  });

  it('an empty head pool: the message is counted unread, nothing guessed', () => {
    const a = make(false, new HeadPool(0));
    const c = record(callMsg(13, NFS, 3, 3, AUTH_NONE_CRED, new Xdr().opaque(FH).str('never-read').bytes()));
    feed(a, 0, c, [40]); // split: a head is needed and none is free
    feed(a, 0, v3lookup(14, 'in-one-segment'));
    const f = a.finish()!;
    expect(f.unreadMessages).toBe(1);
    expect(f.names.map((n) => n.length)).toEqual([14]);
  });
});
