/**
 * Policy over flow verdicts (verify-encryption without host configs): which flows are findings.
 * NFS-relevant flows only (NFS port set, or RPC found by content): TLS to a web server is not our business.
 */
import type { Finding, FlowResult, Grade } from '../report/schema.js';

export interface FlowPolicy {
  /** Lowest acceptable grade. */
  minGrade: 'strong' | 'weak';
  /** Lowest acceptable TLS version. */
  minTls: '1.2' | '1.3';
}

/** RPC programs whose cleartext traffic leaks file handles, paths or lock state. */
const SENSITIVE_PROGRAMS = /^(nfs|mount|nlm|nfs_acl|nfs_cb|efs-proxy)\//;

const GRADE_RANK: Record<Grade, number> = { strong: 2, weak: 1, insecure: 0, unknown: -1 };

export function flowRef(f: FlowResult): string {
  return `${f.capture}#${f.transport}.${f.id}`;
}

function describe(f: FlowResult): string {
  return `${f.transport} ${f.client.ip}:${f.client.port} -> ${f.server.ip}:${f.server.port}`;
}

/** What a cleartext flow exposed, for triage: payload volume and the operations (never their arguments). */
function leaked(f: FlowResult): string {
  const ops = Object.entries(f.rpc?.operations ?? {}).sort((a, b) => b[1] - a[1]);
  const data = ops.filter(([name]) => /^(READ|WRITE|READDIR|READDIRPLUS|READLINK|GETXATTR|LISTXATTRS)$/.test(name));
  const shown = ops.slice(0, 6).map(([n, c]) => `${n}x${c}`);
  const more = ops.length > 6 ? ` +${ops.length - 6} more` : '';
  const exposure = data.length > 0 ? 'file data or names readable' : 'metadata and file handles readable';
  return `${f.payload.total} payload bytes, ${exposure} (${shown.join(', ')}${more})`;
}

/** TLS version number from "TLS 1.2" etc.; null when not a final TLS/DTLS version. */
function tlsMinor(version: string): number | null {
  const m = /^(?:TLS|DTLS) 1\.(\d)$/.exec(version);
  if (m) return Number(m[1]);
  if (/^TLS 1\.3 \(draft/.test(version)) return 3;
  if (/^SSL/.test(version)) return -1;
  return null;
}

export function flowFindings(flows: FlowResult[], policy: FlowPolicy): Finding[] {
  const out: Finding[] = [];
  const minRank = GRADE_RANK[policy.minGrade];
  const minMinor = policy.minTls === '1.3' ? 3 : 2;
  for (const f of flows) {
    if (!f.nfsRelevant) continue;
    const ref = [flowRef(f)];
    if (f.class === 'nfs-cleartext' && !f.loopback) {
      out.push({
        code: 'CLEARTEXT-NFS',
        severity: 'high',
        message: `${f.rpc?.nfsVersion ?? 'NFS'} in the clear on the wire: ${describe(f)}; ${leaked(f)}`,
        flows: ref,
      });
      continue;
    }
    if (f.class === 'rpc-cleartext' && !f.loopback) {
      const programs = f.rpc?.programs ?? [];
      const sensitive = programs.some((p) => SENSITIVE_PROGRAMS.test(p));
      out.push({
        code: 'CLEARTEXT-RPC',
        severity: sensitive ? 'medium' : 'info',
        message: `ONC-RPC in the clear (${programs.join(', ') || 'unknown program'}): ${describe(f)}`,
        flows: ref,
      });
      continue;
    }
    const s = f.tls ?? f.dtls;
    if (s && (f.class === 'tls' || f.class === 'rpc-with-tls' || f.class === 'dtls')) {
      if (f.verdict === 'cleartext') {
        out.push({
          code: 'NULL-CIPHER',
          severity: 'high',
          message: `${s.cipherSuite} negotiated: TLS without encryption: ${describe(f)}`,
          flows: ref,
        });
        continue;
      }
      if (s.cipherSuiteId === null) {
        out.push({
          code: 'UNVERIFIED-FLOW',
          severity: 'info',
          message: `${f.class} flow whose cipher the capture does not show (${s.version}): ${describe(f)}`,
          flows: ref,
        });
        continue;
      }
      const minor = tlsMinor(s.version);
      const reasons: string[] = [];
      if (GRADE_RANK[s.grade] < minRank) reasons.push(`grade ${s.grade} below ${policy.minGrade}`);
      if (minor !== null && minor < minMinor)
        reasons.push(`${s.version} below ${f.dtls ? 'DTLS' : 'TLS'} 1.${minMinor}`);
      if (reasons.length > 0) {
        out.push({
          code: 'WEAK-CIPHER',
          severity: s.grade === 'insecure' ? 'high' : 'medium',
          message: `${s.version} ${s.cipherSuite}: ${reasons.join(', ')}: ${describe(f)}`,
          flows: ref,
        });
      }
      continue;
    }
    if (f.class === 'opaque' && !f.loopback) {
      out.push({
        code: 'UNVERIFIED-FLOW',
        severity: 'info',
        message: `bytes on an NFS port that are neither RPC nor TLS/DTLS: ${describe(f)}`,
        flows: ref,
      });
    }
  }
  return out;
}

const SEVERITY_FAILS = new Set(['critical', 'high', 'medium']);

export function findingsFail(findings: Finding[]): boolean {
  return findings.some((x) => SEVERITY_FAILS.has(x.severity));
}
