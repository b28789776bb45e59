/**
 * From what a flow's analyzers learned to its class and verdict. The rules of honesty live here:
 * `encrypted` only on a valid TLS/DTLS record stream with a known, strong suite, or on RPCSEC_GSS privacy;
 * whatever the capture does not show is `unknown`.
 */
import type { FlowClass, RpcSummary, TlsSummary, Verdict } from '../report/schema.js';
import type { FlowClassifier } from './flow-classifier.js';

export interface FlowVerdict {
  class: FlowClass;
  verdict: Verdict;
  reason: string;
  tls?: TlsSummary;
  dtls?: TlsSummary;
  rpc?: RpcSummary;
}

export interface FlowContext {
  loopback: boolean;
  /** The server side's port is in the tunnel range 20049-21049. */
  tunnelPort: boolean;
  onServicePort: boolean;
  payloadBytes: number;
}

/** NULL-encryption suites carry plaintext inside TLS records. */
function isNullCipher(s: TlsSummary): boolean {
  return /_WITH_NULL_|^TLS_NULL_WITH_NULL_NULL$|_NULL_SHA|_NULL_MD5/.test(s.cipherSuite) && s.cipherSuiteId !== null;
}

export function tlsVerdict(s: TlsSummary, what: string): { verdict: Verdict; reason: string } {
  if (!s.validRecordStream)
    return { verdict: 'unknown', reason: `${what} record stream broken: not proof of encryption` };
  if (s.cipherSuiteId === null) {
    const why = s.handshake === 'client-hello-only' ? 'no ServerHello: nothing negotiated' : 'handshake not captured';
    return { verdict: 'unknown', reason: `${what} records, but ${why}: cipher unknown` };
  }
  if (isNullCipher(s)) return { verdict: 'cleartext', reason: `${s.cipherSuite} does not encrypt` };
  const desc = `${s.version} ${s.cipherSuite}`;
  switch (s.grade) {
    case 'strong':
      return { verdict: 'encrypted', reason: desc };
    case 'weak':
    case 'insecure':
      return { verdict: 'encrypted-weak', reason: `${desc} (${s.grade}: ${s.gradeReasons.join('; ')})` };
    default:
      return { verdict: 'unknown', reason: `${desc}: grade unknown` };
  }
}

export function flowVerdict(cls: FlowClassifier, ctx: FlowContext): FlowVerdict {
  switch (cls.detected) {
    case 'tls': {
      const tls = cls.tls!.summary();
      if (!cls.tls!.isTls)
        return { class: 'opaque', verdict: 'unknown', reason: 'bytes are not a TLS record stream', tls };
      return { class: 'tls', tls, ...tlsVerdict(tls, 'TLS') };
    }
    case 'dtls': {
      const dtls = cls.dtls!.summary();
      return { class: 'dtls', dtls, ...tlsVerdict(dtls, 'DTLS') };
    }
    case 'rpc': {
      const rpc = cls.rpc!.summary();
      if (cls.tls !== null) {
        const tls = cls.tls.summary();
        return { class: 'rpc-with-tls', tls, rpc, ...tlsVerdict(tls, 'RPC-with-TLS') };
      }
      if (!cls.rpc!.isRpc) return { class: 'opaque', verdict: 'unknown', reason: 'no valid ONC-RPC message', rpc };
      if (cls.rpc!.gssPrivacy) {
        return {
          class: 'rpcsec-gss-privacy',
          verdict: 'encrypted',
          reason: 'RPCSEC_GSS privacy (krb5p) on every call',
          rpc,
        };
      }
      if (cls.rpc!.hasNfs) {
        const v = rpc.nfsVersion ?? 'NFS';
        if (ctx.loopback && ctx.tunnelPort) {
          return {
            class: 'tunnel-local',
            verdict: 'cleartext',
            reason: `${v} in the clear on loopback into a local tunnel port (not on the wire by itself)`,
            rpc,
          };
        }
        const where = ctx.loopback ? 'on loopback' : 'on the wire';
        return { class: 'nfs-cleartext', verdict: 'cleartext', reason: `${v} in the clear ${where}`, rpc };
      }
      return {
        class: 'rpc-cleartext',
        verdict: 'cleartext',
        reason: `ONC-RPC in the clear: ${rpc.programs.join(', ')}`,
        rpc,
      };
    }
    case 'opaque':
      if (ctx.onServicePort)
        return { class: 'opaque', verdict: 'unknown', reason: 'payload is neither RPC nor TLS/DTLS' };
      return { class: 'none', verdict: 'unknown', reason: 'not an NFS, RPC, TLS or DTLS flow' };
    default:
      if (ctx.payloadBytes === 0) return { class: 'none', verdict: 'unknown', reason: 'no payload captured' };
      if (ctx.onServicePort) return { class: 'opaque', verdict: 'unknown', reason: 'payload not recognised' };
      return { class: 'none', verdict: 'unknown', reason: 'not an NFS, RPC, TLS or DTLS flow' };
  }
}
