/**
 * Grade a negotiated (version, cipher suite) as strong / weak / insecure / unknown, from the parts of the suite's
 * IANA name (key exchange, cipher, mode, MAC) rather than from a hand-kept list.
 *
 * How the rules map to the sources (see /work/shared/spec/peer-survey.md, section 3):
 * - strong = TLS 1.3 suites with AES-GCM, AES-CCM, ChaCha20-Poly1305 or AEGIS; or a forward-secret key exchange
 *   ((EC)DHE, DHE/ECDHE-PSK, or a PAKE with ephemeral keys: ECCPWD RFC 8492, ECJPAKE) with one of those AEADs.
 *   This is the IANA "Recommended = Y" set (RFC 8447) and Mozilla "intermediate" (5.8 with DHE), plus CCM/CCM_8 and
 *   the PAKE suites, which RFC 9325 does not forbid. CCM_8 (8-byte tag) stays strong as the brief asks; IANA marks it
 *   not recommended, so a note says so. TLS_ECJPAKE_WITH_AES_128_CCM_8 (0xc0ff, Thread) is strong: each side uses
 *   ephemeral EC J-PAKE keys, so the session has forward secrecy, and the record protection is AES-CCM AEAD.
 * - weak = testssl.sh's "obsoleted CBC" and "AEAD with no FS" classes: CBC modes (MAC-then-encrypt), static RSA/DH/
 *   ECDH/PSK/KRB5 key exchange (RFC 9325: avoid static RSA), SHA-1 MAC, non-AEAD GOST CTR_OMAC, 64-bit-block Magma,
 *   and AEADs outside the recommended set (ARIA, Camellia, SM4, Kuznyechik MGM: IANA Recommended = N, not in Mozilla).
 *   A pre-standard TLS 1.3 draft version is weak too.
 * - insecure = RFC 9325 "MUST NOT" list and testssl.sh NULL/export/LOW/3DES classes: NULL encryption (including the
 *   integrity-only TLS_SHA256_SHA256), EXPORT, anonymous key exchange (DH_anon, ECDH_anon, NULL), RC4 (RFC 7465), RC2,
 *   DES, 3DES, IDEA, GOST 28147 CNT, MD5 MAC; and any protocol below TLS 1.2 / DTLS 1.2 (RFC 8996), whatever the suite.
 * - unknown = no suite seen, an unassigned value, or a signalling value (SCSV, GREASE) that is not a real suite.
 * The worst level wins; `reasons` lists every finding at that level (strong: the positive findings).
 */
/** How strong a negotiated suite is. */
export type Grade = 'strong' | 'weak' | 'insecure' | 'unknown';

import { registeredCipherSuiteName } from './cipher-suites.js';
import { isTls13Draft, tlsVersionName, versionRank } from './tls-versions.js';

type Level = 'strong' | 'weak' | 'insecure' | 'unknown';
const ORDER: Record<Level, number> = { strong: 0, weak: 1, unknown: 2, insecure: 3 };

interface Finding {
  level: Level;
  reason: string;
}

/** TLS 1.3-style suites (no key exchange in the name) outside 0x13xx. */
const TLS13_STYLE = new Set([0x00c6, 0x00c7, 0xc0b4, 0xc0b5, 0xc103, 0xc104, 0xc105, 0xc106]);

/** A suite TLS 1.3 may negotiate: 0x13xx, SM4 (RFC 8998), integrity-only (RFC 9150), GOST (RFC 9367). */
export function isTls13Suite(id: number): boolean {
  return id >> 8 === 0x13 || TLS13_STYLE.has(id);
}

/** Suites whose records are not encrypted: NULL ciphers and RFC 9150's integrity-only TLS_SHA256_SHA256/SHA384_SHA384. */
export function isNullSuite(id: number): boolean {
  if (id === 0xc0b4 || id === 0xc0b5) return true;
  const name = registeredCipherSuiteName(id);
  return name !== undefined && /_WITH_NULL_|^TLS_NULL_WITH_NULL_NULL$/.test(name);
}

function aeadName(cipher: string): string | null {
  if (cipher.includes('POLY1305')) return 'ChaCha20-Poly1305';
  if (cipher.includes('AEGIS')) return 'AEGIS';
  if (cipher.includes('MGM')) return 'MGM';
  if (cipher.includes('_GCM') || cipher.startsWith('GCM')) return 'GCM';
  if (cipher.includes('_CCM') || cipher.startsWith('CCM')) return 'CCM';
  return null;
}

function cipherFindings(cipher: string, out: Finding[]): void {
  const bad: [RegExp, Level, string][] = [
    [/^NULL/, 'insecure', 'no encryption (NULL cipher)'],
    [/RC4/, 'insecure', 'RC4 cipher (RFC 7465)'],
    [/RC2/, 'insecure', 'RC2 cipher'],
    [/3DES/, 'insecure', '3DES cipher (64-bit block, Sweet32)'],
    [/(^|_)DES(40)?_/, 'insecure', 'DES cipher'],
    [/IDEA/, 'insecure', 'IDEA cipher (64-bit block)'],
    [/28147/, 'insecure', 'GOST 28147-89 cipher (64-bit block)'],
    [/MAGMA/, 'weak', 'Magma cipher (64-bit block)'],
    [/_CBC/, 'weak', 'CBC mode (MAC-then-encrypt)'],
    [/CTR_OMAC/, 'weak', 'not an AEAD cipher (CTR + OMAC)'],
  ];
  for (const [re, level, reason] of bad) if (re.test(cipher)) out.push({ level, reason });
  const aead = aeadName(cipher);
  if (aead === null) return;
  const family = /^(AES|CHACHA20|AEGIS)/.test(cipher) ? null : cipher.split('_')[0];
  if (family) out.push({ level: 'weak', reason: `${family} is not a recommended cipher (IANA Recommended = N)` });
  else out.push({ level: 'strong', reason: `AEAD (${cipher.startsWith('AES') ? `AES-${aead}` : aead})` });
  if (cipher.includes('CCM_8')) out.push({ level: 'strong', reason: 'note: CCM_8 has an 8-byte tag' });
}

function macFindings(name: string, aead: boolean, out: Finding[]): void {
  if (name.endsWith('_MD5')) out.push({ level: 'insecure', reason: 'MD5 MAC' });
  else if (name.endsWith('_SHA') && !aead) out.push({ level: 'weak', reason: 'SHA-1 MAC' });
}

function keyExchangeFindings(kx: string, out: Finding[]): void {
  if (kx === 'NULL' || kx.includes('anon')) {
    out.push({ level: 'insecure', reason: 'anonymous key exchange (no authentication)' });
    return;
  }
  const fs = /^(ECDHE|DHE)(_|$)/.test(kx) || kx === 'PSK_DHE' || /^(ECCPWD|ECJPAKE|SRP)/.test(kx);
  if (fs) out.push({ level: 'strong', reason: `forward secrecy (${kx.split('_')[0]})` });
  else
    out.push({
      level: 'weak',
      reason: `no forward secrecy (static ${kx.replace(/_(RSA|DSS|ECDSA)$/, '')} key exchange)`,
    });
}

function suiteFindings(id: number, name: string, out: Finding[]): void {
  if (name.endsWith('_SCSV')) {
    out.push({ level: 'unknown', reason: 'signalling value, not a cipher suite' });
    return;
  }
  if (name.includes('EXPORT')) out.push({ level: 'insecure', reason: 'export-grade cipher suite' });
  if (isTls13Suite(id)) {
    const body = name.slice(4);
    if (id === 0xc0b4 || id === 0xc0b5) {
      out.push({ level: 'insecure', reason: 'no encryption (integrity-only suite)' });
      return;
    }
    out.push({ level: 'strong', reason: 'TLS 1.3 suite (forward secrecy from the key share)' });
    cipherFindings(body.replace(/^GOSTR341112_256_WITH_/, ''), out);
    return;
  }
  const at = name.indexOf('_WITH_');
  if (at < 0) {
    out.push({ level: 'unknown', reason: 'suite name not understood' });
    return;
  }
  const kx = name.slice(4, at);
  const cipher = name.slice(at + 6);
  keyExchangeFindings(kx.replace(/_EXPORT(1024)?$/, ''), out);
  cipherFindings(cipher, out);
  macFindings(name, aeadName(cipher) !== null, out);
}

function versionFindings(versionId: number, isDtls: boolean, out: Finding[]): void {
  const rank = versionRank(versionId);
  const name = tlsVersionName(versionId, isDtls);
  if (rank === null) out.push({ level: 'unknown', reason: `unknown protocol version ${name}` });
  else if (rank < 4) out.push({ level: 'insecure', reason: `${name} is below ${isDtls ? 'DTLS' : 'TLS'} 1.2` });
  else if (isTls13Draft(versionId)) out.push({ level: 'weak', reason: `${name} is a pre-standard version` });
}

function hex4(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

/** Grade a negotiated version and suite. A null version only grades the suite; a null suite gives "unknown". */
export function gradeTls(
  versionId: number | null,
  suiteId: number | null,
  isDtls: boolean,
): { grade: Grade; reasons: string[] } {
  const out: Finding[] = [];
  if (versionId !== null) versionFindings(versionId, isDtls, out);
  if (suiteId === null) out.push({ level: 'unknown', reason: 'cipher suite not seen' });
  else {
    const name = registeredCipherSuiteName(suiteId);
    if (name === undefined)
      out.push({ level: 'unknown', reason: `cipher suite ${hex4(suiteId)} is not in the registry` });
    else suiteFindings(suiteId, name, out);
  }
  let worst: Level = 'strong';
  for (const f of out) if (ORDER[f.level] > ORDER[worst]) worst = f.level;
  const reasons: string[] = [];
  for (const f of out) if (f.level === worst && !reasons.includes(f.reason)) reasons.push(f.reason);
  return { grade: worst, reasons };
}
