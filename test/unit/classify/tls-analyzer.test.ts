import { describe, expect, it } from 'vitest';
import { EvidenceLog } from '../../../src/classify/analyzer.js';
import { TlsAnalyzer } from '../../../src/classify/tls-analyzer.js';
import { evidenceText } from '../../../src/report/evidence-text.js';
import { bytes, clientHelloBody, hsMsg, record, serverHelloBody } from '../../adversarial/builders/tls.js';

function feed(a: TlsAnalyzer, dir: 0 | 1, b: Uint8Array, frame: number, cuts: number[] = []): void {
  let prev = 0;
  for (const c of [...cuts, b.length]) {
    // copy each run into a bigger buffer at an offset, as the flow table would hand it over
    const run = new Uint8Array(c - prev + 10);
    run.set(b.subarray(prev, c), 7);
    expect(a.onData(dir, run, 7, c - prev, frame)).toBe(c - prev);
    prev = c;
  }
}

const CH13 = record(
  22,
  hsMsg(1, clientHelloBody({ sni: 'files.example', versions: [0x0304, 0x0303], sessionId: new Array(32).fill(3) })),
  0x0301,
);
const SH13 = record(
  22,
  hsMsg(2, serverHelloBody({ selected: 0x0304, suite: 0x1302, sessionId: new Array(32).fill(3) })),
);
const CCS = record(20, [1]);
const APP = record(23, new Array(40).fill(0xaa));

describe('TlsAnalyzer', () => {
  it('full TLS 1.3 handshake with a ClientHello spanning three segments', () => {
    const ev = new EvidenceLog();
    const a = new TlsAnalyzer(ev);
    feed(a, 0, bytes(CH13), 1, [3, 60]);
    expect(a.finished).toBe(false);
    feed(a, 1, bytes(SH13, CCS, APP, APP), 2);
    feed(a, 0, bytes(CCS, APP), 3);
    // Established both ways, but the record-body sample (PLAINTEXT-IN-RECORDS) is not full yet: keep reading.
    expect(a.finished).toBe(false);
    const s = a.summary();
    expect(s.version).toBe('TLS 1.3');
    expect(s.versionId).toBe(0x0304);
    expect(s.cipherSuiteId).toBe(0x1302);
    expect(s.cipherSuite).toBe('TLS_AES_256_GCM_SHA384');
    expect(s.grade).toBe('strong');
    expect(s.handshake).toBe('full'); // TLS 1.3 echoes the session id: not a resumption
    expect(s.sni).toBe('files.example');
    expect(s.offeredVersions).toEqual(['TLS 1.3', 'TLS 1.2']);
    expect(s.recordVersion).toBe('TLS 1.2');
    expect(s.records).toEqual({ changeCipherSpec: 2, alert: 0, handshake: 2, applicationData: 3, other: 0 });
    expect(s.validRecordStream).toBe(true);
    expect(a.isTls).toBe(true);
    expect(a.clientDir).toBe(0);
    expect(ev.items.map((e) => evidenceText(e.fact))).toEqual([
      'ClientHello offers TLS 1.3, TLS 1.2; SNI files.example',
      'ServerHello selects TLS 1.3 TLS_AES_256_GCM_SHA384 (0x1302)',
      'application data records both ways',
    ]);
    expect(ev.items[0]!.frame).toBe(1);
  });

  it('reassembles a handshake message spanning records and segments', () => {
    const msg = hsMsg(1, clientHelloBody({ sni: 'split.example' }));
    const recs = bytes(record(22, msg.slice(0, 20)), record(22, msg.slice(20, 50)), record(22, msg.slice(50)));
    const a = new TlsAnalyzer(new EvidenceLog());
    feed(a, 0, recs, 1, [2, 24, 31]);
    const s = a.summary();
    expect(s.handshake).toBe('client-hello-only');
    expect(s.version).toBe('none negotiated');
    expect(s.cipherSuite).toBe('none negotiated');
    expect(s.sni).toBe('split.example');
    expect(s.records.handshake).toBe(3);
  });

  it('HelloRetryRequest followed by the real ServerHello', () => {
    const ev = new EvidenceLog();
    const a = new TlsAnalyzer(ev);
    feed(a, 0, bytes(CH13), 1);
    const hrr = record(22, hsMsg(2, serverHelloBody({ hrr: true, selected: 0x0304, suite: 0x1301 })));
    feed(a, 1, bytes(hrr, CCS), 2);
    feed(a, 0, bytes(CCS, record(22, hsMsg(1, clientHelloBody({ versions: [0x0304] })))), 3);
    feed(a, 1, bytes(record(22, hsMsg(2, serverHelloBody({ selected: 0x0304, suite: 0x1301 }))), APP), 4);
    const s = a.summary();
    expect(s.helloRetryRequest).toBe(true);
    expect(s.version).toBe('TLS 1.3');
    expect(s.cipherSuiteId).toBe(0x1301);
    expect(ev.items.map((e) => evidenceText(e.fact))).toContain('HelloRetryRequest (TLS_AES_128_GCM_SHA256 (0x1301))');
  });

  it('TLS 1.2 session-id resumption and TLS 1.3 PSK resumption', () => {
    const sid = new Array(32).fill(9);
    const a = new TlsAnalyzer(new EvidenceLog());
    feed(a, 0, bytes(record(22, hsMsg(1, clientHelloBody({ sessionId: sid })))), 1);
    feed(a, 1, bytes(record(22, hsMsg(2, serverHelloBody({ sessionId: sid, suite: 0xc030 }))), CCS), 2);
    expect(a.summary().handshake).toBe('resumed');
    expect(a.summary().version).toBe('TLS 1.2');
    expect(a.summary().cipherSuite).toBe('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    const b = new TlsAnalyzer(new EvidenceLog());
    feed(b, 0, bytes(record(22, hsMsg(1, clientHelloBody({ sessionId: sid })))), 1);
    feed(b, 1, bytes(record(22, hsMsg(2, serverHelloBody({ sessionId: new Array(32).fill(1), suite: 0xc030 })))), 2);
    expect(b.summary().handshake).toBe('full');
    const c = new TlsAnalyzer(new EvidenceLog());
    feed(c, 0, bytes(record(22, hsMsg(1, clientHelloBody({ versions: [0x0304], psk: true })))), 1);
    feed(c, 1, bytes(record(22, hsMsg(2, serverHelloBody({ selected: 0x0304, psk: true })))), 2);
    expect(c.summary().handshake).toBe('resumed');
  });

  it('a mid-stream flow: records but no hellos', () => {
    const a = new TlsAnalyzer(new EvidenceLog());
    feed(a, 0, bytes(APP, APP), 5);
    feed(a, 1, bytes(APP.slice(10)), 6); // server side starts mid-record: not in sync yet
    feed(a, 1, bytes(APP), 7); // next segment starts on a record header
    const s = a.summary();
    expect(s.handshake).toBe('not-captured');
    expect(s.version).toBe('unknown (handshake not captured)');
    expect(s.cipherSuite).toBe('unknown (handshake not captured)');
    expect(s.versionId).toBeNull();
    expect(s.grade).toBe('unknown');
    expect(s.recordVersion).toBe('TLS 1.2');
    expect(s.records.applicationData).toBe(3);
    expect(s.validRecordStream).toBe(true);
    expect(a.finished).toBe(false);
  });

  it('plaintext and encrypted alerts', () => {
    const ev = new EvidenceLog();
    const a = new TlsAnalyzer(ev);
    feed(a, 0, bytes(record(22, hsMsg(1, clientHelloBody()))), 1);
    feed(a, 1, bytes(record(21, [2, 40])), 2, [6]);
    feed(a, 0, bytes(CCS, record(21, new Array(26).fill(1))), 3);
    const s = a.summary();
    expect(s.alerts).toEqual([
      { level: 2, description: 40, name: 'fatal handshake_failure', encrypted: false },
      { level: 0, description: 0, name: 'encrypted', encrypted: true },
    ]);
    expect(s.records.alert).toBe(2);
    expect(ev.items.map((e) => evidenceText(e.fact))).toContain('alert fatal handshake_failure');
  });

  it('lying handshake length (larger than the record) waits, then a bogus extension length is flagged', () => {
    const body = clientHelloBody({ sni: 'x' });
    const msg = hsMsg(1, body);
    msg[3] = msg[3]! + 50; // handshake length claims 50 more bytes than the record holds
    const a = new TlsAnalyzer(new EvidenceLog());
    feed(a, 0, bytes(record(22, msg)), 1);
    expect(a.summary().handshake).toBe('not-captured'); // message incomplete: nothing parsed, nothing thrown
    const lying = hsMsg(1, clientHelloBody({ extraExt: [0, 23, 0x01, 0xf4] }));
    const ev = new EvidenceLog();
    const b = new TlsAnalyzer(ev);
    feed(b, 0, bytes(record(22, lying)), 1);
    expect(b.hello.malformedHandshake).toBe(true);
    expect(evidenceText(ev.items[0]!.fact)).toBe('malformed handshake: ClientHello extension length past end');
  });

  it('garbage after a valid start breaks the record stream', () => {
    const ev = new EvidenceLog();
    const a = new TlsAnalyzer(ev);
    feed(a, 0, bytes(record(22, hsMsg(1, clientHelloBody())), [0x47, 0x45, 0x54, 0x20, 0x2f, 0x20]), 1);
    expect(a.summary().validRecordStream).toBe(false);
    expect(ev.items.map((e) => evidenceText(e.fact))).toContain('bytes after 1 records are not a TLS record header');
    feed(a, 0, bytes(APP), 2); // the walk goes on: it resynchronises at the next record header
    expect(a.summary().records.applicationData).toBe(1);
    expect(a.walk().resyncs).toBe(1);
    expect(a.unexplainedBytes).toBe(6);
  });

  it('a server that answers with non-TLS bytes is not a valid record stream', () => {
    const a = new TlsAnalyzer(new EvidenceLog());
    feed(a, 0, bytes(record(22, hsMsg(1, clientHelloBody()))), 1);
    feed(a, 1, Uint8Array.from(Buffer.from('HTTP/1.1 400 Bad Request\r\n')), 2);
    expect(a.summary().validRecordStream).toBe(false);
  });

  it('gaps: inside a record keeps sync; across records resyncs at a later record header', () => {
    const ev = new EvidenceLog();
    const a = new TlsAnalyzer(ev);
    feed(a, 0, bytes(CH13), 1);
    feed(a, 1, bytes(SH13), 2);
    const app = bytes(APP);
    feed(a, 1, app.subarray(0, 10), 3);
    a.onGap(1, 20, 4);
    feed(a, 1, app.subarray(30), 5);
    feed(a, 1, app, 6);
    expect(a.summary().records.applicationData).toBe(2);
    a.onGap(1, 100, 7); // across record boundaries
    feed(a, 1, app.subarray(5), 8); // mid-record: skipped
    feed(a, 1, app, 9); // resync
    expect(a.summary().records.applicationData).toBe(3);
    expect(a.gaps).toBe(2);
    expect(a.summary().validRecordStream).toBe(true);
    expect(ev.items.map((e) => evidenceText(e.fact))).toEqual(
      expect.arrayContaining([
        'gap of 20 bytes inside a record; record sync kept',
        'gap of 100 bytes; record sync lost',
        'record sync regained at a record header',
      ]),
    );
  });

  it('SSL 3.0 RC4 is graded insecure', () => {
    const a = new TlsAnalyzer(new EvidenceLog());
    feed(a, 0, bytes(record(22, hsMsg(1, clientHelloBody({ version: 0x0300 })), 0x0300)), 1);
    feed(a, 1, bytes(record(22, hsMsg(2, serverHelloBody({ version: 0x0300, suite: 0xc011 })), 0x0300)), 2);
    const s = a.summary();
    expect(s.version).toBe('SSL 3.0');
    expect(s.grade).toBe('insecure');
    expect(s.gradeReasons).toEqual(['SSL 3.0 is below TLS 1.2', 'RC4 cipher (RFC 7465)']);
  });

  it('HelloRetryRequest whose ServerHello was lost still gives version and suite (RFC 8446 4.1.4)', () => {
    const a = new TlsAnalyzer(new EvidenceLog());
    feed(a, 0, bytes(CH13), 1);
    feed(a, 1, bytes(record(22, hsMsg(2, serverHelloBody({ hrr: true, selected: 0x0304, suite: 0x1302 })))), 2);
    a.onGap(1, 1368, 3);
    const s = a.summary();
    expect(s.version).toBe('TLS 1.3');
    expect(s.cipherSuiteId).toBe(0x1302);
    expect(s.helloRetryRequest).toBe(true);
    expect(s.gradeReasons).toContain('version and suite from the HelloRetryRequest');
  });

  it('TLS 1.3 draft 16 ServerHello layout (no session id, no compression)', () => {
    const a = new TlsAnalyzer(new EvidenceLog());
    feed(a, 0, bytes(record(22, hsMsg(1, clientHelloBody({ versions: [0x7f10] })), 0x0301)), 1);
    const sh = [0x7f, 0x10, ...new Array(32).fill(4), 0x13, 0x03, 0, 0];
    feed(a, 1, bytes(record(22, hsMsg(2, sh), 0x0301)), 2);
    const s = a.summary();
    expect(s.version).toBe('TLS 1.3 (draft 16)');
    expect(s.cipherSuite).toBe('TLS_CHACHA20_POLY1305_SHA256');
    expect(s.grade).toBe('weak');
  });
});
