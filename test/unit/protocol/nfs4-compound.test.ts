import { describe, expect, it } from 'vitest';
import { nfs4CbOpName, nfs4OpName, nfsProcName } from '../../../src/protocol/nfs-names.js';
import { CompoundWalk } from '../../../src/protocol/nfs4-compound.js';
import { XdrCursor } from '../../../src/protocol/xdr.js';
import { op, stateid } from '../../adversarial/builders/nfs4.js';
import { compound, concat, Xdr } from '../../adversarial/builders/rpc.js';

function walkAll(bytes: Uint8Array, cb = false): { status: string; ops: string[]; walk: CompoundWalk } {
  const c = new XdrCursor().reset(bytes, 0, bytes.length);
  const walk = new CompoundWalk();
  const ops: string[] = [];
  const begin = walk.begin(c, cb);
  if (begin !== 'done') return { status: `begin:${begin}`, ops, walk };
  const status = walk.walk(c, (n) => ops.push(n));
  return { status, ops, walk };
}

describe('NFS names', () => {
  it('spells procedures and operations like tshark', () => {
    expect(nfsProcName(3, 17)).toBe('READDIRPLUS');
    expect(nfsProcName(3, 0)).toBe('NULL');
    expect(nfsProcName(2, 17)).toBe('STATFS');
    expect(nfsProcName(3, 22)).toBe(null);
    expect(nfs4OpName(36)).toBe('SETCLIENTID_CONFIRM');
    expect(nfs4OpName(53)).toBe('SEQUENCE');
    expect(nfs4OpName(71)).toBe('CLONE');
    expect(nfs4OpName(10044)).toBe('ILLEGAL');
    expect(nfs4OpName(2)).toBe(null);
    expect(nfs4CbOpName(11)).toBe('CB_SEQUENCE');
  });
});

describe('COMPOUND walk', () => {
  it('counts PUTROOTFH, GETFH, LOOKUP, GETATTR', () => {
    const r = walkAll(compound(0, [op.putrootfh(), op.getfh(), op.lookup('export'), op.getattr()], 'tag'));
    expect(r.status).toBe('done');
    expect(r.ops).toEqual(['PUTROOTFH', 'GETFH', 'LOOKUP', 'GETATTR']);
    expect(r.walk.minorVersion).toBe(0);
  });

  it('steps over OPEN with createattrs, SETCLIENTID with its callback, and 4.1 session ops', () => {
    const r = walkAll(compound(0, [op.setclientid(), op.putfh(), op.openCreate('f.txt'), op.getfh()]));
    expect(r.ops).toEqual(['SETCLIENTID', 'PUTFH', 'OPEN', 'GETFH']);
    const s = walkAll(compound(1, [op.exchangeId(), op.createSession(), op.sequence(), op.putrootfh()]));
    expect(s.status).toBe('done');
    expect(s.ops).toEqual(['EXCHANGE_ID', 'CREATE_SESSION', 'SEQUENCE', 'PUTROOTFH']);
  });

  it('a trailing name past the window ends the op (skip the rest), it does not wait for it', () => {
    const bytes = compound(0, [op.putrootfh(), op.lookup('a-long-directory-name')]);
    const c = new XdrCursor().reset(bytes, 0, bytes.length - 6);
    const walk = new CompoundWalk();
    walk.begin(c, false);
    expect(walk.walk(c, () => {})).toBe('done');
    expect(walk.skip).toBe(6);
  });

  it('returns skip for WRITE data past the window, then continues with the next op', () => {
    const bytes = compound(0, [op.putfh(), op.write(100000), op.getattr()]);
    const window = 2000;
    const c = new XdrCursor().reset(bytes, 0, window);
    const walk = new CompoundWalk();
    const ops: string[] = [];
    expect(walk.begin(c, false)).toBe('done');
    expect(walk.walk(c, (n) => ops.push(n))).toBe('skip');
    expect(ops).toEqual(['PUTFH', 'WRITE']);
    const resume = window + walk.skip;
    c.reset(bytes, resume, bytes.length);
    expect(walk.walk(c, (n) => ops.push(n))).toBe('done');
    expect(ops).toEqual(['PUTFH', 'WRITE', 'GETATTR']);
  });

  it('says more when the window ends inside an op, with the op start to resume at', () => {
    const bytes = compound(0, [op.putrootfh(), op.getattr()]);
    const c = new XdrCursor().reset(bytes, 0, bytes.length - 2);
    const walk = new CompoundWalk();
    walk.begin(c, false);
    expect(walk.walk(c, () => {})).toBe('more');
    expect(walk.resumeAt).toBe(bytes.length - op.getattr().length);
    expect(walk.left).toBe(1);
  });

  it('stops at an unknown op number and at an op it cannot skip; never guesses further', () => {
    const bad = walkAll(compound(0, [op.putrootfh(), new Xdr().u32(2).bytes(), op.getfh()]));
    expect(bad.status).toBe('bad');
    expect(bad.ops).toEqual(['PUTROOTFH']);
    const cb = walkAll(
      concat(new Xdr().str('').u32(0).u32(1).u32(2).bytes(), new Xdr().u32(7).bytes(), new Xdr().u32(4).bytes()),
      true,
    );
    expect(cb.status).toBe('stop');
    expect(cb.walk.stopOp).toBe(7);
  });

  it('walks CB_COMPOUND (CB_SEQUENCE, CB_RECALL)', () => {
    const args = concat(
      new Xdr().str('').u32(1).u32(1).u32(2).bytes(),
      new Xdr().u32(11).zeros(16).u32(1).u32(0).u32(0).u32(0).u32(0).bytes(),
      new Xdr().u32(4).fixed(stateid).u32(0).opaque([1, 2, 3, 4]).bytes(),
    );
    const r = walkAll(args, true);
    expect(r.status).toBe('done');
    expect(r.ops).toEqual(['CB_SEQUENCE', 'CB_RECALL']);
  });

  it('rejects a lying op count and a minor version above 2', () => {
    expect(walkAll(new Xdr().str('').u32(0).u32(0xffffffff).bytes()).status).toBe('begin:bad');
    expect(walkAll(new Xdr().str('').u32(9).u32(1).u32(24).bytes()).status).toBe('begin:bad');
  });
});
