import { describe, expect, it } from 'vitest';
import { addrToString, isLoopback } from '../../../src/flow/address.js';
import { isTunnelPort, PortSet } from '../../../src/flow/ports.js';

describe('PortSet', () => {
  it('parses ports and ranges', () => {
    const p = new PortSet('2049, 111,20049-20051');
    expect([2049, 111, 20049, 20050, 20051].every((x) => p.has(x))).toBe(true);
    expect(p.has(20052)).toBe(false);
    expect(p.has(443)).toBe(false);
  });
  it('rejects bad specs', () => {
    expect(() => new PortSet('70000')).toThrow(/bad port/);
    expect(() => new PortSet('20-10')).toThrow(/bad port/);
    expect(() => new PortSet('abc')).toThrow(/bad port/);
  });
  it('knows the tunnel range', () => {
    expect(isTunnelPort(20049)).toBe(true);
    expect(isTunnelPort(21049)).toBe(true);
    expect(isTunnelPort(2049)).toBe(false);
  });
});

describe('addresses', () => {
  it('formats IPv4 and IPv6 (RFC 5952)', () => {
    expect(addrToString(4, 0xc6336414, 0, 0, 0)).toBe('198.51.100.20');
    expect(addrToString(6, 0x20010db8, 0x01000000, 0, 0x10)).toBe('2001:db8:100::10');
    expect(addrToString(6, 0, 0, 0, 1)).toBe('::1');
    expect(addrToString(6, 0x20010db8, 0, 1, 0)).toBe('2001:db8::1:0:0');
  });
  it('knows loopback', () => {
    expect(isLoopback(4, 0x7f000001, 0, 0, 0)).toBe(true);
    expect(isLoopback(6, 0, 0, 0, 1)).toBe(true);
    expect(isLoopback(4, 0xc6336414, 0, 0, 0)).toBe(false);
  });
});
