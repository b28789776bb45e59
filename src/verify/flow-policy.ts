/**
 * Policy over flow verdicts (verify-encryption without host configs): which flows are findings.
 * NFS-relevant flows only (NFS port set, or RPC found by content): TLS to a web server is not our business.
 */
import { endpointText as ep, flowRef, tunnelEndpointText } from '../report/refs.js';
import type {
  CaptureResult,
  Finding,
  FlowAnomaly,
  FlowResult,
  Grade,
  Severity,
  TlsSummary,
  UnlistedKind,
  WireTally,
} from '../report/schema.js';
import {
  FINDING_CODES,
  type FindingCode,
  isFindingCode,
  makeFinding,
  SEVERITY_RANK,
  severityFails,
} from './findings.js';

export { flowRef };

export interface FlowPolicy {
  /** Lowest acceptable grade. */
  minGrade: 'strong' | 'weak';
  /** Lowest acceptable TLS version. */
  minTls: '1.2' | '1.3';
  /** Policy file: when set, only these IANA suite names are acceptable (on top of minGrade and minTls). */
  allowedSuites?: readonly string[];
  /** --handshake-only: TLS flows were not walked to their end, so none is verified (HANDSHAKE-ONLY, exit 4 at best). */
  handshakeOnly?: boolean;
}

/** RPC programs whose cleartext traffic leaks file handles, paths or lock state. */
const SENSITIVE_PROGRAMS = /^(nfs|mount|nlm|nfs_acl|nfs_cb|efs-proxy)\//;

const GRADE_RANK: Record<Grade, number> = { strong: 2, weak: 1, insecure: 0, unknown: -1 };

/** Flows that make one finding: same capture, server, code, severity and detail (version, suite or programs). */
interface Group {
  code: FindingCode;
  severity: Severity;
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
  if (/^TLS 1\.3 \((draft|experiment|Facebook)/.test(version)) return 3;
  if (/^SSL/.test(version)) return -1;
  return null;
}

/** What the policy reads of a flow: a listed FlowResult or an unlisted kind. */
export interface JudgedFlow {
  class: FlowResult['class'];
  verdict: FlowResult['verdict'];
  nfsVersion?: string | undefined;
  programs?: readonly string[] | undefined;
  suite?: Pick<TlsSummary, 'version' | 'cipherSuiteId' | 'cipherSuite' | 'grade'> | undefined;
  dtls: boolean;
  /** The worst rule the flow broke (issue 11 flow anomalies: PLAINTEXT-IN-RECORDS, DTLS-EPOCH0-DATA...). */
  anomaly?: { code: string; detail: string } | undefined;
  /** The server port is NFS's own (2049): cleartext RPC there whose program the capture does not show is escalated. */
  nfsPort?: boolean | undefined;
  /** Kerberos: lease/session calls and callbacks without privacy (RpcSummary.gssLeaseCalls). */
  gssLeaseCalls?: number | undefined;
}

/** A broken rule as the policy reads it: a flow anomaly's code and text, or an unlisted kind's. */
interface RuleBroken {
  code: string;
  detail: string;
}

/** The rules of a listed flow's anomalies. */
function rulesOf(anomalies: readonly FlowAnomaly[] | undefined): RuleBroken[] {
  return (anomalies ?? []).map((a) => ({ code: a.code, detail: a.what }));
}

/** The most severe of a flow's broken rules whose code is in the finding table. */
export function worstAnomaly(rules: readonly RuleBroken[] | undefined): RuleBroken | undefined {
  let best: RuleBroken | undefined;
  let rank = -1;
  for (const a of rules ?? []) {
    if (!isFindingCode(a.code)) continue;
    const r = SEVERITY_RANK[FINDING_CODES[a.code].severity];
    if (r > rank) {
      rank = r;
      best = { code: a.code, detail: a.detail };
    }
  }
  return best;
}

/** The issue an anomaly makes; CLEARTEXT-NFS/-RPC keep the class rules' detail and severity. */
function anomalyIssue(f: JudgedFlow, a: { code: string; detail: string }): FlowIssue | null {
  if (!isFindingCode(a.code)) return null;
  if (a.code === 'CLEARTEXT-NFS') return { code: a.code, severity: 'high', detail: f.nfsVersion ?? 'NFS' };
  if (a.code === 'CLEARTEXT-RPC') {
    const programs = f.programs ?? [];
    const sensitive = programs.some((p) => SENSITIVE_PROGRAMS.test(p));
    return { code: a.code, severity: sensitive ? 'medium' : 'info', detail: programs.join(', ') || 'unknown program' };
  }
  // A failed handshake after which application data still flowed is more than a failed connection attempt.
  if (a.code === 'TLS-HANDSHAKE-FAILED' && a.detail.includes('application data flowed'))
    return { code: a.code, severity: 'medium', detail: a.detail };
  return { code: a.code, severity: FINDING_CODES[a.code].severity, detail: a.detail };
}

const NFS_PORT = 2049;

/** The problem the policy sees in one on-the-wire NFS-relevant flow, or null. */
export interface FlowIssue {
  code: FindingCode;
  severity: Severity;
  detail: string;
}

export function judgedOf(f: FlowResult): JudgedFlow {
  return {
    class: f.class,
    verdict: f.verdict,
    nfsVersion: f.rpc?.nfsVersion,
    programs: f.rpc?.programs,
    suite: f.tls ?? f.dtls,
    dtls: f.dtls !== undefined,
    anomaly: worstAnomaly(rulesOf(f.anomalies)),
    nfsPort: f.server.port === NFS_PORT,
    gssLeaseCalls: f.rpc?.gssLeaseCalls,
  };
}

/** The one rule table from a flow's facts to its finding (flows on the wire only; loopback legs are not judged). */
export function flowIssue(f: JudgedFlow, policy: FlowPolicy): FlowIssue | null {
  // A broken rule is the flow's finding, except on NFS in the clear, whose CLEARTEXT-NFS (folded into BYPASS by the
  // cross-reference) says more.
  if (f.anomaly !== undefined && f.class !== 'nfs-cleartext') {
    const issue = anomalyIssue(f, f.anomaly);
    if (issue !== null) return issue;
  }
  if (f.class === 'nfs-cleartext') return { code: 'CLEARTEXT-NFS', severity: 'high', detail: f.nfsVersion ?? 'NFS' };
  if (f.class === 'rpc-cleartext') {
    const programs = f.programs ?? [];
    // ONC-RPC to 2049 whose program the capture does not show (headers cut by snaplen) is taken for NFS.
    if (programs.length === 0 && f.nfsPort === true)
      return { code: 'CLEARTEXT-RPC', severity: 'high', detail: 'program not captured, to the NFS port 2049' };
    const sensitive = programs.some((p) => SENSITIVE_PROGRAMS.test(p));
    return {
      code: 'CLEARTEXT-RPC',
      severity: sensitive ? 'medium' : 'info',
      detail: programs.join(', ') || 'unknown program',
    };
  }
  const s = f.suite;
  if (s && (f.class === 'tls' || f.class === 'rpc-with-tls' || f.class === 'dtls')) {
    if (f.verdict === 'cleartext') return { code: 'NULL-CIPHER', severity: 'high', detail: s.cipherSuite };
    if (s.cipherSuiteId === null && f.verdict === 'encrypted')
      return {
        code: 'SUITE-NOT-SEEN',
        severity: 'low',
        detail: `${f.class} whose every byte is protected records, but whose handshake (and suite) the capture does not show`,
      };
    if (s.cipherSuiteId === null)
      return {
        code: 'UNVERIFIED-FLOW',
        severity: 'info',
        detail: `${f.class} whose cipher the capture does not show (${s.version})`,
      };
    const minor = tlsMinor(s.version);
    const minMinor = policy.minTls === '1.3' ? 3 : 2;
    const reasons: string[] = [];
    if (GRADE_RANK[s.grade] < GRADE_RANK[policy.minGrade]) reasons.push(`grade ${s.grade} below ${policy.minGrade}`);
    if (minor !== null && minor < minMinor) reasons.push(`${s.version} below ${f.dtls ? 'DTLS' : 'TLS'} 1.${minMinor}`);
    if (policy.allowedSuites && !policy.allowedSuites.includes(s.cipherSuite))
      reasons.push("suite not in the policy's allowedSuites");
    if (reasons.length > 0)
      return {
        code: 'WEAK-CIPHER',
        severity: s.grade === 'insecure' ? 'high' : 'medium',
        detail: `${s.version} ${s.cipherSuite}: ${reasons.join(', ')}`,
      };
    if (policy.handshakeOnly === true && f.class !== 'dtls')
      return {
        code: 'HANDSHAKE-ONLY',
        severity: 'info',
        detail: `${f.class} read only up to its handshake (--handshake-only): later bytes were not examined, not verified`,
      };
    return null;
  }
  if (f.class === 'rpcsec-gss-privacy' && f.verdict === 'encrypted' && (f.gssLeaseCalls ?? 0) > 0)
    return {
      code: 'GSS-LEASE-NOT-PRIVATE',
      severity: 'info',
      detail: `${f.gssLeaseCalls} lease/session call(s) without RPCSEC_GSS privacy (no file data) on a krb5p flow`,
    };
  if (f.class === 'opaque')
    return {
      code: 'UNVERIFIED-FLOW',
      severity: 'info',
      detail: 'bytes on an NFS port that are neither RPC nor TLS/DTLS',
    };
  return null;
}

export type FlowStatus = 'verified' | 'violating' | 'unproven' | 'not-sensitive';

/** What one judged flow counts as for the exit code (docs/verdicts.md). */
export function flowStatus(f: JudgedFlow, issue: FlowIssue | null, extras: readonly FlowIssue[] = []): FlowStatus {
  const all = issue === null ? extras : [issue, ...extras];
  if (all.some((i) => severityFails(i.severity))) return 'violating';
  // GSS-LEASE-NOT-PRIVATE is a note on a proven krb5p flow, not a doubt about it.
  const doubts = all.filter((i) => i.code !== 'GSS-LEASE-NOT-PRIVATE');
  if (doubts.length === 0 && (f.verdict === 'encrypted' || f.verdict === 'encrypted-weak')) return 'verified';
  // Portmapper in the clear, a failed connection attempt that exposed nothing: neither proof nor violation.
  if (all.length > 0 && all.every((i) => i.code === 'CLEARTEXT-RPC' || i.code === 'TLS-HANDSHAKE-FAILED'))
    return 'not-sensitive';
  return 'unproven';
}

/**
 * Findings beside the flow's main issue: each other rule it broke (one per code), and CAPTURE-GAP for bytes the
 * capture missed (never verified: a flow with gaps is at best unproven).
 */
function extraIssues(f: FlowResult, main: FlowIssue | null): FlowIssue[] {
  const out = ruleIssues(judgedOf(f), rulesOf(f.anomalies), main);
  const seen = new Set<string>([...(main ? [main.code] : []), ...out.map((i) => i.code)]);
  const gap = f.gaps.toServer + f.gaps.toClient;
  if (gap > 0 && !seen.has('CAPTURE-GAP') && (f.verdict === 'encrypted' || f.verdict === 'encrypted-weak')) {
    out.push({
      code: 'CAPTURE-GAP',
      severity: 'low',
      detail: `${gap} bytes not captured (${f.gaps.toServer} to the server, ${f.gaps.toClient} to the client)`,
    });
  }
  return out;
}

/** The issues of the broken rules beside the main issue, one per code. */
function ruleIssues(j: JudgedFlow, rules: readonly RuleBroken[], main: FlowIssue | null): FlowIssue[] {
  const out: FlowIssue[] = [];
  const seen = new Set<string>(main ? [main.code] : []);
  for (const a of rules) {
    if (seen.has(a.code)) continue;
    const issue = anomalyIssue(j, a);
    if (issue === null) continue;
    seen.add(a.code);
    out.push(issue);
  }
  return out;
}

/** A flow the policy judges: NFS-relevant, on the wire (not loopback), with payload. */
export function isJudged(f: FlowResult): boolean {
  return f.nfsRelevant && !f.loopback && f.payload.total > 0;
}

export function emptyTally(): WireTally {
  return { judged: 0, verified: 0, violating: 0, unproven: 0, notSensitive: 0 };
}

function count(t: WireTally, st: FlowStatus, n: number): void {
  t.judged += n;
  if (st === 'verified') t.verified += n;
  else if (st === 'violating') t.violating += n;
  else if (st === 'unproven') t.unproven += n;
  else t.notSensitive += n;
}

export interface FlowJudgement {
  findings: Finding[];
  wire: WireTally;
}

/** Findings of the listed flows (one per capture, server and kind of problem) and the wire tally of every flow. */
export function judgeFlows(flows: FlowResult[], captures: CaptureResult[], policy: FlowPolicy): FlowJudgement {
  const groups = new Map<string, Group>();
  const wire = emptyTally();
  for (const f of flows) {
    if (!isJudged(f)) continue;
    const j = judgedOf(f);
    const issue = flowIssue(j, policy);
    const extras = extraIssues(f, issue);
    count(wire, flowStatus(j, issue, extras), 1);
    for (const i of issue === null ? extras : [issue, ...extras]) {
      const key = `${f.capture}|${f.transport}|${ep(f.server)}|${i.code}|${i.severity}|${i.detail}`;
      const g = groups.get(key);
      if (g) g.flows.push(f);
      else groups.set(key, { code: i.code, severity: i.severity, detail: i.detail, flows: [f] });
    }
  }
  const findings = [...groups.values()].map((g) =>
    makeFinding(g.code, message(g), { flows: g.flows.map(flowRef) }, g.severity),
  );
  for (const c of captures) {
    const u = unlistedFinding(c, policy, wire);
    if (u) findings.push(u);
    const t = tunnelFinding(c);
    if (t) findings.push(t);
    const b = blindSpotFinding(c);
    if (b) findings.push(b);
    const nfs = c.blindSpots?.nfsPorts.packets ?? 0;
    if (nfs > 0) wire.undecodedNfsPackets = (wire.undecodedNfsPackets ?? 0) + nfs;
  }
  return { findings, wire };
}

/** Share of a capture's bytes above which undecoded bytes (control traffic aside) raise UNDECODED-TRAFFIC. */
export const BLIND_BYTES_THRESHOLD = 0.01;

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/**
 * What a capture could not decode: low when any of it touched an NFS port (its contents are unproven; the exit code
 * counts them through `wire.undecodedNfsPackets`), info when it exceeds 1 % of the bytes, control traffic aside.
 */
function blindSpotFinding(c: CaptureResult): Finding | null {
  const b = c.blindSpots;
  if (b === undefined || b.packets === 0) return null;
  const concern = b.bytes - b.control.bytes;
  const share = b.ofBytes > 0 ? concern / b.ofBytes : 0;
  const onNfs = b.nfsPorts.packets > 0;
  if (!onNfs && share <= BLIND_BYTES_THRESHOLD) return null;
  const reasons = Object.entries(b.byReason)
    .sort((x, y) => y[1].packets - x[1].packets)
    .map(([r, n]) => `${r} ${n.packets}`)
    .join(', ');
  const pct = `${(Math.floor(share * 1000) / 10).toFixed(1)} %`;
  const head = onNfs
    ? `${plural(b.nfsPorts.packets, 'packet')} (${b.nfsPorts.bytes} bytes) to or from an NFS port could not be decoded: what they carried cannot be judged`
    : `${pct} of the capture's bytes could not be decoded`;
  const all = `${plural(b.packets, 'packet')}, ${b.bytes} bytes not decoded in all (${reasons})`;
  return makeFinding('UNDECODED-TRAFFIC', `${c.file}: ${head}; ${all}`, {}, onNfs ? 'low' : 'info');
}

/** Encrypted network-layer tunnels of one capture: one finding that lists them (their contents are not visible). */
function tunnelFinding(c: CaptureResult): Finding | null {
  const tunnels = c.encryptedTunnels ?? [];
  if (tunnels.length === 0) return null;
  const shown = tunnels.slice(0, 4).map((t) => {
    const between = t.a && t.b ? ` between ${tunnelEndpointText(t.a)} and ${tunnelEndpointText(t.b)}` : '';
    return `${t.type}${between} (${t.packets} packets)`;
  });
  const more = tunnels.length > 4 ? ` and ${tunnels.length - 4} more` : '';
  const packets = tunnels.reduce((n, t) => n + t.packets, 0);
  return makeFinding(
    'ENCRYPTED-TUNNEL',
    `encrypted tunnel, contents not visible: ${shown.join(', ')}${more}; ${packets} packets whose NFS, if any, cannot be judged`,
  );
}

/** Flows past the listing cap are judged by the same rules from their kinds; any problem is one finding. */
function unlistedFinding(c: CaptureResult, policy: FlowPolicy, wire: WireTally): Finding | null {
  const kinds: UnlistedKind[] = c.unlisted?.nfsRelevantKinds ?? [];
  let worst: Severity | null = null;
  const byCode = new Map<string, number>();
  for (const k of kinds) {
    const j: JudgedFlow = {
      class: k.class,
      verdict: k.verdict,
      nfsVersion: k.nfsVersion,
      programs: k.programs,
      suite: k.suite,
      dtls: k.suite?.dtls === true,
      anomaly: worstAnomaly(k.anomalies),
    };
    const issue = flowIssue(j, policy);
    count(wire, flowStatus(j, issue, ruleIssues(j, k.anomalies ?? [], issue)), k.count);
    if (issue === null) continue;
    byCode.set(issue.code, (byCode.get(issue.code) ?? 0) + k.count);
    if (worst === null || SEVERITY_RANK[issue.severity] > SEVERITY_RANK[worst]) worst = issue.severity;
  }
  if (worst === null) return null;
  const what = [...byCode].map(([code, n]) => `${code} x${n}`).join(', ');
  return makeFinding(
    'UNLISTED-FLOWS',
    `${c.file}: NFS flows beyond the listing cap would raise ${what}; re-run on a filtered capture to see them`,
    {},
    worst,
  );
}
