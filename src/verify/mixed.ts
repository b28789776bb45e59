/**
 * MIXED: TLS and non-TLS mounts of one server (AZNFS refuses this, as both share the server's connections).
 * One server = the same IP, the same host name, or the same EFS file system id.
 */
import { encodeMountPoint } from '../host/efs-utils.js';
import { isLoopback } from '../host/judge.js';
import type { HostInventory } from '../host/types.js';
import type { Finding, MountResult } from '../report/schema.js';
import { makeFinding } from './findings.js';
import { mountRemotes } from './mount-flows.js';

const PLAIN_VERDICTS = new Set(['direct-cleartext', 'tunnel-plaintext']);

export function serverKeys(m: MountResult, inv: HostInventory): Set<string> {
  const keys = new Set<string>();
  for (const r of mountRemotes(m)) keys.add(`host:${r.host.toLowerCase()}`);
  if (m.server && !isLoopback(m.server)) keys.add(`host:${m.server.toLowerCase()}`);
  const efs = /^(fs-[0-9a-f]+)\.efs\./i.exec(m.server);
  if (efs) keys.add(`efs:${efs[1].toLowerCase()}`);
  if (m.tunnel && m.localPort !== undefined) {
    const enc = encodeMountPoint(m.mountPoint);
    const state = inv.efsStates.find((s) => s.stem.port === m.localPort && s.stem.encodedMountPoint === enc);
    if (state) keys.add(`efs:${state.stem.fsId.toLowerCase()}`);
  }
  return keys;
}

export function mixedFindings(mounts: MountResult[], inv: HostInventory, tlsVerdicts: Set<string>): Finding[] {
  const keyed = mounts.map((m) => ({ m, keys: serverKeys(m, inv) }));
  const tls = keyed.filter((k) => tlsVerdicts.has(k.m.verdict));
  const out: Finding[] = [];
  for (const plain of keyed.filter((k) => PLAIN_VERDICTS.has(k.m.verdict))) {
    const partners = tls.filter((t) => [...t.keys].some((key) => plain.keys.has(key)));
    if (partners.length === 0) continue;
    const shared = [...new Set(partners.flatMap((t) => [...t.keys].filter((key) => plain.keys.has(key))))]
      .map((k) => k.replace(/^[a-z]+:/, ''))
      .join(', ');
    out.push(
      makeFinding(
        'MIXED',
        `${plain.m.mountPoint} (${plain.m.verdict}) and TLS mount ${partners.map((t) => t.m.mountPoint).join(', ')} reach the same server (${shared})`,
        {
          mount: plain.m.mountPoint,
          sources: [...plain.m.sources, ...partners.flatMap((t) => t.m.sources.slice(0, 1))],
        },
      ),
    );
  }
  return out;
}
