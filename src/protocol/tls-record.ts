/**
 * TLS record layer (RFC 5246 section 6.2, RFC 8446 section 5.1): 5-byte header = content type, legacy version, length.
 * Pure functions over bytes with explicit bounds; nothing here throws or allocates.
 *
 * Content types accepted on TCP: 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data, 24 heartbeat
 * (RFC 6520). 25 (tls12_cid, RFC 9146) and 26 (ack, RFC 9147) exist only in DTLS, so a TLS stream carrying them is
 * treated as invalid. Record versions: major 3, minor 0..4 (SSL 3.0 .. the 0x0303/0x0301 legacy values of TLS 1.3).
 * Length limit: 2^14 + 2048 (the TLSCiphertext bound of RFC 5246; TLS 1.3's 2^14 + 256 is tighter).
 */

export const CT_CHANGE_CIPHER_SPEC = 20;
export const CT_ALERT = 21;
export const CT_HANDSHAKE = 22;
export const CT_APPLICATION_DATA = 23;
export const CT_HEARTBEAT = 24;

export const TLS_RECORD_HEADER_LEN = 5;
export const TLS_MAX_RECORD_LEN = 16384 + 2048;

/** Valid TLS-over-TCP content type. */
export function isTlsContentType(t: number): boolean {
  return t >= CT_CHANGE_CIPHER_SPEC && t <= CT_HEARTBEAT;
}

/** Valid record-layer version (0x0300..0x0304). */
export function isTlsRecordVersion(v: number): boolean {
  return v >> 8 === 3 && (v & 0xff) <= 4;
}

/**
 * Check a complete 5-byte header at `off` (caller guarantees 5 bytes). Returns the record body length, or -1 when
 * the header is not a valid TLS record header. Length rules per type: CCS is exactly 1 byte (RFC 5246 7.1, also the
 * TLS 1.3 compatibility CCS), alerts and handshakes are non-empty, application data may be empty.
 */
export function checkTlsHeader(buf: Uint8Array, off: number): number {
  const type = buf[off]!;
  if (!isTlsContentType(type)) return -1;
  if (!isTlsRecordVersion((buf[off + 1]! << 8) | buf[off + 2]!)) return -1;
  const len = (buf[off + 3]! << 8) | buf[off + 4]!;
  if (len > TLS_MAX_RECORD_LEN) return -1;
  if (len === 0 && type !== CT_APPLICATION_DATA) return -1;
  if (type === CT_CHANGE_CIPHER_SPEC && len !== 1) return -1;
  return len;
}

/** Check the bytes of a header that are present (1..5 of them) for validity. */
function partialHeaderValid(buf: Uint8Array, off: number, avail: number): boolean {
  if (avail >= TLS_RECORD_HEADER_LEN) return checkTlsHeader(buf, off) >= 0;
  if (avail >= 1 && !isTlsContentType(buf[off]!)) return false;
  if (avail >= 2 && buf[off + 1] !== 3) return false;
  if (avail >= 3 && buf[off + 2]! > 4) return false;
  if (avail >= 4 && buf[off + 3]! > TLS_MAX_RECORD_LEN >> 8) return false;
  return true;
}

/**
 * Strict probe: true only if a valid record header starts at `off` (5 bytes needed) whose type is one a stream can
 * start with (22 handshake, or 20/21/23 for a stream picked up mid-way), and, when the whole record lies inside
 * `len`, the bytes of the next header that are present are valid too.
 */
export function probeTls(buf: Uint8Array, off: number, len: number): boolean {
  if (off < 0 || len < TLS_RECORD_HEADER_LEN || off + len > buf.length) return false;
  const type = buf[off]!;
  if (type === CT_HEARTBEAT) return false;
  const body = checkTlsHeader(buf, off);
  if (body < 0) return false;
  if (type === CT_CHANGE_CIPHER_SPEC && buf.length > off + 5 && len > 5 && buf[off + 5] !== 1) return false;
  const next = TLS_RECORD_HEADER_LEN + body;
  if (next >= len) return true;
  return partialHeaderValid(buf, off + next, Math.min(len - next, TLS_RECORD_HEADER_LEN));
}

/** Alert descriptions (RFC 8446 section 6, RFC 5246 7.2, RFC 8446bis / ECH). */
const ALERTS: ReadonlyMap<number, string> = new Map([
  [0, 'close_notify'],
  [1, 'end_of_early_data'],
  [10, 'unexpected_message'],
  [20, 'bad_record_mac'],
  [21, 'decryption_failed'],
  [22, 'record_overflow'],
  [30, 'decompression_failure'],
  [40, 'handshake_failure'],
  [41, 'no_certificate'],
  [42, 'bad_certificate'],
  [43, 'unsupported_certificate'],
  [44, 'certificate_revoked'],
  [45, 'certificate_expired'],
  [46, 'certificate_unknown'],
  [47, 'illegal_parameter'],
  [48, 'unknown_ca'],
  [49, 'access_denied'],
  [50, 'decode_error'],
  [51, 'decrypt_error'],
  [52, 'too_many_cids_requested'],
  [60, 'export_restriction'],
  [70, 'protocol_version'],
  [71, 'insufficient_security'],
  [80, 'internal_error'],
  [86, 'inappropriate_fallback'],
  [90, 'user_canceled'],
  [100, 'no_renegotiation'],
  [109, 'missing_extension'],
  [110, 'unsupported_extension'],
  [111, 'certificate_unobtainable'],
  [112, 'unrecognized_name'],
  [113, 'bad_certificate_status_response'],
  [114, 'bad_certificate_hash_value'],
  [115, 'unknown_psk_identity'],
  [116, 'certificate_required'],
  [117, 'general_error'],
  [120, 'no_application_protocol'],
  [121, 'ech_required'],
]);

export function alertLevelName(level: number): string {
  return level === 1 ? 'warning' : level === 2 ? 'fatal' : `level ${level}`;
}

export function alertDescriptionName(desc: number): string {
  return ALERTS.get(desc) ?? `unknown alert ${desc}`;
}
