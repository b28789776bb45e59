/**
 * DTLS whole-association rules on crafted datagrams: application data at epoch 0 is cleartext; cleartext ONC-RPC
 * datagrams before, between or after DTLS make the flow cleartext; STUN and RTP beside DTLS (RFC 7983) do not break
 * the stream; OpenSSL's pre-standard DTLS 0x0100 with its 3-byte ChangeCipherSpec is read and not strong.
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DtlsFlow } from '../../../src/classify/builtin-analyzers.js';
import { FlowClassifier } from '../../../src/classify/flow-classifier.js';
import { flowVerdict } from '../../../src/classify/verdict.js';
import { demuxFirstByte, newDtlsRecord, readDtlsRecord } from '../../../src/protocol/dtls.js';
import { reasonText } from '../../../src/report/reason-text.js';
import { authSys, callMsg, Xdr } from '../../adversarial/builders/rpc.js';
import { bytes, clientHelloBody, dtlsHs, dtlsRecord, serverHelloBody } from '../../adversarial/builders/tls.js';

function ct(n: number, seed: number): number[] {
  const c = createCipheriv('aes-128-ctr', Buffer.alloc(16, seed), Buffer.alloc(16, 1));
  return [...c.update(Buffer.alloc(n))];
}

const CH = clientHelloBody({ dtls: true, version: 0xfefd, suites: [0xc02f, 0xc030] });
const SH = serverHelloBody({ version: 0xfefd, suite: 0xc030 });
const ctx = { loopback: false, tunnelPort: false, onServicePort: true, payloadBytes: 1000 };

/** An NFSv3 GETATTR call as one UDP datagram. */
function nfsCall(xid: number): Uint8Array {
  return callMsg(xid, 100003, 3, 1, authSys('client'), new Xdr().opaque(new Array(32).fill(7)).bytes());
}

/** STUN binding request (first byte 0x00) and an RTP packet (first byte 0x80). */
const STUN = bytes([0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42], ct(12, 9));
const RTP = bytes([0x80, 0x60, 0, 1, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78], ct(40, 8));

type Dg = [0 | 1, Uint8Array];

function handshake(epoch0Data = false): Dg[] {
  const out: Dg[] = [
    [0, bytes(dtlsRecord(22, dtlsHs(1, 0, CH), 0xfeff))],
    [1, bytes(dtlsRecord(22, dtlsHs(2, 0, SH)))],
    [0, bytes(dtlsRecord(20, [1]), dtlsRecord(22, ct(40, 1), 0xfefd, 1, 0))],
    [1, bytes(dtlsRecord(20, [1], 0xfefd, 0, 1), dtlsRecord(22, ct(40, 2), 0xfefd, 1, 0))],
  ];
  if (epoch0Data) out.push([0, bytes(dtlsRecord(23, [...nfsCall(5)], 0xfefd, 0, 2))]);
  out.push([0, bytes(dtlsRecord(23, ct(200, 3), 0xfefd, 1, 1))], [1, bytes(dtlsRecord(23, ct(200, 4), 0xfefd, 1, 1))]);
  return out;
}

function run(dgs: Dg[]): FlowClassifier {
  const c = new FlowClassifier('udp', true);
  dgs.forEach(([dir, b], i) => {
    c.udpDatagram(dir, b, 0, b.length, i + 1);
  });
  return c;
}

describe('RFC 7983 demultiplexing by first byte', () => {
  it('maps the ranges', () => {
    expect([0, 3, 16, 19, 20, 63, 64, 79, 128, 191, 4, 80, 127, 192, 255].map(demuxFirstByte)).toEqual([
      'stun',
      'stun',
      'zrtp',
      'zrtp',
      'dtls',
      'dtls',
      'turn',
      'turn',
      'rtp',
      'rtp',
      'other',
      'other',
      'other',
      'other',
      'other',
    ]);
  });
});

describe('DTLS association rules', () => {
  it('legitimate twin: handshake, epoch-1 data both ways: encrypted, no anomaly', () => {
    const v = flowVerdict(run(handshake()), ctx);
    expect([v.class, v.verdict, reasonText(v.why), v.anomalies]).toEqual([
      'dtls',
      'encrypted',
      'DTLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      undefined,
    ]);
  });

  it('application data at epoch 0 is cleartext: DTLS-EPOCH0-DATA', () => {
    const v = flowVerdict(run(handshake(true)), ctx);
    expect([v.class, v.verdict]).toEqual(['dtls', 'cleartext']);
    expect(v.anomalies?.map((a) => [a.code, a.frame, a.dir])).toEqual([['DTLS-EPOCH0-DATA', 5, 'to-server']]);
  });

  it('cleartext NFS datagrams between and after DTLS: cleartext, CLEARTEXT-NFS, operations counted', () => {
    const dgs = handshake();
    dgs.splice(3, 0, [0, nfsCall(0x14000001)]); // xid's first byte 0x14 sits in the DTLS range
    dgs.push([0, nfsCall(0x80000002)]); // and 0x80 in the RTP range
    const v = flowVerdict(run(dgs), ctx);
    expect([v.class, v.verdict]).toEqual(['dtls', 'cleartext']);
    expect(v.anomalies?.map((a) => [a.code, a.frame])).toEqual([['CLEARTEXT-NFS', 4]]);
    expect(v.rpc?.operations).toEqual({ GETATTR: 2 });
    expect(v.rpc?.nfsVersion).toBe('NFSv3');
  });

  it('cleartext NFS before DTLS: the flow is NFS in the clear', () => {
    const v = flowVerdict(run([[0, nfsCall(1)], ...handshake()]), ctx);
    expect([v.class, v.verdict]).toEqual(['nfs-cleartext', 'cleartext']);
  });

  it('STUN and RTP beside DTLS do not break the record stream', () => {
    const dgs: Dg[] = [[0, STUN], [1, STUN], ...handshake(), [0, RTP], [1, RTP]];
    const c = run(dgs);
    const v = flowVerdict(c, ctx);
    expect([v.class, v.verdict, v.anomalies]).toEqual(['dtls', 'encrypted', undefined]);
    expect((c.analyzer as DtlsFlow).dtls.demuxed).toEqual({ stun: 0, zrtp: 0, turn: 0, rtp: 2 }); // STUN came before DTLS was detected
    const after = run([...handshake(), [0, STUN], [1, STUN]]);
    expect((after.analyzer as DtlsFlow).dtls.demuxed.stun).toBe(2);
    expect(flowVerdict(after, ctx).verdict).toBe('encrypted');
  });

  it('unassigned first bytes still break the stream', () => {
    const v = flowVerdict(run([...handshake(), [0, bytes([0xf0], ct(30, 3))]]), ctx);
    expect([v.class, v.verdict]).toEqual(['dtls', 'unknown']);
  });

  it('pre-standard DTLS 0x0100: the 3-byte ChangeCipherSpec is a record; graded below strong', () => {
    const r = newDtlsRecord();
    const ccs3 = bytes(dtlsRecord(20, [1, 0, 2], 0x0100));
    expect(readDtlsRecord(ccs3, 0, ccs3.length, r)).toBe(true);
    expect(r.bodyLen).toBe(3);
    const ccs3std = bytes(dtlsRecord(20, [1, 0, 2], 0xfeff));
    expect(readDtlsRecord(ccs3std, 0, ccs3std.length, r)).toBe(false);
    const ch = clientHelloBody({ dtls: true, version: 0x0100, suites: [0x0035] });
    const sh = serverHelloBody({ version: 0x0100, suite: 0x0035 });
    const c = run([
      [0, bytes(dtlsRecord(22, dtlsHs(1, 0, ch), 0x0100))],
      [1, bytes(dtlsRecord(22, dtlsHs(2, 0, sh), 0x0100), dtlsRecord(20, [1, 0, 1], 0x0100))],
      [0, bytes(dtlsRecord(20, [1, 0, 1], 0x0100), dtlsRecord(23, ct(64, 5), 0x0100, 1, 0))],
      [1, bytes(dtlsRecord(23, ct(64, 6), 0x0100, 1, 0))],
    ]);
    const v = flowVerdict(c, ctx);
    expect(v.dtls?.validRecordStream).toBe(true);
    expect(v.dtls?.version).toBe('DTLS 1.0 (OpenSSL pre 0.9.8f)');
    expect(v.dtls?.records.changeCipherSpec).toBe(2);
    expect(v.verdict).toBe('encrypted-weak');
    expect(v.dtls?.grade).not.toBe('strong');
  });
});
