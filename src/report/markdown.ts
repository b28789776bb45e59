/**
 * Markdown writer: for $GITHUB_STEP_SUMMARY, merge-request comments and triage reports. The outcome comes first
 * in words (never a green look when nothing was verified), then findings (most severe first), mounts, flows
 * (capped), captures and warnings. Every cell is escaped: no raw HTML, pipes or control characters get through.
 * The helpers (mdText, mdTable) and the sections (outcome, input errors, findings, mounts, warnings) are exported:
 * the triage report (src/triage/report.ts) is written with them, adding its timelines and what to do.
 */
import { basename } from 'node:path';
import { blindSpotText } from './blind-text.js';
import { endpointText as ep } from './refs.js';
import type { Finding, MountResult, ResultDocument } from './schema.js';
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

/**
 * Our own text with `code` spans (remediation steps): text between backticks becomes a code span (control characters
 * escaped; a code span shows HTML and Markdown syntax literally), the rest goes through mdText. With an odd number
 * of backticks (a name carrying one) the whole string is plain escaped text.
 */
export function mdInline(s: string): string {
  const parts = s.split('`');
  if (parts.length % 2 === 0) return mdText(s);
  return parts.map((p, i) => (i % 2 === 0 ? mdText(p) : codeSpan(p))).join('');
}

function codeSpan(s: string): string {
  const text = printable(s);
  if (text === '') return '';
  // A code span's content may start or end with a space only when padded; never with a backtick (none left here).
  return /^ | $/.test(text) ? `\` ${text} \`` : `\`${text}\``;
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

/** The title line: the outcome in words first, never a green look when nothing was verified. */
export function outcomeHeading(command: string, exitCode: number): string {
  return `## wireseal ${mdText(command)}: ${OUTCOME[exitCode] ?? `exit ${exitCode}`} (exit ${exitCode})`;
}

/** Captures that could not be read to the end, with the byte offset of the damage (nothing when none). */
export function inputErrorLines(captures: { file: string; error?: { message: string; offset?: number } }[]): string[] {
  const damaged = captures.filter((c) => c.error);
  if (damaged.length === 0) return [];
  return [
    '',
    '### Input errors',
    '',
    ...mdTable(
      ['capture', 'error', 'byte offset'],
      damaged.map((c) => [basename(c.file), c.error?.message ?? '', String(c.error?.offset ?? '')]),
    ),
  ];
}

/** Findings, most severe first, as one table (nothing when none). */
export function findingLines(findings: Finding[]): string[] {
  if (findings.length === 0) return [];
  return [
    '',
    '### Findings',
    '',
    ...mdTable(
      ['severity', 'code', 'finding'],
      bySeverity(findings).map((x) => [x.severity, x.code, findingText(x)]),
    ),
  ];
}

/** The host's mounts and their verdicts (nothing when no host facts were read). */
export function mountLines(mounts: MountResult[] | undefined): string[] {
  if (!mounts || mounts.length === 0) return [];
  return [
    '',
    '### Mounts',
    '',
    ...mdTable(
      ['mount point', 'server', 'mechanism', 'verdict', 'reason'],
      mounts.map((m) => [m.mountPoint, m.server, m.mechanism, m.verdict, m.reason]),
    ),
  ];
}

export function warningLines(warnings: string[]): string[] {
  if (warnings.length === 0) return [];
  return ['', '### Warnings', '', ...warnings.map((w) => `- ${mdText(w)}`)];
}

export function markdownLines(doc: ResultDocument, o: MarkdownOptions): string[] {
  const lines = [outcomeHeading(doc.command, doc.summary.exitCode), ''];
  const n = doc.summary.flows;
  lines.push(
    `${n} flow${n === 1 ? '' : 's'} (${mdText(verdictCounts(doc) || 'none')}); ${doc.summary.findings} finding${doc.summary.findings === 1 ? '' : 's'}; ${doc.captures.length} capture${doc.captures.length === 1 ? '' : 's'}.`,
  );
  lines.push(...inputErrorLines(doc.captures), ...findingLines(doc.findings), ...mountLines(doc.mounts));
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
  lines.push(...warningLines(doc.warnings));
  return lines;
}

export function writeMarkdown(doc: ResultDocument, out: NodeJS.WritableStream, o: MarkdownOptions): void {
  out.write(`${markdownLines(doc, o).join('\n')}\n`);
}
