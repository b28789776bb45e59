/**
 * Evidence entries are typed facts (issue 10): src/report/evidence-text.ts alone makes their text. Every kind has a
 * sample here with its exact text, so a new kind cannot be added without one.
 */
import { describe, expect, it } from 'vitest';
import { EvidenceLog } from '../../../src/classify/analyzer.js';
import type { EvidenceFact } from '../../../src/classify/facts.js';
import { evidenceResult, evidenceText } from '../../../src/report/evidence-text.js';

type Sample = [EvidenceFact, string];

const EVIDENCE: Record<EvidenceFact['kind'], Sample> = {
  text: [{ kind: 'text', what: 'WX record flagged plaintext' }, 'WX record flagged plaintext'],
  'client-hello': [
    {
      kind: 'client-hello',
      dtls: false,
      versions: [0x0304, 0x0303],
      sni: 'nfs.example',
      alpn: ['sunrpc', 'h2'],
      cookie: false,
    },
    'ClientHello offers TLS 1.3, TLS 1.2; SNI nfs.example; ALPN sunrpc,h2',
  ],
  'hello-retry-request': [
    { kind: 'hello-retry-request', suite: 0x1301 },
    'HelloRetryRequest (TLS_AES_128_GCM_SHA256 (0x1301))',
  ],
  'server-hello': [
    { kind: 'server-hello', dtls: false, version: 0x0304, suite: 0x1302, resumed: true },
    'ServerHello selects TLS 1.3 TLS_AES_256_GCM_SHA384 (0x1302); session resumed',
  ],
  'malformed-handshake': [
    { kind: 'malformed-handshake', malformed: { problem: 'over-cap', length: 70000 } },
    'malformed handshake: handshake message length 70000 over the cap',
  ],
  alert: [{ kind: 'alert', encrypted: false, level: 2, description: 40 }, 'alert fatal handshake_failure'],
  'sslv2-hello': [
    { kind: 'sslv2-hello', version: 0x0300, cipherSpecs: 3, sslv2Only: 0 },
    'SSLv2-format ClientHello (asks for SSL 3.0; 3 cipher specs)',
  ],
  'gap-inside-record': [
    { kind: 'gap-inside-record', bytes: 1448 },
    'gap of 1448 bytes inside a record; record sync kept',
  ],
  'gap-sync-lost': [{ kind: 'gap-sync-lost', bytes: 20 }, 'gap of 20 bytes; record sync lost'],
  'record-sync-regained': [{ kind: 'record-sync-regained' }, 'record sync regained at a record header'],
  'bad-stream-start': [{ kind: 'bad-stream-start' }, 'bytes at stream start are not a TLS record header'],
  'mid-stream-start': [{ kind: 'mid-stream-start' }, 'no TLS record header at the first bytes seen (mid-stream?)'],
  'not-a-record-header': [
    { kind: 'not-a-record-header', afterRecords: 4 },
    'bytes after 4 records are not a TLS record header',
  ],
  'readable-in-tls': [
    { kind: 'readable-in-tls', what: 'text', where: 'after-fin' },
    'readable printable text after FIN',
  ],
  'record-violation': [
    { kind: 'record-violation', violation: { rule: 'tls13-record-length', length: 17000, limit: 16640 } },
    'TLS 1.3 record of 17000 bytes (limit 16640)',
  ],
  'app-data-both-ways': [{ kind: 'app-data-both-ways' }, 'application data records both ways'],
  'handshake-over-cap': [
    { kind: 'handshake-over-cap' },
    'handshake message larger than the reassembly cap; hello not parsed',
  ],
  'demux-beside-dtls': [{ kind: 'demux-beside-dtls', protocol: 'stun' }, 'STUN datagram beside DTLS (RFC 7983)'],
  'dtls13-unified-header': [{ kind: 'dtls13-unified-header' }, 'DTLS 1.3 unified-header (encrypted) records'],
  'not-a-dtls-record': [{ kind: 'not-a-dtls-record' }, 'bytes in the datagram are not a DTLS record'],
  'cleartext-rpc-on-dtls': [{ kind: 'cleartext-rpc-on-dtls' }, 'cleartext ONC-RPC datagram on the DTLS 5-tuple'],
  'dtls-epoch0-data': [{ kind: 'dtls-epoch0-data' }, 'application data at epoch 0 (no keys yet: cleartext)'],
  'hello-verify-request': [{ kind: 'hello-verify-request', cookieLength: 32 }, 'HelloVerifyRequest (cookie 32 bytes)'],
  'dtls-record-header': [{ kind: 'dtls-record-header' }, 'DTLS record header'],
  'rpc-with-tls-starts': [
    { kind: 'rpc-with-tls-starts' },
    'RPC-with-TLS: TLS starts on the same connection after STARTTLS',
  ],
  'unrecognised-payload': [{ kind: 'unrecognised-payload' }, 'payload is neither ONC-RPC nor a TLS/DTLS record stream'],
  'rpc-no-record-mark': [
    { kind: 'rpc-no-record-mark' },
    'stream does not start at an RPC record mark; waiting to resync',
  ],
  'rpc-resynced': [{ kind: 'rpc-resynced' }, 'RPC record stream resynced'],
  'rpc-record-mark-implausible': [
    { kind: 'rpc-record-mark-implausible' },
    'implausible RPC record mark; record stream lost',
  ],
  'rpc-bytes-missing': [{ kind: 'rpc-bytes-missing', bytes: 512 }, '512 bytes missing; RPC record stream broken'],
  'rpc-header-cut': [
    { kind: 'rpc-header-cut', message: 'call', program: 'nfs/3', bytes: 40 },
    'RPC call of nfs/3: headers cut by snaplen after 40 bytes of the message',
  ],
  'rpc-upgraded-to-tls': [
    { kind: 'rpc-upgraded-to-tls' },
    'TLS record at an RPC record boundary after AUTH_TLS: upgraded to TLS',
  ],
  'rpc-not-a-datagram': [{ kind: 'rpc-not-a-datagram' }, 'datagram is not an RPC message'],
  'compound-op-too-big': [
    { kind: 'compound-op-too-big', cap: 65536 },
    'one COMPOUND operation exceeds 65536 bytes: later operations not counted',
  ],
  'rpc-malformed': [
    { kind: 'rpc-malformed', problem: 'wrap-token-cut' },
    'RPCSEC_GSS privacy body ends inside its wrap token',
  ],
  'compound-cut': [{ kind: 'compound-cut', opsLeft: 3 }, 'COMPOUND ends before its last 3 operation(s)'],
  'compound-bad-op': [{ kind: 'compound-bad-op', op: 99999 }, 'invalid COMPOUND operation 99999'],
  'compound-op-unskippable': [
    { kind: 'compound-op-unskippable', op: 77 },
    'COMPOUND op 77 cannot be skipped: later ops not counted',
  ],
  'gss-privacy-readable': [
    { kind: 'gss-privacy-readable', body: 'not-sealed' },
    'RPCSEC_GSS privacy body is a wrap token without confidentiality: readable',
  ],
  'gss-trailing-bytes': [{ kind: 'gss-trailing-bytes' }, 'bytes after the RPCSEC_GSS wrap token: readable'],
  'compound-call': [
    {
      kind: 'compound-call',
      program: 'nfs/4',
      flavor: 1,
      ops: ['SEQUENCE', 'PUTFH', 'READ'],
      more: true,
      end: 'truncated',
    },
    'CALL nfs/4 AUTH_SYS COMPOUND (SEQUENCE, PUTFH, READ, ...) (truncated)',
  ],
  'gss-credential-not-understood': [{ kind: 'gss-credential-not-understood' }, 'RPCSEC_GSS credential not understood'],
  'gss-privacy': [{ kind: 'gss-privacy', program: 'nfs/4' }, 'RPCSEC_GSS privacy: nfs/4 arguments encrypted'],
  'auth-tls-probe': [{ kind: 'auth-tls-probe', program: 'nfs/4' }, 'AUTH_TLS NULL probe (nfs/4)'],
  'gss-control-on-proc': [
    { kind: 'gss-control-on-proc', gssProc: 1, program: 'nfs/4', proc: 1 },
    'RPCSEC_GSS INIT on nfs/4 proc 1: body readable',
  ],
  'rpc-call': [
    { kind: 'rpc-call', program: 'mount/3', procedure: null, proc: 5, flavor: 6 },
    'CALL mount/3 proc 5 RPCSEC_GSS',
  ],
  'starttls-reply': [{ kind: 'starttls-reply', toProbe: true }, 'REPLY verifier STARTTLS (to the AUTH_TLS probe)'],
  'auth-tls-no-starttls': [{ kind: 'auth-tls-no-starttls' }, 'REPLY to AUTH_TLS probe without STARTTLS verifier'],
  'capture-drops': [
    { kind: 'capture-drops', packets: 12 },
    'the capture dropped 12 packets while this flow was active',
  ],
};

describe('evidence text', () => {
  it('every evidence kind has its exact text', () => {
    for (const [kind, [fact, text]] of Object.entries(EVIDENCE)) {
      expect(fact.kind).toBe(kind);
      expect(evidenceText(fact), kind).toBe(text);
    }
  });

  it('variants within a kind', () => {
    expect(evidenceText({ kind: 'client-hello', dtls: true, versions: [0xfefd, 0xfeff], alpn: [], cookie: true })).toBe(
      'ClientHello offers DTLS 1.2, DTLS 1.0; with cookie',
    );
    expect(evidenceText({ kind: 'server-hello', dtls: true, version: 0xfefd, suite: 0xc02b, resumed: false })).toBe(
      'ServerHello selects DTLS 1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (0xc02b)',
    );
    expect(evidenceText({ kind: 'alert', encrypted: true, level: 0, description: 0 })).toBe('alert (encrypted)');
    expect(
      evidenceText({ kind: 'malformed-handshake', malformed: { problem: 'decoder', error: 'ClientHello too short' } }),
    ).toBe('malformed handshake: ClientHello too short');
    expect(evidenceText({ kind: 'malformed-handshake', malformed: { problem: 'fragment-header' } })).toBe(
      'malformed handshake: DTLS handshake fragment header inconsistent',
    );
    expect(evidenceText({ kind: 'sslv2-hello', version: 0x0301, cipherSpecs: 9, sslv2Only: 1 })).toBe(
      'SSLv2-format ClientHello (asks for TLS 1.0; 9 cipher specs, 1 of them SSLv2-only)',
    );
    expect(evidenceText({ kind: 'readable-in-tls', what: 'zeros', where: 'in-place-of-records' })).toBe(
      'readable zero-filled bytes in place of TLS records',
    );
    expect(evidenceText({ kind: 'readable-in-tls', what: 'rpc', where: 'after-gap' })).toBe(
      'readable ONC-RPC after a gap',
    );
    const v = (violation: Extract<EvidenceFact, { kind: 'record-violation' }>['violation']) =>
      evidenceText({ kind: 'record-violation', violation });
    expect(v({ rule: 'record-version', version: 0x0301, expected: 0x0303 })).toBe(
      'record version 0x301 differs from 0x303',
    );
    expect(v({ rule: 'heartbeat' })).toBe('heartbeat record');
    expect(v({ rule: 'bytes-after-fin', finFrame: 9 })).toBe("bytes after this side's FIN (frame 9)");
    expect(v({ rule: 'ccs-after-protected' })).toBe('ChangeCipherSpec after protected records (TLS 1.3)');
    expect(v({ rule: 'app-data-before-ccs' })).toBe('application data before this side sent ChangeCipherSpec');
    expect(v({ rule: 'plaintext-handshake', type: 20 })).toBe(
      'plaintext handshake message (type 20) where only encrypted ones may be',
    );
    const cut = (message: 'call' | 'reply' | null, program: string | null) =>
      evidenceText({ kind: 'rpc-header-cut', message, program, bytes: 12 });
    expect(cut('call', null)).toBe('RPC call: headers cut by snaplen after 12 bytes of the message');
    expect(cut('reply', null)).toBe('RPC reply: headers cut by snaplen after 12 bytes of the message');
    expect(cut(null, null)).toBe('RPC message: headers cut by snaplen after 12 bytes of the message');
    const bad = (problem: Extract<EvidenceFact, { kind: 'rpc-malformed' }>['problem']) =>
      evidenceText({ kind: 'rpc-malformed', problem });
    expect(bad('header-cut')).toBe('RPC message ends inside its header');
    expect(bad('opaque-overrun')).toBe('opaque length runs past the end of the RPC message');
    expect(bad('bad-header')).toBe('invalid RPC message header');
    expect(bad('bad-compound-header')).toBe('invalid COMPOUND header');
    expect(
      evidenceText({
        kind: 'compound-call',
        program: 'nfs/4',
        flavor: 0,
        ops: ['PUTROOTFH'],
        more: false,
        end: 'complete',
      }),
    ).toBe('CALL nfs/4 AUTH_NONE COMPOUND (PUTROOTFH)');
    expect(evidenceText({ kind: 'rpc-call', program: 'nfs/3', procedure: 'NULL', proc: 0, flavor: 1 })).toBe(
      'CALL nfs/3 NULL AUTH_SYS',
    );
    expect(evidenceText({ kind: 'starttls-reply', toProbe: false })).toBe('REPLY verifier STARTTLS (call not seen)');
    expect(evidenceText({ kind: 'gss-privacy-readable', body: 'not-a-wrap-token' })).toBe(
      'RPCSEC_GSS privacy body is not a GSS wrap token: readable',
    );
  });

  it('the result entry keeps frame, text, then direction (the JSON key order of schema 2.0)', () => {
    const log = new EvidenceLog(2);
    log.add(7, 1, { kind: 'app-data-both-ways' });
    log.add(3, undefined, { kind: 'dtls-record-header' });
    log.add(9, 0, { kind: 'rpc-resynced' });
    expect(log.dropped).toBe(1);
    const out = log.items.map(evidenceResult);
    expect(out).toEqual([
      { frame: 7, what: 'application data records both ways', dir: 'to-client' },
      { frame: 3, what: 'DTLS record header' },
    ]);
    expect(JSON.stringify(out[0])).toBe('{"frame":7,"what":"application data records both ways","dir":"to-client"}');
  });
});
