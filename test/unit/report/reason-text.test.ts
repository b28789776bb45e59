/**
 * Verdict reasons are typed facts (src/classify/facts.ts FlowReason) and src/report/reason-text.ts alone makes their
 * text (issue 10: writers alone make display strings). One sample per kind, with the exact text it gives.
 */
import { describe, expect, it } from 'vitest';
import type { AnomalyDetail, FlowReason } from '../../../src/classify/facts.js';
import { anomalyResult, anomalyText, reasonText } from '../../../src/report/reason-text.js';

type Kind = FlowReason['kind'];

/** Every kind once (the Record type makes a new kind fail to compile until it has a sample and its text). */
const SAMPLES: Record<Kind, [FlowReason, string]> = {
  'no-payload': [{ kind: 'no-payload' }, 'no payload captured'],
  'not-analysed': [{ kind: 'not-analysed' }, 'not analysed'],
  'not-nfs': [{ kind: 'not-nfs' }, 'not an NFS, RPC, TLS or DTLS flow'],
  unrecognised: [{ kind: 'unrecognised', gaveUp: true }, 'payload is neither RPC nor TLS/DTLS'],
  'not-record-stream': [{ kind: 'not-record-stream', protocol: 'TLS' }, 'bytes are not a TLS record stream'],
  'no-rpc-message': [{ kind: 'no-rpc-message' }, 'no valid ONC-RPC message'],
  'null-suite': [{ kind: 'null-suite', suite: 'TLS_SHA256_SHA256' }, 'TLS_SHA256_SHA256 does not encrypt'],
  'record-stream-broken': [
    { kind: 'record-stream-broken', protocol: 'DTLS' },
    'DTLS record stream broken: not proof of encryption',
  ],
  'cipher-unknown': [
    { kind: 'cipher-unknown', protocol: 'RPC-with-TLS', clientHelloOnly: true },
    'RPC-with-TLS records, but no ServerHello: nothing negotiated: cipher unknown',
  ],
  suite: [
    {
      kind: 'suite',
      version: 'TLS 1.2',
      suite: 'TLS_RSA_WITH_AES_128_CBC_SHA',
      grade: 'weak',
      gradeReasons: ['CBC mode', 'no forward secrecy'],
    },
    'TLS 1.2 TLS_RSA_WITH_AES_128_CBC_SHA (weak: CBC mode; no forward secrecy)',
  ],
  'sslv2-hello': [
    {
      kind: 'sslv2-hello',
      of: { kind: 'suite', version: 'TLS 1.2', suite: 'X', grade: 'strong', gradeReasons: [] },
    },
    'TLS 1.2 X (insecure: negotiated from an SSLv2-format ClientHello)',
  ],
  anomaly: [
    { kind: 'anomaly', code: 'DTLS-EPOCH0-DATA', frame: 9, detail: { kind: 'dtls-epoch0' } },
    'DTLS application data at epoch 0, before any keys: cleartext',
  ],
  'unexplained-bytes': [
    { kind: 'unexplained-bytes', bytes: 17 },
    'TLS record stream broken: 17 bytes are neither TLS records nor a record tail after a gap: not proof of encryption',
  ],
  'mid-stream': [
    { kind: 'mid-stream', notCaptured: 'to-client' },
    'TLS records throughout, every byte protected; handshake not captured: suite not captured; to-client not captured',
  ],
  'not-established': [
    { kind: 'not-established', version: 'TLS 1.3', suite: 'TLS_AES_128_GCM_SHA256' },
    'TLS 1.3 TLS_AES_128_GCM_SHA256 negotiated, but the session was not seen established (protected records from both sides)',
  ],
  'dtls-epoch0': [
    { kind: 'dtls-epoch0', records: 1 },
    'DTLS application data at epoch 0, before any keys: cleartext (1 record)',
  ],
  'upgrade-not-proven': [
    { kind: 'upgrade-not-proven', doubt: 'server-never-moved' },
    'the server never moved to TLS: the RFC 9289 upgrade is not proven',
  ],
  'krb5p-unaccounted': [
    { kind: 'krb5p-unaccounted', unaccounted: 2 },
    'RPCSEC_GSS privacy (krb5p), but 2 message(s) or stretch(es) could not be read: not every byte accounted for',
  ],
  krb5p: [
    { kind: 'krb5p', leaseCalls: 3 },
    'RPCSEC_GSS privacy (krb5p) on every call that carries file data or names, every body sealed; 3 lease/session call(s) without privacy carry no file data',
  ],
  'tunnel-local': [
    { kind: 'tunnel-local', nfsVersion: 'NFSv4.2' },
    'NFSv4.2 in the clear on loopback into a local tunnel port (not on the wire by itself)',
  ],
  'gss-exposed': [
    {
      kind: 'gss-exposed',
      nfsVersion: 'NFSv4.1',
      services: ['integrity'],
      exposedCalls: 2,
      exposed: ['nfs/4 WRITE'],
      unsealed: 1,
    },
    'NFSv4.1 with RPCSEC_GSS (integrity) readable on the wire: 2 call(s) carrying file data or names without privacy (nfs/4 WRITE); 1 privacy body(ies) not sealed',
  ],
  'nfs-cleartext': [
    { kind: 'nfs-cleartext', nfsVersion: 'NFSv3', loopback: false, headersCut: 1 },
    'NFSv3 in the clear on the wire (headers cut by snaplen in 1 message)',
  ],
  'rpc-cleartext': [
    { kind: 'rpc-cleartext', programs: [], headersCut: 0 },
    'ONC-RPC in the clear: program not captured',
  ],
};

describe('reasonText', () => {
  it('gives each kind of verdict reason its exact text', () => {
    for (const [kind, [fact, text]] of Object.entries(SAMPLES)) {
      expect(fact.kind).toBe(kind);
      expect(reasonText(fact), kind).toBe(text);
    }
  });

  it('variants within a kind', () => {
    expect(reasonText({ kind: 'unrecognised', gaveUp: false })).toBe('payload not recognised');
    expect(reasonText({ kind: 'cipher-unknown', protocol: 'TLS', clientHelloOnly: false })).toBe(
      'TLS records, but handshake not captured: cipher unknown',
    );
    const suite = {
      kind: 'suite',
      version: 'TLS 1.3',
      suite: 'TLS_AES_256_GCM_SHA384',
      gradeReasons: [] as string[],
    } as const;
    expect(reasonText({ ...suite, grade: 'strong' })).toBe('TLS 1.3 TLS_AES_256_GCM_SHA384');
    expect(reasonText({ ...suite, grade: 'unknown' })).toBe('TLS 1.3 TLS_AES_256_GCM_SHA384: grade unknown');
    expect(reasonText({ kind: 'mid-stream', notCaptured: null })).toBe(
      'TLS records throughout, every byte protected; handshake not captured: suite not captured',
    );
    expect(reasonText({ kind: 'krb5p', leaseCalls: 0 })).toBe(
      'RPCSEC_GSS privacy (krb5p) on every call that carries file data or names, every body sealed',
    );
    expect(reasonText({ kind: 'nfs-cleartext', nfsVersion: 'NFSv4', loopback: true, headersCut: 0 })).toBe(
      'NFSv4 in the clear on loopback',
    );
    expect(reasonText({ kind: 'dtls-epoch0', records: 3 })).toBe(
      'DTLS application data at epoch 0, before any keys: cleartext (3 records)',
    );
  });
});

const RPC_CALL = { kind: 'call', program: 'nfs/4', procedure: 'COMPOUND' } as const;

/** Every anomaly detail once, with the exact FlowAnomaly.what it gives. */
const ANOMALIES: Record<AnomalyDetail['kind'], [AnomalyDetail, string]> = {
  text: [{ kind: 'text', what: 'as the analyzer said' }, 'as the analyzer said'],
  'plaintext-in-records': [
    { kind: 'plaintext-in-records', body: 'skewed', z: 41.26 },
    'application-data record body is bytes far from random (chi-square) z=41.3: not ciphertext',
  ],
  'handshake-failed': [
    { kind: 'handshake-failed', failure: { cause: 'fatal-alert', description: 40 }, appDataFlowed: false },
    'handshake failed: fatal alert handshake_failure before the session was established; no application data: nothing exposed',
  ],
  'sslv2-hello': [
    { kind: 'sslv2-hello', version: 0x0301, cipherSpecs: 7, sslv2Only: 2 },
    'SSLv2-format ClientHello (asks for TLS 1.0; 7 cipher specs, 2 of them SSLv2-only)',
  ],
  'capture-gap': [{ kind: 'capture-gap', bytes: 1448 }, '1448 bytes not captured'],
  'readable-in-tls': [
    { kind: 'readable-in-tls', what: 'rpc', where: 'after-alert', frame: 17 },
    'ONC-RPC in the clear after an alert (close_notify), frame 17',
  ],
  'record-violation': [
    { kind: 'record-violation', violation: { rule: 'record-version', version: 0x0301, expected: 0x0303 } },
    'record version 0x301 differs from 0x303',
  ],
  'null-cipher': [{ kind: 'null-cipher', suite: 'TLS_SHA384_SHA384' }, 'TLS_SHA384_SHA384'],
  'unexplained-bytes': [
    { kind: 'unexplained-bytes', bytes: 5 },
    '5 bytes are neither TLS records nor a record tail after a gap',
  ],
  'dtls-epoch0': [{ kind: 'dtls-epoch0' }, 'DTLS application data at epoch 0, before any keys: cleartext'],
  'rpc-on-dtls-tuple': [
    { kind: 'rpc-on-dtls-tuple', label: 'NFSv3' },
    'NFSv3 in the clear in UDP datagrams on the DTLS 5-tuple',
  ],
  'cleartext-before-starttls': [
    { kind: 'cleartext-before-starttls', message: RPC_CALL, frame: 4, count: 3 },
    'call nfs/4 COMPOUND in the clear before STARTTLS, frame 4 (and 2 more messages)',
  ],
  'starttls-one-sided': [
    {
      kind: 'starttls-one-sided',
      message: { kind: 'reply', program: null, procedure: null },
      frame: 12,
      peer: 'client',
      upgradeFrame: 9,
      count: 1,
    },
    'only one side started TLS: an RPC reply (its call not seen) in the clear at frame 12, after the client moved to TLS at frame 9',
  ],
};

describe('anomalyText and anomalyResult', () => {
  it('gives each kind of anomaly detail its exact text', () => {
    for (const [kind, [fact, text]] of Object.entries(ANOMALIES)) {
      expect(fact.kind).toBe(kind);
      expect(anomalyText(fact), kind).toBe(text);
    }
    expect(
      anomalyText({ kind: 'cleartext-before-starttls', message: { ...RPC_CALL, procedure: null }, frame: 4, count: 2 }),
    ).toBe('call nfs/4 (header cut by snaplen) in the clear before STARTTLS, frame 4 (and 1 more message)');
  });

  it('the result anomaly carries code, frame, direction and the text; no direction stays absent', () => {
    expect(
      anomalyResult({ code: 'DTLS-EPOCH0-DATA', frame: 3, dir: 'to-client', detail: { kind: 'dtls-epoch0' } }),
    ).toEqual({
      code: 'DTLS-EPOCH0-DATA',
      frame: 3,
      dir: 'to-client',
      what: 'DTLS application data at epoch 0, before any keys: cleartext',
    });
    const none = anomalyResult({
      code: 'TLS-RECORD-VIOLATION',
      frame: 0,
      detail: { kind: 'unexplained-bytes', bytes: 1 },
    });
    expect('dir' in none).toBe(false);
  });
});
