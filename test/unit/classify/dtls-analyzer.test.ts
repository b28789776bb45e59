import { describe, expect, it } from 'vitest';
import { EvidenceLog } from '../../../src/classify/analyzer.js';
import { DtlsAnalyzer } from '../../../src/classify/dtls-analyzer.js';
import { probeDtls } from '../../../src/protocol/dtls.js';
import { evidenceText } from '../../../src/report/evidence-text.js';
import { bytes, clientHelloBody, dtlsHs, dtlsRecord, serverHelloBody, u16 } from '../../adversarial/builders/tls.js';

const CH = clientHelloBody({ dtls: true, version: 0xfefd, sni: 'dtls.example', suites: [0xc02f, 0xc030] });
const CH_COOKIE = clientHelloBody({ dtls: true, version: 0xfefd, cookie: [1, 2, 3, 4], suites: [0xc02f, 0xc030] });
const HVR = [...u16(0xfeff), 4, 1, 2, 3, 4];
const SH12 = serverHelloBody({ version: 0xfefd, suite: 0xc030 });

function dg(a: DtlsAnalyzer, dir: 0 | 1, b: Uint8Array, frame: number): void {
  const buf = new Uint8Array(b.length + 4);
  buf.set(b, 2);
  a.onDatagram(dir, buf, 2, b.length, frame);
}

describe('probeDtls', () => {
  it('accepts a classic handshake datagram, rejects unified headers and garbage at the start', () => {
    const ch = bytes(dtlsRecord(22, dtlsHs(1, 0, CH), 0xfeff));
    expect(probeDtls(ch, 0, ch.length)).toBe(true);
    expect(probeDtls(ch, 0, ch.length - 1)).toBe(false); // record must be whole
    const unified = bytes([0x2c, 0, 1, ...u16(3), 9, 9, 9]);
    expect(probeDtls(unified, 0, unified.length)).toBe(false);
    const twoRecs = bytes(dtlsRecord(22, dtlsHs(2, 1, SH12)), [0x2c, 0, 1, ...u16(3), 9, 9, 9]);
    expect(probeDtls(twoRecs, 0, twoRecs.length)).toBe(true);
    const badFrag = bytes(dtlsRecord(22, [1, 0, 0, 10, 0, 0, 0, 0, 5, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(probeDtls(badFrag, 0, badFrag.length)).toBe(false); // offset 5 + length 9 > message length 10
    const tls = bytes([22, 3, 3, 0, 5, 1, 0, 0, 1, 0, 0, 0, 0]);
    expect(probeDtls(tls, 0, tls.length)).toBe(false);
  });
});

describe('DtlsAnalyzer', () => {
  it('HelloVerifyRequest, fragmented ServerHello, DTLS 1.2 application data', () => {
    const ev = new EvidenceLog();
    const a = new DtlsAnalyzer(ev);
    dg(a, 0, bytes(dtlsRecord(22, dtlsHs(1, 0, CH), 0xfeff)), 1);
    dg(a, 1, bytes(dtlsRecord(22, dtlsHs(3, 0, HVR), 0xfeff)), 2);
    dg(a, 0, bytes(dtlsRecord(22, dtlsHs(1, 1, CH_COOKIE), 0xfeff, 0, 1)), 3);
    // ServerHello in three fragments, out of order, one duplicated, spread over two datagrams
    const f1 = dtlsHs(2, 1, SH12, 0, 20);
    const f2 = dtlsHs(2, 1, SH12, 20, 15);
    const f3 = dtlsHs(2, 1, SH12, 35);
    dg(a, 1, bytes(dtlsRecord(22, f3, 0xfefd, 0, 1), dtlsRecord(22, f1, 0xfefd, 0, 2)), 4);
    expect(a.hello.serverHello).toBeNull();
    dg(a, 1, bytes(dtlsRecord(22, f1, 0xfefd, 0, 3), dtlsRecord(22, f2, 0xfefd, 0, 4)), 5);
    dg(a, 0, bytes(dtlsRecord(20, [1]), dtlsRecord(23, new Array(30).fill(1), 0xfefd, 1, 0)), 6);
    dg(a, 1, bytes(dtlsRecord(23, new Array(30).fill(2), 0xfefd, 1, 0)), 7);
    expect(a.finished).toBe(false); // every datagram of the 5-tuple is read
    const s = a.summary();
    expect(s.version).toBe('DTLS 1.2');
    expect(s.cipherSuite).toBe('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    expect(s.grade).toBe('strong');
    expect(s.helloVerifyRequest).toBe(true);
    expect(s.sni).toBe('dtls.example');
    expect(s.offeredVersions).toEqual(['DTLS 1.2']);
    expect(s.recordVersion).toBe('DTLS 1.0');
    expect(s.records).toEqual({ changeCipherSpec: 1, alert: 0, handshake: 7, applicationData: 2, other: 0 });
    expect(ev.items.map((e) => evidenceText(e.fact))).toEqual([
      'ClientHello offers DTLS 1.2; SNI dtls.example',
      'HelloVerifyRequest (cookie 4 bytes)',
      'ServerHello selects DTLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xc030)',
      'application data records both ways',
    ]);
  });

  it('DTLS 1.3 via supported_versions and unified-header records', () => {
    const a = new DtlsAnalyzer(new EvidenceLog());
    const ch = clientHelloBody({ dtls: true, version: 0xfefd, versions: [0xfefc, 0xfefd], suites: [0x1301] });
    dg(a, 0, bytes(dtlsRecord(22, dtlsHs(1, 0, ch))), 1);
    const sh = serverHelloBody({ version: 0xfefd, selected: 0xfefc, suite: 0x1301 });
    // ServerHello plus an encrypted unified-header record (C=0 S=1 L=1 EE=2) in the same datagram
    dg(a, 1, bytes(dtlsRecord(22, dtlsHs(2, 0, sh)), [0x2e, 0, 1, ...u16(5), 1, 2, 3, 4, 5]), 2);
    // unified header without length: runs to the end of the datagram
    dg(a, 0, bytes([0x2a, 7, 1, 2, 3, 4, 5, 6, 7, 8]), 3);
    const s = a.summary();
    expect(s.version).toBe('DTLS 1.3');
    expect(s.versionId).toBe(0xfefc);
    expect(s.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
    expect(s.offeredVersions).toEqual(['DTLS 1.3', 'DTLS 1.2']);
    expect(s.records.applicationData).toBe(2);
    expect(a.finished).toBe(false); // every datagram of the 5-tuple is read
  });

  it('DTLS 1.0 is insecure; garbage datagrams clear validRecordStream; unified header needs a classic record first', () => {
    const ev = new EvidenceLog();
    const a = new DtlsAnalyzer(ev);
    dg(a, 0, bytes([0x2a, 7, 1, 2, 3]), 1);
    expect(a.summary().validRecordStream).toBe(false);
    expect(a.summary().records.applicationData).toBe(0);
    const b = new DtlsAnalyzer(new EvidenceLog());
    dg(b, 0, bytes(dtlsRecord(22, dtlsHs(1, 0, CH), 0xfeff)), 1);
    dg(b, 1, bytes(dtlsRecord(22, dtlsHs(2, 0, serverHelloBody({ version: 0xfeff, suite: 0xc014 })), 0xfeff)), 2);
    dg(b, 1, bytes(dtlsRecord(21, [2, 40])), 3);
    const s = b.summary();
    expect(s.version).toBe('DTLS 1.0');
    expect(s.grade).toBe('insecure');
    expect(s.gradeReasons).toEqual(['DTLS 1.0 is below DTLS 1.2']);
    expect(s.alerts).toEqual([{ level: 2, description: 40, name: 'fatal handshake_failure', encrypted: false }]);
    expect(s.validRecordStream).toBe(true);
  });
});
