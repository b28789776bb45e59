/**
 * Policy over flow verdicts (verify-encryption without host configs): which flows are findings.
 * NFS-relevant flows only (NFS port set, or RPC found by content): TLS to a web server is not our business.
 */
import { endpointText as ep, flowRef } from '../report/refs.js';
import type { Finding, FlowResult, Grade } from '../report/schema.js';

export { flowRef };

export interface FlowPolicy {
  /** Lowest acceptable grade. */
  minGrade: 'strong' | 'weak';
  /** Lowest acceptable TLS version. */
  minTls: '1.2' | '1.3';
}

/** RPC programs whose cleartext traffic leaks file handles, paths or lock state. */
const SENSITIVE_PROGRAMS = /^(nfs|mount|nlm|nfs_acl|nfs_cb|efs-proxy)\//;

const GRADE_RANK: Record<Grade, number> = { strong: 2, weak: 1, insecure: 0, unknown: -1 };

/** Flows that make one finding: same capture, server, code, severity and detail (version, suite or programs). */
interface Group {
  code: string;
  severity: Finding['severity'];
  detail: string;
  flows: FlowResult[];
}

/** "from 10.0.0.1 (3 flows)" / "from 10.0.0.1, 10.0.0.2 +4 more (9 flows)": clients by address, not port. */
function fromClients(flows: FlowResult[]): string {
  const ips = [...new Set(flows.map((f) => f.client.ip))];
  const shown = ips.slice(0, 3).join(', ') + (ips.length > 3 ? ` +${ips.length - 3} more` : '');
  return `from ${shown} (${flows.length} flow${flows.length === 1 ? '' : 's'})`;
}

/** What cleartext flows exposed, for triage: payload volume and the operations (never their arguments). */
export function leaked(flows: FlowResult[]): string {
  const counts = new Map<string, number>();
  let bytes = 0;
  for (const f of flows) {
    bytes += f.payload.total;
    for (const [op, n] of Object.entries(f.rpc?.operations ?? {})) counts.set(op, (counts.get(op) ?? 0) + n);
  }
  const ops = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const data = ops.some(([name]) => /^(READ|WRITE|READDIR|READDIRPLUS|READLINK|GETXATTR|LISTXATTRS)$/.test(name));
  const shown = ops.slice(0, 6).map(([n, c]) => `${n}x${c}`);
  const more = ops.length > 6 ? ` +${ops.length - 6} more` : '';
  const exposure = data ? 'file data or names readable' : 'metadata and file handles readable';
  // ISO times of one format sort as text.
  const first = flows.map((f) => f.firstSeen).sort()[0] ?? '';
  const last = flows.map((f) => f.lastSeen).sort()[flows.length - 1] ?? '';
  const when = first ? ` between ${first} and ${last}` : '';
  return `${bytes} payload bytes${when}, ${exposure} (${shown.join(', ') || 'no operation decoded'}${more})`;
}

function message(g: Group): string {
  const f0 = g.flows[0]!;
  const to = `${f0.transport} to ${ep(f0.server)} ${fromClients(g.flows)}`;
  switch (g.code) {
    case 'CLEARTEXT-NFS':
      return `${g.detail} in the clear on the wire, ${to}: ${leaked(g.flows)}`;
    case 'CLEARTEXT-RPC':
      return `ONC-RPC in the clear (${g.detail}), ${to}`;
    case 'NULL-CIPHER':
      return `${g.detail} negotiated: TLS without encryption, ${to}`;
    case 'WEAK-CIPHER':
      return `${g.detail}, ${to}`;
    default:
      return `${g.detail}, ${to}`;
  }
}
/** TLS version number from "TLS 1.2" etc.; null when not a final TLS/DTLS version. */
function tlsMinor(version: string): number | null {
  const m = /^(?:TLS|DTLS) 1\.(\d)$/.exec(version);
  if (m) return Number(m[1]);
  if (/^TLS 1\.3 \(draft/.test(version)) return 3;
  if (/^SSL/.test(version)) return -1;
  return null;
}

/** One finding per capture, server and kind of problem, naming every flow that shows it. */
export function flowFindings(flows: FlowResult[], policy: FlowPolicy): Finding[] {
  const groups = new Map<string, Group>();
  const add = (f: FlowResult, code: string, severity: Finding['severity'], detail: string): void => {
    const key = `${f.capture}|${f.transport}|${ep(f.server)}|${code}|${severity}|${detail}`;
    const g = groups.get(key);
    if (g) g.flows.push(f);
    else groups.set(key, { code, severity, detail, flows: [f] });
  };
  const minRank = GRADE_RANK[policy.minGrade];
  const minMinor = policy.minTls === '1.3' ? 3 : 2;
  for (const f of flows) {
    if (!f.nfsRelevant) continue;
    if (f.class === 'nfs-cleartext' && !f.loopback) {
      add(f, 'CLEARTEXT-NFS', 'high', f.rpc?.nfsVersion ?? 'NFS');
      continue;
    }
    if (f.class === 'rpc-cleartext' && !f.loopback) {
      const programs = f.rpc?.programs ?? [];
      const sensitive = programs.some((p) => SENSITIVE_PROGRAMS.test(p));
      add(f, 'CLEARTEXT-RPC', sensitive ? 'medium' : 'info', programs.join(', ') || 'unknown program');
      continue;
    }
    const s = f.tls ?? f.dtls;
    if (s && (f.class === 'tls' || f.class === 'rpc-with-tls' || f.class === 'dtls')) {
      if (f.verdict === 'cleartext') {
        add(f, 'NULL-CIPHER', 'high', s.cipherSuite);
        continue;
      }
      if (s.cipherSuiteId === null) {
        add(f, 'UNVERIFIED-FLOW', 'info', `${f.class} whose cipher the capture does not show (${s.version})`);
        continue;
      }
      const minor = tlsMinor(s.version);
      const reasons: string[] = [];
      if (GRADE_RANK[s.grade] < minRank) reasons.push(`grade ${s.grade} below ${policy.minGrade}`);
      if (minor !== null && minor < minMinor)
        reasons.push(`${s.version} below ${f.dtls ? 'DTLS' : 'TLS'} 1.${minMinor}`);
      if (reasons.length > 0) {
        add(
          f,
          'WEAK-CIPHER',
          s.grade === 'insecure' ? 'high' : 'medium',
          `${s.version} ${s.cipherSuite}: ${reasons.join(', ')}`,
        );
      }
      continue;
    }
    if (f.class === 'opaque' && !f.loopback) {
      add(f, 'UNVERIFIED-FLOW', 'info', 'bytes on an NFS port that are neither RPC nor TLS/DTLS');
    }
  }
  return [...groups.values()].map((g) => ({
    code: g.code,
    severity: g.severity,
    message: message(g),
    flows: g.flows.map(flowRef),
  }));
}

const SEVERITY_FAILS = new Set(['critical', 'high', 'medium']);

export function findingsFail(findings: Finding[]): boolean {
  return findings.some((x) => SEVERITY_FAILS.has(x.severity));
}
