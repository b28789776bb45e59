/**
 * Compares wireseal's verdicts (a verify-encryption JSON document) with the generator's ground truth, flow by
 * flow: verdict and the finding codes that name the flow must match; so must class, version and cipher suite id,
 * except on planted flows (cleartext after a handshake or a gap), which only a whole-stream walk catches and whose
 * verdict and findings are what counts. NFS operation counts are compared and reported too. A ground-truth line
 * with a `count` (the SYN flood) is checked by totals: the flows must be counted, listed or not.
 */
import { readFileSync } from 'node:fs';
import type { FlowResult, ResultDocument } from '../src/report/schema.js';
import type { GroundTruth } from './flows.js';

export interface VerdictMismatch {
  flow: string;
  field: 'missing' | 'class' | 'version' | 'cipherSuiteId' | 'verdict' | 'findings' | 'flows';
  expected: string;
  actual: string;
}

export interface VerdictCheck {
  /** Flows in the ground truth (counted lines count their flows). */
  flows: number;
  /** Flows checked one by one. */
  checked: number;
  matched: number;
  mismatches: VerdictMismatch[];
  /** Planted late-cleartext flows, and how many of them came out cleartext with their findings. */
  planted: number;
  plantedCaught: number;
  /** Flows whose NFS operation counts differ (informational). */
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

/** Finding codes by flow reference ("<capture>#tcp.3"). */
function codesByFlow(doc: ResultDocument): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const x of doc.findings) {
    for (const ref of x.flows ?? []) {
      const s = m.get(ref) ?? new Set<string>();
      s.add(x.code);
      m.set(ref, s);
    }
  }
  return m;
}

export function checkVerdicts(doc: ResultDocument, truth: readonly GroundTruth[]): VerdictCheck {
  const got = new Map<string, FlowResult>();
  for (const f of doc.flows) got.set(key(f.transport, f.client, f.server), f);
  const codes = codesByFlow(doc);
  const mismatches: VerdictMismatch[] = [];
  const r: VerdictCheck = {
    flows: 0,
    checked: 0,
    matched: 0,
    mismatches,
    planted: 0,
    plantedCaught: 0,
    opsMismatches: 0,
    extra: 0,
  };
  let found = 0;
  for (const t of truth) {
    r.flows += t.count ?? 1;
    if (t.count !== undefined) continue;
    r.checked++;
    if (t.planted) r.planted++;
    const f = got.get(key(t.transport, t.client, t.server));
    const name = `${t.id} ${key(t.transport, t.client, t.server)}${t.planted ? ` (planted: cleartext ${t.planted})` : ''}`;
    if (!f) {
      mismatches.push({ flow: name, field: 'missing', expected: t.verdict, actual: 'no such flow in the output' });
      continue;
    }
    found++;
    const before = mismatches.length;
    const miss = (field: VerdictMismatch['field'], expected: unknown, actual: unknown): void => {
      if (expected !== actual)
        mismatches.push({ flow: name, field, expected: String(expected), actual: String(actual) });
    };
    miss('verdict', t.verdict, f.verdict);
    miss(
      'findings',
      t.findings.join(','),
      [...(codes.get(`${f.capture}#${f.transport}.${f.id}`) ?? [])].sort().join(','),
    );
    if (t.planted) {
      if (mismatches.length === before && f.verdict === 'cleartext') r.plantedCaught++;
    } else {
      miss('class', t.class, f.class);
      miss('version', t.version, versionOf(f));
      miss('cipherSuiteId', t.cipherSuiteId, cipherOf(f));
    }
    if (mismatches.length === before) r.matched++;
    if (!sameOps(f.rpc?.operations ?? {}, t.nfsOps)) r.opsMismatches++;
  }
  r.extra = doc.flows.length - found;
  const total = doc.captures.reduce((s, c) => s + c.flowsTotal, 0);
  if (truth.some((t) => t.count !== undefined) && total !== r.flows) {
    mismatches.push({ flow: 'all', field: 'flows', expected: String(r.flows), actual: String(total) });
  }
  return r;
}

export function readResultDocument(path: string): ResultDocument {
  return JSON.parse(readFileSync(path, 'utf8')) as ResultDocument;
}
