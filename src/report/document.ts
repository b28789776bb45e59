/** Builds the one result document that every writer reads. */
import type {
  CaptureResult,
  Finding,
  FlowResult,
  MountResult,
  ResultDocument,
  RunOutcome,
  WireTally,
} from './schema.js';
import { RESULT_SCHEMA_VERSION } from './schema.js';

export const TOOL_VERSION = '0.1.0';

export interface DocumentParts {
  command: string;
  captures: CaptureResult[];
  flows: FlowResult[];
  mounts?: MountResult[];
  findings: Finding[];
  warnings: string[];
  policy?: ResultDocument['policy'];
  exitCode: number;
  wire?: WireTally;
  outcome?: RunOutcome;
  /** Findings accepted by an exception or the baseline (shown only when some were). */
  accepted?: number;
  baseline?: ResultDocument['summary']['baseline'];
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) {
    const k = key(it);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export function buildDocument(p: DocumentParts): ResultDocument {
  const doc: ResultDocument = {
    schema: 'wireseal/result',
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'wireseal', version: TOOL_VERSION },
    generatedAt: new Date().toISOString(),
    command: p.command,
    captures: p.captures,
    flows: p.flows,
    findings: p.findings,
    summary: {
      flows: p.flows.length,
      byClass: countBy(p.flows, (f) => f.class),
      byVerdict: countBy(p.flows, (f) => f.verdict),
      findings: p.findings.length,
      exitCode: p.exitCode,
    },
    warnings: p.warnings,
  };
  if (p.wire) doc.summary.wire = p.wire;
  if (p.outcome) doc.summary.outcome = p.outcome;
  if (p.accepted) doc.summary.accepted = p.accepted;
  if (p.baseline) doc.summary.baseline = p.baseline;
  if (p.policy) doc.policy = p.policy;
  if (p.mounts) doc.mounts = p.mounts;
  return doc;
}
