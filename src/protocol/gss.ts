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
