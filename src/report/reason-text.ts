/**
 * The text of a flow's verdict reason (FlowResult.verdictReason) and of its anomalies (FlowAnomaly.what) from their
 * typed facts (src/classify/facts.ts FlowReason, AnomalyDetail). The one place these sentences are made: verdict
 * rules only state facts.
 */
import type {
  AnomalyDetail,
  AnomalyFact,
  FlowAnomaly,
  FlowReason,
  HandshakeFailure,
  PlaintextKind,
  ReadableRpc,
  UpgradeDoubt,
} from '../classify/facts.js';
import { cipherSuiteLabel } from '../protocol/cipher-suites.js';
import { alertDescriptionName } from '../protocol/tls-record.js';
import { tlsVersionName } from '../protocol/tls-versions.js';
import { READABLE_KIND, READABLE_WHERE, sslv2HelloText, violationText } from './evidence-text.js';

const BODY: Record<PlaintextKind, string> = {
  rpc: 'an ONC-RPC message',
  zeros: 'zero-filled bytes',
  ascii: 'printable text',
  skewed: 'bytes far from random (chi-square)',
};

function readableText(m: ReadableRpc): string {
  if (m.program === null) return 'an RPC reply (its call not seen)';
  const proc = m.procedure === null ? ' (header cut by snaplen)' : ` ${m.procedure}`;
  return `${m.kind === 'call' ? 'call' : 'reply'} ${m.program}${proc}`;
}

/** " (and N more messages)" after the first of `n`. */
function more(n: number): string {
  return n > 1 ? ` (and ${n - 1} more message${n === 2 ? '' : 's'})` : '';
}

function failureText(f: HandshakeFailure): string {
  switch (f.cause) {
    case 'fatal-alert':
      return `fatal alert ${alertDescriptionName(f.description)} before the session was established`;
    case 'retry-without-server-hello':
      return 'HelloRetryRequest with no second ServerHello';
    case 'suite-not-allowed':
      return `${cipherSuiteLabel(f.suite)} is not a suite ${tlsVersionName(f.version, false)} allows`;
  }
}

export function anomalyText(d: AnomalyDetail): string {
  switch (d.kind) {
    case 'text':
      return d.what;
    case 'plaintext-in-records': {
      const z = d.z === undefined ? '' : ` z=${d.z.toFixed(1)}`;
      return `application-data record body is ${BODY[d.body]}${z}: not ciphertext`;
    }
    case 'handshake-failed':
      return `handshake failed: ${failureText(d.failure)}; ${d.appDataFlowed ? 'application data flowed' : 'no application data: nothing exposed'}`;
    case 'sslv2-hello':
      return sslv2HelloText(d.version, d.cipherSpecs, d.sslv2Only);
    case 'capture-gap':
      return `${d.bytes} bytes not captured`;
    case 'readable-in-tls':
      return `${READABLE_KIND[d.what]} in the clear ${READABLE_WHERE[d.where]}, frame ${d.frame}`;
    case 'record-violation':
      return violationText(d.violation);
    case 'null-cipher':
      return d.suite;
    case 'unexplained-bytes':
      return `${d.bytes} bytes are neither TLS records nor a record tail after a gap`;
    case 'dtls-epoch0':
      return 'DTLS application data at epoch 0, before any keys: cleartext';
    case 'rpc-on-dtls-tuple':
      return `${d.label} in the clear in UDP datagrams on the DTLS 5-tuple`;
    case 'cleartext-before-starttls':
      return `${readableText(d.message)} in the clear before STARTTLS, frame ${d.frame}${more(d.count)}`;
    case 'starttls-one-sided':
      return `only one side started TLS: ${readableText(d.message)} in the clear at frame ${d.frame}, after the ${d.peer} moved to TLS at frame ${d.upgradeFrame}${more(d.count)}`;
  }
}

/** The result's anomaly: the fact with its text. */
export function anomalyResult(a: AnomalyFact): FlowAnomaly {
  const r: FlowAnomaly = { code: a.code, frame: a.frame, what: anomalyText(a.detail) };
  if (a.dir !== undefined) r.dir = a.dir;
  return r;
}

const DOUBT: Record<UpgradeDoubt, string> = {
  'no-starttls-reply': 'no STARTTLS reply captured',
  'reply-from-prober': 'the STARTTLS reply came from the side that sent the AUTH_TLS probe',
  'no-client-hello': 'no ClientHello from the client',
  'client-moved-first': 'the client moved to TLS before the STARTTLS reply',
  'server-never-moved': 'the server never moved to TLS',
};

/** " (headers cut by snaplen in N messages)" when the capture cut RPC headers short. */
function cutNote(n: number): string {
  return n > 0 ? ` (headers cut by snaplen in ${n} message${n === 1 ? '' : 's'})` : '';
}

export function reasonText(r: FlowReason): string {
  switch (r.kind) {
    case 'no-payload':
      return 'no payload captured';
    case 'not-analysed':
      return 'not analysed';
    case 'not-nfs':
      return 'not an NFS, RPC, TLS or DTLS flow';
    case 'unrecognised':
      return r.gaveUp ? 'payload is neither RPC nor TLS/DTLS' : 'payload not recognised';
    case 'not-record-stream':
      return `bytes are not a ${r.protocol} record stream`;
    case 'no-rpc-message':
      return 'no valid ONC-RPC message';
    case 'null-suite':
      return `${r.suite} does not encrypt`;
    case 'record-stream-broken':
      return `${r.protocol} record stream broken: not proof of encryption`;
    case 'cipher-unknown': {
      const why = r.clientHelloOnly ? 'no ServerHello: nothing negotiated' : 'handshake not captured';
      return `${r.protocol} records, but ${why}: cipher unknown`;
    }
    case 'suite': {
      const desc = `${r.version} ${r.suite}`;
      if (r.grade === 'strong') return desc;
      if (r.grade === 'weak' || r.grade === 'insecure') return `${desc} (${r.grade}: ${r.gradeReasons.join('; ')})`;
      return `${desc}: grade unknown`;
    }
    case 'sslv2-hello':
      return `${reasonText(r.of)} (insecure: negotiated from an SSLv2-format ClientHello)`;
    case 'anomaly':
      return anomalyText(r.detail);
    case 'unexplained-bytes':
      return `TLS record stream broken: ${r.bytes} bytes are neither TLS records nor a record tail after a gap: not proof of encryption`;
    case 'mid-stream': {
      const one = r.notCaptured !== null ? `; ${r.notCaptured} not captured` : '';
      return `TLS records throughout, every byte protected; handshake not captured: suite not captured${one}`;
    }
    case 'not-established':
      return `${r.version} ${r.suite} negotiated, but the session was not seen established (protected records from both sides)`;
    case 'dtls-epoch0':
      return `DTLS application data at epoch 0, before any keys: cleartext (${r.records} record${r.records === 1 ? '' : 's'})`;
    case 'upgrade-not-proven':
      return `${DOUBT[r.doubt]}: the RFC 9289 upgrade is not proven`;
    case 'krb5p-unaccounted':
      return `RPCSEC_GSS privacy (krb5p), but ${r.unaccounted} message(s) or stretch(es) could not be read: not every byte accounted for`;
    case 'krb5p': {
      const also = r.leaseCalls > 0 ? `; ${r.leaseCalls} lease/session call(s) without privacy carry no file data` : '';
      return `RPCSEC_GSS privacy (krb5p) on every call that carries file data or names, every body sealed${also}`;
    }
    case 'tunnel-local':
      return `${r.nfsVersion} in the clear on loopback into a local tunnel port (not on the wire by itself)`;
    case 'gss-exposed': {
      const parts: string[] = [];
      if (r.exposedCalls > 0)
        parts.push(`${r.exposedCalls} call(s) carrying file data or names without privacy (${r.exposed.join(', ')})`);
      if (r.unsealed > 0) parts.push(`${r.unsealed} privacy body(ies) not sealed`);
      return `${r.nfsVersion} with RPCSEC_GSS (${r.services.join(', ')}) readable on the wire: ${parts.join('; ')}`;
    }
    case 'nfs-cleartext':
      return `${r.nfsVersion} in the clear ${r.loopback ? 'on loopback' : 'on the wire'}${cutNote(r.headersCut)}`;
    case 'rpc-cleartext':
      return `ONC-RPC in the clear: ${r.programs.join(', ') || 'program not captured'}${cutNote(r.headersCut)}`;
  }
}
