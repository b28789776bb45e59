/**
 * Kerberos rules (issue 11, tested on real bytes in issue 12's lab): what is exposed without RPCSEC_GSS privacy.
 * Crafted messages: privacy bodies as RFC 4121 / RFC 1964 wrap tokens, integrity bodies as rpc_gss_integ_data.
 */

import { describe, expect, it } from 'vitest';
import { type Dir, EvidenceLog } from '../../../src/classify/analyzer.js';
import { RpcAnalyzer } from '../../../src/classify/rpc-analyzer.js';
import { judgeWrapToken } from '../../../src/protocol/gss.js';
import { evidenceText } from '../../../src/report/evidence-text.js';
import { op } from '../../adversarial/builders/nfs4.js';
import {
  authSys,
  callMsg,
  compound,
  concat,
  gssCred,
  privBody,
  record,
  replyMsg,
  wrapToken,
  wrapToken1964,
  Xdr,
} from '../../adversarial/builders/rpc.js';

const NFS = 100003;
const NFS_ACL = 100227;
const NFS_CB = 0x40000000;
const PRIV = 3;
const INTEG = 2;

function make(): { a: RpcAnalyzer; ev: EvidenceLog } {
  const ev = new EvidenceLog(64);
  return { a: new RpcAnalyzer('tcp', ev), ev };
}

function feed(a: RpcAnalyzer, dir: Dir, bytes: Uint8Array, sizes: number[] = []): void {
  let at = 0;
  for (const size of [...sizes, bytes.length]) {
    const n = Math.min(size, bytes.length - at);
    if (n <= 0) break;
    a.onData(dir, bytes, at, n, 1);
    at += n;
  }
}

/** rpc_gss_integ_data around COMPOUND args: opaque(seq + args), opaque(checksum). */
function integ(args: Uint8Array): Uint8Array {
  return concat(
    new Xdr()
      .u32(args.length + 4)
      .u32(9)
      .bytes(),
    args,
    new Xdr().opaque([1, 2, 3, 4]).bytes(),
  );
}

/** An RPC reply with RPCSEC_GSS-like verifier and results `body`. */
function reply(xid: number, body: Uint8Array): Uint8Array {
  return concat(replyMsg(xid, [9, 9, 9, 9]), body);
}

/** The krb5p flow of the lab in miniature: lease calls with integrity, file operations sealed. */
function krb5pFlow(a: RpcAnalyzer): void {
  feed(a, 0, record(callMsg(1, NFS, 4, 0, gssCred(PRIV, 1), new Xdr().opaque([0x60, 1, 2, 3]).bytes())));
  feed(a, 0, record(callMsg(2, NFS, 4, 1, gssCred(INTEG), integ(compound(0, [op.setclientid()])))));
  feed(a, 0, record(callMsg(3, NFS, 4, 1, gssCred(PRIV), privBody())));
  feed(a, 1, record(reply(3, privBody(wrapToken(96, 0x03)))));
  feed(a, 0, record(callMsg(4, NFS, 4, 1, gssCred(PRIV), privBody(wrapToken(3100)))), [30, 7, 1000]);
  feed(
    a,
    0,
    record(callMsg(5, NFS, 4, 1, gssCred(INTEG), integ(compound(0, [new Xdr().u32(30).u32(0).u32(7).bytes()])))),
  );
  feed(a, 0, record(callMsg(6, NFS, 4, 0, gssCred(PRIV, 3))));
}

describe('RPCSEC_GSS exposure rules', () => {
  it('krb5p file operations with krb5i lease calls: privacy holds, the lease calls are counted as info', () => {
    const { a } = make();
    krb5pFlow(a);
    expect(a.gssPrivacy).toBe(true);
    const s = a.summary();
    expect([s.gssLeaseCalls, s.gssExposedCalls, s.gssUnsealed, s.malformed]).toEqual([2, undefined, undefined, 0]);
    expect(s.operations).toEqual({ RENEW: 1, SETCLIENTID: 1 });
  });

  it('adversarial: an AUTH_SYS NFS_ACL call on the krb5p connection exposes it', () => {
    const { a } = make();
    krb5pFlow(a);
    feed(a, 0, record(callMsg(7, NFS_ACL, 3, 1, authSys('h'), new Xdr().opaque(new Array(32).fill(1)).u32(7).bytes())));
    expect(a.gssPrivacy).toBe(false);
    expect(a.summary().gssExposed).toEqual(['nfs_acl/3 proc 1']);
    expect(a.summary().gssExposedCalls).toBe(1);
  });

  it('adversarial: an AUTH_SYS READ COMPOUND on the krb5p connection exposes it, named by operation', () => {
    const { a } = make();
    krb5pFlow(a);
    feed(a, 0, record(callMsg(7, NFS, 4, 1, authSys('h'), compound(0, [op.putrootfh(), op.lookup('f')]))));
    expect(a.gssPrivacy).toBe(false);
    expect(a.summary().gssExposed).toEqual(['nfs/4 PUTROOTFH', 'nfs/4 LOOKUP']);
  });

  it('adversarial: a non-DATA GSS procedure (INIT) on the COMPOUND procedure has a readable body', () => {
    const { a, ev } = make();
    krb5pFlow(a);
    feed(a, 0, record(callMsg(8, NFS, 4, 1, gssCred(PRIV, 1), compound(0, [op.putrootfh(), op.write(100)]))));
    expect(a.gssPrivacy).toBe(false);
    expect(a.summary().gssExposed).toEqual(['nfs/4 INIT on proc 1']);
    expect(ev.items.map((e) => evidenceText(e.fact))).toContain('RPCSEC_GSS INIT on nfs/4 proc 1: body readable');
  });

  it('legitimate twin: INIT, CONTINUE_INIT and DESTROY on the NULL procedure carry no NFS body', () => {
    const { a } = make();
    krb5pFlow(a);
    feed(a, 0, record(callMsg(9, NFS, 4, 0, gssCred(PRIV, 2), new Xdr().opaque([1, 2, 3]).bytes())));
    expect(a.gssPrivacy).toBe(true);
  });

  it('adversarial: a privacy body whose RFC 4121 Wrap token has the Sealed flag clear is readable', () => {
    const { a, ev } = make();
    krb5pFlow(a);
    feed(a, 0, record(callMsg(10, NFS, 4, 1, gssCred(PRIV), privBody(wrapToken(80, 0x00)))));
    expect(a.gssPrivacy).toBe(false);
    expect(a.summary().gssUnsealed).toBe(1);
    expect(ev.items.map((e) => evidenceText(e.fact))).toContain(
      'RPCSEC_GSS privacy body is a wrap token without confidentiality: readable',
    );
  });

  it('adversarial: RFC 1964 with SEAL_ALG 0xffff is readable; its twin with DES sealing is not', () => {
    const bad = make().a;
    krb5pFlow(bad);
    feed(bad, 0, record(callMsg(10, NFS, 4, 1, gssCred(PRIV), privBody(wrapToken1964(0xffff)))));
    expect(bad.summary().gssUnsealed).toBe(1);
    const good = make().a;
    krb5pFlow(good);
    feed(good, 0, record(callMsg(10, NFS, 4, 1, gssCred(PRIV), privBody(wrapToken1964(0x0000)))));
    expect(good.gssPrivacy).toBe(true);
  });

  it('adversarial: a privacy body that is plain XDR, or has bytes after the token, is readable', () => {
    const plain = make().a;
    krb5pFlow(plain);
    feed(plain, 0, record(callMsg(11, NFS, 4, 1, gssCred(PRIV), compound(0, [op.putrootfh(), op.getfh()]))));
    expect(plain.summary().gssUnsealed).toBe(1);
    const trail = make().a;
    krb5pFlow(trail);
    const body = concat(privBody(), compound(0, [op.putrootfh()]));
    feed(trail, 0, record(callMsg(12, NFS, 4, 1, gssCred(PRIV), body)), [60, 30]);
    expect(trail.summary().gssUnsealed).toBe(1);
    expect(trail.gssPrivacy).toBe(false);
  });

  it('adversarial: a readable reply to a privacy call is exposure; a sealed one is not', () => {
    const { a } = make();
    krb5pFlow(a);
    feed(a, 0, record(callMsg(13, NFS, 4, 1, gssCred(PRIV), privBody())));
    feed(a, 1, record(reply(13, new Xdr().u32(0).opaque([]).u32(1).u32(25).u32(0).u32(1).opaque([7, 7]).bytes())));
    expect(a.summary().gssUnsealed).toBe(1);
    expect(a.gssPrivacy).toBe(false);
  });

  it('krb5i file operations are exposure, named by operation; lease ops are not named', () => {
    const { a } = make();
    feed(a, 0, record(callMsg(2, NFS, 4, 1, gssCred(INTEG), integ(compound(0, [op.setclientid()])))));
    feed(a, 0, record(callMsg(3, NFS, 4, 1, gssCred(INTEG), integ(compound(0, [op.putfh(), op.write(300)])))));
    const s = a.summary();
    expect(a.gssPrivacy).toBe(false);
    expect([s.gssExposedCalls, s.gssExposed, s.gssLeaseCalls]).toEqual([1, ['nfs/4 PUTFH', 'nfs/4 WRITE'], 1]);
  });

  it('NFSv4.1: SEQUENCE-only and EXCHANGE_ID/CREATE_SESSION with integrity are lease calls', () => {
    const { a } = make();
    feed(a, 0, record(callMsg(1, NFS, 4, 1, gssCred(INTEG), integ(compound(1, [op.exchangeId()])))));
    feed(a, 0, record(callMsg(2, NFS, 4, 1, gssCred(INTEG), integ(compound(1, [op.createSession()])))));
    feed(a, 0, record(callMsg(3, NFS, 4, 1, gssCred(INTEG), integ(compound(1, [op.sequence()])))));
    feed(a, 0, record(callMsg(4, NFS, 4, 1, gssCred(PRIV), privBody())));
    expect(a.gssPrivacy).toBe(true);
    expect(a.summary().gssLeaseCalls).toBe(3);
  });

  it('a backchannel callback (CB_COMPOUND from the server) is allowed and counted as lease traffic', () => {
    const { a } = make();
    feed(a, 0, record(callMsg(4, NFS, 4, 1, gssCred(PRIV), privBody())));
    const cb = concat(new Xdr().opaque([]).u32(1).u32(0).u32(1).bytes(), new Xdr().u32(3).bytes());
    feed(a, 1, record(callMsg(50, NFS_CB, 1, 1, gssCred(INTEG), integ(cb))));
    expect(a.gssPrivacy).toBe(true);
    expect(a.summary().gssLeaseCalls).toBe(1);
  });
});

describe('judgeWrapToken', () => {
  it('RFC 4121 Wrap: Sealed flag decides; other TOK_IDs are not wrap tokens', () => {
    const t = wrapToken(40);
    expect(judgeWrapToken(t, 0, t.length, t.length)).toBe('sealed');
    const u = wrapToken(40, 0x01);
    expect(judgeWrapToken(u, 0, u.length, u.length)).toBe('not-sealed');
    const mic = Uint8Array.from([0x04, 0x04, 0x02, 0xff, ...new Array<number>(28).fill(0)]);
    expect(judgeWrapToken(mic, 0, mic.length, mic.length)).toBe('not-a-wrap-token');
  });

  it('needs the first 24 bytes (or the whole token when shorter) and rejects tokens below 16 bytes', () => {
    const t = wrapToken(40);
    expect(judgeWrapToken(t, 0, 10, 40)).toBeNull();
    expect(judgeWrapToken(t, 0, 12, 12)).toBe('not-a-wrap-token');
    expect(judgeWrapToken(wrapToken1964(0x1000), 0, 24, 64)).toBe('sealed');
    expect(judgeWrapToken(wrapToken1964(0xffff), 0, 24, 64)).toBe('not-sealed');
  });
});
