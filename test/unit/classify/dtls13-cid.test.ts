/**
 * DTLS 1.3 unified header (RFC 9147 section 4) with a connection id (RFC 9146): the records are read as DTLS 1.3
 * ciphertext, and only their bodies go to the plaintext sampler. The CID length comes from the hellos' connection_id
 * extension (records to the client: the ClientHello's; to the server: the ServerHello's, which DTLS 1.3 encrypts);
 * when the capture does not tell it, the record is counted but never sampled, so CID and sequence-number bytes are
 * never mistaken for plaintext.
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FlowClassifier } from '../../../src/classify/flow-classifier.js';
import { flowVerdict } from '../../../src/classify/verdict.js';
import { parseClientHello, parseServerHello } from '../../../src/protocol/tls-handshake.js';
import {
  bytes,
  clientHelloBody,
  dtlsHs,
  dtlsRecord,
  ext,
  serverHelloBody,
  vec8,
} from '../../adversarial/builders/tls.js';

function ct(n: number, seed: number): number[] {
  const c = createCipheriv('aes-128-ctr', Buffer.alloc(16, seed), Buffer.alloc(16, 1));
  return [...c.update(Buffer.alloc(n))];
}
const ctx = { loopback: false, tunnelPort: false, onServicePort: true, payloadBytes: 1000 };
/** The client asks for an 8-byte CID of zeros on records sent to it: header bytes that look like plaintext. */
const CLIENT_CID = new Array<number>(8).fill(0);
/** The server's CID (sent in DTLS 1.3's encrypted EncryptedExtensions: its length is not visible). */
const SERVER_CID = new Array<number>(6).fill(0);
const CH = clientHelloBody({
  dtls: true,
  version: 0xfefd,
  versions: [0xfefc],
  suites: [0x1302],
  keyShare: [29],
  extraExt: ext(54, vec8(CLIENT_CID)),
});
const SH = serverHelloBody({ version: 0xfefd, selected: 0xfefc, suite: 0x1302, keyShare: 29 });

/** Unified header 001CSLEE with a 16-bit sequence number and a length; `len` false leaves the length out. */
function unified(cid: number[], epoch: number, seq: number, body: number[], len = true): number[] {
  const first = 0x20 | (cid.length > 0 ? 0x10 : 0) | 0x08 | (len ? 0x04 : 0) | (epoch & 3);
  const l = len ? [(body.length >> 8) & 0xff, body.length & 0xff] : [];
  return [first, ...cid, 0, seq & 0xff, ...l, ...body];
}

type Dg = [0 | 1, Uint8Array];

function session(toClientBody: number[] = ct(200, 5)): Dg[] {
  return [
    [0, bytes(dtlsRecord(22, dtlsHs(1, 0, CH), 0xfefd))],
    [1, bytes(dtlsRecord(22, dtlsHs(2, 0, SH)), unified(CLIENT_CID, 2, 0, ct(120, 1)))],
    [0, bytes(unified(SERVER_CID, 2, 0, ct(60, 2)))],
    // two records in one datagram towards the client: delimited with the known CID length
    [1, bytes(unified(CLIENT_CID, 3, 1, ct(200, 3)), unified(CLIENT_CID, 3, 2, toClientBody, false))],
    [0, bytes(unified(SERVER_CID, 3, 1, ct(200, 4)))],
  ];
}

function run(dgs: Dg[]) {
  const c = new FlowClassifier('udp', true);
  dgs.forEach(([d, b], i) => {
    c.udpDatagram(d, b, 0, b.length, i + 1);
  });
  const v = flowVerdict(c, ctx);
  return {
    class: v.class,
    verdict: v.verdict,
    version: v.dtls?.version,
    appData: v.dtls?.records.applicationData,
    sample: v.dtls?.bodySample,
    anomalies: (v.anomalies ?? []).map((a) => [a.code, a.frame, a.dir]),
  };
}

describe('connection_id extension (RFC 9146) in the hellos', () => {
  it('ClientHello and ServerHello carry the CID length', () => {
    const ch = parseClientHello(Uint8Array.from(CH), 0, CH.length, true);
    expect(ch.ok && ch.value.connectionIdLength).toBe(8);
    const sh12 = serverHelloBody({ version: 0xfefd, suite: 0xc02f });
    const withCid = [...sh12.slice(0, -2), ...[0, 8], ...ext(54, vec8([9, 9, 9]))];
    const sh = parseServerHello(Uint8Array.from(withCid), 0, withCid.length);
    expect(sh.ok && sh.value.connectionIdLength).toBe(3);
    const bad = [...sh12.slice(0, -2), ...[0, 7], ...ext(54, [5, 9, 9])];
    expect(parseServerHello(Uint8Array.from(bad), 0, bad.length).ok).toBe(false);
  });
});

describe('DTLS 1.3 unified header with a connection id', () => {
  it('twin: ciphertext behind zero-filled CIDs is DTLS 1.3 encrypted; CID bytes never reach the sampler', () => {
    expect(run(session())).toEqual({
      class: 'dtls',
      verdict: 'encrypted',
      version: 'DTLS 1.3',
      appData: 5,
      // to the client: 3 records sampled (64 body bytes each) with the known 8-byte CID; to the server: CID length
      // unknown, not sampled
      sample: { records: 3, bytes: 3 * 64 },
      anomalies: [],
    });
  });

  it('a zero-filled body behind a known CID is plaintext: PLAINTEXT-IN-RECORDS naming its frame', () => {
    const r = run(session(new Array<number>(200).fill(0)));
    expect([r.class, r.verdict, r.appData, r.anomalies]).toEqual([
      'dtls',
      'cleartext',
      5,
      [['PLAINTEXT-IN-RECORDS', 4, 'to-client']],
    ]);
  });

  it('without the connection_id extension a CID record cannot be delimited: counted, not sampled', () => {
    const chNoCid = clientHelloBody({ dtls: true, version: 0xfefd, versions: [0xfefc], suites: [0x1302] });
    const dgs = session();
    dgs[0] = [0, bytes(dtlsRecord(22, dtlsHs(1, 0, chNoCid), 0xfefd))];
    const r = run(dgs);
    expect([r.verdict, r.appData, r.sample, r.anomalies]).toEqual(['encrypted', 4, undefined, []]);
  });
});

describe('DTLS 1.2 tls12_cid records (RFC 9146)', () => {
  const CH12 = clientHelloBody({ dtls: true, version: 0xfefd, suites: [0xc02f], extraExt: ext(54, vec8(CLIENT_CID)) });
  const SH12 = [...serverHelloBody({ version: 0xfefd, suite: 0xc02f }).slice(0, -2), 0, 8, ...ext(54, vec8([7, 7, 7]))];
  /** type 25, version, epoch, 48-bit sequence, the CID, length, body. */
  function cidRecord(cid: number[], epoch: number, seq: number, body: number[]): number[] {
    return [
      25,
      0xfe,
      0xfd,
      0,
      epoch,
      0,
      0,
      0,
      0,
      0,
      seq,
      ...cid,
      (body.length >> 8) & 0xff,
      body.length & 0xff,
      ...body,
    ];
  }
  function session12(toServerBody: number[] = ct(200, 4)): Dg[] {
    return [
      [0, bytes(dtlsRecord(22, dtlsHs(1, 0, CH12), 0xfefd))],
      [1, bytes(dtlsRecord(22, dtlsHs(2, 0, SH12)))],
      [0, bytes(dtlsRecord(20, [1]), cidRecord([7, 7, 7], 1, 0, ct(40, 1)))],
      [1, bytes(dtlsRecord(20, [1], 0xfefd, 0, 1), cidRecord(CLIENT_CID, 1, 0, ct(40, 2)))],
      [0, bytes(cidRecord([7, 7, 7], 1, 1, toServerBody))],
      [1, bytes(cidRecord(CLIENT_CID, 1, 1, ct(200, 5)), cidRecord(CLIENT_CID, 1, 2, ct(100, 6)))],
    ];
  }

  it('twin: records with the CIDs the hellos negotiated are read as protected data, the CID kept out of the sample', () => {
    expect(run(session12())).toEqual({
      class: 'dtls',
      verdict: 'encrypted',
      version: 'DTLS 1.2',
      appData: 5,
      // AES-GCM: each body's 8-byte explicit nonce is skipped, then at most 64 bytes a record
      sample: { records: 5, bytes: 32 + 32 + 3 * 64 },
      anomalies: [],
    });
  });

  it('a zero-filled tls12_cid body is plaintext: PLAINTEXT-IN-RECORDS', () => {
    const r = run(session12(new Array<number>(200).fill(0)));
    expect([r.verdict, r.anomalies]).toEqual(['cleartext', [['PLAINTEXT-IN-RECORDS', 5, 'to-server']]]);
  });

  it('without the extension a tls12_cid record cannot be read: the stream is not proof (unknown)', () => {
    const dgs = session12();
    dgs[0] = [
      0,
      bytes(dtlsRecord(22, dtlsHs(1, 0, clientHelloBody({ dtls: true, version: 0xfefd, suites: [0xc02f] })), 0xfefd)),
    ];
    const r = run(dgs);
    expect([r.verdict, r.anomalies]).toEqual(['unknown', []]);
  });
});
