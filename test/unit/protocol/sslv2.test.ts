/** SSLv2 CLIENT-HELLO reader on crafted bytes: fields, strictness, bounds. */
import { describe, expect, it } from 'vitest';
import { probeSslv2ClientHello, readSslv2ClientHello } from '../../../src/protocol/sslv2.js';

function hello(version: number, specs: number[], sid = 0, chal = 16): Uint8Array {
  const body = [
    1,
    version >> 8,
    version & 0xff,
    0,
    specs.length * 3,
    0,
    sid,
    0,
    chal,
    ...specs.flatMap((s) => [(s >> 16) & 0xff, (s >> 8) & 0xff, s & 0xff]),
    ...new Array(sid + chal).fill(7),
  ];
  return Uint8Array.from([0x80 | (body.length >> 8), body.length & 0xff, ...body]);
}

describe('readSslv2ClientHello', () => {
  it('reads version, cipher specs, SSLv2-only specs and the total length', () => {
    const b = hello(0x0301, [0x010080, 0x00002f, 0x000035]);
    expect(readSslv2ClientHello(b, 0, b.length)).toEqual({
      version: 0x0301,
      cipherSpecs: 3,
      sslv2Only: 1,
      length: b.length,
    });
  });
  it('accepts a 16-byte session id and a 32-byte challenge; SSL 2.0 itself', () => {
    const b = hello(0x0002, [0x0700c0], 16, 32);
    expect(readSslv2ClientHello(b, 0, b.length)?.length).toBe(2 + 9 + 3 + 16 + 32);
  });
  it('rejects lengths that do not add up, bad versions, types and challenge sizes', () => {
    const good = hello(0x0303, [0x00c02f]);
    const bad = (i: number, v: number) => {
      const b = Uint8Array.from(good);
      b[i] = v;
      return probeSslv2ClientHello(b, 0, b.length);
    };
    expect(probeSslv2ClientHello(good, 0, good.length)).toBe(true);
    expect(bad(1, good[1]! + 1)).toBe(false); // record length
    expect(bad(2, 2)).toBe(false); // msg type
    expect(bad(3, 4)).toBe(false); // version major
    expect(bad(4, 9)).toBe(false); // version minor
    expect(bad(6, 4)).toBe(false); // cipher spec length not a multiple of 3
    expect(bad(8, 5)).toBe(false); // session id length
    expect(bad(10, 8)).toBe(false); // challenge too short
    expect(bad(0, 0x00)).toBe(false); // no two-byte header bit
  });
  it('needs the fixed 11 bytes inside the buffer', () => {
    const b = hello(0x0301, [0x00002f]);
    expect(readSslv2ClientHello(b, 0, 10)).toBeNull();
    expect(readSslv2ClientHello(b, b.length - 5, 11)).toBeNull();
  });
  it('an ONC-RPC record mark is not one', () => {
    const rpc = Uint8Array.from([0x80, 0, 0, 40, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(probeSslv2ClientHello(rpc, 0, rpc.length)).toBe(false);
  });
});
