/**
 * Human-readable writer: tables of flows, mounts and findings (most severe first), then a summary. Fits the
 * terminal width (grid.ts), ASCII when not on a terminal, control characters escaped. Never prints payload bytes.
 */
import { basename } from 'node:path';
import { blindSpotText } from './blind-text.js';
import { type Column, renderGrid } from './grid.js';
import { byCapture } from './group.js';
import { endpointText as ep, flowViaText, refCapture, tunnelEndpointText, viaText } from './refs.js';
import type { Finding, FlowResult, ResultDocument, Severity } from './schema.js';
import { printable } from './text.js';

export interface TableOptions {
  /** verify-encryption: class, crypto and verdict columns; flows: timing and counters. */
  verdicts: boolean;
  /** Width to fit (Infinity: no limit). */
  width: number;
  /** Box-drawing characters (stdout is a terminal) or ASCII. */
  unicode: boolean;
}

function hex4(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

function cryptoCells(f: FlowResult): [string, string, string] {
  const s = f.tls ?? f.dtls;
  if (s) {
    const cipher = s.cipherSuiteId === null ? s.cipherSuite : `${s.cipherSuite} (${hex4(s.cipherSuiteId)})`;
    return [s.version, cipher, s.grade];
  }
  if (f.rpc) return [f.rpc.nfsVersion ?? f.rpc.programs.join(' '), '-', '-'];
  return ['-', '-', '-'];
}

const VERDICT_COLUMNS: Column[] = [
  { title: '#', drop: 0 },
  { title: 'l4', drop: 6 },
  { title: 'client', drop: 0 },
  { title: 'server', drop: 0 },
  { title: 'class', drop: 0 },
  { title: 'version', drop: 4 },
  { title: 'cipher', drop: 2, wrap: true, min: 16 },
  { title: 'grade', drop: 5 },
  { title: 'verdict', drop: 0 },
];

const VIA_COLUMN: Column = { title: 'via', drop: 0, wrap: true, min: 12 };

const FLOW_COLUMNS: Column[] = [
  { title: '#', drop: 0 },
  { title: 'l4', drop: 3 },
  { title: 'client', drop: 0 },
  { title: 'server', drop: 0 },
  { title: 'first seen', drop: 6 },
  { title: 'last seen', drop: 5 },
  { title: 'pkts c>s/s>c', drop: 2 },
  { title: 'bytes c>s/s>c', drop: 1 },
  { title: 'gaps', drop: 4 },
];

/** The flows of one capture as a table (the capture is named above it when there are several). */
export function flowsTable(flows: FlowResult[], o: TableOptions): string {
  // The encapsulation column appears only when a flow came through a tunnel.
  const tunnelled = flows.some((f) => f.via !== undefined || f.viaToClient !== undefined);
  const rows = flows.map((f) => {
    const base = [String(f.id), f.transport, ep(f.client), ep(f.server)];
    if (tunnelled) base.push(flowViaText(f));
    if (o.verdicts) return [...base, f.class, ...cryptoCells(f), f.verdict];
    return [
      ...base,
      f.firstSeen,
      f.lastSeen,
      `${f.packets.toServer}/${f.packets.toClient}`,
      `${f.bytes.toServer}/${f.bytes.toClient}`,
      f.gaps.toServer + f.gaps.toClient > 0 ? `${f.gaps.toServer}/${f.gaps.toClient}` : '-',
    ];
  });
  const cols = o.verdicts ? VERDICT_COLUMNS : FLOW_COLUMNS;
  return renderGrid(tunnelled ? [...cols.slice(0, 4), VIA_COLUMN, ...cols.slice(4)] : cols, rows, o);
}

export const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Findings, most severe first (stable within a severity). */
export function bySeverity(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
}

/** The finding's text as shown to people: mount first, then the captures that show it. */
export function findingText(x: Finding): string {
  let text = x.mount && !x.message.startsWith(x.mount) ? `${x.mount}: ${x.message}` : x.message;
  const captures = [...new Set((x.flows ?? []).map((r) => basename(refCapture(r))))];
  if (captures.length > 0) text += ` [${captures.join(', ')}]`;
  if (x.baseline === 'new') text += ' (new since the baseline)';
  if (x.accepted?.by === 'exception') text += ` (accepted until ${x.accepted.expires}: ${x.accepted.reason})`;
  else if (x.accepted?.by === 'baseline') text += ' (accepted: in the baseline)';
  else if (x.accepted?.by === 'host-config') text += ` (accepted: ${x.accepted.reason})`;
  return text;
}

/** Verdict counts with the tunnel's loopback legs apart from cleartext ("2 encrypted, 1 tunnel-local leg"). */
export function verdictCounts(doc: ResultDocument): string {
  const counts: Record<string, number> = { ...doc.summary.byVerdict };
  const legs = doc.flows.filter((f) => f.class === 'tunnel-local').length;
  if (legs > 0) {
    counts.cleartext = (counts.cleartext ?? 0) - legs;
    if (counts.cleartext === 0) delete counts.cleartext;
  }
  const parts = Object.entries(counts).map(([k, v]) => `${v} ${k}`);
  if (legs > 0)
    parts.push(`${legs} tunnel-local leg${legs === 1 ? '' : 's'} (loopback into a tunnel, not on the wire)`);
  return parts.join(', ');
}

/** " (window SINCE to UNTIL: K of N packets)" when --since/--until cut the capture, else "". */
export function windowNote(doc: ResultDocument, capture: string): string {
  const w = doc.captures.find((c) => c.file === capture)?.timeWindow;
  if (w === undefined) return '';
  const total = w.kept + w.before + w.after;
  return ` (window ${w.since ?? 'start'} to ${w.until ?? 'end'}: ${w.kept} of ${total} packets)`;
}

export function writeTable(doc: ResultDocument, out: NodeJS.WritableStream, o: TableOptions): void {
  const lines: string[] = [];
  for (const [capture, flows] of byCapture(doc.flows)) {
    if (lines.length > 0) lines.push('');
    lines.push(printable(`Capture ${basename(capture)}${windowNote(doc, capture)}`), flowsTable(flows, o));
  }
  if (doc.flows.length === 0) lines.push('no flows');
  if (doc.mounts && doc.mounts.length > 0) {
    const cols: Column[] = [
      { title: 'mount point', drop: 0, wrap: true, min: 12 },
      { title: 'server', drop: 0, wrap: true, min: 12 },
      { title: 'mechanism', drop: 1 },
      { title: 'verdict', drop: 0 },
      { title: 'reason', drop: 2, wrap: true, min: 20 },
    ];
    const rows = doc.mounts.map((m) => [m.mountPoint, m.server, m.mechanism, m.verdict, m.reason]);
    lines.push('', 'Mounts', renderGrid(cols, rows, o));
  }
  if (doc.findings.length > 0) {
    const cols: Column[] = [
      { title: 'severity', drop: 0 },
      { title: 'code', drop: 0 },
      { title: 'finding', drop: 0, wrap: true, min: 20 },
    ];
    const rows = bySeverity(doc.findings).map((x) => [x.severity, x.code, findingText(x)]);
    lines.push('', 'Findings', renderGrid(cols, rows, o));
  }
  const tunnels = doc.captures.flatMap((c) => c.encryptedTunnels ?? []);
  if (tunnels.length > 0) {
    const cols: Column[] = [
      { title: 'tunnel', drop: 0 },
      { title: 'between', drop: 0, wrap: true, min: 16 },
      { title: 'ids', drop: 3 },
      { title: 'pkts', drop: 2 },
      { title: 'bytes', drop: 1 },
      { title: 'via', drop: 4, wrap: true, min: 12 },
    ];
    const rows = tunnels.map((x) => [
      x.type,
      x.a && x.b ? `${tunnelEndpointText(x.a)} <-> ${tunnelEndpointText(x.b)}` : '-',
      x.ids.length > 0 ? String(x.ids.length) : '-',
      String(x.packets),
      String(x.bytes),
      viaText(x.via),
    ]);
    lines.push('', 'Encrypted tunnels (contents not visible)', renderGrid(cols, rows, o));
  }
  const several = doc.captures.length > 1;
  for (const c of doc.captures) {
    const blind = blindSpotText(c.blindSpots);
    if (blind !== null) lines.push(printable(`${several ? `${basename(c.file)}: ` : ''}${blind}`));
  }
  for (const c of doc.captures) {
    if (c.error) lines.push(printable(`error: ${c.error.message}`));
  }
  for (const w of doc.warnings) lines.push(printable(`warning: ${w}`));
  const n = doc.summary.flows;
  const flowsText = `${n} flow${n === 1 ? '' : 's'}`;
  if (o.verdicts) {
    const m = doc.summary.findings;
    lines.push(
      '',
      `${flowsText} (${verdictCounts(doc) || 'none'}); ${m} finding${m === 1 ? '' : 's'}; exit ${doc.summary.exitCode}${outcomeText(doc)}`,
    );
  } else {
    lines.push('', `${flowsText}; exit ${doc.summary.exitCode}`);
  }
  out.write(`${lines.join('\n')}\n`);
}

/** " (inconclusive: 1 of 3 NFS flows on the wire unproven)" and the like, after the exit code. */
function outcomeText(doc: ResultDocument): string {
  const o = doc.summary.outcome;
  const w = doc.summary.wire;
  if (o === undefined || w === undefined) return '';
  if (o === 'inconclusive') {
    const undecoded = w.undecodedNfsPackets ?? 0;
    if (undecoded > 0 && w.unproven === 0 && w.verified > 0)
      return ` (inconclusive: ${undecoded} packet${undecoded === 1 ? '' : 's'} to or from an NFS port could not be decoded)`;
    return w.verified + w.unproven === 0
      ? ' (inconclusive: no NFS flow on the wire to judge)'
      : ` (inconclusive: ${w.unproven} of ${w.judged} NFS flows on the wire not proven encrypted)`;
  }
  if (o === 'verified')
    return ` (verified: ${w.verified} NFS flow${w.verified === 1 ? '' : 's'} on the wire encrypted)`;
  return ` (${o})`;
}
