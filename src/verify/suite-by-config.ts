/**
 * The host-config exception to SUITE-NOT-SEEN (issue 10): a mid-stream TLS flow whose handshake (and suite) the
 * capture does not show is accepted when the stunnel service of the tunnel bound to it names every suite it may
 * negotiate, and each of them is strong: `ciphersuites` for TLS 1.3, `ciphers` (explicit OpenSSL suite names, no
 * keyword or class) for TLS 1.2, versions fixed by `sslVersion`/`sslVersionMin`/`sslVersionMax` (stunnel's defaults:
 * TLSv1 to all). The finding is then `accepted` (by `host-config`, with the service and file:line in its reason);
 * an accepted flow is never counted as verified (summary.wire.accepted).
 */
import { findServiceByAccept, opt } from '../host/stunnel.js';
import type { HostInventory, OptionValue, StunnelService } from '../host/types.js';
import { cipherSuiteId } from '../protocol/cipher-suites.js';
import { gradeTls } from '../protocol/tls-grade.js';
import type { Finding, FlowResult, MountResult } from '../report/schema.js';
import { flowRef } from './flow-policy.js';
import { matchMount } from './mount-flows.js';

const VERSIONS = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

function versionIndex(v: string | undefined, fallback: number): number | null {
  if (v === undefined) return fallback;
  if (v.toLowerCase() === 'all') return VERSIONS.length - 1;
  const i = VERSIONS.findIndex((x) => x.toLowerCase() === v.toLowerCase());
  return i < 0 ? null : i;
}

/** OpenSSL's name of a TLS 1.2 suite ("ECDHE-RSA-AES256-GCM-SHA384") as its IANA name, or null if not understood. */
export function opensslToIana(name: string): string | null {
  const m =
    /^(?:(ECDHE|DHE)-(RSA|ECDSA)-)?(AES128|AES256|CHACHA20)-(GCM-SHA256|GCM-SHA384|POLY1305|SHA|SHA256|SHA384)$/.exec(
      name,
    );
  if (!m) return null;
  const kx = m[1] ? `${m[1]}_${m[2]}` : 'RSA';
  if (m[3] === 'CHACHA20') return m[4] === 'POLY1305' ? `TLS_${kx}_WITH_CHACHA20_POLY1305_SHA256` : null;
  if (m[4] === 'POLY1305') return null;
  const aes = m[3] === 'AES128' ? 'AES_128' : 'AES_256';
  const mode = m[4]!.startsWith('GCM') ? `GCM_${m[4]!.slice(4)}` : `CBC_${m[4]}`;
  return `TLS_${kx}_WITH_${aes}_${mode}`;
}

const at = (o: OptionValue) => `${o.src.file}:${o.src.line ?? '?'}`;

/** Whether a stunnel service names only strong suites for every version it allows; the reason either way. */
export function pinnedSuites(service: StunnelService): { pinned: boolean; reason: string } {
  const o = service.options;
  const both = opt(o, 'sslVersion');
  const min = versionIndex(opt(o, 'sslVersionMin')?.value ?? both?.value, 1);
  const max = versionIndex(opt(o, 'sslVersionMax')?.value ?? both?.value, VERSIONS.length - 1);
  if (min === null || max === null) return { pinned: false, reason: 'TLS versions of the tunnel not understood' };
  const parts: string[] = [];
  if (max >= 4) {
    const cs = opt(o, 'ciphersuites');
    if (!cs) return { pinned: false, reason: 'TLS 1.3 allowed but no ciphersuites named' };
    for (const name of cs.value.split(':')) {
      const id = cipherSuiteId(name);
      if (id === undefined || gradeTls(0x0304, id, false).grade !== 'strong')
        return { pinned: false, reason: `ciphersuites names ${name}, not a strong TLS 1.3 suite (${at(cs)})` };
    }
    parts.push(`ciphersuites = ${cs.value} (${at(cs)})`);
  }
  if (min <= 3) {
    if (min < 3) return { pinned: false, reason: `versions below TLS 1.2 allowed (sslVersionMin ${VERSIONS[min]})` };
    const c = opt(o, 'ciphers');
    if (!c) return { pinned: false, reason: 'TLS 1.2 allowed but no ciphers named' };
    for (const name of c.value.split(':')) {
      const iana = opensslToIana(name);
      const id = iana === null ? undefined : cipherSuiteId(iana);
      if (id === undefined || gradeTls(0x0303, id, false).grade !== 'strong')
        return { pinned: false, reason: `ciphers names ${name}, not an explicit strong TLS 1.2 suite (${at(c)})` };
    }
    parts.push(`ciphers = ${c.value} (${at(c)})`);
  }
  return {
    pinned: true,
    reason: `stunnel service [${service.name}] allows only strong suites, ${VERSIONS[min]} to ${VERSIONS[max]}: ${parts.join('; ')}`,
  };
}

/** The stunnel service of the tunnel behind a mount (by its loopback accept port), if any. */
function serviceOf(m: MountResult, inv: HostInventory): StunnelService | undefined {
  if (!m.tunnel || m.localPort === undefined) return undefined;
  return findServiceByAccept(inv.stunnelConfigs, m.localPort)?.service;
}

/**
 * Marks each SUITE-NOT-SEEN finding accepted when every one of its flows is bound to a mount whose tunnel pins only
 * strong suites. Returns how many flows were accepted (they leave `unproven` for `accepted` in the wire tally).
 */
export function acceptSuitesByConfig(
  findings: Finding[],
  flows: readonly FlowResult[],
  host: { inventory: HostInventory; mounts: MountResult[] },
): number {
  const byRef = new Map(flows.map((f) => [flowRef(f), f]));
  const matched = host.mounts.map((m) => matchMount(m, [...flows], host.inventory));
  let accepted = 0;
  for (const finding of findings) {
    if (finding.code !== 'SUITE-NOT-SEEN' || finding.accepted !== undefined) continue;
    const reasons = new Set<string>();
    const refs = finding.flows ?? [];
    for (const ref of refs) {
      const f = byRef.get(ref);
      // Only a flow whose sole doubt is the suite: no broken rule, no gap.
      const clean = f !== undefined && (f.anomalies ?? []).length === 0 && f.gaps.toServer + f.gaps.toClient === 0;
      const mf = f === undefined || !clean ? undefined : matched.find((x) => x.binding.has(f));
      const service = mf === undefined ? undefined : serviceOf(mf.mount, host.inventory);
      const p = service === undefined ? null : pinnedSuites(service);
      if (p === null || !p.pinned) {
        reasons.clear();
        break;
      }
      reasons.add(`${mf!.mount.mountPoint}: ${p.reason}`);
    }
    if (reasons.size === 0 || refs.length === 0) continue;
    finding.accepted = {
      by: 'host-config',
      reason: `suite not captured, but the tunnel config names it: ${[...reasons].join('; ')}`,
    };
    accepted += refs.length;
  }
  return accepted;
}
