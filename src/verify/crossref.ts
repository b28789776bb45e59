/**
 * crossReference: mounts and tunnels (host inventory) against flows (capture verdicts). Findings:
 * BYPASS, TUNNEL-DOWN, UNVERIFIED-TLS, WEAK-CIPHER, MIXED, UNEXPLAINED, ENCRYPTED-BY-CONFIG-ONLY, plus
 * PLAINTEXT-BY-CONFIG (a cleartext mount no capture shows) and UNKNOWN-MOUNT (a mount nothing explains).
 */
import type { HostInventory } from '../host/types.js';
import { endpointText } from '../report/refs.js';
import type { Finding, FlowResult, MountResult, SourceRef } from '../report/schema.js';
import { downgradeOf } from './downgrade.js';
import { type FindingCode, type FindingExtras, makeFinding } from './findings.js';
import { mixedFindings } from './mixed.js';
import {
  describeRemotes,
  flowRef,
  isCleartextNfs,
  type MountFlows,
  matchMount,
  resolveBindings,
} from './mount-flows.js';

const TLS_VERDICTS = new Set(['tls-verified', 'tls-unverified']);
const CONFIG_ENCRYPTED = new Set(['tls-verified', 'tls-unverified', 'kerberos-privacy']);

function refs(flows: FlowResult[]): string[] {
  return flows.map(flowRef);
}

function finding(
  code: FindingCode,
  severity: Finding['severity'],
  message: string,
  mount: MountResult | undefined,
  flows: FlowResult[],
  sources: SourceRef[] | undefined,
): Finding {
  const extras: FindingExtras = { flows: refs(flows) };
  if (mount) extras.mount = mount.mountPoint;
  if (sources) extras.sources = sources;
  return makeFinding(code, message, extras, severity);
}

function tunnelDown(mf: MountFlows, inv: HostInventory, wireCaptures: Set<string>): Finding | null {
  const m = mf.mount;
  const t = m.tunnel;
  if (!t) return null;
  const problems: string[] = [];
  if (t.state === 'missing') problems.push('no tunnel state');
  if (t.config === 'missing') problems.push('no tunnel config');
  if (t.pidState === 'dead') problems.push(`dead tunnel (${t.pidReason ?? `pid ${t.pid}`})`);
  const procs = inv.state?.processes;
  if (procs !== undefined && t.pidState !== 'dead') {
    const p = mf.ctx.tunnelProcess;
    const when = inv.state?.manifest?.collectedAt ?? 'collection';
    if (!p) {
      problems.push(
        t.pid !== undefined
          ? `its tunnel process ${t.pid} was not running at ${when} (bundle process list)`
          : `no tunnel process listened on 127.0.0.1:${m.localPort} at ${when} (bundle process list)`,
      );
    } else if (mf.remotes.length > 0 && !mf.namedRemotes && mf.ctx.tunnelSockets.size === 0) {
      problems.push(`its tunnel process ${p.comm} ${p.pid} had no connection to ${describeRemotes(mf)} at ${when}`);
    }
  }
  // The loopback-leg rule needs a capture that covers the outgoing interface: loopback-only captures prove nothing.
  const legOnWire = mf.loopback.some((f) => wireCaptures.has(f.capture));
  if (problems.length === 0 && legOnWire && !mf.namedRemotes && mf.remotes.length > 0) {
    const plaintextTunnel = m.verdict === 'tunnel-plaintext';
    const carried = plaintextTunnel ? mf.cleartext.length + mf.encrypted.length + mf.other.length : mf.encrypted.length;
    if (carried === 0) {
      problems.push(
        `its loopback leg 127.0.0.1:${mf.loopbackPort} carries traffic but no ${plaintextTunnel ? '' : 'encrypted '}flow to ${describeRemotes(mf)} was captured`,
      );
    }
  }
  if (problems.length === 0) return null;
  return finding('TUNNEL-DOWN', 'high', `${m.mountPoint}: ${problems.join('; ')}`, m, mf.loopback, m.sources);
}

function weakCipher(mf: MountFlows): Finding | null {
  const weak = mf.encrypted.filter((f) => {
    const g = (f.tls ?? f.dtls)?.grade;
    return f.verdict === 'encrypted-weak' || g === 'weak' || g === 'insecure';
  });
  if (weak.length === 0) return null;
  const insecure = weak.some((f) => (f.tls ?? f.dtls)?.grade === 'insecure');
  const suites = [
    ...new Set(
      weak.map((f) => {
        const s = f.tls ?? f.dtls;
        return s ? `${s.version} ${s.cipherSuite}` : f.verdictReason;
      }),
    ),
  ];
  return finding(
    'WEAK-CIPHER',
    insecure ? 'high' : 'medium',
    `${mf.mount.mountPoint}: its tunnel to ${describeRemotes(mf)} negotiated ${suites.join('; ')}`,
    mf.mount,
    weak,
    mf.mount.sources,
  );
}

function perMount(mf: MountFlows, inv: HostInventory, wireCaptures: Set<string>, out: Finding[]): void {
  const m = mf.mount;
  // A direct cleartext mount never spoke TLS: TLS flows to its server are another mount's (MIXED, not DOWNGRADE).
  const downgrade = m.verdict === 'direct-cleartext' ? null : downgradeOf(mf.encrypted, mf.cleartext);
  if (downgrade) {
    out.push(finding('DOWNGRADE', 'critical', `${m.mountPoint}: ${downgrade.message}`, m, downgrade.flows, m.sources));
  } else if (mf.cleartext.length > 0) {
    const servers = [...new Set(mf.cleartext.map((f) => `${f.server.ip}:${f.server.port}`))].join(', ');
    out.push(
      finding(
        'BYPASS',
        'critical',
        `${m.mountPoint} (${m.verdict}): its server ${servers} saw cleartext NFS on the wire (${mf.cleartext.length} flows)`,
        m,
        mf.cleartext,
        m.sources,
      ),
    );
  }
  const down = tunnelDown(mf, inv, wireCaptures);
  if (down) out.push(down);
  if (m.verdict === 'tls-unverified') {
    out.push(finding('UNVERIFIED-TLS', 'medium', `${m.mountPoint}: ${m.reason}`, m, mf.encrypted, m.sources));
  }
  const weak = weakCipher(mf);
  if (weak) out.push(weak);
  const seen = mf.encrypted.length > 0;
  if (CONFIG_ENCRYPTED.has(m.verdict) && !seen) {
    const why =
      mf.loopback.length > 0 && mf.namedRemotes
        ? `its loopback leg is captured, but its tunnel target ${describeRemotes(mf)} is a name and no TLS flow names it (SNI)`
        : `no captured flow to ${describeRemotes(mf)} shows it`;
    out.push(
      finding(
        'ENCRYPTED-BY-CONFIG-ONLY',
        'low',
        `${m.mountPoint} (${m.verdict}): ${why}; only its config vouches for it`,
        m,
        mf.loopback,
        m.sources,
      ),
    );
  }
  if ((m.verdict === 'direct-cleartext' || m.verdict === 'tunnel-plaintext') && mf.cleartext.length === 0) {
    out.push(
      finding(
        'PLAINTEXT-BY-CONFIG',
        'high',
        `${m.mountPoint}: ${m.reason}; no capture shows its traffic`,
        m,
        [],
        m.sources,
      ),
    );
  }
  if (m.verdict === 'unknown' && !down && !seen && mf.cleartext.length === 0) {
    out.push(finding('UNKNOWN-MOUNT', 'low', `${m.mountPoint}: ${m.reason}`, m, mf.loopback, m.sources));
  }
}

function unexplained(flows: FlowResult[], matched: Set<FlowResult>, mfs: MountFlows[]): Finding[] {
  const groups = new Map<string, FlowResult[]>();
  for (const f of flows) {
    if (!isCleartextNfs(f) || matched.has(f)) continue;
    const key = `${f.client.ip}>${endpointText(f.server)}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  return [...groups].map(([key, list]) => {
    const [client, server] = key.split('>');
    // A mount of this host reaches that server, but the flows come from another address: never blamed on it.
    const near = mfs.filter((mf) => mf.foreign.some((f) => list.includes(f)));
    const why =
      near.length > 0
        ? `; ${near.map((mf) => `${mf.mount.mountPoint} reaches that server from ${[...mf.ctx.clientAddrs].join(', ')}`).join('; ')}, so this is another client's traffic, not that mount's`
        : ': another client, or a mount made outside the helpers';
    return finding(
      'UNEXPLAINED',
      'high',
      `cleartext NFS from client ${client} to ${server} (${list.length} flows, ${list[0].firstSeen} to ${list.at(-1)?.lastSeen}) matches no mount of this host${why}`,
      undefined,
      list,
      undefined,
    );
  });
}

export function crossReference(flows: FlowResult[], inv: HostInventory, mounts: MountResult[]): Finding[] {
  const out: Finding[] = [];
  const matched = new Set<FlowResult>();
  const wireCaptures = new Set(flows.filter((f) => !f.loopback).map((f) => f.capture));
  const mfs = mounts.map((m) => matchMount(m, flows, inv));
  resolveBindings(mfs);
  // Cleartext a direct mount explains is that mount's (BYPASS), not a downgrade of a tunnel to the same server.
  const direct = new Set<FlowResult>();
  for (const mf of mfs) if (!mf.mount.tunnel) for (const f of mf.cleartext) direct.add(f);
  for (const mf of mfs) {
    if (mf.mount.tunnel) mf.cleartext = mf.cleartext.filter((f) => !direct.has(f));
    for (const f of mf.cleartext) matched.add(f);
    perMount(mf, inv, wireCaptures, out);
  }
  out.push(...mixedFindings(mounts, inv, TLS_VERDICTS));
  out.push(...unexplained(flows, matched, mfs));
  return out;
}
