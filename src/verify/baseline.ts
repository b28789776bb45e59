/**
 * Baselines (issue 16): a previous run's JSON document; each finding of this run is `new` or `unchanged` by its
 * stable fingerprint (src/report/fingerprint.ts: code, mount, server and client addresses, config files — never
 * ports, flow ids or times), and the baseline's findings this run no longer raises are `gone`. With --fail-on new,
 * unchanged findings are accepted (they no longer fail the run; the summary then says "accepted", not "verified").
 */
import { readFileSync } from 'node:fs';
import { fingerprintOf } from '../report/fingerprint.js';
import { flowRef } from '../report/refs.js';
import type { Finding, FlowResult, GoneFinding, ResultDocument } from '../report/schema.js';

export interface Baseline {
  file: string;
  findings: GoneFinding[];
}

export class BaselineError extends Error {}

/** Reads a baseline: a wireseal/result JSON document (any schema version carrying findings). */
export function readBaseline(file: string): Baseline {
  let doc: Partial<ResultDocument>;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as Partial<ResultDocument>;
  } catch (e) {
    throw new BaselineError(`--baseline ${file}: ${(e as Error).message}`);
  }
  if (doc.schema !== 'wireseal/result' || !Array.isArray(doc.findings)) {
    throw new BaselineError(`--baseline ${file}: not a wireseal JSON result (--format json)`);
  }
  const byRef = new Map((doc.flows ?? []).map((f) => [flowRef(f), f]));
  return {
    file,
    findings: doc.findings.map((x) => ({
      code: x.code,
      severity: x.severity,
      fingerprint: x.fingerprint ?? fingerprintOf(x, byRef),
      message: x.message,
    })),
  };
}

export interface BaselineSummary {
  file: string;
  new: number;
  unchanged: number;
  gone: number;
  goneFindings: GoneFinding[];
}

/** Sets `baseline` on each finding (and `accepted` on unchanged ones when failOnNew); returns the counts. */
export function applyBaseline(findings: Finding[], baseline: Baseline, failOnNew: boolean): BaselineSummary {
  const known = new Set(baseline.findings.map((x) => x.fingerprint));
  const seen = new Set<string>();
  let fresh = 0;
  for (const x of findings) {
    const fp = x.fingerprint as string;
    seen.add(fp);
    if (known.has(fp)) {
      x.baseline = 'unchanged';
      if (failOnNew && x.accepted === undefined)
        x.accepted = { by: 'baseline', reason: `in the baseline ${baseline.file}` };
    } else {
      x.baseline = 'new';
      fresh++;
    }
  }
  const gone = baseline.findings.filter((x) => !seen.has(x.fingerprint));
  return { file: baseline.file, new: fresh, unchanged: findings.length - fresh, gone: gone.length, goneFindings: gone };
}

/** Sets each finding's fingerprint. */
export function setFingerprints(findings: Finding[], flows: FlowResult[]): void {
  const byRef = new Map(flows.map((f) => [flowRef(f), f]));
  for (const x of findings) x.fingerprint = fingerprintOf(x, byRef);
}
