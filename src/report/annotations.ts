/**
 * GitHub Actions workflow annotations (`::error title=...::message`), written when GITHUB_ACTIONS=true so
 * findings and input errors show on the run's page whatever --format is. Escaped as the runner expects.
 */
import { basename } from 'node:path';
import type { ResultDocument, Severity } from './schema.js';
import { bySeverity, findingText } from './table.js';
import { printable } from './text.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'notice',
  info: 'notice',
};

function data(s: string): string {
  return printable(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function prop(s: string): string {
  return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function annotationLines(doc: ResultDocument): string[] {
  const out: string[] = [];
  for (const c of doc.captures) {
    if (c.error)
      out.push(`::error title=${prop(`wireseal: input error in ${basename(c.file)}`)}::${data(c.error.message)}`);
  }
  for (const x of bySeverity(doc.findings)) {
    out.push(
      `::${x.accepted ? 'notice' : COMMAND[x.severity]} title=${prop(`wireseal ${x.code} (${x.severity})`)}::${data(findingText(x))}`,
    );
  }
  if (doc.summary.exitCode === 4) {
    out.push(
      `::warning title=wireseal inconclusive::${data('nothing was verified: no NFS seen on the wire, or nothing could be proven (exit 4)')}`,
    );
  }
  return out;
}
