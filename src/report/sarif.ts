/**
 * SARIF 2.1.0 writer for code-scanning views (validated against the OASIS schema in the tests). One rule per
 * finding code with its title, meaning, remediation (`help`), tags and `security-severity`; one result per finding
 * with one location per distinct artifact (the capture, the config file and line), URIs relative to
 * `originalUriBaseIds` where they can be, and `partialFingerprints` from the finding's stable identity.
 * The invocation tells whether the run saw everything: a damaged or unreadable capture makes
 * `executionSuccessful` false with a notification naming the file and byte offset; an inconclusive run says so.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fingerprintOf } from './fingerprint.js';
import { flowRef, refCapture } from './refs.js';
import { ruleText, SECURITY_SEVERITY } from './rule-text.js';
import type { Finding, ResultDocument, Severity } from './schema.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

export interface SarifOptions {
  /** Directory relative capture paths are resolved against (the working directory). */
  cwd: string;
  /** Host root of --host-root/--local, when config files are cited. */
  hostRoot?: string;
}

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

interface SarifLocation {
  physicalLocation: { artifactLocation: ArtifactLocation; region?: { startLine?: number; byteOffset?: number } };
}

/** "captures/a.pcap" under the working directory -> {uri, uriBaseId: CAPTUREROOT}; elsewhere an absolute file URI. */
function captureLocation(file: string, o: SarifOptions): ArtifactLocation {
  if (file === '-' || file.startsWith('live:')) return { uri: encodeURI(file === '-' ? 'stdin' : file) };
  const abs = resolve(o.cwd, file);
  const rel = relative(o.cwd, abs);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) {
    return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: 'CAPTUREROOT' };
  }
  return { uri: pathToFileURL(abs).href };
}

/** A host path as on the inspected host ("/etc/fstab") -> relative to HOSTROOT. */
function hostLocation(file: string): ArtifactLocation {
  return { uri: file.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/'), uriBaseId: 'HOSTROOT' };
}

function locations(x: Finding, o: SarifOptions): SarifLocation[] {
  const out: SarifLocation[] = [];
  const seen = new Set<string>();
  const add = (loc: SarifLocation) => {
    const key = JSON.stringify(loc);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(loc);
    }
  };
  for (const s of x.sources ?? []) {
    add({
      physicalLocation: {
        artifactLocation: hostLocation(s.file),
        ...(s.line ? { region: { startLine: s.line } } : {}),
      },
    });
  }
  for (const c of new Set((x.flows ?? []).map(refCapture))) {
    add({ physicalLocation: { artifactLocation: captureLocation(c, o) } });
  }
  return out;
}

/** "CLEARTEXT-NFS" -> "CleartextNfs" (SARIF rule names are identifiers). */
function ruleName(code: string): string {
  return code
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

const EXIT_TEXT: Record<number, string> = {
  0: 'verified: NFS seen on the wire and every NFS-relevant flow proven encrypted',
  1: 'findings at or above the failing severity',
  3: 'unreadable or damaged input',
  4: 'inconclusive: nothing to judge, or something unproven and nothing proven violating',
};

export function buildSarif(doc: ResultDocument, o: SarifOptions) {
  const codes = [...new Set(doc.findings.map((x) => x.code))].sort();
  const worst = new Map<string, Severity>();
  const order: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
  for (const x of doc.findings) {
    const w = worst.get(x.code);
    if (!w || order.indexOf(x.severity) < order.indexOf(w)) worst.set(x.code, x.severity);
  }
  const rules = codes.map((id) => {
    const t = ruleText(id);
    const sev = worst.get(id) ?? 'info';
    return {
      id,
      name: ruleName(id),
      shortDescription: { text: t.title },
      fullDescription: { text: t.meaning },
      help: { text: t.fix, markdown: `**${t.title}.** ${t.meaning}\n\nRemediation: ${t.fix}` },
      defaultConfiguration: { level: LEVEL[sev] },
      properties: { tags: ['security', 'nfs', ...(t.tags ?? [])], 'security-severity': SECURITY_SEVERITY[sev] },
    };
  });
  const byRef = new Map(doc.flows.map((f) => [flowRef(f), f]));
  const results = doc.findings.map((x) => ({
    ruleId: x.code,
    ruleIndex: codes.indexOf(x.code),
    level: LEVEL[x.severity],
    message: { text: x.mount && !x.message.startsWith(x.mount) ? `${x.mount}: ${x.message}` : x.message },
    locations: locations(x, o),
    partialFingerprints: { 'wiresealIdentity/v1': x.fingerprint ?? fingerprintOf(x, byRef) },
    ...(x.baseline ? { baselineState: x.baseline === 'new' ? 'new' : 'unchanged' } : {}),
    ...(x.accepted
      ? {
          suppressions: [
            {
              kind: 'external',
              justification:
                x.accepted.by === 'exception'
                  ? `policy exception until ${x.accepted.expires}: ${x.accepted.reason}`
                  : x.accepted.reason,
            },
          ],
        }
      : {}),
    properties: { severity: x.severity, flows: x.flows ?? [] },
  }));
  const notifications: object[] = [];
  for (const c of doc.captures) {
    if (!c.error) continue;
    notifications.push({
      level: 'error',
      message: { text: c.error.message },
      descriptor: { id: `INPUT-${c.error.kind.toUpperCase()}` },
      locations: [
        { physicalLocation: { artifactLocation: captureLocation(c.file, o), region: { byteOffset: c.error.offset } } },
      ],
    });
  }
  for (const w of doc.warnings) notifications.push({ level: 'warning', message: { text: w } });
  const exitCode = doc.summary.exitCode;
  if (exitCode === 4)
    notifications.push({ level: 'warning', message: { text: `inconclusive (exit 4): ${EXIT_TEXT[4]}` } });
  const invocation = {
    executionSuccessful: exitCode !== 2 && exitCode !== 3,
    exitCode,
    exitCodeDescription: EXIT_TEXT[exitCode] ?? 'usage or configuration error',
    ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
  };
  const baseIds: Record<string, { uri: string; description: { text: string } }> = {
    CAPTUREROOT: {
      uri: pathToFileURL(o.cwd.endsWith(sep) ? o.cwd : `${o.cwd}${sep}`).href,
      description: { text: 'directory the capture paths are relative to' },
    },
  };
  const hostRoot = o.hostRoot ?? (doc.findings.some((x) => (x.sources ?? []).length > 0) ? '/' : undefined);
  if (hostRoot !== undefined) {
    const root = resolve(hostRoot);
    baseIds.HOSTROOT = {
      uri: pathToFileURL(root.endsWith(sep) ? root : `${root}${sep}`).href,
      description: { text: 'root of the inspected host (or evidence bundle)' },
    };
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0' as const,
    runs: [
      {
        tool: { driver: { name: 'wireseal', version: doc.tool.version, semanticVersion: doc.tool.version, rules } },
        invocations: [invocation],
        originalUriBaseIds: baseIds,
        results,
        properties: { command: doc.command, schemaVersion: doc.schemaVersion, summary: doc.summary },
      },
    ],
  };
}

export function writeSarif(doc: ResultDocument, out: NodeJS.WritableStream, o: SarifOptions): void {
  out.write(`${JSON.stringify(buildSarif(doc, o), null, 2)}\n`);
}
