/**
 * ONC-RPC version 2 (RFC 5531): TCP record marking, CALL and REPLY headers, credentials and verifiers, and the
 * probes that decide whether bytes look like RPC. Pure functions over a byte window; never throws.
 */
import { type GssCred, parseGssCred } from './gss.js';
import { isKnownProgram } from './rpc-programs.js';
import { readU32, XdrCursor, xdrPad } from './xdr.js';

export const CALL = 0;
export const REPLY = 1;

export const AUTH_NONE = 0;
export const AUTH_SYS = 1;
export const AUTH_SHORT = 2;
export const AUTH_DH = 3;
export const AUTH_KERB4 = 4;
export const RPCSEC_GSS = 6;
export const AUTH_TLS = 7;

export const MSG_ACCEPTED = 0;
export const MSG_DENIED = 1;

/** RFC 5531: opaque_auth bodies are at most 400 bytes. */
export const MAX_AUTH_BYTES = 400;
/** Largest fragment we treat as plausible (Linux caps records near 1 MiB + headers; leave room). */
export const MAX_FRAGMENT = 0x01000000;
/** Smallest CALL: xid, type, rpcvers, prog, vers, proc, cred (8), verf (8). */
export const MIN_CALL = 40;
/** Smallest REPLY: xid, type, reply_stat, reject_stat, auth_stat / mismatch info. */
export const MIN_REPLY = 20;

const FLAVOR_NAMES: Record<number, string> = {
  [AUTH_NONE]: 'AUTH_NONE',
  [AUTH_SYS]: 'AUTH_SYS',
  [AUTH_SHORT]: 'AUTH_SHORT',
  [AUTH_DH]: 'AUTH_DH',
  [AUTH_KERB4]: 'AUTH_KERB4',
  5: 'AUTH_RSA',
  [RPCSEC_GSS]: 'RPCSEC_GSS',
  [AUTH_TLS]: 'AUTH_TLS',
};

export function authFlavorName(flavor: number): string {
  return FLAVOR_NAMES[flavor] ?? `AUTH_FLAVOR_${flavor}`;
}

const ACCEPT_STAT_NAMES = ['SUCCESS', 'PROG_UNAVAIL', 'PROG_MISMATCH', 'PROC_UNAVAIL', 'GARBAGE_ARGS', 'SYSTEM_ERR'];

export function acceptStatName(stat: number): string {
  return ACCEPT_STAT_NAMES[stat] ?? `accept_stat ${stat}`;
}

/** The 8-byte verifier body an RFC 9289 server returns to an AUTH_TLS probe. */
const STARTTLS = [0x53, 0x54, 0x41, 0x52, 0x54, 0x54, 0x4c, 0x53];

/** One decoded RPC message header, reused across messages (no allocation per message). */
export class RpcHeader {
  xid = 0;
  msgType = 0;
  // CALL
  rpcvers = 0;
  prog = 0;
  vers = 0;
  proc = 0;
  credFlavor = 0;
  credLen = 0;
  verfFlavor = 0;
  /** Valid when credFlavor is RPCSEC_GSS and `gssOk`. */
  readonly gss: GssCred = { version: 0, proc: 0, seq: 0, service: 0, handleLen: 0 };
  gssOk = false;
  /** AUTH_SYS: offset and length of the machine name inside the parsed buffer (payload: never put in evidence). */
  machineOff = -1;
  machineLen = 0;
  uid = -1;
  gid = -1;
  /** Parse an AUTH_SYS credential's body (machine name, uid, gid); a caller that no longer needs it clears this. */
  wantAuthSys = true;
  // REPLY
  replyStat = 0;
  acceptStat = -1;
  rejectStat = -1;
  /** Reply verifier is AUTH_NONE with the 8-byte body "STARTTLS" (RFC 9289). */
  startTls = false;
  /** Offset of the procedure arguments (CALL) or results (REPLY) after the header. */
  bodyOff = 0;

  clear(): void {
    this.rpcvers = this.prog = this.vers = this.proc = 0;
    this.credFlavor = this.credLen = this.verfFlavor = 0;
    this.gssOk = false;
    this.machineOff = -1;
    this.machineLen = 0;
    this.uid = this.gid = -1;
    this.replyStat = 0;
    this.acceptStat = this.rejectStat = -1;
    this.startTls = false;
    this.bodyOff = 0;
  }
}

const credCursor = new XdrCursor();

function parseAuthSys(buf: Uint8Array, off: number, len: number, out: RpcHeader): void {
  const c = credCursor.reset(buf, off, off + len);
  c.u32(); // stamp
  const name = c.opaqueInWindow(255);
  const nameLen = name >= 0 ? readU32(buf, name - 4) : 0;
  const uid = c.u32();
  const gid = c.u32();
  c.skipFixedArray(4, 16);
  if (!c.ok) return;
  out.machineOff = name;
  out.machineLen = nameLen;
  out.uid = uid;
  out.gid = gid;
}

function parseCallHeader(c: XdrCursor, out: RpcHeader): boolean {
  out.rpcvers = c.u32();
  out.prog = c.u32();
  out.vers = c.u32();
  out.proc = c.u32();
  out.credFlavor = c.u32();
  const cred = c.opaqueInWindow(MAX_AUTH_BYTES);
  if (cred < 0) return false;
  out.credLen = readU32(c.buf, cred - 4);
  if (out.rpcvers !== 2) {
    c.bad = true;
    return false;
  }
  if (out.credFlavor === RPCSEC_GSS) {
    const g = credCursor.reset(c.buf, cred, cred + out.credLen);
    out.gssOk = parseGssCred(g, out.gss);
  } else if (out.credFlavor === AUTH_SYS && out.wantAuthSys) {
    parseAuthSys(c.buf, cred, out.credLen, out);
  }
  out.verfFlavor = c.u32();
  if (c.opaqueInWindow(MAX_AUTH_BYTES) < 0) return false;
  return true;
}

function isStartTls(buf: Uint8Array, off: number): boolean {
  for (let i = 0; i < 8; i++) if (buf[off + i] !== STARTTLS[i]) return false;
  return true;
}

function parseReplyHeader(c: XdrCursor, out: RpcHeader): boolean {
  out.replyStat = c.u32();
  if (c.short) return false;
  if (out.replyStat === MSG_ACCEPTED) {
    out.verfFlavor = c.u32();
    const verf = c.opaqueInWindow(MAX_AUTH_BYTES);
    if (verf < 0) return false;
    const verfLen = readU32(c.buf, verf - 4);
    out.startTls = out.verfFlavor === AUTH_NONE && verfLen === 8 && isStartTls(c.buf, verf);
    out.acceptStat = c.u32();
    if (c.short) return false;
    if (out.acceptStat > 5) c.bad = true;
    else if (out.acceptStat === 2) c.skip(8); // PROG_MISMATCH low/high
    return c.ok;
  }
  if (out.replyStat === MSG_DENIED) {
    out.rejectStat = c.u32();
    if (out.rejectStat === 0)
      c.skip(8); // RPC_MISMATCH low/high
    else if (out.rejectStat === 1)
      c.u32(); // AUTH_ERROR auth_stat
    else c.bad = true;
    return c.ok;
  }
  c.bad = true;
  return false;
}

/**
 * Decodes the RPC header of one message in [off, end). On success `out.bodyOff` is where the arguments or results
 * start. On failure the cursor's `short` (window too small) or `bad` (not a valid header) says why.
 */
export function parseRpcHeader(c: XdrCursor, buf: Uint8Array, off: number, end: number, out: RpcHeader): boolean {
  c.reset(buf, off, end);
  if (fastHeader(buf, off, c.end, out)) return true;
  out.clear();
  out.xid = c.u32();
  out.msgType = c.u32();
  if (c.short) return false;
  let ok: boolean;
  if (out.msgType === CALL) ok = parseCallHeader(c, out);
  else if (out.msgType === REPLY) ok = parseReplyHeader(c, out);
  else {
    c.bad = true;
    ok = false;
  }
  if (ok) out.bodyOff = c.pos;
  return ok;
}

/**
 * The common cases by direct byte arithmetic: a CALL whose credential is not RPCSEC_GSS, or an accepted REPLY
 * (accept_stat other than PROG_MISMATCH), wholly inside [off, end) and valid. Returns false, having decided nothing
 * and written nothing, for anything else: the cursor path then decodes it and says why it fails. Fills every field of
 * `out` as that path would (after its `clear`).
 */
function fastHeader(b: Uint8Array, off: number, end: number, out: RpcHeader): boolean {
  if (end - off < 24) return false;
  const type = readU32(b, off + 4);
  if (type === CALL) {
    if (end - off < 40) return false;
    const flavor = readU32(b, off + 24);
    const credLen = readU32(b, off + 28);
    if (flavor === RPCSEC_GSS || credLen > MAX_AUTH_BYTES || readU32(b, off + 8) !== 2) return false;
    const cred = off + 32;
    const verfAt = cred + xdrPad(credLen);
    if (verfAt + 8 > end) return false;
    const verfLen = readU32(b, verfAt + 4);
    if (verfLen > MAX_AUTH_BYTES || verfAt + 8 + xdrPad(verfLen) > end) return false;
    out.xid = readU32(b, off);
    out.msgType = CALL;
    out.rpcvers = 2;
    out.prog = readU32(b, off + 12);
    out.vers = readU32(b, off + 16);
    out.proc = readU32(b, off + 20);
    out.credFlavor = flavor;
    out.credLen = credLen;
    out.gssOk = false;
    out.machineOff = -1;
    out.machineLen = 0;
    out.uid = out.gid = -1;
    if (flavor === AUTH_SYS && out.wantAuthSys) parseAuthSys(b, cred, credLen, out);
    out.verfFlavor = readU32(b, verfAt);
    out.replyStat = 0;
    out.acceptStat = out.rejectStat = -1;
    out.startTls = false;
    out.bodyOff = verfAt + 8 + xdrPad(verfLen);
    return true;
  }
  if (type !== REPLY || readU32(b, off + 8) !== MSG_ACCEPTED) return false;
  const verfLen = readU32(b, off + 16);
  if (verfLen > MAX_AUTH_BYTES) return false;
  const verf = off + 20;
  const statAt = verf + xdrPad(verfLen);
  if (statAt + 4 > end) return false;
  const acceptStat = readU32(b, statAt);
  if (acceptStat > 5 || acceptStat === 2) return false;
  out.clear();
  out.xid = readU32(b, off);
  out.msgType = REPLY;
  out.replyStat = MSG_ACCEPTED;
  out.verfFlavor = readU32(b, off + 12);
  out.startTls = out.verfFlavor === AUTH_NONE && verfLen === 8 && isStartTls(b, verf);
  out.acceptStat = acceptStat;
  out.bodyOff = statAt + 4;
  return true;
}

// ---- record marking (RFC 5531 section 11) ----

export function recordLastFragment(mark: number): boolean {
  return mark >= 0x80000000;
}

export function recordFragmentLength(mark: number): number {
  return mark & 0x7fffffff;
}

/** A program number in an assigned or transient range (RFC 5531 section 8.3), or one we know by name. */
function saneProgram(prog: number): boolean {
  if (isKnownProgram(prog)) return true;
  return (prog >= 100000 && prog < 0x20000000) || (prog >= 0x40000000 && prog < 0x60000000);
}

function saneFlavor(flavor: number): boolean {
  return flavor <= AUTH_TLS;
}

/**
 * Strict check that an RPC message starts at `off` (`len` bytes available; the message may be longer): a CALL
 * needs rpcvers 2, a plausible program, version and procedure, and a credential that fits the auth limits; a REPLY
 * needs a valid reply_stat and, when accepted, a plausible verifier. Needs at least the fixed header bytes.
 */
export function probeRpcMessage(buf: Uint8Array, off: number, len: number): boolean {
  if (len < 12 || off < 0 || off + len > buf.length) return false;
  const type = readU32(buf, off + 4);
  if (type === CALL) {
    if (len < 32) return false;
    if (readU32(buf, off + 8) !== 2) return false;
    if (!saneProgram(readU32(buf, off + 12))) return false;
    if (readU32(buf, off + 16) > 0xffff || readU32(buf, off + 20) > 0xffff) return false;
    if (!saneFlavor(readU32(buf, off + 24))) return false;
    const credLen = readU32(buf, off + 28);
    if (credLen > MAX_AUTH_BYTES) return false;
    const verfAt = off + 32 + credLen + ((4 - (credLen & 3)) & 3);
    if (verfAt + 8 <= off + len) {
      if (!saneFlavor(readU32(buf, verfAt)) || readU32(buf, verfAt + 4) > MAX_AUTH_BYTES) return false;
    }
    return true;
  }
  if (type === REPLY) {
    const stat = readU32(buf, off + 8);
    if (stat === MSG_DENIED) return len >= 16 && readU32(buf, off + 12) <= 1;
    if (stat !== MSG_ACCEPTED || len < 20) return false;
    if (!saneFlavor(readU32(buf, off + 12))) return false;
    const verfLen = readU32(buf, off + 16);
    if (verfLen > MAX_AUTH_BYTES) return false;
    const statAt = off + 20 + verfLen + ((4 - (verfLen & 3)) & 3);
    if (statAt + 4 <= off + len && readU32(buf, statAt) > 5) return false;
    return true;
  }
  return false;
}

/** True when `buf[off..off+len)` starts with a TCP record mark followed by a plausible RPC message. */
export function probeRpcRecord(buf: Uint8Array, off: number, len: number): boolean {
  if (len < 16 || off < 0 || off + len > buf.length) return false;
  const frag = recordFragmentLength(readU32(buf, off));
  if (frag < MIN_REPLY || frag > MAX_FRAGMENT) return false;
  return probeRpcMessage(buf, off + 4, Math.min(len - 4, frag));
}

/** True when a UDP datagram is one plausible RPC message (it must hold at least a whole minimal header). */
export function probeRpcDatagram(buf: Uint8Array, off: number, len: number): boolean {
  if (len < MIN_REPLY) return false;
  return probeRpcMessage(buf, off, len);
}

/**
 * The captured start of a TCP record cut short (snaplen): a plausible record mark, then as much of an RPC header
 * as the bytes hold, each present field checked (message type 0/1, rpcvers 2, program, version and procedure
 * ranges, reply_stat). Needs the mark, the xid and the first half of the message type (10 bytes; both types start
 * with two zero bytes). TLS records never pass (their first byte, read as a mark, gives an implausible length).
 */
export function probeCutRpcRecord(buf: Uint8Array, off: number, len: number): boolean {
  if (len < 10 || off < 0 || off + len > buf.length) return false;
  const mark = readU32(buf, off);
  const frag = recordFragmentLength(mark);
  if (frag < MIN_REPLY || frag > MAX_FRAGMENT) return false;
  if (buf[off + 8] !== 0 || buf[off + 9] !== 0) return false;
  const m = off + 4;
  const have = len - 4;
  if (have < 8) return true;
  const type = readU32(buf, m + 4);
  if (type === REPLY) return have < 12 || readU32(buf, m + 8) <= MSG_DENIED;
  if (type !== CALL) return false;
  if (have >= 12 && readU32(buf, m + 8) !== 2) return false;
  if (have >= 16 && !saneProgram(readU32(buf, m + 12))) return false;
  if (have >= 20 && readU32(buf, m + 16) > 0xffff) return false;
  if (have >= 24 && readU32(buf, m + 20) > 0xffff) return false;
  return true;
}
