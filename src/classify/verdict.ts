/**
 * From what a flow's analyzers learned to its class and verdict. The rules of honesty live here:
 * `encrypted` only on a valid TLS/DTLS record stream with a known, strong suite, or on RPCSEC_GSS privacy;
 * whatever the capture does not show is `unknown`.
 */
import { isNullSuite } from '../protocol/tls-grade.js';
import type { Dir } from './analyzer.js';
import type { DtlsAnalyzer } from './dtls-analyzer.js';
import type {
  AnomalyDetail,
  AnomalyFact,
  FlowReason,
  ReadableRpc,
  RecordProtocol,
  RpcSummary,
  TlsSummary,
  UpgradeDoubt,
  Verdict,
} from './facts.js';
import type { FlowClassifier } from './flow-classifier.js';
import type { PlaintextSampler } from './plaintext-sampler.js';
import type { FlowContext, FlowVerdict } from './registry.js';
import type { ReadableMessage, RpcAnalyzer, StartTlsFacts } from './rpc-analyzer.js';
import type { TlsAnalyzer } from './tls-analyzer.js';

export type { FlowContext, FlowVerdict } from './registry.js';

/** A rule broken at `frame`; `dir` is the analyzer's direction. */
export function anomaly(
  code: string,
  frame: number,
  dir: Dir | null,
  detail: AnomalyDetail,
  ctx: FlowContext,
): AnomalyFact {
  const a: AnomalyFact = { code, frame, detail };
  if (dir !== null) a.dir = (dir === 0) !== (ctx.dirFlipped === true) ? 'to-server' : 'to-client';
  return a;
}

/** PLAINTEXT-IN-RECORDS overrides a record-layer verdict: the bodies are not ciphertext. */
function withPlaintextCheck(v: FlowVerdict, sampler: PlaintextSampler, ctx: FlowContext): FlowVerdict {
  const hit = sampler.result();
  const s = v.tls ?? v.dtls;
  if (s !== undefined && sampler.recordsChecked > 0)
    s.bodySample = { records: sampler.recordsChecked, bytes: sampler.bytesSampled };
  if (hit === null) return v;
  const detail: AnomalyDetail = { kind: 'plaintext-in-records', body: hit.kind };
  if (hit.z !== undefined) detail.z = hit.z;
  const a = anomaly('PLAINTEXT-IN-RECORDS', hit.frame, hit.dir, detail, ctx);
  return { ...v, verdict: 'cleartext', why: because(a), anomalies: [...(v.anomalies ?? []), a] };
}

/** NULL-encryption and integrity-only suites (RFC 9150) carry plaintext inside TLS records. */
function isNullCipher(s: TlsSummary): boolean {
  return s.cipherSuiteId !== null && isNullSuite(s.cipherSuiteId);
}

/** The reason of a verdict that rests on anomaly `a`. */
function because(a: AnomalyFact): FlowReason {
  return { kind: 'anomaly', code: a.code, frame: a.frame, detail: a.detail };
}

export function tlsVerdict(s: TlsSummary, protocol: RecordProtocol): { verdict: Verdict; why: FlowReason } {
  // Records under a suite that does not encrypt are readable, whether or not their stream parses.
  if (isNullCipher(s)) return { verdict: 'cleartext', why: { kind: 'null-suite', suite: s.cipherSuite } };
  if (!s.validRecordStream) return { verdict: 'unknown', why: { kind: 'record-stream-broken', protocol } };
  if (s.cipherSuiteId === null) {
    const clientHelloOnly = s.handshake === 'client-hello-only';
    return { verdict: 'unknown', why: { kind: 'cipher-unknown', protocol, clientHelloOnly } };
  }
  const why: FlowReason = {
    kind: 'suite',
    version: s.version,
    suite: s.cipherSuite,
    grade: s.grade,
    gradeReasons: s.gradeReasons,
  };
  switch (s.grade) {
    case 'strong':
      return { verdict: 'encrypted', why };
    case 'weak':
    case 'insecure':
      return { verdict: 'encrypted-weak', why };
    default:
      return { verdict: 'unknown', why };
  }
}

const NOT_CAPTURED_SUITE = 'not captured';

/**
 * Whole-stream TLS rules (issue 10): readable bytes make the flow cleartext; a failed handshake, a broken record
 * stream, unexplained bytes or a session never established are never `encrypted`; a mid-stream flow whose every
 * byte is protected records is `encrypted` with the suite "not captured" (the policy adds SUITE-NOT-SEEN).
 */
function tlsStreamRules(v: FlowVerdict, t: TlsAnalyzer, ctx: FlowContext): FlowVerdict {
  const s = v.tls;
  if (s === undefined) return v;
  const w = t.walk();
  if (ctx.dirFlipped === true) {
    const flip = <T>(x: { toServer: T; toClient: T }) => ({ toServer: x.toClient, toClient: x.toServer });
    w.records = flip(w.records);
    w.gaps = flip(w.gaps);
    w.unsyncedBytes = flip(w.unsyncedBytes);
    if (w.notCaptured !== null) w.notCaptured = w.notCaptured === 'to-server' ? 'to-client' : 'to-server';
  }
  s.walk = w;
  const anomalies = [...(v.anomalies ?? [])];
  for (const e of t.events) {
    if (e.code !== 'SUITE-NOT-SEEN') anomalies.push(anomaly(e.code, e.frame, e.dir, e.detail, ctx));
  }
  let out: FlowVerdict = anomalies.length > 0 ? { ...v, anomalies } : v;
  const set = (verdict: Verdict, why: FlowReason) => {
    out = { ...out, verdict, why };
  };
  const plain = t.events.find((e) => e.code === 'TLS-PLAINTEXT-AFTER-HANDSHAKE');
  if (plain !== undefined) {
    set('cleartext', {
      kind: 'anomaly',
      code: plain.code,
      frame: plain.frame,
      detail: plain.detail,
    });
    return out;
  }
  const failure = t.handshakeFailure;
  if (failure !== null) {
    const detail: AnomalyDetail = {
      kind: 'handshake-failed',
      failure: failure.failure,
      appDataFlowed: t.appDataBothWays,
    };
    const a = anomaly('TLS-HANDSHAKE-FAILED', failure.frame, failure.dir, detail, ctx);
    anomalies.push(a);
    out = { ...out, anomalies };
    set('unknown', because(a));
    return out;
  }
  if (t.sslv2 !== null && out.verdict === 'encrypted') {
    // A strong suite reached through an SSLv2-format hello is still an insecure negotiation (SSLV2-HELLO).
    set('encrypted-weak', { kind: 'sslv2-hello', of: out.why });
  }
  if (out.verdict === 'cleartext') {
    // A NULL or integrity-only suite (tlsVerdict): every record after the handshake is readable.
    const detail: AnomalyDetail = { kind: 'null-cipher', suite: s.cipherSuite };
    anomalies.push(anomaly('NULL-CIPHER', t.hello.serverHelloFrame, t.hello.serverHelloDir, detail, ctx));
    return { ...out, anomalies };
  }
  if (w.mode === 'handshake-only') return out;
  if (t.unexplainedBytes > 0) {
    if (!t.events.some((e) => e.code === 'TLS-RECORD-VIOLATION')) {
      const detail: AnomalyDetail = { kind: 'unexplained-bytes', bytes: t.unexplainedBytes };
      const at = t.firstUnexplained;
      anomalies.push(anomaly('TLS-RECORD-VIOLATION', at?.frame ?? 0, at?.dir ?? null, detail, ctx));
      out = { ...out, anomalies };
    }
    set('unknown', { kind: 'unexplained-bytes', bytes: t.unexplainedBytes });
    return out;
  }
  if (out.verdict !== 'encrypted' && out.verdict !== 'encrypted-weak') {
    // Mid-stream: every byte both ways protected records, handshake not captured.
    const gapless = w.gaps.toServer + w.gaps.toClient === 0;
    if (w.midStream && gapless && s.validRecordStream && s.records.applicationData > 0 && s.cipherSuiteId === null) {
      s.cipherSuite = NOT_CAPTURED_SUITE;
      s.version = NOT_CAPTURED_SUITE;
      set('encrypted', { kind: 'mid-stream', notCaptured: w.notCaptured });
    }
    return out;
  }
  if (!w.established) {
    set('unknown', { kind: 'not-established', version: s.version, suite: s.cipherSuite });
  }
  return out;
}

/** DTLS whole-association rules: no application data at epoch 0, no cleartext RPC datagrams on the 5-tuple. */
function dtlsRules(v: FlowVerdict, d: DtlsAnalyzer, ctx: FlowContext): FlowVerdict {
  const anomalies = [...(v.anomalies ?? [])];
  let out = v;
  if (d.epoch0Data !== null) {
    const n = d.epoch0Records;
    anomalies.push(anomaly('DTLS-EPOCH0-DATA', d.epoch0Data.frame, d.epoch0Data.dir, { kind: 'dtls-epoch0' }, ctx));
    out = { ...out, verdict: 'cleartext', why: { kind: 'dtls-epoch0', records: n } };
  }
  if (d.cleartextRpc !== null && d.cleartextRpcFirst !== null) {
    const rpc = d.cleartextRpc.summary();
    const nfs = d.cleartextRpc.hasNfs;
    const label = nfs ? (rpc.nfsVersion ?? 'NFS') : rpc.programs.join(', ') || 'ONC-RPC';
    const first = d.cleartextRpcFirst;
    const detail: AnomalyDetail = { kind: 'rpc-on-dtls-tuple', label };
    const a = anomaly(nfs ? 'CLEARTEXT-NFS' : 'CLEARTEXT-RPC', first.frame, first.dir, detail, ctx);
    anomalies.push(a);
    out = { ...out, verdict: 'cleartext', why: because(a), rpc };
  }
  return anomalies.length > 0 ? { ...out, anomalies } : out;
}

function readable(m: ReadableMessage): ReadableRpc {
  return { kind: m.kind, program: m.program, procedure: m.procedure };
}

/**
 * RFC 9289 rules: an ONC-RPC message other than the AUTH_TLS NULL probe and its reply before the upgrade is exposure
 * (CLEARTEXT-BEFORE-STARTTLS); a side still writing RPC in the clear after the other side moved to TLS is exposure
 * (STARTTLS-ONE-SIDED); and the upgrade only counts after the STARTTLS reply and a ClientHello from the client.
 */
function startTlsRules(v: FlowVerdict, rpc: RpcAnalyzer, tls: TlsAnalyzer, ctx: FlowContext): FlowVerdict {
  const f = rpc.startTlsFacts;
  const anomalies = [...(v.anomalies ?? [])];
  let out = v;
  let why: FlowReason | null = null;
  const before = f.before.first;
  if (before !== null) {
    const detail: AnomalyDetail = {
      kind: 'cleartext-before-starttls',
      message: readable(before),
      frame: before.frame,
      count: f.before.count,
    };
    const a = anomaly('CLEARTEXT-BEFORE-STARTTLS', before.frame, before.dir, detail, ctx);
    anomalies.push(a);
    why = because(a);
  }
  const late = f.oneSided.first;
  if (late !== null) {
    const detail: AnomalyDetail = {
      kind: 'starttls-one-sided',
      message: readable(late),
      frame: late.frame,
      peer: (late.dir === 0) !== (ctx.dirFlipped === true) ? 'server' : 'client',
      upgradeFrame: f.upgradeFrame[late.dir === 0 ? 1 : 0],
      count: f.oneSided.count,
    };
    const a = anomaly('STARTTLS-ONE-SIDED', late.frame, late.dir, detail, ctx);
    anomalies.push(a);
    why ??= because(a);
  }
  if (why !== null) return { ...out, verdict: 'cleartext', why, anomalies };
  if (out.verdict !== 'encrypted' && out.verdict !== 'encrypted-weak') return out;
  const doubt = upgradeDoubt(f, tls);
  if (doubt !== null) out = { ...out, verdict: 'unknown', why: { kind: 'upgrade-not-proven', doubt } };
  return out;
}

/** Why the STARTTLS upgrade of an otherwise encrypted flow does not count, or null when it does. */
function upgradeDoubt(f: StartTlsFacts, tls: TlsAnalyzer): UpgradeDoubt | null {
  if (f.startTlsFrame === 0 || f.startTlsDir === null) return 'no-starttls-reply';
  const client: Dir = f.probeDir ?? (f.startTlsDir === 0 ? 1 : 0);
  if (client === f.startTlsDir) return 'reply-from-prober';
  if (tls.hello.clientHelloDir !== client) return 'no-client-hello';
  const up = f.upgradeFrame[client];
  if (up === 0 || up < f.startTlsFrame) return 'client-moved-first';
  if (f.upgradeFrame[f.startTlsDir] === 0) return 'server-never-moved';
  return null;
}

/** On a flow that used RPCSEC_GSS: what was readable without privacy, or null when Kerberos was not in use. */
function gssExposure(rpc: RpcSummary, nfsVersion: string): FlowReason | null {
  if (rpc.gssServices === undefined) return null;
  const exposedCalls = rpc.gssExposedCalls ?? 0;
  const unsealed = rpc.gssUnsealed ?? 0;
  if (exposedCalls === 0 && unsealed === 0) return null;
  const exposed = exposedCalls > 0 ? (rpc.gssExposed ?? []) : [];
  return { kind: 'gss-exposed', nfsVersion, services: rpc.gssServices, exposedCalls, exposed, unsealed };
}

/** A flow's class and verdict: its analyzer's facts, or what the classifier saw when no analyzer took the flow. */
export function flowVerdict(cls: FlowClassifier, ctx: FlowContext): FlowVerdict {
  if (cls.analyzer !== null) return cls.analyzer.verdict(ctx);
  if (cls.detected === 'opaque') {
    if (ctx.onServicePort) return { class: 'opaque', verdict: 'unknown', why: { kind: 'unrecognised', gaveUp: true } };
    return { class: 'none', verdict: 'unknown', why: { kind: 'not-nfs' } };
  }
  if (ctx.payloadBytes === 0) return { class: 'none', verdict: 'unknown', why: { kind: 'no-payload' } };
  if (ctx.onServicePort) return { class: 'opaque', verdict: 'unknown', why: { kind: 'unrecognised', gaveUp: false } };
  return { class: 'none', verdict: 'unknown', why: { kind: 'not-nfs' } };
}

/** TLS from the flow's first byte: record layer, whole-stream rules, plaintext inside records. */
export function tlsFlowVerdict(t: TlsAnalyzer, ctx: FlowContext): FlowVerdict {
  const tls = t.summary();
  if (!t.isTls)
    return { class: 'opaque', verdict: 'unknown', why: { kind: 'not-record-stream', protocol: 'TLS' }, tls };
  const v = tlsStreamRules({ class: 'tls', tls, ...tlsVerdict(tls, 'TLS') }, t, ctx);
  return withPlaintextCheck(v, t.plaintext, ctx);
}

/** DTLS: record layer, plaintext inside records, epoch-0 data and cleartext RPC datagrams on the 5-tuple. */
export function dtlsFlowVerdict(d: DtlsAnalyzer, ctx: FlowContext): FlowVerdict {
  const dtls = d.summary();
  const v = withPlaintextCheck({ class: 'dtls', dtls, ...tlsVerdict(dtls, 'DTLS') }, d.plaintext, ctx);
  return dtlsRules(v, d, ctx);
}

/** ONC-RPC: in the clear, with Kerberos privacy, or upgraded to TLS by RFC 9289 (`tls` set). */
export function rpcFlowVerdict(r: RpcAnalyzer, t: TlsAnalyzer | null, ctx: FlowContext): FlowVerdict {
  const rpc = r.summary();
  if (t !== null) {
    const tls = t.summary();
    const v0: FlowVerdict = { class: 'rpc-with-tls', tls, rpc, ...tlsVerdict(tls, 'RPC-with-TLS') };
    const v1 = withPlaintextCheck(tlsStreamRules(v0, t, ctx), t.plaintext, ctx);
    return startTlsRules(v1, r, t, ctx);
  }
  if (!r.isRpc) return { class: 'opaque', verdict: 'unknown', why: { kind: 'no-rpc-message' }, rpc };
  if (r.gssPrivacy) {
    const why: FlowReason =
      r.unaccounted > 0
        ? { kind: 'krb5p-unaccounted', unaccounted: r.unaccounted }
        : { kind: 'krb5p', leaseCalls: rpc.gssLeaseCalls ?? 0 };
    return { class: 'rpcsec-gss-privacy', verdict: r.unaccounted > 0 ? 'unknown' : 'encrypted', why, rpc };
  }
  const headersCut = rpc.headersCut ?? 0;
  if (r.hasNfs) {
    const nfsVersion = rpc.nfsVersion ?? 'NFS';
    if (ctx.loopback && ctx.tunnelPort)
      return { class: 'tunnel-local', verdict: 'cleartext', why: { kind: 'tunnel-local', nfsVersion }, rpc };
    const why = gssExposure(rpc, nfsVersion) ?? {
      kind: 'nfs-cleartext',
      nfsVersion,
      loopback: ctx.loopback,
      headersCut,
    };
    return { class: 'nfs-cleartext', verdict: 'cleartext', why, rpc };
  }
  return {
    class: 'rpc-cleartext',
    verdict: 'cleartext',
    why: { kind: 'rpc-cleartext', programs: rpc.programs, headersCut },
    rpc,
  };
}
