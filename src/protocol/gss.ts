/**
 * RPCSEC_GSS (RFC 2203, RFC 5403) credential body: version 1 carries the GSS procedure, sequence number, service
 * (none / integrity / privacy) and the context handle. Only the handle length is kept; its bytes are never read.
 */
import type { XdrCursor } from './xdr.js';

export const RPCSEC_GSS_DATA = 0;
export const RPCSEC_GSS_INIT = 1;
export const RPCSEC_GSS_CONTINUE_INIT = 2;
export const RPCSEC_GSS_DESTROY = 3;

export const GSS_SVC_NONE = 1;
export const GSS_SVC_INTEGRITY = 2;
export const GSS_SVC_PRIVACY = 3;

export type GssServiceName = 'none' | 'integrity' | 'privacy';

export interface GssCred {
  version: number;
  proc: number;
  seq: number;
  service: number;
  handleLen: number;
}

export function gssServiceName(service: number): GssServiceName | null {
  if (service === GSS_SVC_NONE) return 'none';
  if (service === GSS_SVC_INTEGRITY) return 'integrity';
  if (service === GSS_SVC_PRIVACY) return 'privacy';
  return null;
}

const GSS_PROC_NAMES = ['DATA', 'INIT', 'CONTINUE_INIT', 'DESTROY'];

export function gssProcName(proc: number): string {
  return GSS_PROC_NAMES[proc] ?? `proc ${proc}`;
}

/**
 * Reads an RPCSEC_GSS credential body from `c` (a window over exactly the credential body). Returns false and sets
 * `c.bad` when the body is not a version-1 credential with a known procedure and service.
 */
export function parseGssCred(c: XdrCursor, out: GssCred): boolean {
  out.version = c.u32();
  out.proc = c.u32();
  out.seq = c.u32();
  out.service = c.u32();
  out.handleLen = c.skipOpaque(c.remaining);
  if (!c.ok) return false;
  if (out.version !== 1 || out.proc > RPCSEC_GSS_DESTROY || gssServiceName(out.service) === null) {
    c.bad = true;
    return false;
  }
  return true;
}

/** Bytes of a privacy body's wrap token needed to judge it (RFC 1964's framed header is the longer one). */
export const WRAP_HEAD_MAX = 24;

export type WrapTokenKind = 'sealed' | 'not-sealed' | 'not-a-wrap-token';

/** The krb5 mechanism OID 1.2.840.113554.1.2.2 as DER contents. */
const KRB5_OID = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02];

/**
 * Judges the start of a GSS wrap token in `b[off, off + len)` (`len` bytes available, `total` the token's length):
 * an RFC 4121 Wrap token (TOK_ID 05 04, filler FF) is sealed when its Flags have the Sealed bit (0x02); an RFC 1964
 * / RFC 4757 token (framed: 0x60, DER length, the krb5 OID, TOK_ID 02 01) is sealed unless SEAL_ALG is 0xFFFF.
 * Returns null when more bytes are needed (fewer than `min(total, WRAP_HEAD_MAX)` available).
 */
export function judgeWrapToken(b: Uint8Array, off: number, len: number, total: number): WrapTokenKind | null {
  if (len < Math.min(total, WRAP_HEAD_MAX)) return null;
  if (total < 16) return 'not-a-wrap-token';
  if (b[off] === 0x05 && b[off + 1] === 0x04) {
    if (b[off + 3] !== 0xff) return 'not-a-wrap-token';
    return (b[off + 2]! & 0x02) !== 0 ? 'sealed' : 'not-sealed';
  }
  if (b[off] !== 0x60) return 'not-a-wrap-token';
  // DER length: short form, or long form with 1-2 length bytes (a wrap token is below 16 MiB in practice).
  let p = off + 1;
  const l0 = b[p]!;
  p += l0 < 0x80 ? 1 : 1 + (l0 & 0x7f);
  if (l0 > 0x83) return 'not-a-wrap-token';
  if (b[p] !== 0x06 || b[p + 1] !== KRB5_OID.length) return 'not-a-wrap-token';
  p += 2;
  for (let i = 0; i < KRB5_OID.length; i++) if (b[p + i] !== KRB5_OID[i]) return 'not-a-wrap-token';
  p += KRB5_OID.length;
  if (p + 6 > off + len || b[p] !== 0x02 || b[p + 1] !== 0x01) return 'not-a-wrap-token';
  const sealAlg = (b[p + 4]! << 8) | b[p + 5]!;
  return sealAlg === 0xffff ? 'not-sealed' : 'sealed';
}

/**
 * NFSv4 operations that manage the client's lease or session and carry no file data, names or handles. The Linux
 * client sends them with krb5i even on krb5p mounts; a COMPOUND of only these without privacy is reported as info.
 */
export const NFS4_LEASE_OPS: ReadonlySet<string> = new Set([
  'SETCLIENTID',
  'SETCLIENTID_CONFIRM',
  'RENEW',
  'EXCHANGE_ID',
  'CREATE_SESSION',
  'DESTROY_SESSION',
  'DESTROY_CLIENTID',
  'BIND_CONN_TO_SESSION',
  'SEQUENCE',
  'RECLAIM_COMPLETE',
]);
