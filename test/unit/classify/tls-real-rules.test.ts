/**
 * TLS rules learnt from real captures (issue 10), on crafted bytes: integrity-only and NULL suites, TLS 1.3 drafts
 * and experiment versions, compatibility-mode session ids, HelloRetryRequest, renegotiation under encryption, bytes
 * after FIN. Each adversarial case stands beside its legitimate twin and asserts verdict, anomaly codes, finding
 * codes and exit code.
 */
import { describe, expect, it } from 'vitest';
import { FlowClassifier } from '../../../src/classify/flow-classifier.js';
import { AUTH_NONE_CRED, callMsg, record as rpcRecord } from '../../adversarial/builders/rpc.js';
import { bytes, clientHelloBody, hsMsg, record, serverHelloBody } from '../../adversarial/builders/tls.js';
import { type Judged, judgeCrafted, keystream } from '../../helpers/judge-crafted.js';

/** One step of a connection: bytes from the client (0) or the server (1), a FIN, or a gap. */
type Step = [0 | 1, number[]] | [0 | 1, 'fin'];

type Outcome = Judged;

function run(steps: Step[], minGrade: 'strong' | 'weak' = 'strong'): Outcome {
  const c = new FlowClassifier('tcp', true);
  let frame = 1;
  for (const [dir, what] of steps) {
    if (what === 'fin') c.tcpFin(dir, frame++);
    else {
      const b = bytes(what);
      c.tcpData(dir, b, 0, b.length, frame++);
    }
  }
  const j = judgeCrafted(c, { minGrade });
  return { ...j, anomalies: [...j.anomalies].sort() };
}

/** The verdict-bearing fields only. */
function brief(o: Outcome) {
  return { verdict: o.verdict, anomalies: o.anomalies, findings: o.findings, exit: o.exit };
}

const SID = new Array(32).fill(0x3c);
const CCS = record(20, [1]);
const ENC = (seed: number, n = 300) => record(23, keystream(n, seed));
const RPC = [...rpcRecord(callMsg(7, 100003, 3, 1, AUTH_NONE_CRED))];

/** A TLS 1.3 session (compatibility mode: session id echoed, CCS each way) with `suite`. */
function tls13(suite: number, opts: { version?: number; recVersion?: number; sid?: number[] } = {}): Step[] {
  const v = opts.version ?? 0x0304;
  const rv = opts.recVersion ?? 0x0303;
  const sid = opts.sid ?? SID;
  const ch = record(22, hsMsg(1, clientHelloBody({ versions: [v, 0x0303], sessionId: sid })), 0x0301);
  const sh = record(22, hsMsg(2, serverHelloBody({ selected: v, suite, sessionId: sid })), rv);
  const enc = (seed: number) => record(23, keystream(200, seed), rv);
  return [
    [0, ch],
    [1, [...sh, ...CCS, ...enc(1)]],
    [0, [...CCS, ...enc(2)]],
    [0, enc(3)],
    [1, enc(4)],
  ];
}

/** A full TLS 1.2 session with `suite`. */
function tls12(suite: number): Step[] {
  const ch = record(22, hsMsg(1, clientHelloBody({ suites: [suite] })), 0x0301);
  const sh = record(22, hsMsg(2, serverHelloBody({ suite })));
  return [
    [0, ch],
    [1, sh],
    [0, [...CCS, ...record(22, keystream(40, 5))]],
    [1, [...CCS, ...record(22, keystream(40, 6))]],
    [0, ENC(7)],
    [1, ENC(8)],
  ];
}

const VERIFIED = { verdict: 'encrypted', anomalies: [], findings: [], exit: 0 };

describe('NULL and integrity-only suites are cleartext', () => {
  it('twin: TLS 1.3 TLS_AES_128_GCM_SHA256 is encrypted (exit 0)', () => {
    expect(brief(run(tls13(0x1301)))).toEqual(VERIFIED);
  });
  for (const [id, name] of [
    [0xc0b4, 'TLS_SHA256_SHA256'],
    [0xc0b5, 'TLS_SHA384_SHA384'],
  ] as const) {
    it(`RFC 9150 ${name} under TLS 1.3 is a suite 1.3 allows, but cleartext: NULL-CIPHER (exit 1)`, () => {
      const o = run(tls13(id));
      expect(brief(o)).toEqual({
        verdict: 'cleartext',
        anomalies: ['NULL-CIPHER'],
        findings: ['NULL-CIPHER'],
        exit: 1,
      });
      expect([o.tls?.cipherSuite, o.tls?.grade]).toEqual([name, 'insecure']);
    });
  }
  it('TLS 1.2 TLS_RSA_WITH_NULL_SHA256 is cleartext: NULL-CIPHER (exit 1)', () => {
    expect(brief(run(tls12(0x003b)))).toEqual({
      verdict: 'cleartext',
      anomalies: ['NULL-CIPHER'],
      findings: ['NULL-CIPHER'],
      exit: 1,
    });
  });
  it('a NULL suite stays cleartext when its record stream later breaks (globus-url-copy.pcap)', () => {
    const o = run([...tls12(0x0002), [1, new Array(17).fill(0x41)]]);
    expect(o.verdict).toBe('cleartext');
    expect(o.findings).toEqual(['NULL-CIPHER']);
    expect(o.exit).toBe(1);
  });
  it('twin: TLS 1.2 ECDHE-RSA-AES256-GCM is encrypted (exit 0)', () => {
    expect(brief(run(tls12(0xc030)))).toEqual(VERIFIED);
  });
});

describe('TLS 1.3 drafts and experiment versions are TLS 1.3 variants', () => {
  it('draft 28 (0x7f1c) with 0x0303 records: TLS 1.3 (draft 28), weak as pre-standard (WEAK-CIPHER, exit 1)', () => {
    const o = run(tls13(0x1302, { version: 0x7f1c }));
    expect(brief(o)).toEqual({ verdict: 'encrypted-weak', anomalies: [], findings: ['WEAK-CIPHER'], exit: 1 });
    expect([o.tls?.version, o.tls?.handshake]).toEqual(['TLS 1.3 (draft 28)', 'full']);
  });
  it('draft 28 accepted with --min-grade weak (exit 0)', () => {
    expect(run(tls13(0x1302, { version: 0x7f1c }), 'weak').exit).toBe(0);
  });
  it('experiment 2 (0x7e02): TLS 1.3 (experiment 2), read as TLS 1.3', () => {
    const o = run(tls13(0x1301, { version: 0x7e02 }), 'weak');
    expect(brief(o)).toEqual({ verdict: 'encrypted-weak', anomalies: [], findings: [], exit: 0 });
    expect(o.tls?.version).toBe('TLS 1.3 (experiment 2)');
    expect(o.tls?.gradeReasons).toEqual(['TLS 1.3 (experiment 2) is a pre-standard version']);
  });
  it('draft 16 (0x7f10) keeps 0x0301 on every record, as its ServerHello record does (tls13draft16-ff52.a01.pcap)', () => {
    const ch = record(22, hsMsg(1, clientHelloBody({ versions: [0x7f10] })), 0x0301);
    const sh = record(22, hsMsg(2, [0x7f, 0x10, ...new Array(32).fill(4), 0x13, 0x03, 0, 0]), 0x0301);
    const enc = (seed: number, v = 0x0301) => record(23, keystream(100, seed), v);
    const steps: Step[] = [
      [0, ch],
      [1, [...sh, ...enc(1)]],
      [0, enc(2)],
      [1, enc(3)],
    ];
    const o = run(steps, 'weak');
    expect(brief(o)).toEqual({ verdict: 'encrypted-weak', anomalies: [], findings: [], exit: 0 });
    expect(o.tls?.version).toBe('TLS 1.3 (draft 16)');
    // Adversarial twin: a record that changes the session's record version is a violation.
    const bad = run([...steps, [0, enc(4, 0x0303)]], 'weak');
    expect(brief(bad)).toEqual({
      verdict: 'unknown',
      anomalies: ['TLS-RECORD-VIOLATION'],
      findings: ['TLS-RECORD-VIOLATION'],
      exit: 1,
    });
  });
});

describe('TLS 1.3 compatibility-mode session ids are not resumption', () => {
  it('TLS 1.3 ServerHello echoing the 32-byte legacy session id: handshake full', () => {
    const o = run(tls13(0x1302));
    expect([o.tls?.handshake, o.verdict]).toEqual(['full', 'encrypted']);
  });
  it('twin: TLS 1.2 ServerHello echoing the session id is a resumption', () => {
    const ch = record(22, hsMsg(1, clientHelloBody({ sessionId: SID })), 0x0301);
    const sh = record(22, hsMsg(2, serverHelloBody({ suite: 0xc030, sessionId: SID })));
    const o = run([
      [0, ch],
      [1, [...sh, ...CCS, ...record(22, keystream(40, 1))]],
      [0, [...CCS, ...record(22, keystream(40, 2)), ...ENC(3)]],
      [1, ENC(4)],
    ]);
    expect([o.tls?.handshake, o.verdict, o.exit]).toEqual(['resumed', 'encrypted', 0]);
  });
});

describe('HelloRetryRequest', () => {
  const ch1 = record(22, hsMsg(1, clientHelloBody({ versions: [0x0304], sessionId: SID })), 0x0301);
  const hrr = record(22, hsMsg(2, serverHelloBody({ hrr: true, selected: 0x0304, suite: 0x1302, sessionId: SID })));
  const ch2 = record(22, hsMsg(1, clientHelloBody({ versions: [0x0304], sessionId: SID, keyShare: [29] })));
  const sh = record(22, hsMsg(2, serverHelloBody({ selected: 0x0304, suite: 0x1302, sessionId: SID })));

  it('twin: HRR, compatibility CCS, second ClientHello, ServerHello: encrypted (hrr.pcap, exit 0)', () => {
    const o = run([
      [0, ch1],
      [1, [...hrr, ...CCS]],
      [0, [...CCS, ...ch2]],
      [1, [...sh, ...ENC(1)]],
      [0, ENC(2)],
      [1, ENC(3)],
    ]);
    expect(brief(o)).toEqual(VERIFIED);
    expect(o.tls?.helloRetryRequest).toBe(true);
  });
  it('HRR with no second ServerHello: never encrypted; nothing exposed (TLS-HANDSHAKE-FAILED info, exit 4)', () => {
    const o = run([
      [0, ch1],
      [1, [...hrr, ...CCS]],
      [0, [...CCS, ...ch2]],
    ]);
    expect(brief(o)).toEqual({
      verdict: 'unknown',
      anomalies: ['TLS-HANDSHAKE-FAILED'],
      findings: ['TLS-HANDSHAKE-FAILED'],
      exit: 4,
    });
  });
  it('HRR with no second ServerHello but records both ways: TLS-HANDSHAKE-FAILED medium (exit 1)', () => {
    const o = run([
      [0, ch1],
      [1, [...hrr, ...CCS]],
      [0, [...CCS, ...ch2, ...ENC(2)]],
      [1, ENC(3)],
    ]);
    expect(brief(o)).toEqual({
      verdict: 'unknown',
      anomalies: ['TLS-HANDSHAKE-FAILED'],
      findings: ['TLS-HANDSHAKE-FAILED'],
      exit: 1,
    });
  });
  it("a TLS 1.3 server's encrypted flight alone is not application data flowing (fatal alert from the client)", () => {
    const ch = record(22, hsMsg(1, clientHelloBody({ versions: [0x0304] })), 0x0301);
    const o = run([
      [0, ch],
      [1, [...record(22, hsMsg(2, serverHelloBody({ selected: 0x0304, suite: 0x1301 }))), ...ENC(1)]],
      [0, record(21, [2, 48])],
    ]);
    expect([o.verdict, o.findings, o.exit]).toEqual(['unknown', ['TLS-HANDSHAKE-FAILED'], 4]);
  });
});

describe('renegotiation under encryption', () => {
  it('twin: encrypted handshake records, CCS and Finished again after the session started: encrypted (exit 0)', () => {
    const reneg: Step[] = [
      [0, record(22, keystream(120, 11))],
      [1, record(22, keystream(90, 12))],
      [0, [...CCS, ...record(22, keystream(40, 13))]],
      [1, [...CCS, ...record(22, keystream(40, 14))]],
      [0, ENC(15)],
      [1, ENC(16)],
    ];
    expect(brief(run([...tls12(0xc030), ...reneg]))).toEqual(VERIFIED);
  });
  it('a renegotiation ClientHello in plaintext after ChangeCipherSpec: TLS-RECORD-VIOLATION (exit 1)', () => {
    const plainCh = record(22, hsMsg(1, clientHelloBody({ suites: [0xc030] })));
    const o = run([...tls12(0xc030), [0, plainCh], [0, ENC(15)]]);
    expect(brief(o)).toEqual({
      verdict: 'unknown',
      anomalies: ['TLS-RECORD-VIOLATION'],
      findings: ['TLS-RECORD-VIOLATION'],
      exit: 1,
    });
  });
});

describe('bytes after FIN', () => {
  it('twin: half-close, the server keeps sending records after the client FIN: encrypted (exit 0)', () => {
    expect(brief(run([...tls12(0xc030), [0, 'fin'], [1, ENC(20)], [1, 'fin']]))).toEqual(VERIFIED);
  });
  it('application data after both FINs: TLS-RECORD-VIOLATION, never encrypted (exit 1)', () => {
    const o = run([...tls12(0xc030), [0, 'fin'], [1, 'fin'], [0, ENC(21)]]);
    expect(brief(o)).toEqual({
      verdict: 'unknown',
      anomalies: ['TLS-RECORD-VIOLATION'],
      findings: ['TLS-RECORD-VIOLATION'],
      exit: 1,
    });
  });
  it('ONC-RPC after both FINs: cleartext, TLS-PLAINTEXT-AFTER-HANDSHAKE (exit 1)', () => {
    const o = run([...tls12(0xc030), [0, 'fin'], [1, 'fin'], [0, RPC]]);
    expect(o.verdict).toBe('cleartext');
    expect(o.findings).toContain('TLS-PLAINTEXT-AFTER-HANDSHAKE');
    expect(o.exit).toBe(1);
  });
});

/** An SSLv2-format CLIENT-HELLO: version, cipher specs (24-bit each), 16-byte challenge. */
function sslv2Hello(version: number, specs: number[]): number[] {
  const body = [
    1,
    version >> 8,
    version & 0xff,
    0,
    specs.length * 3,
    0,
    0,
    0,
    16,
    ...specs.flatMap((s) => [(s >> 16) & 0xff, (s >> 8) & 0xff, s & 0xff]),
    ...new Array(16).fill(0x5a),
  ];
  return [0x80 | (body.length >> 8), body.length & 0xff, ...body];
}

describe('SSLv2-format ClientHellos', () => {
  it('a pure SSL 2.0 hello answered by an SSL 2.0 SERVER-HELLO: SSLV2-HELLO (high, exit 1), never encrypted', () => {
    const serverHello = [0x80, 0x30, 4, 0, 1, 0, 2, ...keystream(46, 3)];
    const o = run([
      [0, sslv2Hello(0x0002, [0x010080, 0x0700c0])],
      [1, serverHello],
      [0, keystream(60, 4)],
    ]);
    expect(o.verdict).toBe('unknown');
    expect(o.anomalies).toContain('SSLV2-HELLO');
    expect(o.findings).toContain('SSLV2-HELLO');
    expect(o.exit).toBe(1);
  });
  it('an SSLv2-compatible hello asking for TLS 1.2, answered in TLS: at best encrypted-weak, SSLV2-HELLO (exit 1)', () => {
    const steps = tls12(0xc030);
    steps[0] = [0, sslv2Hello(0x0303, [0x00c030, 0x0000ff])];
    const o = run(steps);
    expect(brief(o)).toEqual({
      verdict: 'encrypted-weak',
      anomalies: ['SSLV2-HELLO'],
      findings: ['SSLV2-HELLO'],
      exit: 1,
    });
    expect(o.tls?.cipherSuite).toBe('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
  });
  it('twin: the same session opened by a TLS ClientHello is encrypted (exit 0)', () => {
    expect(brief(run(tls12(0xc030)))).toEqual(VERIFIED);
  });
  it('twin: an ONC-RPC record mark (high bit set too) is not taken for an SSLv2 hello', () => {
    const o = run([
      [0, RPC],
      [1, RPC],
    ]);
    expect(o.anomalies).not.toContain('SSLV2-HELLO');
    expect(o.verdict).toBe('cleartext');
  });
});
