/**
 * DTLS record layer and handshake fragment headers (RFC 6347 4.1/4.2.2, RFC 9147 4 and 5.2). Pure, bounds-checked,
 * no allocation. A datagram holds one or more records, each entirely inside it.
 *
 * Classic header (13 bytes): type, version, epoch(2), sequence number(6), length(2). Versions: 0xfeff DTLS 1.0,
 * 0xfefd DTLS 1.2 (also the record version of DTLS 1.3), 0xfefc, and 0x0100 (OpenSSL before 0.9.8f).
 * Types: 20-24 as in TLS, 25 tls12_cid (RFC 9146), 26 ack (RFC 9147).
 * DTLS 1.3 unified header: first byte 001CSLEE (C: connection id present, S: 16-bit sequence number, L: length
 * present, EE: low epoch bits); without L the record runs to the end of the datagram.
 */
import { TLS_MAX_RECORD_LEN } from './tls-record.js';

export const DTLS_RECORD_HEADER_LEN = 13;
export const DTLS_HANDSHAKE_HEADER_LEN = 12;
export const CT_TLS12_CID = 25;
export const CT_ACK = 26;

export function isDtlsRecordVersion(v: number): boolean {
  return v === 0xfeff || v === 0xfefd || v === 0xfefc || v === 0x0100;
}

/** Header fields of a classic DTLS record, filled in place by readDtlsRecord. */
export interface DtlsRecord {
  type: number;
  version: number;
  epoch: number;
  /** Body start and length (the body lies inside the datagram when readDtlsRecord returned true). */
  bodyOff: number;
  bodyLen: number;
}

export function newDtlsRecord(): DtlsRecord {
  return { type: 0, version: 0, epoch: 0, bodyOff: 0, bodyLen: 0 };
}

/**
 * Read a classic header at `off`; true when valid and its body ends at or before `end`. A tls12_cid record (RFC 9146,
 * type 25) has its connection id between the sequence number and the length: it is read only when `cidLen` (the
 * connection id length for this direction) is known.
 */
export function readDtlsRecord(buf: Uint8Array, off: number, end: number, out: DtlsRecord, cidLen = -1): boolean {
  if (off + DTLS_RECORD_HEADER_LEN > end || end > buf.length) return false;
  const type = buf[off]!;
  if (type < 20 || type > CT_ACK) return false;
  const version = (buf[off + 1]! << 8) | buf[off + 2]!;
  if (!isDtlsRecordVersion(version)) return false;
  const cid = type === CT_TLS12_CID ? cidLen : 0;
  if (cid < 0 || off + DTLS_RECORD_HEADER_LEN + cid > end) return false;
  const len = (buf[off + 11 + cid]! << 8) | buf[off + 12 + cid]!;
  if (len > TLS_MAX_RECORD_LEN || off + DTLS_RECORD_HEADER_LEN + cid + len > end) return false;
  if (len === 0 && type !== 23) return false;
  // OpenSSL's pre-standard DTLS (0x0100) sends a 3-byte ChangeCipherSpec (type 1 and a 2-byte message sequence).
  if (type === 20 && len !== 1 && !(len === 3 && version === 0x0100)) return false;
  out.type = type;
  out.version = version;
  out.epoch = (buf[off + 3]! << 8) | buf[off + 4]!;
  out.bodyOff = off + DTLS_RECORD_HEADER_LEN + cid;
  out.bodyLen = len;
  return true;
}

/** True when the byte starts a DTLS 1.3 unified header (001xxxxx). */
export function isUnifiedHeader(first: number): boolean {
  return (first & 0xe0) === 0x20;
}

/**
 * Length in bytes (header + body) of a unified-header record at `off`, or -1 when it can not be delimited (a
 * connection id of unknown length) or does not fit. `cidLen` is the negotiated connection id length (0 if none).
 */
export function unifiedRecordLength(buf: Uint8Array, off: number, end: number, cidLen = -1): number {
  const first = buf[off]!;
  if (!isUnifiedHeader(first)) return -1;
  let hdr = 1;
  if (first & 0x10) {
    if (cidLen < 0) return -1;
    hdr += cidLen;
  }
  hdr += first & 0x08 ? 2 : 1;
  if (!(first & 0x04)) return off + hdr <= end ? end - off : -1;
  if (off + hdr + 2 > end) return -1;
  const len = (buf[off + hdr]! << 8) | buf[off + hdr + 1]!;
  const total = hdr + 2 + len;
  return off + total <= end ? total : -1;
}

/** Header length of a unified-header record at `off` (-1 for a connection id of unknown length). */
export function unifiedHeaderLength(first: number, cidLen = -1): number {
  let hdr = 1;
  if (first & 0x10) {
    if (cidLen < 0) return -1;
    hdr += cidLen;
  }
  hdr += first & 0x08 ? 2 : 1;
  return first & 0x04 ? hdr + 2 : hdr;
}

/**
 * RFC 7983 (updated by RFC 9443) demultiplexing of a UDP 5-tuple by the first byte of each datagram: 0-3 STUN,
 * 16-19 ZRTP, 20-63 DTLS, 64-79 TURN channel, 128-191 RTP/RTCP; anything else is unassigned.
 */
export type DemuxKind = 'stun' | 'zrtp' | 'dtls' | 'turn' | 'rtp' | 'other';

export function demuxFirstByte(b: number): DemuxKind {
  if (b <= 3) return 'stun';
  if (b >= 16 && b <= 19) return 'zrtp';
  if (b >= 20 && b <= 63) return 'dtls';
  if (b >= 64 && b <= 79) return 'turn';
  if (b >= 128 && b <= 191) return 'rtp';
  return 'other';
}

/** DTLS handshake fragment header, filled in place. */
export interface DtlsFragment {
  msgType: number;
  msgLen: number;
  messageSeq: number;
  fragOff: number;
  fragLen: number;
  /** Where the fragment bytes start. */
  dataOff: number;
}

export function newDtlsFragment(): DtlsFragment {
  return { msgType: 0, msgLen: 0, messageSeq: 0, fragOff: 0, fragLen: 0, dataOff: 0 };
}

/** Read a handshake fragment header at `off`; true when the fragment lies inside `end` and inside its message. */
export function readDtlsFragment(buf: Uint8Array, off: number, end: number, out: DtlsFragment): boolean {
  if (off + DTLS_HANDSHAKE_HEADER_LEN > end || end > buf.length) return false;
  const u24 = (p: number): number => (buf[p]! << 16) | (buf[p + 1]! << 8) | buf[p + 2]!;
  out.msgType = buf[off]!;
  out.msgLen = u24(off + 1);
  out.messageSeq = (buf[off + 4]! << 8) | buf[off + 5]!;
  out.fragOff = u24(off + 6);
  out.fragLen = u24(off + 9);
  out.dataOff = off + DTLS_HANDSHAKE_HEADER_LEN;
  return out.fragOff + out.fragLen <= out.msgLen && out.dataOff + out.fragLen <= end;
}

/**
 * Strict probe of one datagram: a classic record header at `off` of type 22 (or 20/21/23 for an association picked
 * up mid-way), whole inside the datagram; an epoch-0 handshake record must hold a consistent fragment header; every
 * following record must be a valid classic record, or a DTLS 1.3 unified-header record after a handshake record.
 */
export function probeDtls(buf: Uint8Array, off: number, len: number): boolean {
  const end = off + len;
  if (off < 0 || end > buf.length) return false;
  const rec = newDtlsRecord();
  if (!readDtlsRecord(buf, off, end, rec) || rec.type > 23) return false;
  if (rec.type === 22 && rec.epoch === 0) {
    const frag = newDtlsFragment();
    if (!readDtlsFragment(buf, rec.bodyOff, rec.bodyOff + rec.bodyLen, frag)) return false;
  }
  const handshake = rec.type === 22;
  let pos = rec.bodyOff + rec.bodyLen;
  while (pos < end) {
    if (handshake && isUnifiedHeader(buf[pos]!)) {
      const n = unifiedRecordLength(buf, pos, end);
      if (n < 0) return (buf[pos]! & 0x10) !== 0; // a connection id we can not measure: accept the rest
      pos += n;
      continue;
    }
    if (!readDtlsRecord(buf, pos, end, rec)) return false;
    pos = rec.bodyOff + rec.bodyLen;
  }
  return true;
}
