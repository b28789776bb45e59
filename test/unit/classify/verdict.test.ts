/**
 * The verdict rules over real analyzers fed crafted bytes: Kerberos privacy is encrypted, integrity is not;
 * the loopback leg of a tunnel is tunnel-local; NULL-cipher TLS is cleartext; unknown bytes are never encrypted.
 */
import { describe, expect, it } from 'vitest';
import { FlowClassifier } from '../../../src/classify/flow-classifier.js';
import { flowVerdict, tlsVerdict } from '../../../src/classify/verdict.js';
import type { TlsSummary } from '../../../src/report/schema.js';

function u32(...v: number[]): Buffer {
  const b = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) b.writeUInt32BE(v[i]! >>> 0, i * 4);
  return b;
}
function opaque(bytes: Buffer): Buffer {
  const pad = (4 - (bytes.length % 4)) % 4;
  return Buffer.concat([u32(bytes.length), bytes, Buffer.alloc(pad)]);
}
function record(body: Buffer): Buffer {
  return Buffer.concat([u32(0x80000000 | body.length), body]);
}

/** An NFSv4 COMPOUND call with an RPCSEC_GSS credential of the given service (1 none, 2 integrity, 3 privacy). */
function gssCall(xid: number, service: number): Buffer {
  const credBody = Buffer.concat([u32(1, 0, xid, service), opaque(Buffer.from('hand'))]);
  const cred = Buffer.concat([u32(6), opaque(credBody)]);
  const verf = Buffer.concat([u32(6), opaque(Buffer.alloc(8, 7))]);
  const wrap = Buffer.alloc(64, 0x5a);
  wrap.set([0x05, 0x04, 0x02, 0xff]); // RFC 4121 Wrap token, Sealed
  const args = service === 1 ? Buffer.concat([opaque(Buffer.alloc(0)), u32(0, 0)]) : opaque(wrap);
  return record(Buffer.concat([u32(xid, 0, 2, 100003, 4, 1), cred, verf, args]));
}

function authSysCall(xid: number): Buffer {
  const sys = Buffer.concat([u32(0), opaque(Buffer.from('host')), u32(0, 0, 0)]);
  const cred = Buffer.concat([u32(1), opaque(sys)]);
  const verf = u32(0, 0);
  // COMPOUND: tag "", minorversion 0, one op PUTROOTFH (24)
  const args = Buffer.concat([opaque(Buffer.alloc(0)), u32(0, 1, 24)]);
  return record(Buffer.concat([u32(xid, 0, 2, 100003, 4, 1), cred, verf, args]));
}

const ctx = { loopback: false, tunnelPort: false, onServicePort: true, payloadBytes: 100 };

function classify(stream: Buffer, onServicePort = true): FlowClassifier {
  const c = new FlowClassifier('tcp', onServicePort);
  c.tcpData(0, stream, 0, stream.length, 1);
  return c;
}

describe('flow verdicts', () => {
  it('RPCSEC_GSS privacy on every NFS call is encrypted (Kerberos privacy)', () => {
    const v = flowVerdict(classify(Buffer.concat([gssCall(1, 3), gssCall(2, 3)])), ctx);
    expect([v.class, v.verdict]).toEqual(['rpcsec-gss-privacy', 'encrypted']);
    expect(v.rpc?.gssServices).toEqual(['privacy']);
  });
  it('RPCSEC_GSS integrity leaves the payload readable: cleartext', () => {
    const v = flowVerdict(classify(Buffer.concat([gssCall(1, 2)])), ctx);
    expect([v.class, v.verdict]).toEqual(['nfs-cleartext', 'cleartext']);
  });
  it('one privacy call among cleartext calls is not privacy', () => {
    const v = flowVerdict(classify(Buffer.concat([gssCall(1, 3), authSysCall(2)])), ctx);
    expect([v.class, v.verdict]).toEqual(['nfs-cleartext', 'cleartext']);
  });
  it('cleartext NFS between loopback addresses on a tunnel port is tunnel-local', () => {
    const c = classify(authSysCall(1));
    expect(flowVerdict(c, { ...ctx, loopback: true, tunnelPort: true }).class).toBe('tunnel-local');
    expect(flowVerdict(c, { ...ctx, loopback: true, tunnelPort: false }).class).toBe('nfs-cleartext');
    expect(flowVerdict(c, ctx)).toMatchObject({ class: 'nfs-cleartext', verdict: 'cleartext' });
  });
  it('bytes that are neither RPC nor TLS are opaque on an NFS port, none elsewhere; never encrypted', () => {
    const junk = Buffer.alloc(4000, 0xab);
    const on = new FlowClassifier('tcp', true);
    const off = new FlowClassifier('tcp', false);
    for (let i = 0; i < 20; i++) {
      on.tcpData((i % 2) as 0 | 1, junk, 0, 1000, i + 1);
      off.tcpData((i % 2) as 0 | 1, junk, 0, 1000, i + 1);
    }
    expect(flowVerdict(on, ctx)).toMatchObject({ class: 'opaque', verdict: 'unknown' });
    expect(flowVerdict(off, { ...ctx, onServicePort: false })).toMatchObject({ class: 'none', verdict: 'unknown' });
  });
});

describe('TLS verdicts', () => {
  const base: TlsSummary = {
    version: 'TLS 1.2',
    versionId: 0x0303,
    cipherSuiteId: 0xc030,
    cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    grade: 'strong',
    gradeReasons: [],
    handshake: 'full',
    helloRetryRequest: false,
    records: { changeCipherSpec: 2, alert: 0, handshake: 4, applicationData: 10, other: 0 },
    alerts: [],
    validRecordStream: true,
  };
  it('strong is encrypted, weak and insecure are encrypted-weak', () => {
    expect(tlsVerdict(base, 'TLS').verdict).toBe('encrypted');
    expect(tlsVerdict({ ...base, grade: 'weak', gradeReasons: ['CBC'] }, 'TLS').verdict).toBe('encrypted-weak');
    expect(tlsVerdict({ ...base, grade: 'insecure', gradeReasons: ['RC4'] }, 'TLS').verdict).toBe('encrypted-weak');
  });
  it('a NULL cipher does not encrypt', () => {
    const s = { ...base, cipherSuiteId: 0x0002, cipherSuite: 'TLS_RSA_WITH_NULL_SHA', grade: 'insecure' as const };
    expect(tlsVerdict(s, 'TLS').verdict).toBe('cleartext');
  });
  it('no cipher seen or a broken record stream is unknown, never encrypted', () => {
    expect(tlsVerdict({ ...base, cipherSuiteId: null, handshake: 'not-captured' }, 'TLS').verdict).toBe('unknown');
    expect(tlsVerdict({ ...base, cipherSuiteId: null, handshake: 'client-hello-only' }, 'TLS').verdict).toBe('unknown');
    expect(tlsVerdict({ ...base, validRecordStream: false }, 'TLS').verdict).toBe('unknown');
  });
});

describe('verdicts are facts (issue 10: writers alone make display strings)', () => {
  const KEYS = new Set(['class', 'verdict', 'why', 'tls', 'dtls', 'rpc', 'anomalies']);
  it('a flow verdict is plain typed data: no reason text, `why` a typed fact that survives JSON', () => {
    const junk = Buffer.alloc(4000, 0xab);
    const on = new FlowClassifier('tcp', true);
    for (let i = 0; i < 20; i++) on.tcpData((i % 2) as 0 | 1, junk, 0, 1000, i + 1);
    const cases = [
      [flowVerdict(classify(Buffer.concat([gssCall(1, 3), gssCall(2, 3)])), ctx), { kind: 'krb5p', leaseCalls: 0 }],
      [
        flowVerdict(classify(Buffer.concat([gssCall(1, 2)])), ctx),
        {
          kind: 'gss-exposed',
          nfsVersion: 'NFSv4',
          services: ['integrity'],
          exposedCalls: 1,
          exposed: ['nfs/4 COMPOUND (unreadable)'],
          unsealed: 0,
        },
      ],
      [
        flowVerdict(classify(authSysCall(1)), { ...ctx, loopback: true, tunnelPort: true }),
        { kind: 'tunnel-local', nfsVersion: 'NFSv4' },
      ],
      [
        flowVerdict(classify(authSysCall(1)), ctx),
        { kind: 'nfs-cleartext', nfsVersion: 'NFSv4', loopback: false, headersCut: 0 },
      ],
      [flowVerdict(on, ctx), { kind: 'unrecognised', gaveUp: true }],
      [flowVerdict(new FlowClassifier('tcp', true), { ...ctx, payloadBytes: 0 }), { kind: 'no-payload' }],
    ] as const;
    for (const [v, why] of cases) {
      for (const k of Object.keys(v)) expect(KEYS.has(k), k).toBe(true);
      expect(v.why).toEqual(why);
      expect(JSON.parse(JSON.stringify(v.why))).toEqual(v.why);
    }
  });
});
