/**
 * Whole-stream TLS rules (issue 10) on crafted bytes: each adversarial case beside its legitimate twin, asserting
 * verdict, anomaly codes and what the policy makes of them (finding codes, exit code).
 */
import { describe, expect, it } from 'vitest';
import { FlowClassifier } from '../../../src/classify/flow-classifier.js';
import { flowVerdict } from '../../../src/classify/verdict.js';
import { AUTH_NONE_CRED, callMsg, record as rpcRecord } from '../../adversarial/builders/rpc.js';
import { bytes, clientHelloBody, hsMsg, record, serverHelloBody } from '../../adversarial/builders/tls.js';
import { judgeCrafted, keystream } from '../../helpers/judge-crafted.js';

const CH = record(22, hsMsg(1, clientHelloBody({ versions: [0x0303] })), 0x0301);
const SH = record(22, hsMsg(2, serverHelloBody({ selected: 0x0303, suite: 0xc030 })));
const CCS = record(20, [1]);
const FIN = (seed: number) => record(22, [...keystream(40, seed)]);
const APP = (seed: number) => record(23, [...keystream(300, seed)]);
const RPC = [...rpcRecord(callMsg(7, 100003, 3, 1, AUTH_NONE_CRED))];

interface Run {
  up: Parameters<typeof bytes>;
  down: Parameters<typeof bytes>;
  gapUp?: boolean;
  finUp?: boolean;
}

function run(r: Run) {
  const c = new FlowClassifier('tcp', true);
  let frame = 1;
  const down = bytes(...r.down);
  const upHead = r.up.slice(0, 3);
  const upTail = r.up.slice(3);
  const head = bytes(...upHead);
  c.tcpData(0, head, 0, head.length, frame++);
  c.tcpData(1, down, 0, down.length, frame++);
  if (r.gapUp) c.tcpGap(0, 500, frame++);
  if (r.finUp) c.tcpFin(0, frame++);
  for (const t of upTail) {
    const b = bytes(t);
    c.tcpData(0, b, 0, b.length, frame++);
  }
  const { verdict, anomalies, findings, exit } = judgeCrafted(c, r.gapUp ? { gapToServer: 500 } : {});
  return { verdict, anomalies, findings, exit };
}

const session = { up: [CH, CCS, FIN(1), APP(2)], down: [SH, CCS, FIN(3), APP(4)] };

describe('whole-stream TLS: adversarial cases and legitimate twins', () => {
  it('twin: a full TLS 1.2 session is encrypted and verified (exit 0)', () => {
    expect(run(session)).toEqual({ verdict: 'encrypted', anomalies: [], findings: [], exit: 0 });
  });
  it('RPC after the handshake: cleartext, TLS-PLAINTEXT-AFTER-HANDSHAKE (exit 1)', () => {
    const r = run({ ...session, up: [...session.up, RPC] });
    expect(r).toEqual({
      verdict: 'cleartext',
      anomalies: ['TLS-PLAINTEXT-AFTER-HANDSHAKE'],
      findings: ['TLS-PLAINTEXT-AFTER-HANDSHAKE'],
      exit: 1,
    });
  });
  it('twin: more records after the handshake stay encrypted', () => {
    expect(run({ ...session, up: [...session.up, APP(9)] }).verdict).toBe('encrypted');
  });
  it('RPC after a gap: cleartext, CAPTURE-GAP and TLS-PLAINTEXT-AFTER-HANDSHAKE (exit 1)', () => {
    const r = run({ ...session, up: [...session.up, RPC], gapUp: true });
    expect(r.verdict).toBe('cleartext');
    expect(r.findings).toEqual(['CAPTURE-GAP', 'TLS-PLAINTEXT-AFTER-HANDSHAKE']);
    expect(r.exit).toBe(1);
  });
  it('twin: records after a gap resynchronise; the gap keeps the flow unproven (exit 4)', () => {
    const r = run({ ...session, up: [...session.up, APP(9)], gapUp: true });
    expect(r).toEqual({ verdict: 'encrypted', anomalies: ['CAPTURE-GAP'], findings: ['CAPTURE-GAP'], exit: 4 });
  });
  it('RPC after FIN: cleartext, named after FIN', () => {
    const r = run({ ...session, up: [...session.up, RPC], finUp: true });
    expect(r.verdict).toBe('cleartext');
    expect(r.findings).toContain('TLS-PLAINTEXT-AFTER-HANDSHAKE');
  });
  it('fatal alert before establishment: never encrypted; nothing exposed is not a violation (exit 4)', () => {
    const alert = record(21, [2, 40]);
    const r = run({ up: [CH], down: [SH, alert] });
    expect(r).toEqual({
      verdict: 'unknown',
      anomalies: ['TLS-HANDSHAKE-FAILED'],
      findings: ['TLS-HANDSHAKE-FAILED'],
      exit: 4,
    });
  });
  it('a TLS 1.3 suite under TLS 1.2 fails the handshake', () => {
    const bad = record(22, hsMsg(2, serverHelloBody({ selected: 0x0303, suite: 0x1301 })));
    const r = run({ up: session.up, down: [bad, CCS, FIN(3), APP(4)] });
    expect(r.verdict).toBe('unknown');
    expect(r.anomalies).toContain('TLS-HANDSHAKE-FAILED');
  });
  it('plaintext handshake after ChangeCipherSpec is a record violation (exit 1); the encrypted Finished twin is fine', () => {
    const plainFin = record(22, hsMsg(20, new Array(12).fill(7)));
    const r = run({ up: [CH, CCS, plainFin, APP(2)], down: session.down });
    expect(r.verdict).toBe('unknown');
    expect(r.findings).toEqual(['TLS-RECORD-VIOLATION']);
    expect(r.exit).toBe(1);
  });
  it('mid-stream: every byte protected records is encrypted, suite not captured, SUITE-NOT-SEEN (exit 4)', () => {
    const r = run({ up: [APP(1), APP(2)], down: [APP(3)] });
    expect(r).toEqual({ verdict: 'encrypted', anomalies: [], findings: ['SUITE-NOT-SEEN'], exit: 4 });
  });
  it('text where records should go (never resynchronising): cleartext naming the frame, even one byte per segment', () => {
    const text = [...Buffer.from('owner=alice path=/export/home/alice/payroll.csv size=18231\n'.repeat(3))];
    const whole = run({ ...session, up: [...session.up, text] });
    expect(whole).toEqual({
      verdict: 'cleartext',
      anomalies: ['TLS-PLAINTEXT-AFTER-HANDSHAKE'],
      findings: ['TLS-PLAINTEXT-AFTER-HANDSHAKE'],
      exit: 1,
    });
    const bytewise = run({ ...session, up: [...session.up, ...text.map((x) => [x])] });
    expect(bytewise.verdict).toBe('cleartext');
    expect(bytewise.findings).toEqual(['TLS-PLAINTEXT-AFTER-HANDSHAKE']);
  });
  it('zero-filled bytes where records should go: cleartext', () => {
    const r = run({ ...session, up: [...session.up, new Array(64).fill(0)] });
    expect(r.verdict).toBe('cleartext');
    expect(r.findings).toEqual(['TLS-PLAINTEXT-AFTER-HANDSHAKE']);
  });
  it('twin: text in an unsynced plaintext handshake (a certificate after a gap) is not leaked data', () => {
    // The server's certificate is cut by a gap: its tail (URLs, names) is plaintext handshake, not application data.
    const url = [...Buffer.from('http://crl3.example.com/root-2025.crl http://ocsp.example.com/')];
    const c = new FlowClassifier('tcp', true);
    const down = bytes(SH);
    const ch = bytes(CH);
    c.tcpData(0, ch, 0, ch.length, 1);
    c.tcpData(1, down, 0, down.length, 2);
    c.tcpGap(1, 700, 3);
    const tail = Uint8Array.from(url);
    c.tcpData(1, tail, 0, tail.length, 4);
    const r = judgeCrafted(c);
    expect(r.verdict).not.toBe('cleartext');
    expect(r.anomalies).not.toContain('TLS-PLAINTEXT-AFTER-HANDSHAKE');
  });
  it('twin: a record tail of ciphertext after a gap is not readable (unproven, exit 4)', () => {
    // The gap falls after the client's Finished; the run after it starts inside a record (700 bytes of its tail).
    const r = run({ ...session, up: [CH, CCS, FIN(1), [...keystream(700, 11)], APP(2), APP(9)], gapUp: true });
    expect(r).toEqual({ verdict: 'encrypted', anomalies: ['CAPTURE-GAP'], findings: ['CAPTURE-GAP'], exit: 4 });
  });
  it('random bytes where a record should start (no gap to explain them): unknown, TLS-RECORD-VIOLATION at their frame', () => {
    const c = new FlowClassifier('tcp', true);
    const feed = (dir: 0 | 1, b: Uint8Array, frame: number) => c.tcpData(dir, b, 0, b.length, frame);
    feed(0, bytes(CH, CCS, FIN(1), APP(2)), 1);
    feed(1, bytes(SH, CCS, FIN(3), APP(4)), 2);
    feed(1, bytes(APP(5)), 3);
    feed(0, Uint8Array.from(keystream(20_000, 12)), 4); // past the allowance of a mid-record start
    const v = flowVerdict(c, { loopback: false, tunnelPort: false, onServicePort: true, payloadBytes: 1000 });
    expect(v.verdict).toBe('unknown');
    expect(v.anomalies?.map((a) => [a.code, a.frame])).toEqual([['TLS-RECORD-VIOLATION', 4]]);
  });
  it('mid-stream with readable RPC between records: cleartext', () => {
    const r = run({ up: [APP(1), APP(2), APP(5), RPC], down: [APP(3)] });
    expect(r.verdict).toBe('cleartext');
  });
});
