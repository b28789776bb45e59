/**
 * TLS and DTLS records for the generator: ClientHello/ServerHello with valid structure (SNI, supported_groups,
 * signature_algorithms, supported_versions, key_share), the TLS 1.2 server flight (Certificate, ServerKeyExchange,
 * ServerHelloDone), HelloVerifyRequest, and application-data records of random bytes.
 */
import type { Prng, RandomPool } from './prng.js';

export const CT_CCS = 20;
export const CT_ALERT = 21;
export const CT_HANDSHAKE = 22;
export const CT_APPDATA = 23;

export const TLS12 = 0x0303;
export const TLS13 = 0x0304;
export const DTLS10 = 0xfeff;
export const DTLS12 = 0xfefd;

/** A self-signed P-256 certificate made once with openssl for this generator (CN=nfs.bench.wireseal.test). */
const CERT_DER = Buffer.from(
  'MIIBmjCCAT+gAwIBAgIUUDse0zb56TVs+FHzqGGBo7m2H/gwCgYIKoZIzj0EAwIwIjEgMB4GA1UEAwwXbmZzLmJlbmNoLndpcmVzZWFsLnRlc3Qw' +
    'HhcNMjYxMTI1MTIxNzU4WhcNMzYxMTIyMTIxNzU4WjAiMSAwHgYDVQQDDBduZnMuYmVuY2gud2lyZXNlYWwudGVzdDBZMBMGByqGSM49AgEGCCqG' +
    'SM49AwEHA0IABBOSYQ5kB9miwi+1cQlWpYImWQaPtEmzUw1k52Hqu2YZJFQm85CFV5ZDCwhDEuL95wfLkeHsVfsrZOyCoa9yLVWjUzBRMB0GA1Ud' +
    'DgQWBBSngH7fVQkDRvchH7CagPstbBYh6TAfBgNVHSMEGDAWgBSngH7fVQkDRvchH7CagPstbBYh6TAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49' +
    'BAMCA0kAMEYCIQDl2ULEtGfvhqQAM/afHIwlNVJHYJWa3uIwMByIcpJGyQIhAKNfeoSEr41KL+RHK/59syFEdLY6/xtSU8E3/KBViWej',
  'base64',
);

function u8(n: number): Buffer {
  return Buffer.from([n & 0xff]);
}
function u16(n: number): Buffer {
  return Buffer.from([(n >>> 8) & 0xff, n & 0xff]);
}
function u24(n: number): Buffer {
  return Buffer.from([(n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}
/** A vector with a 1-, 2- or 3-byte length prefix. */
function vec(lenBytes: 1 | 2 | 3, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const len = lenBytes === 1 ? u8(body.length) : lenBytes === 2 ? u16(body.length) : u24(body.length);
  return Buffer.concat([len, body]);
}
function ext(type: number, ...parts: Buffer[]): Buffer {
  return Buffer.concat([u16(type), vec(2, ...parts)]);
}
function u16list(values: readonly number[]): Buffer {
  return Buffer.concat(values.map(u16));
}

export interface HelloOptions {
  rng: Prng;
  sni: string;
  /** Cipher suites offered (the ClientHello) or chosen (ServerHello: the first). */
  suites: readonly number[];
  /** Client: offer TLS 1.3 through supported_versions; server: negotiate it. */
  tls13: boolean;
  /** DTLS: the HelloVerifyRequest cookie echoed in the second ClientHello (empty in the first). */
  cookie?: Buffer;
  dtls?: boolean;
}

export function clientHello(o: HelloOptions): Buffer {
  const exts: Buffer[] = [
    ext(0, vec(2, u8(0), vec(2, Buffer.from(o.sni, 'ascii')))),
    ext(11, vec(1, u8(0))),
    ext(10, vec(2, u16list([0x001d, 0x0017, 0x0018]))),
    ext(13, vec(2, u16list([0x0403, 0x0503, 0x0804, 0x0805, 0x0401, 0x0501]))),
    ext(23),
    ext(0xff01, u8(0)),
  ];
  if (o.tls13) {
    exts.push(
      ext(43, vec(1, u16list([TLS13, TLS12]))),
      ext(45, vec(1, u8(1))),
      ext(51, vec(2, u16(0x001d), vec(2, o.rng.bytes(32)))),
    );
  }
  const parts = [u16(o.dtls ? DTLS12 : TLS12), o.rng.bytes(32)];
  parts.push(o.dtls ? u8(0) : vec(1, o.rng.bytes(32)));
  if (o.dtls) parts.push(vec(1, o.cookie ?? Buffer.alloc(0)));
  parts.push(vec(2, u16list(o.suites)), vec(1, u8(0)), vec(2, ...exts));
  return Buffer.concat(parts);
}

export function serverHello(o: HelloOptions): Buffer {
  const exts: Buffer[] = o.tls13
    ? [ext(43, u16(TLS13)), ext(51, u16(0x001d), vec(2, o.rng.bytes(32)))]
    : [ext(0xff01, u8(0)), ext(11, vec(1, u8(0))), ext(23)];
  return Buffer.concat([
    u16(o.dtls ? DTLS12 : TLS12),
    o.rng.bytes(32),
    o.dtls ? u8(0) : vec(1, o.rng.bytes(32)),
    u16(o.suites[0]!),
    u8(0),
    vec(2, ...exts),
  ]);
}

export function certificate(): Buffer {
  return vec(3, vec(3, CERT_DER));
}

/** ECDHE ServerKeyExchange: named curve x25519, a random public key and a random RSA-sized signature. */
export function serverKeyExchange(rng: Prng): Buffer {
  return Buffer.concat([u8(3), u16(0x001d), vec(1, rng.bytes(32)), u16(0x0401), vec(2, rng.bytes(256))]);
}

/** ClientKeyExchange: an x25519 point (ECDHE) or an RSA-encrypted premaster secret. */
export function clientKeyExchange(rng: Prng, rsa: boolean): Buffer {
  return rsa ? vec(2, rng.bytes(256)) : vec(1, rng.bytes(32));
}

export function helloVerifyRequest(cookie: Buffer): Buffer {
  return Buffer.concat([u16(DTLS10), vec(1, cookie)]);
}

/** A TLS handshake message header + body. */
export function hs(type: number, body: Buffer): Buffer {
  return Buffer.concat([u8(type), u24(body.length), body]);
}

/** A DTLS handshake message, unfragmented. */
export function dtlsHs(type: number, messageSeq: number, body: Buffer): Buffer {
  return Buffer.concat([u8(type), u24(body.length), u16(messageSeq), u24(0), u24(body.length), body]);
}

export function tlsRecord(type: number, version: number, fragment: Buffer): Buffer {
  return Buffer.concat([u8(type), u16(version), u16(fragment.length), fragment]);
}

export function dtlsRecord(type: number, version: number, epoch: number, seq: number, fragment: Buffer): Buffer {
  return Buffer.concat([
    u8(type),
    u16(version),
    u16(epoch),
    u16(0),
    u16(Math.floor(seq / 65536)),
    u16(seq),
    u16(fragment.length),
    fragment,
  ]);
}

/** Application-data records holding `total` random payload bytes, cut at the 16 KiB record limit. */
export function appData(pool: RandomPool, version: number, total: number, overhead: number): Buffer {
  const parts: Buffer[] = [];
  let left = total;
  while (left > 0) {
    const n = Math.min(left, 16384);
    parts.push(tlsRecord(CT_APPDATA, version, pool.slice(n + overhead)));
    left -= n;
  }
  return Buffer.concat(parts);
}
