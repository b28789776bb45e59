/**
 * TLS/DTLS hello messages (RFC 8446 section 4.1, RFC 5246 7.4.1, RFC 6347 4.2.1/4.3.2, RFC 9147 5.3): ClientHello,
 * ServerHello, HelloRetryRequest (a ServerHello with the special random) and DTLS HelloVerifyRequest.
 * Input is the handshake message BODY (after the 4-byte TLS or 12-byte DTLS handshake header). Every length field is
 * checked against the bytes present: a lying length yields { ok: false, error } and never a throw or an over-read.
 * Only small metadata is copied out (session id up to 32 bytes, SNI, ALPN names, lists capped at MAX_LIST).
 */

export const HS_CLIENT_HELLO = 1;
export const HS_SERVER_HELLO = 2;
export const HS_HELLO_VERIFY_REQUEST = 3;

export const EXT_SERVER_NAME = 0;
export const EXT_SUPPORTED_GROUPS = 10;
export const EXT_ALPN = 16;
export const EXT_PRE_SHARED_KEY = 41;
/** RFC 9146 connection_id: the CID the sender wants on records sent to it (opaque cid<0..2^8-1>). */
export const EXT_CONNECTION_ID = 54;
export const EXT_SUPPORTED_VERSIONS = 43;
export const EXT_KEY_SHARE = 51;

const MAX_LIST = 256;
const MAX_ALPN = 16;

/** SHA-256("HelloRetryRequest"), the ServerHello.random of a HelloRetryRequest (RFC 8446 4.1.3). */
const HRR_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
  0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ClientHello {
  legacyVersion: number;
  sessionId: Uint8Array;
  /** DTLS only: cookie length (0 on the first ClientHello). */
  cookieLength: number;
  cipherSuites: number[];
  /** supported_versions list (empty when the extension is absent). */
  supportedVersions: number[];
  supportedGroups: number[];
  keyShareGroups: number[];
  sni?: string;
  alpn?: string[];
  hasPreSharedKey: boolean;
  /** DTLS (RFC 9146/9147): length of the connection id the client wants on records sent to it; absent without the extension. */
  connectionIdLength?: number;
  extensionTypes: number[];
}

export interface ServerHello {
  legacyVersion: number;
  /** supported_versions selected_version, or null when absent. */
  selectedVersion: number | null;
  sessionId: Uint8Array;
  cipherSuite: number;
  compression: number;
  helloRetryRequest: boolean;
  keyShareGroup: number | null;
  hasPreSharedKey: boolean;
  /** ALPN protocol the server selected (TLS <= 1.2; encrypted in TLS 1.3). */
  alpn?: string;
  /** DTLS 1.2 (RFC 9146): length of the connection id the server wants on records sent to it (DTLS 1.3 sends it encrypted). */
  connectionIdLength?: number;
  extensionTypes: number[];
}

export interface HelloVerifyRequest {
  serverVersion: number;
  cookieLength: number;
}

/** A bounds-checked reader over buf[pos, end). `bad` latches on the first read past the end. */
class Reader {
  bad = false;
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}
  left(): number {
    return this.end - this.pos;
  }
  u8(): number {
    if (this.pos + 1 > this.end) return this.fail();
    return this.buf[this.pos++]!;
  }
  u16(): number {
    if (this.pos + 2 > this.end) return this.fail();
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  skip(n: number): boolean {
    if (n < 0 || this.pos + n > this.end) {
      this.fail();
      return false;
    }
    this.pos += n;
    return true;
  }
  private fail(): number {
    this.bad = true;
    this.pos = this.end;
    return 0;
  }
}

function readU16List(r: Reader, byteLen: number, out: number[]): boolean {
  if (byteLen % 2 !== 0 || byteLen > r.left()) return false;
  const end = r.pos + byteLen;
  while (r.pos < end) {
    const v = r.u16();
    if (out.length < MAX_LIST) out.push(v);
  }
  return true;
}

function ascii(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return s;
}

function parseSni(r: Reader, end: number): string | undefined {
  const listLen = r.u16();
  if (r.bad || r.pos + listLen > end) return undefined;
  const listEnd = r.pos + listLen;
  while (r.pos + 3 <= listEnd) {
    const type = r.u8();
    const len = r.u16();
    if (r.pos + len > listEnd) return undefined;
    if (type === 0) return ascii(r.buf, r.pos, r.pos + Math.min(len, 255));
    r.pos += len;
  }
  return undefined;
}

function parseAlpn(r: Reader, end: number): string[] | undefined {
  const listLen = r.u16();
  if (r.bad || r.pos + listLen > end) return undefined;
  const listEnd = r.pos + listLen;
  const out: string[] = [];
  while (r.pos < listEnd) {
    const len = r.u8();
    if (r.pos + len > listEnd) return undefined;
    if (out.length < MAX_ALPN) out.push(ascii(r.buf, r.pos, r.pos + len));
    r.pos += len;
  }
  return out;
}

function parseKeyShareGroups(r: Reader, end: number, out: number[]): boolean {
  const listLen = r.u16();
  if (r.bad || r.pos + listLen > end) return false;
  const listEnd = r.pos + listLen;
  while (r.pos + 4 <= listEnd) {
    const group = r.u16();
    const len = r.u16();
    if (r.pos + len > listEnd) return false;
    if (out.length < MAX_LIST) out.push(group);
    r.pos += len;
  }
  return r.pos === listEnd;
}

/** Walk the extensions block; `each` is called with the reader positioned at the extension body. */
function walkExtensions(
  r: Reader,
  types: number[],
  each: (type: number, bodyEnd: number) => string | null,
): string | null {
  if (r.left() === 0) return null; // no extensions block (SSL 3.0 / early TLS)
  const total = r.u16();
  if (r.bad) return 'extensions length truncated';
  if (total > r.left()) return 'extensions length past end';
  const end = r.pos + total;
  while (r.pos < end) {
    if (end - r.pos < 4) return 'extension header truncated';
    const type = r.u16();
    const len = r.u16();
    if (r.pos + len > end) return 'extension length past end';
    const bodyEnd = r.pos + len;
    if (types.length < MAX_LIST) types.push(type);
    const err = each(type, bodyEnd);
    if (err) return err;
    r.pos = bodyEnd;
  }
  return null;
}

function copySessionId(r: Reader): Uint8Array | null {
  const len = r.u8();
  if (r.bad || len > 32 || len > r.left()) return null;
  const id = r.buf.slice(r.pos, r.pos + len);
  r.pos += len;
  return id;
}

/** Parse a ClientHello body at buf[off, off+len). `dtls` adds the cookie field after the session id. */
export function parseClientHello(buf: Uint8Array, off: number, len: number, dtls: boolean): ParseResult<ClientHello> {
  const r = new Reader(buf, off, Math.min(off + len, buf.length));
  const legacyVersion = r.u16();
  if (!r.skip(32)) return { ok: false, error: 'ClientHello truncated in random' };
  const sessionId = copySessionId(r);
  if (sessionId === null) return { ok: false, error: 'ClientHello session id length invalid' };
  let cookieLength = 0;
  if (dtls) {
    cookieLength = r.u8();
    if (!r.skip(cookieLength)) return { ok: false, error: 'ClientHello cookie length past end' };
  }
  const suitesLen = r.u16();
  const cipherSuites: number[] = [];
  if (r.bad || !readU16List(r, suitesLen, cipherSuites)) return { ok: false, error: 'cipher suites length invalid' };
  const compLen = r.u8();
  if (r.bad || !r.skip(compLen)) return { ok: false, error: 'compression methods length past end' };
  const hello: ClientHello = {
    legacyVersion,
    sessionId,
    cookieLength,
    cipherSuites,
    supportedVersions: [],
    supportedGroups: [],
    keyShareGroups: [],
    hasPreSharedKey: false,
    extensionTypes: [],
  };
  const err = walkExtensions(r, hello.extensionTypes, (type, end) => {
    const x = new Reader(buf, r.pos, end);
    switch (type) {
      case EXT_SERVER_NAME: {
        const sni = parseSni(x, end);
        if (sni !== undefined) hello.sni = sni;
        return null;
      }
      case EXT_ALPN: {
        const alpn = parseAlpn(x, end);
        if (alpn === undefined) return 'ALPN list length invalid';
        hello.alpn = alpn;
        return null;
      }
      case EXT_SUPPORTED_VERSIONS: {
        const n = x.u8();
        return x.bad || !readU16List(x, n, hello.supportedVersions) ? 'supported_versions length invalid' : null;
      }
      case EXT_SUPPORTED_GROUPS: {
        const n = x.u16();
        return x.bad || !readU16List(x, n, hello.supportedGroups) ? 'supported_groups length invalid' : null;
      }
      case EXT_KEY_SHARE:
        return parseKeyShareGroups(x, end, hello.keyShareGroups) ? null : 'key_share length invalid';
      case EXT_PRE_SHARED_KEY:
        hello.hasPreSharedKey = true;
        return null;
      case EXT_CONNECTION_ID: {
        const n = x.u8();
        if (x.bad || x.pos + n !== end) return 'connection_id length invalid';
        hello.connectionIdLength = n;
        return null;
      }
      default:
        return null;
    }
  });
  if (err) return { ok: false, error: `ClientHello ${err}` };
  return { ok: true, value: hello };
}

/** Parse a ServerHello (or HelloRetryRequest) body at buf[off, off+len). */
export function parseServerHello(buf: Uint8Array, off: number, len: number): ParseResult<ServerHello> {
  const r = new Reader(buf, off, Math.min(off + len, buf.length));
  const legacyVersion = r.u16();
  if (r.left() < 32) return { ok: false, error: 'ServerHello truncated in random' };
  let hrr = true;
  for (let i = 0; i < 32; i++) if (buf[r.pos + i] !== HRR_RANDOM[i]) hrr = false;
  r.pos += 32;
  // TLS 1.3 drafts before 22 had no legacy_session_id_echo and no compression method.
  const draftLayout = legacyVersion >> 8 === 0x7f && (legacyVersion & 0xff) < 22;
  const sessionId = draftLayout ? new Uint8Array(0) : copySessionId(r);
  if (sessionId === null) return { ok: false, error: 'ServerHello session id length invalid' };
  const cipherSuite = r.u16();
  const compression = draftLayout ? 0 : r.u8();
  if (r.bad) return { ok: false, error: 'ServerHello truncated' };
  const hello: ServerHello = {
    legacyVersion,
    selectedVersion: null,
    sessionId,
    cipherSuite,
    compression,
    helloRetryRequest: hrr,
    keyShareGroup: null,
    hasPreSharedKey: false,
    extensionTypes: [],
  };
  const err = walkExtensions(r, hello.extensionTypes, (type, end) => {
    const x = new Reader(buf, r.pos, end);
    if (type === EXT_SUPPORTED_VERSIONS) {
      const v = x.u16();
      if (x.bad) return 'supported_versions truncated';
      hello.selectedVersion = v;
    } else if (type === EXT_KEY_SHARE) {
      const g = x.u16();
      if (x.bad) return 'key_share truncated';
      hello.keyShareGroup = g;
    } else if (type === EXT_PRE_SHARED_KEY) {
      hello.hasPreSharedKey = true;
    } else if (type === EXT_CONNECTION_ID) {
      const n = x.u8();
      if (x.bad || x.pos + n !== end) return 'connection_id length invalid';
      hello.connectionIdLength = n;
    } else if (type === EXT_ALPN) {
      const list = parseAlpn(x, end);
      if (list === undefined || list.length !== 1) return 'ALPN selection invalid';
      hello.alpn = list[0]!;
    }
    return null;
  });
  if (err) return { ok: false, error: `ServerHello ${err}` };
  return { ok: true, value: hello };
}

/** Parse a DTLS HelloVerifyRequest body. */
export function parseHelloVerifyRequest(buf: Uint8Array, off: number, len: number): ParseResult<HelloVerifyRequest> {
  const r = new Reader(buf, off, Math.min(off + len, buf.length));
  const serverVersion = r.u16();
  const cookieLength = r.u8();
  if (r.bad || !r.skip(cookieLength)) return { ok: false, error: 'HelloVerifyRequest cookie length past end' };
  return { ok: true, value: { serverVersion, cookieLength } };
}

/** Negotiated version of a ServerHello: supported_versions if present, else the legacy version. */
export function negotiatedVersion(sh: ServerHello): number {
  return sh.selectedVersion ?? sh.legacyVersion;
}

/** Versions a ClientHello offers: supported_versions (GREASE dropped) if present, else its legacy version. */
export function offeredVersions(ch: ClientHello): number[] {
  const list = ch.supportedVersions.filter((v) => !((v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff)));
  return ch.supportedVersions.length > 0 ? list : [ch.legacyVersion];
}

/** True when two session ids are equal and non-empty. */
export function sameSessionId(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length === 0 || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
