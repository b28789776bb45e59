import { describe, expect, it } from 'vitest';
import { XdrCursor, xdrPad } from '../../../src/protocol/xdr.js';
import { Xdr } from '../../adversarial/builders/rpc.js';

describe('XdrCursor', () => {
  it('reads uint32 and flags short reads without moving past end', () => {
    const b = new Xdr().u32(0xdeadbeef).u32(7).bytes();
    const c = new XdrCursor().reset(b, 0, 6);
    expect(c.u32()).toBe(0xdeadbeef);
    expect(c.u32()).toBe(0);
    expect(c.short).toBe(true);
    expect(c.pos).toBe(4);
  });

  it('pads opaque lengths to 4 bytes', () => {
    expect([0, 1, 3, 4, 5, 0xffffffff].map(xdrPad)).toEqual([0, 4, 4, 4, 8, 0x100000000]);
    const b = new Xdr().opaque([1, 2, 3, 4, 5]).u32(9).bytes();
    const c = new XdrCursor().reset(b, 0, b.length);
    expect(c.skipOpaque()).toBe(5);
    expect(c.u32()).toBe(9);
    expect(c.ok).toBe(true);
  });

  it('a hostile opaque length 0xffffffff never over-reads: bad under a limit, overrun otherwise', () => {
    const b = new Xdr().u32(0xffffffff).u32(1).u32(2).bytes();
    const limited = new XdrCursor().reset(b, 0, b.length);
    expect(limited.skipOpaque(400)).toBe(0);
    expect(limited.bad).toBe(true);
    const open = new XdrCursor().reset(b, 0, b.length);
    expect(open.skipOpaque()).toBe(0xffffffff);
    expect(open.pos).toBe(b.length);
    expect(open.overrun).toBe(0x100000000 - 8);
    expect(open.u32()).toBe(0);
    expect(open.short).toBe(true);
  });

  it('opaqueInWindow refuses an opaque that runs past the window', () => {
    const b = new Xdr().u32(12).u32(1).bytes();
    const c = new XdrCursor().reset(b, 0, b.length);
    expect(c.opaqueInWindow(400)).toBe(-1);
    expect(c.short).toBe(true);
  });

  it('skipFixedArray checks the element count', () => {
    const b = new Xdr().u32(100000).bytes();
    const c = new XdrCursor().reset(b, 0, b.length);
    expect(c.skipFixedArray(4, 16)).toBe(false);
    expect(c.bad).toBe(true);
  });

  it('bool rejects values other than 0 and 1', () => {
    const b = new Xdr().u32(1).u32(2).bytes();
    const c = new XdrCursor().reset(b, 0, b.length);
    expect(c.bool()).toBe(true);
    c.bool();
    expect(c.bad).toBe(true);
  });
});
