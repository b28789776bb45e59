import { describe, expect, it } from 'vitest';
import {
  negotiatedVersion,
  offeredVersions,
  parseClientHello,
  parseServerHello,
} from '../../../src/protocol/tls-handshake.js';
import { checkTlsHeader, probeTls } from '../../../src/protocol/tls-record.js';
import { bytes, clientHelloBody, ext, hsMsg, record, serverHelloBody, u16 } from '../../adversarial/builders/tls.js';

describe('TLS record header', () => {
  it('accepts types 20-24, versions 0x0300-0x0304, length <= 2^14+2048', () => {
    expect(checkTlsHeader(bytes([22, 3, 1, 0, 5]), 0)).toBe(5);
    expect(checkTlsHeader(bytes([23, 3, 4, 0x48, 0x00]), 0)).toBe(18432);
    expect(checkTlsHeader(bytes([23, 3, 3, 0x48, 0x01]), 0)).toBe(-1);
    expect(checkTlsHeader(bytes([25, 3, 3, 0, 5]), 0)).toBe(-1);
    expect(checkTlsHeader(bytes([19, 3, 3, 0, 5]), 0)).toBe(-1);
    expect(checkTlsHeader(bytes([22, 3, 5, 0, 5]), 0)).toBe(-1);
    expect(checkTlsHeader(bytes([22, 2, 0, 0, 5]), 0)).toBe(-1);
    expect(checkTlsHeader(bytes([22, 3, 3, 0, 0]), 0)).toBe(-1);
    expect(checkTlsHeader(bytes([23, 3, 3, 0, 0]), 0)).toBe(0);
  });

  it('probes strictly', () => {
    const ch = bytes(record(22, hsMsg(1, clientHelloBody()), 0x0301));
    expect(probeTls(ch, 0, ch.length)).toBe(true);
    expect(probeTls(ch, 0, 4)).toBe(false);
    expect(probeTls(ch, 0, 9)).toBe(true); // record longer than the bytes present
    // the next header's present bytes must be valid
    const two = bytes(record(23, [1, 2, 3]), [23, 3, 3, 0]);
    expect(probeTls(two, 0, two.length)).toBe(true);
    const bad = bytes(record(23, [1, 2, 3]), [0x80, 3]);
    expect(probeTls(bad, 0, bad.length)).toBe(false);
    const badMinor = bytes(record(23, [1, 2, 3]), [23, 3, 9]);
    expect(probeTls(badMinor, 0, badMinor.length)).toBe(false);
    // heartbeat can not start a stream; CCS must be 1 byte of value 1
    expect(probeTls(bytes(record(24, [1, 2, 3])), 0, 8)).toBe(false);
    expect(probeTls(bytes(record(20, [1])), 0, 6)).toBe(true);
    expect(probeTls(bytes(record(20, [2])), 0, 6)).toBe(false);
    expect(probeTls(bytes(record(20, [1, 1])), 0, 7)).toBe(false);
    // RPC record mark and HTTP are not TLS
    expect(probeTls(bytes([0x80, 0, 0, 0x28, 1, 2, 3, 4]), 0, 8)).toBe(false);
    expect(probeTls(Uint8Array.from(Buffer.from('GET / HTTP/1.1\r\n')), 0, 16)).toBe(false);
    // offset respected
    const off = bytes([9, 9, 9], record(22, [1, 0, 0, 0]));
    expect(probeTls(off, 3, off.length - 3)).toBe(true);
    expect(probeTls(off, 0, off.length)).toBe(false);
  });
});

describe('hello parsing', () => {
  it('parses a TLS 1.3 ClientHello', () => {
    const body = clientHelloBody({
      version: 0x0303,
      sessionId: [1, 2, 3],
      sni: 'nfs.example',
      alpn: ['sunrpc'],
      versions: [0x3a3a, 0x0304, 0x0303],
      keyShare: [0x001d],
      suites: [0x1301, 0x1302],
    });
    const r = parseClientHello(Uint8Array.from(body), 0, body.length, false);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.sni).toBe('nfs.example');
    expect(r.value.alpn).toEqual(['sunrpc']);
    expect(r.value.cipherSuites).toEqual([0x1301, 0x1302]);
    expect(r.value.keyShareGroups).toEqual([0x001d]);
    expect(offeredVersions(r.value)).toEqual([0x0304, 0x0303]);
    expect([...r.value.sessionId]).toEqual([1, 2, 3]);
    expect(r.value.extensionTypes).toEqual([0, 16, 43, 51]);
  });

  it('parses ServerHello with supported_versions, PSK and HRR', () => {
    const body = serverHelloBody({ selected: 0x0304, keyShare: 0x17, psk: true, suite: 0x1302 });
    const r = parseServerHello(Uint8Array.from(body), 0, body.length);
    expect(r.ok && negotiatedVersion(r.value)).toBe(0x0304);
    expect(r.ok && r.value.hasPreSharedKey).toBe(true);
    expect(r.ok && r.value.keyShareGroup).toBe(0x17);
    expect(r.ok && r.value.helloRetryRequest).toBe(false);
    const hrr = serverHelloBody({ selected: 0x0304, hrr: true });
    const h = parseServerHello(Uint8Array.from(hrr), 0, hrr.length);
    expect(h.ok && h.value.helloRetryRequest).toBe(true);
    const old = [3, 0, ...new Array(32).fill(1), 0, 0xc0, 0x11, 0];
    const o = parseServerHello(Uint8Array.from(old), 0, old.length);
    expect(o.ok && o.value.cipherSuite).toBe(0xc011);
    expect(o.ok && negotiatedVersion(o.value)).toBe(0x0300);
  });

  it('rejects lying lengths without over-reading', () => {
    const good = clientHelloBody({ sni: 'a.b' });
    // extension length past the end of the extensions block
    const lying = clientHelloBody({ extraExt: [...u16(0x0017), ...u16(500)] });
    const r = parseClientHello(Uint8Array.from(lying), 0, lying.length, false);
    expect(r).toEqual({ ok: false, error: 'ClientHello extension length past end' });
    // cut the body short: the parser only sees `len` bytes even if more follow
    const buf = Uint8Array.from([...good, 0, 0, 0, 0]);
    const cut = parseClientHello(buf, 0, 50, false);
    expect(cut.ok).toBe(false);
    // cipher suites length odd / too long
    const b2 = Uint8Array.from(good);
    b2[35] = 0xff;
    expect(parseClientHello(b2, 0, b2.length, false).ok).toBe(false);
    // session id > 32
    const b3 = Uint8Array.from(good);
    b3[34] = 33;
    expect(parseClientHello(b3, 0, b3.length, false)).toEqual({
      ok: false,
      error: 'ClientHello session id length invalid',
    });
    // extensions block length past end
    const sh = serverHelloBody({ selected: 0x0304 });
    const b4 = Uint8Array.from(sh);
    b4[39] = 0x40;
    expect(parseServerHello(b4, 0, b4.length)).toEqual({ ok: false, error: 'ServerHello extensions length past end' });
    // random fuzz never throws
    let seed = 1;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      const n = next() % 120;
      const f = new Uint8Array(n);
      for (let j = 0; j < n; j++) f[j] = next() & 0xff;
      parseClientHello(f, 0, n, i % 2 === 0);
      parseServerHello(f, 0, n);
    }
    expect(ext(1, []).length).toBe(4);
  });
});
