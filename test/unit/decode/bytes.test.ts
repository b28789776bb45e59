import { describe, expect, it } from 'vitest';
import { u16be, u32be } from '../../../src/decode/bytes.js';

describe('byte arithmetic reads', () => {
  const b = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x01, 0x02, 0x03]);
  it('u16be matches Buffer.readUInt16BE at every offset', () => {
    for (let o = 0; o + 2 <= b.length; o++) expect(u16be(b, o)).toBe(b.readUInt16BE(o));
  });
  it('u32be is unsigned with the top bit set', () => {
    expect(u32be(b, 1)).toBe(0xfffe8001);
    for (let o = 0; o + 4 <= b.length; o++) expect(u32be(b, o)).toBe(b.readUInt32BE(o));
  });
});
