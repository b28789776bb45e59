/**
 * SSL 2.0 CLIENT-HELLO in its two-byte record header form (the SSL 2.0 specification; RFC 6101 E.1 and RFC 5246 E.2
 * describe the same message sent by SSL 3.0/TLS clients for backward compatibility). Pure, bounds-checked; nothing
 * here throws.
 *
 * Layout: record length (2 bytes, high bit set, 15-bit length), msg_type 1, version (2), cipher_spec_length (2),
 * session_id_length (2), challenge_length (2), then the cipher specs (3 bytes each), session id and challenge.
 * The checks are strict (type, version, lengths that add up to the record length) so that other bytes with the high
 * bit set, such as an ONC-RPC record mark, are not taken for one.
 */

/** Bytes of the fixed part: record header (2) + msg_type, version and the three lengths (9). */
export const SSL2_HELLO_FIXED_LEN = 11;

export interface Sslv2ClientHello {
  /** Version the client asks for: 0x0002 (SSL 2.0) or 0x0300..0x0303 (an SSL 3.0/TLS client's compatible hello). */
  version: number;
  /** Cipher specs offered. */
  cipherSpecs: number;
  /** Of them, SSL 2.0-only kinds (first byte non-zero; TLS suites are sent as 0x00 followed by their number). */
  sslv2Only: number;
  /** Bytes of the whole message, record header included. */
  length: number;
}

/** Reads an SSLv2 CLIENT-HELLO whose fixed part lies in buf[off, off+len); null when the bytes are not one. */
export function readSslv2ClientHello(buf: Uint8Array, off: number, len: number): Sslv2ClientHello | null {
  if (off < 0 || len < SSL2_HELLO_FIXED_LEN || off + len > buf.length) return null;
  const b0 = buf[off]!;
  if ((b0 & 0x80) === 0) return null;
  const recLen = ((b0 & 0x7f) << 8) | buf[off + 1]!;
  if (buf[off + 2] !== 1) return null;
  const version = (buf[off + 3]! << 8) | buf[off + 4]!;
  if (version !== 0x0002 && !(version >> 8 === 3 && (version & 0xff) <= 3)) return null;
  const csLen = (buf[off + 5]! << 8) | buf[off + 6]!;
  const sidLen = (buf[off + 7]! << 8) | buf[off + 8]!;
  const chLen = (buf[off + 9]! << 8) | buf[off + 10]!;
  if (csLen === 0 || csLen % 3 !== 0) return null;
  if (sidLen !== 0 && sidLen !== 16) return null;
  if (chLen < 16 || chLen > 32) return null;
  if (recLen !== 9 + csLen + sidLen + chLen) return null;
  let sslv2Only = 0;
  const specs = off + SSL2_HELLO_FIXED_LEN;
  const avail = Math.min(csLen, len - SSL2_HELLO_FIXED_LEN);
  for (let i = 0; i + 3 <= avail; i += 3) if (buf[specs + i] !== 0) sslv2Only++;
  return { version, cipherSpecs: csLen / 3, sslv2Only, length: 2 + recLen };
}

/** Probe: the bytes start with an SSLv2 CLIENT-HELLO. */
export function probeSslv2ClientHello(buf: Uint8Array, off: number, len: number): boolean {
  return readSslv2ClientHello(buf, off, len) !== null;
}
