/**
 * The triage report: timelines, findings each with its remediation, the mounts and the bundle's facts, as one JSON
 * document (`wireseal/triage` 1.0) and its Markdown rendering (escaped through the Markdown writer's helpers).
 * Machine names (the bundle's hostname) appear only with --reveal.
 */

import type { HostInventory } from '../host/types.js';
import { TOOL_VERSION } from '../report/document.js';
import {
  findingLines,
  inputErrorLines,
  mdInline,
  mdTable,
  mdText,
  mountLines,
  outcomeHeading,
  warningLines,
} from '../report/markdown.js';
import { flowRef } from '../report/refs.js';
import type { CaptureResult, ExposureName, Finding, FlowResult, MountResult } from '../report/schema.js';
import { bySeverity } from '../report/table.js';
import { matchMount, resolveBindings } from '../verify/mount-flows.js';
import { type Remediation, remediationFor } from './remediation.js';
import { buildTimelines, type Exposure, type FlowBinding, type ServerTimeline } from './timeline.js';

export interface TriageFinding extends Finding {
  remediation?: Remediation;
}

export interface TriageDocument {
  schema: 'wireseal/triage';
  schemaVersion: '1.0';
  tool: { name: 'wireseal'; version: string };
  generatedAt: string;
  captures: { file: string; packets: number; error?: string }[];
  bundle?: {
    hostname?: string;
    collectedAt?: string;
    kernel?: string;
    wiresealVersion?: string;
    files: number;
    unreadable: { path: string; reason: string }[];
    processes?: number;
  };
  /**
   * How names appear: keyed hashes (HMAC-SHA256 with a key random for this report, or the one given by
   * --redact-key, so that two reports made with the same key can be matched), or revealed (--reveal).
   */
  names: { shown: 'keyed-hash' | 'revealed'; key: 'random' | 'given' };
  mounts: MountResult[];
  timelines: ServerTimeline[];
  findings: TriageFinding[];
  summary: { exitCode: number; outcome: string; findings: number };
  warnings: string[];
}

export interface TriageInput {
  captures: CaptureResult[];
  flows: FlowResult[];
  host?: { inventory: HostInventory; mounts: MountResult[] };
  findings: Finding[];
  exitCode: number;
  outcome: string;
  warnings: string[];
  reveal: boolean;
  redactKey: 'random' | 'given';
}

export function buildTriage(t: TriageInput): TriageDocument {
  const bindings = new Map<string, FlowBinding>();
  const mfs = (t.host?.mounts ?? []).map((m) => matchMount(m, t.flows, t.host?.inventory));
  resolveBindings(mfs);
  for (const mf of mfs) {
    const m = mf.mount;
    for (const [f, strength] of mf.binding) {
      if (!bindings.has(flowRef(f))) bindings.set(flowRef(f), { mount: m.mountPoint, strength });
    }
  }
  const byRef = new Map(t.flows.map((f) => [flowRef(f), f]));
  const mounts = t.host?.mounts ?? [];
  const findings: TriageFinding[] = t.findings.map((f) => {
    const m = mounts.find((x) => x.mountPoint === f.mount);
    const fl = (f.flows ?? []).map((r) => byRef.get(r)).filter((x): x is FlowResult => x !== undefined);
    const r = remediationFor(f, m, fl);
    return r ? { ...f, remediation: r } : { ...f };
  });
  const state = t.host?.inventory.state;
  const manifest = state?.manifest;
  const doc: TriageDocument = {
    schema: 'wireseal/triage',
    schemaVersion: '1.0',
    tool: { name: 'wireseal', version: TOOL_VERSION },
    generatedAt: new Date().toISOString(),
    captures: t.captures.map((c) => ({
      file: c.file,
      packets: c.packets,
      ...(c.error ? { error: c.error.message } : {}),
    })),
    names: { shown: t.reveal ? 'revealed' : 'keyed-hash', key: t.redactKey },
    mounts,
    timelines: buildTimelines(t.flows, bindings),
    findings,
    summary: { exitCode: t.exitCode, outcome: t.outcome, findings: findings.length },
    warnings: t.warnings,
  };
  if (t.host) {
    doc.bundle = {
      ...(manifest?.hostname && t.reveal ? { hostname: manifest.hostname } : {}),
      ...(manifest ? { collectedAt: manifest.collectedAt, wiresealVersion: manifest.wiresealVersion } : {}),
      ...(manifest?.kernel ? { kernel: manifest.kernel } : {}),
      files: manifest?.files.length ?? t.host.inventory.files.length,
      unreadable: manifest?.unreadable ?? [],
      ...(state?.processes ? { processes: state.processes.length } : {}),
    };
  }
  return doc;
}

/** Formats an ISO UTC time for display in a time zone (the JSON keeps UTC). */
export function displayTime(iso: string, tz: string | undefined): string {
  if (!tz || iso === '') return iso;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(ms));
  const p = (k: string) => parts.find((x) => x.type === k)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')} ${p('timeZoneName')}`;
}

/** Names listed per segment in Markdown (the JSON has them all, up to the per-flow cap). */
const NAMES_SHOWN = 20;

function nameText(n: ExposureName): string {
  const what = n.name !== undefined ? `"${n.name}"` : `name ${n.hash}`;
  return `${what} (${n.length} bytes${n.ops ? `, ${n.ops.join('/')}` : ''})`;
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/** The exposure of one cleartext segment as Markdown list items (names as keyed hashes unless revealed). */
export function exposureLines(e: Exposure, from: string, to: string): string[] {
  const out: string[] = [];
  const ops = e.operations.map((o) => `${o.op}x${o.calls}`).join(', ') || 'no operation decoded';
  out.push(
    `- Exposed ${mdText(from)} to ${mdText(to)}, frames ${mdText(`${e.firstFrame.capture}#${e.firstFrame.frame}`)} to ${mdText(`${e.lastFrame.capture}#${e.lastFrame.frame}`)}:`,
  );
  if (e.read && e.write) {
    out.push(
      `  - file data: READ ${plural(e.read.bytes, 'byte')} in ${plural(e.read.replies, 'reply')}, WRITE ${plural(e.write.bytes, 'byte')} in ${plural(e.write.calls, 'call')}`.replace(
        /replys/g,
        'replies',
      ),
    );
  }
  out.push(`  - operations: ${mdText(ops)}`);
  if (e.names) {
    const shown = e.names.slice(0, NAMES_SHOWN).map(nameText).join(', ');
    const more = e.names.length - Math.min(e.names.length, NAMES_SHOWN) + (e.namesDropped ?? 0);
    out.push(
      `  - names seen: ${e.names.length === 0 ? 'none' : mdText(shown)}${more > 0 ? mdText(`, and ${more} more`) : ''}`,
    );
  }
  if (e.authSys && e.authSys.length > 0) {
    const ids = e.authSys.map((i) => `uid ${i.uid} gid ${i.gid} machine ${nameText(i.machine)}`).join('; ');
    out.push(`  - AUTH_SYS: ${mdText(ids)}`);
  }
  out.push(`  - credentials: ${mdText(e.credentials.join(', ') || 'none seen')}`);
  out.push(
    `  - ${e.payloadToServer} payload bytes to the server, ${e.payloadToClient} to the client${e.calls !== undefined ? `; ${plural(e.calls, 'NFS call')}, ${e.matchedReplies} matched to their reply, ${e.unansweredCalls} without a reply in the capture` : ''}`,
  );
  if (e.partialMessages || e.unreadMessages) {
    out.push(
      `  - not fully read: ${e.partialMessages ?? 0} messages in part (names past 64 KiB or a gap unseen), ${e.unreadMessages ?? 0} not at all`,
    );
  }
  return out;
}

/**
 * The triage report in Markdown, written with the Markdown writer's sections (outcome, input errors, findings,
 * mounts, warnings: src/report/markdown.ts) plus what only triage has: what to do per finding, and the timelines
 * with the exposure of each cleartext segment. Times in UTC unless `tz` is given.
 */
export function triageMarkdown(doc: TriageDocument, tz?: string): string[] {
  const t = (s: string) => displayTime(s, tz);
  const out: string[] = [outcomeHeading('triage', doc.summary.exitCode), ''];
  const n = doc.findings.length;
  out.push(
    `${n} finding${n === 1 ? '' : 's'}; ${doc.timelines.length} server${doc.timelines.length === 1 ? '' : 's'} in the timelines; ${doc.captures.length} capture${doc.captures.length === 1 ? '' : 's'}; names ${doc.names.shown === 'revealed' ? 'revealed' : `as keyed hashes (${doc.names.key} key)`}.`,
  );
  if (doc.bundle) {
    const b = doc.bundle;
    const bits = [
      b.collectedAt ? `collected ${t(b.collectedAt)}` : 'no manifest (an old or hand-made bundle)',
      b.kernel ? `kernel ${b.kernel}` : '',
      `${b.files} files`,
      b.processes !== undefined ? `${b.processes} tunnel processes` : 'no process list',
      b.hostname ? `host ${b.hostname}` : '',
    ].filter((x) => x !== '');
    out.push('', `Bundle: ${mdText(bits.join(', '))}.`);
  }
  out.push(
    ...inputErrorLines(
      doc.captures.map((c) => ({ file: c.file, ...(c.error ? { error: { message: c.error } } : {}) })),
    ),
  );
  out.push(...findingLines(doc.findings));
  const todo = (bySeverity(doc.findings) as TriageFinding[]).filter((f) => f.remediation);
  if (todo.length > 0) out.push('', '### What to do');
  for (const f of todo) {
    const r = f.remediation!;
    out.push(
      '',
      `#### ${mdText(f.severity.toUpperCase())} ${mdText(f.code)}${f.mount ? ` (${mdText(f.mount)})` : ''}`,
      '',
    );
    out.push(`For ${mdText(r.mechanism)}:`, '');
    for (const s of r.steps) out.push(`- ${mdInline(s)}`);
  }
  out.push(...mountLines(doc.mounts), '', '### Timelines', '');
  if (doc.timelines.length === 0) out.push('No NFS traffic off loopback in the captures.');
  for (const tl of doc.timelines) {
    out.push(
      `#### Server ${mdText(tl.server)}${tl.mounts.length ? ` (mounts: ${mdText(tl.mounts.join(', '))})` : ''}`,
      '',
    );
    const rows = tl.segments.map((s) => [
      t(s.from),
      t(s.to),
      s.protection,
      s.verdict,
      s.mount ? `${s.mount} (${s.binding})` : '',
      s.clients.join(', '),
      String(s.flows.length),
    ]);
    out.push(...mdTable(['from', 'to', 'protection', 'verdict', 'mount (binding)', 'clients', 'flows'], rows));
    const exposed = tl.segments.flatMap((s) => (s.exposure ? exposureLines(s.exposure, t(s.from), t(s.to)) : []));
    if (exposed.length > 0) out.push('', ...exposed);
    out.push('');
  }
  out.push(...warningLines(doc.warnings));
  return out;
}
