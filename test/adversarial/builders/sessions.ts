/**
 * Protocol messages of whole sessions for the corpus, from the specs: TLS 1.2 (RFC 5246) and TLS 1.3 (RFC 8446)
 * flights, alerts and protected records; DTLS 1.2 (RFC 6347) records with epochs; ONC-RPC (RFC 5531) calls with
 * AUTH_SYS, the RPC-with-TLS AUTH_TLS probe and its STARTTLS reply (RFC 9289), RPCSEC_GSS (RFC 2203) privacy calls
 * carrying RFC 4121 Wrap tokens; NFSv3 (RFC 1813) and NFSv4 (RFC 7530) calls. Ciphertext is seeded pseudo-random
 * bytes: the same seed gives the same corpus on every run.
 */
import { Prng } from '../../../bench/prng.js';
import { op } from './nfs4.js';
import { type Auth, authSys, callMsg, compound, concat, gssCred, privBody, record, replyMsg, Xdr } from './rpc.js';
import {
  clientHelloBody,
  dtlsHs,
  dtlsRecord,
  hsMsg,
  serverHelloBody,
  record as tlsRecord,
  u16,
  vec8,
  vec16,
} from './tls.js';

export const CT_CCS = 20;
export const CT_ALERT = 21;
export const CT_HANDSHAKE = 22;
export const CT_APP = 23;

export const HS_CLIENT_HELLO = 1;
export const HS_SERVER_HELLO = 2;
export const HS_CERTIFICATE = 11;
export const HS_SERVER_KEY_EXCHANGE = 12;
export const HS_SERVER_HELLO_DONE = 14;
export const HS_CLIENT_KEY_EXCHANGE = 16;
export const HS_FINISHED = 20;

export const TLS_AES_256_GCM_SHA384 = 0x1302;
export const TLS_ECDHE_RSA_AES_256_GCM_SHA384 = 0xc030;
export const TLS_RSA_WITH_NULL_SHA256 = 0x003b;
export const TLS_SHA256_SHA256 = 0xc0b4;
const X25519 = 0x001d;

export const NFS_PROG = 100003;
export const NFS_ACL_PROG = 100227;
const AUTH_TLS = 7;

/** Seeded "ciphertext": bytes indistinguishable from random for any statistic wireseal may apply. */
export class Noise {
  private readonly rng: Prng;
  constructor(seed: number) {
    this.rng = new Prng(seed);
  }
  bytes(n: number): Uint8Array {
    return new Uint8Array(this.rng.bytes(n));
  }
}

export const u8 = (parts: number[]): Uint8Array => Uint8Array.from(parts);

/** A TLS record around raw bytes. */
export function tlsRec(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  return concat(u8([type, ...u16(version), ...u16(body.length)]), body);
}

/** A plaintext alert record (level 2 fatal, 1 warning). */
export function alert(level: number, description: number, version = 0x0303): Uint8Array {
  return u8(tlsRecord(CT_ALERT, [level, description], version));
}

export const CCS = u8(tlsRecord(CT_CCS, [1]));

export interface HelloOpts {
  sni?: string;
  suite?: number;
  /** The ClientHello's legacy record version (0x0301 as most clients send). */
  recordVersion?: number;
}

/** TLS 1.3 ClientHello (compatibility-mode session id, key share x25519, supported_versions 1.3 and 1.2). */
export function clientHello13(o: HelloOpts = {}): Uint8Array {
  const body = clientHelloBody({
    sessionId: new Array<number>(32).fill(0x3c),
    suites: [0x1301, 0x1302, 0x1303, 0xc02f, 0xc030],
    sni: o.sni ?? 'nfs.example.test',
    versions: [0x0304, 0x0303],
    keyShare: [X25519],
  });
  return u8(tlsRecord(CT_HANDSHAKE, hsMsg(HS_CLIENT_HELLO, body), o.recordVersion ?? 0x0301));
}

/** TLS 1.3 ServerHello (or, with `hrr`, a HelloRetryRequest: the special random of RFC 8446 section 4.1.3). */
export function serverHello13(o: { suite?: number; hrr?: boolean } = {}): Uint8Array {
  const body = serverHelloBody({
    sessionId: new Array<number>(32).fill(0x3c),
    suite: o.suite ?? TLS_AES_256_GCM_SHA384,
    selected: 0x0304,
    keyShare: X25519,
    hrr: o.hrr === true,
  });
  return u8(tlsRecord(CT_HANDSHAKE, hsMsg(HS_SERVER_HELLO, body)));
}

/** TLS 1.2 ClientHello (no supported_versions). */
export function clientHello12(o: HelloOpts = {}): Uint8Array {
  const body = clientHelloBody({ suites: [0xc02f, 0xc030, 0x009d], sni: o.sni ?? 'nfs.example.test' });
  return u8(tlsRecord(CT_HANDSHAKE, hsMsg(HS_CLIENT_HELLO, body), o.recordVersion ?? 0x0301));
}

/** TLS 1.2 server flight: ServerHello, Certificate (empty list), ServerKeyExchange (ECDHE suites), ServerHelloDone. */
export function serverFlight12(noise: Noise, suite = TLS_ECDHE_RSA_AES_256_GCM_SHA384): Uint8Array {
  const sh = hsMsg(HS_SERVER_HELLO, serverHelloBody({ suite }));
  const cert = hsMsg(HS_CERTIFICATE, [0, 0, 0]);
  const ske = hsMsg(HS_SERVER_KEY_EXCHANGE, [
    3,
    ...u16(X25519),
    ...vec8([...noise.bytes(32)]),
    ...u16(0x0804),
    ...vec16([...noise.bytes(256)]),
  ]);
  const done = hsMsg(HS_SERVER_HELLO_DONE, []);
  // RSA key transport (the NULL suites here) has no ServerKeyExchange (RFC 5246 section 7.4.3).
  const rsa = suite === TLS_RSA_WITH_NULL_SHA256;
  return u8(tlsRecord(CT_HANDSHAKE, [...sh, ...cert, ...(rsa ? [] : ske), ...done]));
}

/** TLS 1.2 ClientKeyExchange (ECDHE public key). */
export function clientKeyExchange12(noise: Noise): Uint8Array {
  return u8(tlsRecord(CT_HANDSHAKE, hsMsg(HS_CLIENT_KEY_EXCHANGE, vec8([...noise.bytes(32)]))));
}

/**
 * A TLS 1.2 AES-GCM protected record: 8-byte explicit nonce (a counter, plaintext by design), ciphertext, 16-byte
 * tag. `plain` replaces the ciphertext (the adversarial bodies); the nonce and tag stay.
 */
export function gcmRecord12(
  noise: Noise,
  type: number,
  seq: number,
  len: number,
  plain?: Uint8Array,
  version = 0x0303,
): Uint8Array {
  const nonce = new Uint8Array(8);
  new DataView(nonce.buffer).setUint32(4, seq);
  const inner = plain ?? noise.bytes(len);
  return tlsRec(type, concat(nonce, inner, noise.bytes(16)), version);
}

/** A TLS 1.3 protected record (opaque type application_data, legacy version 0x0303). */
export function record13(noise: Noise, len: number, plain?: Uint8Array): Uint8Array {
  return tlsRec(CT_APP, plain ?? noise.bytes(len));
}

/** The TLS 1.3 server's protected flight: EncryptedExtensions, Certificate, CertificateVerify, Finished records. */
export function serverProtected13(noise: Noise): Uint8Array {
  return concat(record13(noise, 40), record13(noise, 820), record13(noise, 281), record13(noise, 69));
}

// --- ONC-RPC -----------------------------------------------------------------------------------------------------

export const AUTH_SYS = authSys('client.example.test', 1000, 1000);

/** A record-marked NFSv4.0 COMPOUND call (PUTFH, WRITE of `n` zero bytes of file data), AUTH_SYS. */
export function nfs4WriteCall(xid: number, n = 512, cred: Auth = AUTH_SYS): Uint8Array {
  return record(callMsg(xid, NFS_PROG, 4, 1, cred, compound(0, [op.putfh(), op.write(n)])));
}

/** A record-marked NFSv4.0 COMPOUND call (PUTROOTFH, LOOKUP name, GETFH, GETATTR). */
export function nfs4LookupCall(xid: number, name: string, cred: Auth = AUTH_SYS): Uint8Array {
  return record(
    callMsg(xid, NFS_PROG, 4, 1, cred, compound(0, [op.putrootfh(), op.lookup(name), op.getfh(), op.getattr()])),
  );
}

/** A reply to a COMPOUND: accepted, NFS4_OK, no results decoded (status, tag, zero results). */
export function nfs4Reply(xid: number): Uint8Array {
  return record(concat(replyMsg(xid), new Xdr().u32(0).str('').u32(0).bytes()));
}

/** A bare NFSv3 WRITE call body (RFC 1813): file handle, offset, count, stable, data. */
export function nfs3WriteArgs(data: Uint8Array): Uint8Array {
  return new Xdr().opaque(new Array<number>(32).fill(0x11)).hyper(0, 0).u32(data.length).u32(2).opaque(data).bytes();
}

/** RFC 9289: the AUTH_TLS probe, a NULL call with credential flavor AUTH_TLS and an empty body. */
export function authTlsProbe(xid: number): Uint8Array {
  return record(callMsg(xid, NFS_PROG, 4, 0, { flavor: AUTH_TLS }));
}

/** RFC 9289: the reply to the probe, accepted, verifier AUTH_NONE whose body is the 8 bytes "STARTTLS". */
export function startTlsReply(xid: number): Uint8Array {
  return record(replyMsg(xid, Buffer.from('STARTTLS', 'latin1')));
}

/**
 * An RPCSEC_GSS DATA call with privacy (service 3) of `prog`/`vers`/`proc`, whose body is an rpc_gss_priv_data
 * around `token` (an RFC 4121 Wrap token); verifier flavor RPCSEC_GSS with a MIC-sized checksum.
 */
export function gssPrivCall(xid: number, prog: number, vers: number, proc: number, seq: number, token: Uint8Array) {
  const verf = { flavor: 6, body: new Uint8Array(28).fill(0x5a) };
  return record(callMsg(xid, prog, vers, proc, gssCred(3, 0, seq), privBody(token), verf));
}

/** A reply whose body is a privacy token (the results of a krb5p call). */
export function gssPrivReply(xid: number, token: Uint8Array): Uint8Array {
  const head = new Xdr().u32(xid).u32(1).u32(0).u32(6).opaque(new Array<number>(28).fill(0x5a)).u32(0).bytes();
  return record(concat(head, privBody(token)));
}

// --- DTLS 1.2 ----------------------------------------------------------------------------------------------------

const DTLS12 = 0xfefd;

/** DTLS 1.2 ClientHello at epoch 0. */
export function dtlsClientHello(seq: number): Uint8Array {
  const body = clientHelloBody({ version: DTLS12, dtls: true, suites: [0xc02b, 0xc02f], cookie: [] });
  return u8(dtlsRecord(CT_HANDSHAKE, dtlsHs(HS_CLIENT_HELLO, 0, body), DTLS12, 0, seq));
}

/** DTLS 1.2 ServerHello + ServerHelloDone at epoch 0. */
export function dtlsServerHello(seq: number): Uint8Array {
  const sh = dtlsHs(HS_SERVER_HELLO, 0, serverHelloBody({ version: DTLS12, suite: 0xc02b }));
  const done = dtlsHs(HS_SERVER_HELLO_DONE, 1, []);
  return u8([...dtlsRecord(CT_HANDSHAKE, sh, DTLS12, 0, seq), ...dtlsRecord(CT_HANDSHAKE, done, DTLS12, 0, seq + 1)]);
}

/** DTLS 1.2 ChangeCipherSpec at epoch 0, then the protected Finished at epoch 1 (one datagram). */
export function dtlsCcsFinished(noise: Noise, seq: number): Uint8Array {
  return u8([
    ...dtlsRecord(CT_CCS, [1], DTLS12, 0, seq),
    ...dtlsRecord(CT_HANDSHAKE, [...noise.bytes(8 + 12 + 12 + 16)], DTLS12, 1, 0),
  ]);
}

/** DTLS 1.2 ClientKeyExchange at epoch 0. */
export function dtlsClientKeyExchange(noise: Noise, seq: number): Uint8Array {
  return u8(dtlsRecord(CT_HANDSHAKE, dtlsHs(HS_CLIENT_KEY_EXCHANGE, 1, vec8([...noise.bytes(32)])), DTLS12, 0, seq));
}

/** A DTLS 1.2 application-data record: explicit nonce + ciphertext + tag, or `plain` as the body. */
export function dtlsApp(noise: Noise, epoch: number, seq: number, len: number, plain?: Uint8Array): Uint8Array {
  const body = plain ?? concat(u8([0, epoch, 0, 0, 0, 0, 0, seq & 0xff]), noise.bytes(len), noise.bytes(16));
  return u8(dtlsRecord(CT_APP, [...body], DTLS12, epoch, seq));
}
