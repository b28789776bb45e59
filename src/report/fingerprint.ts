/**
 * Stable finding fingerprints, for baselines and SARIF partialFingerprints: made only from what names the same
 * problem across runs — the finding code, the mount point, the server identity, the client addresses and the
 * config files — never from ports, flow ids, frame numbers, capture names or times.
 */
import { createHash } from 'node:crypto';
import { flowRef } from './refs.js';
import type { Finding, FlowResult, ResultDocument } from './schema.js';

export const FINGERPRINT_VERSION = 'v1';

/** The identity parts of a finding (sorted, deduplicated), as text. */
export function identity(x: Finding, flowsByRef: Map<string, FlowResult>): string {
  const servers = new Set<string>();
  const clients = new Set<string>();
  for (const r of x.flows ?? []) {
    const f = flowsByRef.get(r);
    if (!f) continue;
    servers.add(f.server.ip);
    clients.add(f.client.ip);
  }
  const files = new Set((x.sources ?? []).map((s) => s.file));
  const parts = [
    `code=${x.code}`,
    `mount=${x.mount ?? ''}`,
    `servers=${[...servers].sort().join(',')}`,
    `clients=${[...clients].sort().join(',')}`,
    `files=${[...files].sort().join(',')}`,
  ];
  return parts.join('|');
}

export function fingerprintOf(x: Finding, flowsByRef: Map<string, FlowResult>): string {
  const h = createHash('sha256').update(identity(x, flowsByRef)).digest('hex').slice(0, 32);
  return `${FINGERPRINT_VERSION}:${h}`;
}

/** Fingerprints of every finding of a document, in finding order. */
export function fingerprints(doc: ResultDocument): string[] {
  const byRef = new Map(doc.flows.map((f) => [flowRef(f), f]));
  return doc.findings.map((x) => fingerprintOf(x, byRef));
}
