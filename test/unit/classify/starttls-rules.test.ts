/**
 * RFC 9289 (RPC-with-TLS) rules on crafted bytes, each adversarial case beside its legitimate twin: ONC-RPC other
 * than the AUTH_TLS NULL probe before STARTTLS is exposure (CLEARTEXT-BEFORE-STARTTLS); a side that keeps writing RPC
 * in the clear after the other moved to TLS is exposure (STARTTLS-ONE-SIDED); the upgrade counts only after the
 * STARTTLS reply and a ClientHello from the client. Each asserts class, verdict, anomalies, finding codes and exit.
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FlowClassifier } from '../../../src/classify/flow-classifier.js';
import { flowVerdict } from '../../../src/classify/verdict.js';
import { anomalyResult, anomalyText, reasonText } from '../../../src/report/reason-text.js';
import type { FlowResult } from '../../../src/report/schema.js';
import { judgeRun } from '../../../src/verify/policy.js';
import { authSys, callMsg, compound, replyMsg, record as rpcRecord, Xdr } from '../../adversarial/builders/rpc.js';
import { bytes, clientHelloBody, hsMsg, record, serverHelloBody } from '../../adversarial/builders/tls.js';
import { flow } from '../verify/flows.js';

function keystream(n: number, seed: number): number[] {
  const c = createCipheriv('aes-128-ctr', Buffer.alloc(16, seed & 0xff), Buffer.alloc(16, 0x42));
  return [...c.update(Buffer.alloc(n))];
}

const NFS = 100003;
const AUTH_TLS = { flavor: 7 };
const PROBE = [...rpcRecord(callMsg(0x51, NFS, 4, 0, AUTH_TLS))];
const STARTTLS = [...rpcRecord(replyMsg(0x51, Buffer.from('STARTTLS')))];
const REFUSED = [...rpcRecord(replyMsg(0x51))];
const CH = record(22, hsMsg(1, clientHelloBody({ versions: [0x0304], keyShare: [29] })), 0x0301);
const SH = record(22, hsMsg(2, serverHelloBody({ selected: 0x0304, suite: 0x1302, keyShare: 29 })));
const CCS = record(20, [1]);
/** TLS 1.3 protected records (encrypted handshake, then data): opaque type 23 with ciphertext bodies. */
const ENC = (seed: number, n = 300) => record(23, keystream(n, seed));
/** NFSv3 WRITE (AUTH_SYS) with 64 bytes of data, and an NFSv4 COMPOUND with no ops, as TCP records. */
const WRITE = [
  ...rpcRecord(
    callMsg(
      0x61,
      NFS,
      3,
      7,
      authSys('client'),
      new Xdr().opaque([1, 2]).hyper(0, 0).u32(64).u32(2).opaque(new Array(64).fill(0x41)).bytes(),
    ),
  ),
];
const COMPOUND4 = [...rpcRecord(callMsg(0x62, NFS, 4, 1, authSys('client'), compound(0, [])))];
const WRITE_REPLY = [...rpcRecord(replyMsg(0x61))];

type Seg = [0 | 1, number[][]];

function run(segs: Seg[]) {
  const c = new FlowClassifier('tcp', true);
  segs.forEach(([dir, parts], i) => {
    const b = bytes(...parts);
    c.tcpData(dir, b, 0, b.length, i + 1);
  });
  const ctx = { loopback: false, tunnelPort: false, onServicePort: true, payloadBytes: 2000 };
  const v = flowVerdict(c, ctx);
  const f: FlowResult = {
    ...flow({ id: 0, client: '10.0.0.1:900', server: '10.0.0.2:2049', cls: v.class }),
    payload: { total: 2000, toServer: 1000, toClient: 1000 },
    verdict: v.verdict,
    verdictReason: reasonText(v.why),
  };
  if (v.tls) f.tls = v.tls;
  if (v.rpc) f.rpc = v.rpc;
  if (v.anomalies) f.anomalies = v.anomalies.map(anomalyResult);
  const j = judgeRun({ captures: [], flows: [f], inputDamaged: false }, { minGrade: 'strong', minTls: '1.2' });
  return {
    class: v.class,
    verdict: v.verdict,
    anomalies: (v.anomalies ?? []).map((a) => [a.code, a.frame, a.dir ?? null]),
    findings: j.findings.map((x) => x.code).sort(),
    exit: j.exitCode,
    reason: reasonText(v.why),
    what: (v.anomalies ?? []).map((a) => anomalyText(a.detail)),
  };
}

/** The RFC 9289 sequence: probe, STARTTLS, ClientHello, ServerHello + encrypted handshake, data both ways. */
const UPGRADE: Seg[] = [
  [0, [PROBE]],
  [1, [STARTTLS]],
  [0, [CH]],
  [1, [SH, CCS, ENC(1)]],
  [0, [CCS, ENC(2, 80)]],
  [0, [ENC(3)]],
  [1, [ENC(4)]],
];

function strip(r: ReturnType<typeof run>) {
  const { reason: _r, what: _w, ...rest } = r;
  return rest;
}

describe('RPC-with-TLS (RFC 9289): cleartext before STARTTLS', () => {
  it('twin: probe, STARTTLS, ClientHello, session: rpc-with-tls encrypted, verified (exit 0)', () => {
    expect(strip(run(UPGRADE))).toEqual({
      class: 'rpc-with-tls',
      verdict: 'encrypted',
      anomalies: [],
      findings: [],
      exit: 0,
    });
  });

  it('twin: two probes before the reply are still only the probe', () => {
    const r = run([[0, [PROBE, PROBE]], ...UPGRADE.slice(1)]);
    expect([r.verdict, r.findings, r.exit]).toEqual(['encrypted', [], 0]);
  });

  it('an NFSv3 WRITE before the probe: cleartext, CLEARTEXT-BEFORE-STARTTLS naming frame and procedure (exit 1)', () => {
    const r = run([[0, [WRITE]], [1, [WRITE_REPLY]], ...UPGRADE]);
    expect(strip(r)).toEqual({
      class: 'rpc-with-tls',
      verdict: 'cleartext',
      anomalies: [['CLEARTEXT-BEFORE-STARTTLS', 1, 'to-server']],
      findings: ['CLEARTEXT-BEFORE-STARTTLS'],
      exit: 1,
    });
    expect(r.what).toEqual(['call nfs/3 WRITE in the clear before STARTTLS, frame 1 (and 1 more message)']);
    expect(r.reason).toBe(r.what[0]);
  });

  it('a COMPOUND between the probe and the STARTTLS reply: CLEARTEXT-BEFORE-STARTTLS (exit 1)', () => {
    const r = run([[0, [PROBE, COMPOUND4]], ...UPGRADE.slice(1)]);
    expect(strip(r)).toMatchObject({
      verdict: 'cleartext',
      anomalies: [['CLEARTEXT-BEFORE-STARTTLS', 1, 'to-server']],
      findings: ['CLEARTEXT-BEFORE-STARTTLS'],
      exit: 1,
    });
    expect(r.what[0]).toContain('call nfs/4 COMPOUND');
  });

  it('a reply whose call was not captured, before the probe: readable RPC, CLEARTEXT-BEFORE-STARTTLS', () => {
    const r = run([[1, [WRITE_REPLY]], ...UPGRADE]);
    expect([r.verdict, r.anomalies, r.exit]).toEqual(['cleartext', [['CLEARTEXT-BEFORE-STARTTLS', 1, 'to-client']], 1]);
    expect(r.what[0]).toContain('an RPC reply (its call not seen)');
  });
});

describe('RPC-with-TLS (RFC 9289): one side never starts TLS', () => {
  it('the server upgrades and the client keeps writing RPC in the clear: STARTTLS-ONE-SIDED (exit 1)', () => {
    const r = run([
      [0, [PROBE]],
      [1, [STARTTLS]],
      [1, [SH, CCS, ENC(1)]],
      [0, [WRITE]],
      [1, [ENC(4)]],
      [0, [WRITE]],
    ]);
    expect(strip(r)).toEqual({
      class: 'rpc-with-tls',
      verdict: 'cleartext',
      anomalies: [['STARTTLS-ONE-SIDED', 4, 'to-server']],
      findings: ['STARTTLS-ONE-SIDED'],
      exit: 1,
    });
    expect(r.what).toEqual([
      'only one side started TLS: call nfs/3 WRITE in the clear at frame 4, after the server moved to TLS at frame 3 (and 1 more message)',
    ]);
  });

  it('the client upgrades and the server keeps replying in the clear: STARTTLS-ONE-SIDED (exit 1)', () => {
    const r = run([
      [0, [PROBE]],
      [1, [STARTTLS]],
      [0, [CH]],
      [1, [WRITE_REPLY]],
    ]);
    expect([r.verdict, r.anomalies, r.findings, r.exit]).toEqual([
      'cleartext',
      [['STARTTLS-ONE-SIDED', 4, 'to-client']],
      ['STARTTLS-ONE-SIDED'],
      1,
    ]);
    expect(r.what[0]).toContain('after the client moved to TLS at frame 3');
  });

  it('twin: the client sent its ClientHello and the server has not answered yet: nothing readable, unproven (exit 4)', () => {
    const r = run([
      [0, [PROBE]],
      [1, [STARTTLS]],
      [0, [CH]],
    ]);
    expect([r.class, r.verdict, r.anomalies, r.exit]).toEqual(['rpc-with-tls', 'unknown', [], 4]);
  });
});

describe('RPC-with-TLS (RFC 9289): what makes the upgrade count', () => {
  it('a reply without the STARTTLS verifier, then TLS anyway: not proven (unknown, exit 4)', () => {
    const r = run([[0, [PROBE]], [1, [REFUSED]], ...UPGRADE.slice(2)]);
    expect([r.class, r.verdict, r.anomalies, r.exit]).toEqual(['rpc-with-tls', 'unknown', [], 4]);
    expect(r.reason).toBe('no STARTTLS reply captured: the RFC 9289 upgrade is not proven');
  });

  it('no ClientHello from the client (its first record is an unreadable handshake record): not proven (exit 4)', () => {
    const r = run([
      [0, [PROBE]],
      [1, [STARTTLS]],
      [0, [record(22, keystream(60, 9))]],
      [1, [SH, CCS, ENC(1)]],
      [0, [CCS, ENC(2, 80)]],
      [0, [ENC(3)]],
      [1, [ENC(4)]],
    ]);
    expect([r.verdict, r.anomalies, r.exit]).toEqual(['unknown', [], 4]);
    expect(r.reason).toBe('no ClientHello from the client: the RFC 9289 upgrade is not proven');
  });

  it('the ClientHello comes from the side that answered STARTTLS: not proven (exit 4)', () => {
    // The "server" sends the probe, the "client" answers STARTTLS and then sends the ClientHello itself.
    const r = run([
      [1, [PROBE]],
      [0, [STARTTLS]],
      [0, [CH]],
      [1, [SH, CCS, ENC(1)]],
      [0, [CCS, ENC(2, 80)]],
      [1, [ENC(4)]],
    ]);
    expect([r.verdict, r.exit]).toEqual(['unknown', 4]);
    expect(r.reason).toBe('no ClientHello from the client: the RFC 9289 upgrade is not proven');
  });
});
