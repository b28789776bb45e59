/**
 * The text of a flow's evidence entries (FlowResult.evidence[].what) from their typed facts (src/classify/facts.ts
 * EvidenceFact). The one place these sentences are made: analyzers only record facts.
 */
import type {
  CompoundEnd,
  EvidenceFact,
  MalformedHandshake,
  ReadableKind,
  ReadableWhere,
  RecordViolation,
  RpcMalformed,
} from '../classify/facts.js';
import { cipherSuiteLabel } from '../protocol/cipher-suites.js';
import { gssProcName } from '../protocol/gss.js';
import { authFlavorName } from '../protocol/rpc.js';
import { alertDescriptionName, alertLevelName } from '../protocol/tls-record.js';
import { tlsVersionName } from '../protocol/tls-versions.js';
import type { FlowEvidence } from './schema.js';

export const READABLE_KIND: Record<ReadableKind, string> = {
  rpc: 'ONC-RPC',
  text: 'printable text',
  zeros: 'zero-filled bytes',
};

export const READABLE_WHERE: Record<ReadableWhere, string> = {
  'after-fin': 'after FIN',
  'after-gap': 'after a gap',
  'after-alert': 'after an alert (close_notify)',
  'after-handshake': 'after the handshake',
  'in-place-of-records': 'in place of TLS records',
};

const RPC_MALFORMED: Record<RpcMalformed, string> = {
  'wrap-token-cut': 'RPCSEC_GSS privacy body ends inside its wrap token',
  'header-cut': 'RPC message ends inside its header',
  'opaque-overrun': 'opaque length runs past the end of the RPC message',
  'bad-header': 'invalid RPC message header',
  'bad-compound-header': 'invalid COMPOUND header',
};

const COMPOUND_END: Record<CompoundEnd, string> = {
  complete: '',
  incomplete: ' (incomplete)',
  truncated: ' (truncated)',
};

export function violationText(v: RecordViolation): string {
  switch (v.rule) {
    case 'record-version':
      return `record version 0x${v.version.toString(16)} differs from 0x${v.expected.toString(16)}`;
    case 'tls13-record-length':
      return `TLS 1.3 record of ${v.length} bytes (limit ${v.limit})`;
    case 'heartbeat':
      return 'heartbeat record';
    case 'bytes-after-fin':
      return `bytes after this side's FIN (frame ${v.finFrame})`;
    case 'ccs-after-protected':
      return 'ChangeCipherSpec after protected records (TLS 1.3)';
    case 'app-data-before-ccs':
      return 'application data before this side sent ChangeCipherSpec';
    case 'plaintext-handshake':
      return `plaintext handshake message (type ${v.type}) where only encrypted ones may be`;
  }
}

function malformedText(m: MalformedHandshake): string {
  switch (m.problem) {
    case 'decoder':
      return m.error;
    case 'over-cap':
      return `handshake message length ${m.length} over the cap`;
    case 'fragment-header':
      return 'DTLS handshake fragment header inconsistent';
  }
}

export function sslv2HelloText(version: number, cipherSpecs: number, sslv2Only: number): string {
  const only = sslv2Only > 0 ? `, ${sslv2Only} of them SSLv2-only` : '';
  return `SSLv2-format ClientHello (asks for ${tlsVersionName(version, false)}; ${cipherSpecs} cipher specs${only})`;
}

export function evidenceText(f: EvidenceFact): string {
  switch (f.kind) {
    case 'text':
      return f.what;
    case 'client-hello': {
      let s = `ClientHello offers ${f.versions.map((v) => tlsVersionName(v, f.dtls)).join(', ')}`;
      if (f.sni !== undefined) s += `; SNI ${f.sni}`;
      if (f.alpn !== undefined && f.alpn.length > 0) s += `; ALPN ${f.alpn.join(',')}`;
      if (f.cookie) s += '; with cookie';
      return s;
    }
    case 'hello-retry-request':
      return `HelloRetryRequest (${cipherSuiteLabel(f.suite)})`;
    case 'server-hello': {
      const s = `ServerHello selects ${tlsVersionName(f.version, f.dtls)} ${cipherSuiteLabel(f.suite)}`;
      return f.resumed ? `${s}; session resumed` : s;
    }
    case 'malformed-handshake':
      return `malformed handshake: ${malformedText(f.malformed)}`;
    case 'alert':
      return f.encrypted
        ? 'alert (encrypted)'
        : `alert ${alertLevelName(f.level)} ${alertDescriptionName(f.description)}`;
    case 'sslv2-hello':
      return sslv2HelloText(f.version, f.cipherSpecs, f.sslv2Only);
    case 'gap-inside-record':
      return `gap of ${f.bytes} bytes inside a record; record sync kept`;
    case 'gap-sync-lost':
      return `gap of ${f.bytes} bytes; record sync lost`;
    case 'record-sync-regained':
      return 'record sync regained at a record header';
    case 'bad-stream-start':
      return 'bytes at stream start are not a TLS record header';
    case 'mid-stream-start':
      return 'no TLS record header at the first bytes seen (mid-stream?)';
    case 'not-a-record-header':
      return `bytes after ${f.afterRecords} records are not a TLS record header`;
    case 'readable-in-tls':
      return `readable ${READABLE_KIND[f.what]} ${READABLE_WHERE[f.where]}`;
    case 'record-violation':
      return violationText(f.violation);
    case 'app-data-both-ways':
      return 'application data records both ways';
    case 'handshake-over-cap':
      return 'handshake message larger than the reassembly cap; hello not parsed';
    case 'demux-beside-dtls':
      return `${f.protocol.toUpperCase()} datagram beside DTLS (RFC 7983)`;
    case 'dtls13-unified-header':
      return 'DTLS 1.3 unified-header (encrypted) records';
    case 'not-a-dtls-record':
      return 'bytes in the datagram are not a DTLS record';
    case 'cleartext-rpc-on-dtls':
      return 'cleartext ONC-RPC datagram on the DTLS 5-tuple';
    case 'dtls-epoch0-data':
      return 'application data at epoch 0 (no keys yet: cleartext)';
    case 'hello-verify-request':
      return `HelloVerifyRequest (cookie ${f.cookieLength} bytes)`;
    case 'dtls-record-header':
      return 'DTLS record header';
    case 'rpc-with-tls-starts':
      return 'RPC-with-TLS: TLS starts on the same connection after STARTTLS';
    case 'unrecognised-payload':
      return 'payload is neither ONC-RPC nor a TLS/DTLS record stream';
    case 'rpc-no-record-mark':
      return 'stream does not start at an RPC record mark; waiting to resync';
    case 'rpc-resynced':
      return 'RPC record stream resynced';
    case 'rpc-record-mark-implausible':
      return 'implausible RPC record mark; record stream lost';
    case 'rpc-bytes-missing':
      return `${f.bytes} bytes missing; RPC record stream broken`;
    case 'rpc-header-cut': {
      const what =
        f.message === 'call'
          ? f.program === null
            ? 'RPC call'
            : `RPC call of ${f.program}`
          : f.message === 'reply'
            ? 'RPC reply'
            : 'RPC message';
      return `${what}: headers cut by snaplen after ${f.bytes} bytes of the message`;
    }
    case 'rpc-upgraded-to-tls':
      return 'TLS record at an RPC record boundary after AUTH_TLS: upgraded to TLS';
    case 'rpc-not-a-datagram':
      return 'datagram is not an RPC message';
    case 'compound-op-too-big':
      return `one COMPOUND operation exceeds ${f.cap} bytes: later operations not counted`;
    case 'rpc-malformed':
      return RPC_MALFORMED[f.problem];
    case 'compound-cut':
      return `COMPOUND ends before its last ${f.opsLeft} operation(s)`;
    case 'compound-bad-op':
      return `invalid COMPOUND operation ${f.op}`;
    case 'compound-op-unskippable':
      return `COMPOUND op ${f.op} cannot be skipped: later ops not counted`;
    case 'gss-privacy-readable':
      return `RPCSEC_GSS privacy body is ${f.body === 'not-sealed' ? 'a wrap token without confidentiality' : 'not a GSS wrap token'}: readable`;
    case 'gss-trailing-bytes':
      return 'bytes after the RPCSEC_GSS wrap token: readable';
    case 'compound-call':
      return `CALL ${f.program} ${authFlavorName(f.flavor)} COMPOUND (${f.ops.join(', ')}${f.more ? ', ...' : ''})${COMPOUND_END[f.end]}`;
    case 'gss-credential-not-understood':
      return 'RPCSEC_GSS credential not understood';
    case 'gss-privacy':
      return `RPCSEC_GSS privacy: ${f.program} arguments encrypted`;
    case 'auth-tls-probe':
      return `AUTH_TLS NULL probe (${f.program})`;
    case 'gss-control-on-proc':
      return `RPCSEC_GSS ${gssProcName(f.gssProc)} on ${f.program} proc ${f.proc}: body readable`;
    case 'rpc-call':
      return `CALL ${f.program} ${f.procedure ?? `proc ${f.proc}`} ${authFlavorName(f.flavor)}`;
    case 'starttls-reply':
      return `REPLY verifier STARTTLS (${f.toProbe ? 'to the AUTH_TLS probe' : 'call not seen'})`;
    case 'auth-tls-no-starttls':
      return 'REPLY to AUTH_TLS probe without STARTTLS verifier';
    case 'capture-drops':
      return `the capture dropped ${f.packets} packets while this flow was active`;
  }
}

/** An entry of the result's evidence: frame, direction, and the fact's text. */
export function evidenceResult(e: {
  frame: number;
  dir?: 'to-server' | 'to-client';
  fact: EvidenceFact;
}): FlowEvidence {
  const r: FlowEvidence = { frame: e.frame, what: evidenceText(e.fact) };
  if (e.dir !== undefined) r.dir = e.dir;
  return r;
}
