/** Human-readable writer: tables of flows, mounts and findings, then a summary. Never prints payload bytes. */
import { basename } from 'node:path';
import Table from 'cli-table3';
import { endpointText as ep, refCapture } from './refs.js';
import type { FlowResult, ResultDocument } from './schema.js';

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

const plain = { head: [] as string[], border: [] as string[], compact: true };

export function flowsTable(flows: FlowResult[], withVerdict: boolean): string {
  const head = withVerdict
    ? ['#', 'capture', 'l4', 'client', 'server', 'class', 'version', 'cipher', 'grade', 'verdict']
    : ['#', 'capture', 'l4', 'client', 'server', 'first seen', 'last seen', 'pkts c>s/s>c', 'bytes c>s/s>c', 'gaps'];
  const t = new Table({ head, style: plain });
  for (const f of flows) {
    const base = [String(f.id), basename(f.capture), f.transport, ep(f.client), ep(f.server)];
    if (withVerdict) t.push([...base, f.class, ...cryptoCells(f), f.verdict]);
    else
      t.push([
        ...base,
        f.firstSeen,
        f.lastSeen,
        `${f.packets.toServer}/${f.packets.toClient}`,
        `${f.bytes.toServer}/${f.bytes.toClient}`,
        f.gaps.toServer + f.gaps.toClient > 0 ? `${f.gaps.toServer}/${f.gaps.toClient}` : '-',
      ]);
  }
  return t.toString();
}

export function writeTable(doc: ResultDocument, out: NodeJS.WritableStream, opts: { verdicts: boolean }): void {
  const lines: string[] = [];
  if (doc.flows.length > 0) lines.push(flowsTable(doc.flows, opts.verdicts));
  else lines.push('no flows');
  if (doc.mounts && doc.mounts.length > 0) {
    const t = new Table({ head: ['mount point', 'server', 'mechanism', 'verdict', 'reason'], style: plain });
    for (const m of doc.mounts) t.push([m.mountPoint, m.server, m.mechanism, m.verdict, m.reason]);
    lines.push('', 'Mounts', t.toString());
  }
  if (doc.findings.length > 0) {
    const t = new Table({
      head: ['severity', 'code', 'finding'],
      style: plain,
      wordWrap: true,
      colWidths: [10, 26, 90],
    });
    for (const x of doc.findings) {
      let text = x.mount && !x.message.startsWith(x.mount) ? `${x.mount}: ${x.message}` : x.message;
      const captures = [...new Set((x.flows ?? []).map((r) => basename(refCapture(r))))];
      if (captures.length > 0) text += ` [${captures.join(', ')}]`;
      t.push([x.severity, x.code, text]);
    }
    lines.push('', 'Findings', t.toString());
  }
  for (const c of doc.captures) {
    if (c.error) lines.push(`error: ${c.error.message}`);
  }
  for (const w of doc.warnings) lines.push(`warning: ${w}`);
  const n = doc.summary.flows;
  const flowsText = `${n} flow${n === 1 ? '' : 's'}`;
  if (opts.verdicts) {
    const byVerdict = Object.entries(doc.summary.byVerdict)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    const m = doc.summary.findings;
    lines.push(
      '',
      `${flowsText} (${byVerdict || 'none'}); ${m} finding${m === 1 ? '' : 's'}; exit ${doc.summary.exitCode}${outcomeText(doc)}`,
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
    return w.verified + w.unproven === 0
      ? ' (inconclusive: no NFS flow on the wire to judge)'
      : ` (inconclusive: ${w.unproven} of ${w.judged} NFS flows on the wire not proven encrypted)`;
  }
  if (o === 'verified')
    return ` (verified: ${w.verified} NFS flow${w.verified === 1 ? '' : 's'} on the wire encrypted)`;
  return ` (${o})`;
}
