/**
 * Compares wireseal's verdicts (a verify-encryption JSON document) with the generator's ground truth, flow by
 * flow: class, version and cipher suite id must match; NFS operation counts are compared and reported too.
 */
import { readFileSync } from 'node:fs';
import type { FlowResult, ResultDocument } from '../src/report/schema.js';
import type { GroundTruth } from './flows.js';

export interface VerdictMismatch {
  flow: string;
  field: 'missing' | 'class' | 'version' | 'cipherSuiteId';
  expected: string;
  actual: string;
}

export interface VerdictCheck {
  flows: number;
  matched: number;
  mismatches: VerdictMismatch[];
  /** Flows whose NFS operation counts differ (informational: the acceptance is class/version/cipher). */
  opsMismatches: number;
  /** Flows in the output that are not in the ground truth. */
  extra: number;
}

function key(transport: string, c: { ip: string; port: number }, s: { ip: string; port: number }): string {
  return `${transport} ${c.ip}:${c.port} ${s.ip}:${s.port}`;
}

function versionOf(f: FlowResult): string | null {
  return f.tls?.version ?? f.dtls?.version ?? f.rpc?.nfsVersion ?? null;
}

function cipherOf(f: FlowResult): number | null {
  return f.tls?.cipherSuiteId ?? f.dtls?.cipherSuiteId ?? null;
}

function sameOps(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a).filter((k) => a[k]! > 0);
  const kb = Object.keys(b).filter((k) => b[k]! > 0);
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
}

export function checkVerdicts(doc: ResultDocument, truth: readonly GroundTruth[]): VerdictCheck {
  const got = new Map<string, FlowResult>();
  for (const f of doc.flows) got.set(key(f.transport, f.client, f.server), f);
  const mismatches: VerdictMismatch[] = [];
  let matched = 0;
  let opsMismatches = 0;
  let found = 0;
  for (const t of truth) {
    const f = got.get(key(t.transport, t.client, t.server));
    const name = `${t.id} ${key(t.transport, t.client, t.server)}`;
    if (!f) {
      mismatches.push({ flow: name, field: 'missing', expected: t.class, actual: 'no such flow in the output' });
      continue;
    }
    found++;
    const before = mismatches.length;
    if (f.class !== t.class) mismatches.push({ flow: name, field: 'class', expected: t.class, actual: f.class });
    const v = versionOf(f);
    if (v !== t.version)
      mismatches.push({ flow: name, field: 'version', expected: String(t.version), actual: String(v) });
    const c = cipherOf(f);
    if (c !== t.cipherSuiteId) {
      mismatches.push({ flow: name, field: 'cipherSuiteId', expected: String(t.cipherSuiteId), actual: String(c) });
    }
    if (mismatches.length === before) matched++;
    if (!sameOps(f.rpc?.operations ?? {}, t.nfsOps)) opsMismatches++;
  }
  return { flows: truth.length, matched, mismatches, opsMismatches, extra: doc.flows.length - found };
}

export function readResultDocument(path: string): ResultDocument {
  return JSON.parse(readFileSync(path, 'utf8')) as ResultDocument;
}
