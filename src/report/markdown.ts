/**
 * Markdown writer: for $GITHUB_STEP_SUMMARY, merge-request comments and triage reports. The outcome comes first
 * in words (never a green look when nothing was verified), then findings (most severe first), mounts, flows
 * (capped), captures and warnings. Every cell is escaped: no raw HTML, pipes or control characters get through.
 * The helpers (mdText, mdTable) are exported for other Markdown reports.
 */
import { basename } from 'node:path';
import { blindSpotText } from './blind-text.js';
import { endpointText as ep } from './refs.js';
import type { ResultDocument } from './schema.js';
import { bySeverity, findingText, verdictCounts } from './table.js';
import { printable } from './text.js';

/** Text safe inside Markdown (and a table cell): control characters escaped, HTML and Markdown syntax neutralised. */
export function mdText(s: string): string {
  return printable(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1');
}

/** A Markdown table; cells are escaped here. */
export function mdTable(head: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.map(mdText).join(' | ')} |`;
  return [line(head), `|${head.map(() => ' --- ').join('|')}|`, ...rows.map(line)];
}

export interface MarkdownOptions {
  /** Flows listed at most (the rest are counted). */
  maxFlows: number;
}

const OUTCOME: Record<number, string> = {
  0: 'PASSED: verified, NFS traffic seen and every NFS-relevant flow proven encrypted',
  1: 'FAILED: findings at or above the failing severity',
  2: 'ERROR: usage or configuration error',
  3: 'ERROR: unreadable or damaged input, the run did not see everything it was given',
  4: 'INCONCLUSIVE: nothing was verified (no NFS seen, or nothing could be proven)',
};

export function markdownLines(doc: ResultDocument, o: MarkdownOptions): string[] {
  const code = doc.summary.exitCode;
  const lines = [`## wireseal ${mdText(doc.command)}: ${OUTCOME[code] ?? `exit ${code}`} (exit ${code})`, ''];
  const n = doc.summary.flows;
  lines.push(
    `${n} flow${n === 1 ? '' : 's'} (${mdText(verdictCounts(doc) || 'none')}); ${doc.summary.findings} finding${doc.summary.findings === 1 ? '' : 's'}; ${doc.captures.length} capture${doc.captures.length === 1 ? '' : 's'}.`,
  );
  const damaged = doc.captures.filter((c) => c.error);
  if (damaged.length > 0) {
    lines.push('', '### Input errors', '');
    lines.push(
      ...mdTable(
        ['capture', 'error', 'byte offset'],
        damaged.map((c) => [basename(c.file), c.error?.message ?? '', String(c.error?.offset ?? '')]),
      ),
    );
  }
  if (doc.findings.length > 0) {
    lines.push('', '### Findings', '');
    lines.push(
      ...mdTable(
        ['severity', 'code', 'finding'],
        bySeverity(doc.findings).map((x) => [x.severity, x.code, findingText(x)]),
      ),
    );
  }
  if (doc.mounts && doc.mounts.length > 0) {
    lines.push('', '### Mounts', '');
    lines.push(
      ...mdTable(
        ['mount point', 'server', 'mechanism', 'verdict', 'reason'],
        doc.mounts.map((m) => [m.mountPoint, m.server, m.mechanism, m.verdict, m.reason]),
      ),
    );
  }
  if (doc.flows.length > 0) {
    lines.push('', '### Flows', '');
    const shown = doc.flows.slice(0, o.maxFlows);
    lines.push(
      ...mdTable(
        ['capture', 'flow', 'client', 'server', 'class', 'protection', 'verdict'],
        shown.map((f) => {
          const s = f.tls ?? f.dtls;
          const prot = s ? `${s.version} ${s.cipherSuite}` : (f.rpc?.nfsVersion ?? f.rpc?.programs.join(' ') ?? '-');
          return [basename(f.capture), `${f.transport}.${f.id}`, ep(f.client), ep(f.server), f.class, prot, f.verdict];
        }),
      ),
    );
    if (doc.flows.length > shown.length)
      lines.push('', `${doc.flows.length - shown.length} more flows not shown (see the JSON report).`);
  }
  const blind = doc.captures.flatMap((c) => {
    const t = blindSpotText(c.blindSpots);
    return t === null ? [] : [[basename(c.file), t]];
  });
  if (blind.length > 0) {
    lines.push('', '### Not decoded', '');
    lines.push(...mdTable(['capture', 'packets and bytes not decoded, by reason'], blind));
  }
  if (doc.warnings.length > 0) {
    lines.push('', '### Warnings', '', ...doc.warnings.map((w) => `- ${mdText(w)}`));
  }
  return lines;
}

export function writeMarkdown(doc: ResultDocument, out: NodeJS.WritableStream, o: MarkdownOptions): void {
  out.write(`${markdownLines(doc, o).join('\n')}\n`);
}
