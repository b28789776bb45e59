/**
 * XDR (RFC 4506), ONC-RPC messages (RFC 5531) and TCP record marking byte by byte: crafted inputs for the RPC unit
 * tests and the adversarial corpus.
 */

export class Xdr {
  private readonly parts: number[] = [];
  u32(v: number): this {
    this.parts.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  hyper(hi: number, lo: number): this {
    return this.u32(hi).u32(lo);
  }
  fixed(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.parts.push(bytes[i]!);
    while (this.parts.length % 4) this.parts.push(0);
    return this;
  }
  zeros(n: number): this {
    for (let i = 0; i < n; i++) this.parts.push(0);
    return this;
  }
  opaque(bytes: ArrayLike<number>): this {
    return this.u32(bytes.length).fixed(bytes);
  }
  str(s: string): this {
    return this.opaque(Buffer.from(s, 'latin1'));
  }
  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.parts.push(bytes[i]!);
    return this;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export interface Auth {
  flavor: number;
  body?: Uint8Array;
}

export const AUTH_NONE_CRED: Auth = { flavor: 0 };

export function authSys(machine: string, uid = 0, gid = 0): Auth {
  return { flavor: 1, body: new Xdr().u32(0x5f5e100).str(machine).u32(uid).u32(gid).u32(1).u32(gid).bytes() };
}

/** RPCSEC_GSS v1 credential: service 1 none, 2 integrity, 3 privacy. */
export function gssCred(service: number, proc = 0, seq = 7): Auth {
  return { flavor: 6, body: new Xdr().u32(1).u32(proc).u32(seq).u32(service).opaque([1, 2, 3, 4, 5, 6]).bytes() };
}

export function callMsg(
  xid: number,
  prog: number,
  vers: number,
  proc: number,
  cred: Auth,
  args: Uint8Array = new Uint8Array(0),
  verf: Auth = AUTH_NONE_CRED,
): Uint8Array {
  const x = new Xdr().u32(xid).u32(0).u32(2).u32(prog).u32(vers).u32(proc);
  x.u32(cred.flavor).opaque(cred.body ?? []);
  x.u32(verf.flavor).opaque(verf.body ?? []);
  return concat(x.bytes(), args);
}

export function replyMsg(xid: number, verfBody: ArrayLike<number> = [], acceptStat = 0): Uint8Array {
  return new Xdr().u32(xid).u32(1).u32(0).u32(0).opaque(verfBody).u32(acceptStat).bytes();
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Wraps a message as one TCP record, split into fragments of the given sizes (the rest in the last one). */
export function record(msg: Uint8Array, fragSizes: number[] = []): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const size of fragSizes) {
    parts.push(new Xdr().u32(size).bytes(), msg.subarray(at, at + size));
    at += size;
  }
  parts.push(new Xdr().u32((0x80000000 | (msg.length - at)) >>> 0).bytes(), msg.subarray(at));
  return concat(...parts);
}

/** COMPOUND4args: tag, minorversion, ops (each already encoded with its op number). */
export function compound(minor: number, ops: Uint8Array[], tag = ''): Uint8Array {
  return concat(new Xdr().str(tag).u32(minor).u32(ops.length).bytes(), ...ops);
}

/** An RFC 4121 Wrap token of `len` bytes: TOK_ID 05 04, `flags` (0x02 Sealed), filler FF, EC/RRC 0, then 0xC3 bytes. */
export function wrapToken(len = 64, flags = 0x02): Uint8Array {
  const t = new Uint8Array(len).fill(0xc3);
  t.set([0x05, 0x04, flags, 0xff, 0, 0, 0, 0]);
  return t;
}

/** An RFC 1964 framed wrap token: 0x60, DER length, the krb5 OID, TOK_ID 02 01, SGN_ALG, `sealAlg`, filler FF FF. */
export function wrapToken1964(sealAlg: number, len = 64): Uint8Array {
  const oid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02];
  const t = new Uint8Array(len).fill(0xc3);
  t.set([0x60, len - 2, ...oid, 0x02, 0x01, 0x04, 0x00, sealAlg >> 8, sealAlg & 0xff, 0xff, 0xff]);
  return t;
}

/** rpc_gss_priv_data: the token as one XDR opaque (the body of a privacy call or reply). */
export function privBody(token: Uint8Array = wrapToken()): Uint8Array {
  return new Xdr().opaque(token).bytes();
}
