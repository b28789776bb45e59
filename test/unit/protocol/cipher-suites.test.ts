import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  allCipherSuites,
  CIPHER_SUITE_COUNT,
  cipherSuiteName,
  gradeTls,
  isGrease,
  tlsVersionName,
} from '../../../src/protocol/cipher-suites.js';

describe('cipher-suite registry', () => {
  it('names assigned, GREASE and unassigned values', () => {
    expect(cipherSuiteName(0x1302)).toBe('TLS_AES_256_GCM_SHA384');
    expect(cipherSuiteName(0xc02f)).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0xc0ff)).toBe('TLS_ECJPAKE_WITH_AES_128_CCM_8');
    expect(cipherSuiteName(0xc0b0)).toBe('TLS_ECCPWD_WITH_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0x00c6)).toBe('TLS_SM4_GCM_SM3');
    expect(cipherSuiteName(0xc103)).toBe('TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L');
    expect(cipherSuiteName(0x5600)).toBe('TLS_FALLBACK_SCSV');
    expect(cipherSuiteName(0x00ff)).toBe('TLS_EMPTY_RENEGOTIATION_INFO_SCSV');
    expect(cipherSuiteName(0xcca8)).toBe('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256');
    expect(cipherSuiteName(0x1306)).toBe('TLS_AEGIS_256_SHA512');
    expect(cipherSuiteName(0x1234)).toBe('unassigned (0x1234)');
    expect(cipherSuiteName(0x0060)).toBe('unassigned (0x0060)');
    expect(cipherSuiteName(0x3a3a)).toBe('GREASE (0x3a3a)');
    expect(isGrease(0xfafa)).toBe(true);
    expect(isGrease(0x0a1a)).toBe(false);
  });

  it('holds the whole registry in ascending order', () => {
    expect(CIPHER_SUITE_COUNT).toBe(353);
    const ids = allCipherSuites().map(([id]) => id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  let tshark: string | null = null;
  try {
    tshark = execFileSync('tshark', ['-G', 'values'], {
      encoding: 'utf8',
      maxBuffer: 512 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    tshark = null;
  }
  it.skipIf(tshark === null)('agrees with tshark on every id both know', { timeout: 30_000 }, () => {
    const theirs = new Map<number, string>();
    for (const line of tshark!.split('\n')) {
      const f = line.split('\t');
      if (f[0] === 'V' && f[1] === 'tls.handshake.ciphersuite') theirs.set(Number(f[2]), f[3]!);
    }
    const mismatches: string[] = [];
    let compared = 0;
    for (const [id, name] of allCipherSuites()) {
      const t = theirs.get(id);
      if (t === undefined) continue; // newer than this tshark (AEGIS)
      compared++;
      if (t !== name) mismatches.push(`${id.toString(16)} ${name} != ${t}`);
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(351);
  });
});

describe('tlsVersionName', () => {
  it('names versions', () => {
    expect(tlsVersionName(0x0303, false)).toBe('TLS 1.2');
    expect(tlsVersionName(0x0304, false)).toBe('TLS 1.3');
    expect(tlsVersionName(0x0300, false)).toBe('SSL 3.0');
    expect(tlsVersionName(0x7f1c, false)).toBe('TLS 1.3 (draft 28)');
    expect(tlsVersionName(0xfb17, false)).toBe('TLS 1.3 (Facebook draft 23)');
    expect(tlsVersionName(0xfeff, true)).toBe('DTLS 1.0');
    expect(tlsVersionName(0xfefd, true)).toBe('DTLS 1.2');
    expect(tlsVersionName(0xfefc, true)).toBe('DTLS 1.3');
    expect(tlsVersionName(0x0100, true)).toBe('DTLS 1.0 (OpenSSL pre 0.9.8f)');
    expect(tlsVersionName(0x1234, false)).toBe('unknown (0x1234)');
  });
});

describe('gradeTls', () => {
  const table: [number, number, boolean, string, string[]][] = [
    [0x0304, 0x1301, false, 'strong', ['TLS 1.3 suite (forward secrecy from the key share)', 'AEAD (AES-GCM)']],
    [
      0x0304,
      0x1303,
      false,
      'strong',
      ['TLS 1.3 suite (forward secrecy from the key share)', 'AEAD (ChaCha20-Poly1305)'],
    ],
    [0x0303, 0xc030, false, 'strong', ['forward secrecy (ECDHE)', 'AEAD (AES-GCM)']],
    [0x0303, 0x009f, false, 'strong', ['forward secrecy (DHE)', 'AEAD (AES-GCM)']],
    [0x0303, 0xcca8, false, 'strong', ['forward secrecy (ECDHE)', 'AEAD (ChaCha20-Poly1305)']],
    [0xfefd, 0xc0ff, true, 'strong', ['forward secrecy (ECJPAKE)', 'AEAD (AES-CCM)', 'note: CCM_8 has an 8-byte tag']],
    [0x0303, 0xc0ac, false, 'strong', ['forward secrecy (ECDHE)', 'AEAD (AES-CCM)']],
    [0x0303, 0xc014, false, 'weak', ['CBC mode (MAC-then-encrypt)', 'SHA-1 MAC']],
    [
      0x0303,
      0x002f,
      false,
      'weak',
      ['no forward secrecy (static RSA key exchange)', 'CBC mode (MAC-then-encrypt)', 'SHA-1 MAC'],
    ],
    [0x0303, 0x009c, false, 'weak', ['no forward secrecy (static RSA key exchange)']],
    [0x0303, 0xc027, false, 'weak', ['CBC mode (MAC-then-encrypt)']],
    [0x0303, 0xc05c, false, 'weak', ['ARIA is not a recommended cipher (IANA Recommended = N)']],
    [0x0304, 0x00c6, false, 'weak', ['SM4 is not a recommended cipher (IANA Recommended = N)']],
    [0x0303, 0x0002, false, 'insecure', ['no encryption (NULL cipher)']],
    [0x0303, 0x0003, false, 'insecure', ['export-grade cipher suite', 'RC4 cipher (RFC 7465)', 'MD5 MAC']],
    [0x0303, 0xc011, false, 'insecure', ['RC4 cipher (RFC 7465)']],
    [0x0303, 0x000a, false, 'insecure', ['3DES cipher (64-bit block, Sweet32)']],
    [0x0303, 0x0034, false, 'insecure', ['anonymous key exchange (no authentication)']],
    [0x0303, 0x0009, false, 'insecure', ['DES cipher']],
    [0x0304, 0xc0b4, false, 'insecure', ['no encryption (integrity-only suite)']],
    [0x0301, 0xc014, false, 'insecure', ['TLS 1.0 is below TLS 1.2']],
    [0x0302, 0xc02f, false, 'insecure', ['TLS 1.1 is below TLS 1.2']],
    [0x0300, 0xc011, false, 'insecure', ['SSL 3.0 is below TLS 1.2', 'RC4 cipher (RFC 7465)']],
    [0xfeff, 0xc02f, true, 'insecure', ['DTLS 1.0 is below DTLS 1.2']],
    [0x7f10, 0x1301, false, 'weak', ['TLS 1.3 (draft 16) is a pre-standard version']],
    [0x0303, 0x00ff, false, 'unknown', ['signalling value, not a cipher suite']],
    [0x0303, 0x1234, false, 'unknown', ['cipher suite 0x1234 is not in the registry']],
  ];
  it.each(table)('version %i suite %i', (v, s, dtls, grade, reasons) => {
    expect(gradeTls(v, s, dtls)).toEqual({ grade, reasons });
  });
  it('grades an unseen suite unknown, but a legacy version insecure regardless', () => {
    expect(gradeTls(0x0303, null, false)).toEqual({ grade: 'unknown', reasons: ['cipher suite not seen'] });
    expect(gradeTls(0x0301, null, false).grade).toBe('insecure');
    expect(gradeTls(null, 0x1301, false).grade).toBe('strong');
  });
  it('grades every registry entry without throwing, never strong for CBC/RC4/NULL names', () => {
    for (const [id, name] of allCipherSuites()) {
      const g = gradeTls(0x0303, id, false);
      if (/_CBC|RC4|NULL|EXPORT|anon|MD5/.test(name)) expect(g.grade, name).not.toBe('strong');
      if (/^TLS_(ECDHE|DHE)_(RSA|ECDSA)_WITH_AES_\d+_GCM/.test(name)) expect(g.grade, name).toBe('strong');
    }
  });
});
