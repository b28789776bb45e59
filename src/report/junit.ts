/**
 * JUnit XML writer for CI test reports (validated against the Jenkins xUnit plugin's junit-10.xsd). Never green
 * by omission: each capture is a test case of its own (an `<error>` when it was unreadable or damaged), each
 * listed flow is a test case (failed when a failing finding names it), host findings have their own suite, and
 * verify-encryption ends with one "verdict" case carrying the run's outcome: passed only on exit 0, an error on
 * damaged input (3), a failure on findings (1), and for an inconclusive run (4) a failure or a skipped case as
 * the policy says.
 */
import { basename } from 'node:path';
import { failsRun } from './failing.js';
import { addTo, byCapture } from './group.js';
import { flowRef } from './refs.js';
import type { Finding, FlowResult, ResultDocument } from './schema.js';
import { bySeverity, findingText } from './table.js';

export interface JunitOptions {
  /** How an inconclusive run (exit 4) shows: a failed case (default) or a skipped one. */
  inconclusive: 'fail' | 'skip';
}

/** XML attribute/text escaping; characters XML 1.0 cannot carry at all are shown as \xHH. */
export function xmlEsc(s: string): string {
  return s
    .replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g,
      (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
    );
}

function flowName(f: FlowResult): string {
  return `${f.transport}.${f.id} ${f.client.ip}:${f.client.port} -> ${f.server.ip}:${f.server.port} ${f.class}`;
}

interface Case {
  classname: string;
  name: string;
  outcome?: { kind: 'failure' | 'error' | 'skipped'; type: string; message: string }[];
  out?: string;
}

interface Suite {
  name: string;
  cases: Case[];
}

function suiteXml(s: Suite): string[] {
  const count = (k: string) => s.cases.filter((c) => c.outcome?.some((o) => o.kind === k)).length;
  const lines = [
    `  <testsuite name="${xmlEsc(s.name)}" tests="${s.cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}">`,
  ];
  for (const c of s.cases) {
    lines.push(`    <testcase classname="${xmlEsc(c.classname)}" name="${xmlEsc(c.name)}">`);
    for (const o of c.outcome ?? []) {
      lines.push(`      <${o.kind} type="${xmlEsc(o.type)}" message="${xmlEsc(o.message)}"/>`);
    }
    if (c.out !== undefined) lines.push(`      <system-out>${xmlEsc(c.out)}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  return lines;
}

const VERDICT_TEXT: Record<number, string> = {
  0: 'verified: NFS traffic seen and every NFS-relevant flow proven encrypted',
  1: 'findings at or above the failing severity',
  2: 'usage or configuration error',
  3: 'unreadable or damaged input: the run did not see everything it was given',
  4: 'inconclusive: nothing proven encrypted and nothing proven violating',
};

function verdictCase(doc: ResultDocument, o: JunitOptions): Case {
  const code = doc.summary.exitCode;
  const message = `exit ${code}: ${VERDICT_TEXT[code] ?? 'unknown exit code'}`;
  const c: Case = { classname: 'wireseal', name: 'NFS traffic verified encrypted', out: message };
  if (code === 3) c.outcome = [{ kind: 'error', type: 'INPUT-ERROR', message }];
  else if (code === 4)
    c.outcome = [{ kind: o.inconclusive === 'skip' ? 'skipped' : 'failure', type: 'INCONCLUSIVE', message }];
  else if (code !== 0) c.outcome = [{ kind: 'failure', type: code === 1 ? 'FINDINGS' : 'ERROR', message }];
  return c;
}

export function buildSuites(doc: ResultDocument, o: JunitOptions): Suite[] {
  const byFlow = new Map<string, Finding[]>();
  const hostOnly: Finding[] = [];
  for (const x of bySeverity(doc.findings)) {
    if (!x.flows || x.flows.length === 0) hostOnly.push(x);
    for (const r of x.flows ?? []) addTo(byFlow, r, x);
  }
  const suites: Suite[] = [];
  const flowsOf = byCapture(doc.flows);
  const names = new Set([...doc.captures.map((c) => c.file), ...flowsOf.keys()]);
  for (const file of names) {
    const capture = doc.captures.find((c) => c.file === file);
    const classname = basename(file);
    const cases: Case[] = [];
    if (capture) {
      const read: Case = {
        classname,
        name: 'capture read completely',
        out: `${capture.packets} packets (${capture.format})`,
      };
      if (capture.error) {
        read.outcome = [
          { kind: 'error', type: `INPUT-${capture.error.kind}`.toUpperCase(), message: capture.error.message },
        ];
      }
      cases.push(read);
    }
    for (const f of flowsOf.get(file) ?? []) {
      const failing = (byFlow.get(flowRef(f)) ?? []).filter((x) => failsRun(doc, x));
      cases.push({
        classname,
        name: flowName(f),
        outcome: failing.map((x) => ({ kind: 'failure' as const, type: x.code, message: findingText(x) })),
        out: `${f.verdict}: ${f.verdictReason}`,
      });
    }
    suites.push({ name: classname, cases });
  }
  if (hostOnly.length > 0) {
    suites.push({
      name: 'host',
      cases: hostOnly.map((x) => ({
        classname: 'host',
        name: `${x.code} ${x.mount ?? ''}`.trim(),
        outcome: failsRun(doc, x) ? [{ kind: 'failure' as const, type: x.code, message: findingText(x) }] : [],
        out: `${x.severity}: ${findingText(x)}`,
      })),
    });
  }
  if (doc.command === 'verify-encryption') suites.push({ name: 'verdict', cases: [verdictCase(doc, o)] });
  return suites;
}

export function writeJunit(doc: ResultDocument, out: NodeJS.WritableStream, o: JunitOptions): void {
  const suites = buildSuites(doc, o);
  const all = suites.flatMap((s) => s.cases);
  const count = (k: string) => all.filter((c) => c.outcome?.some((x) => x.kind === k)).length;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(
    `<testsuites name="wireseal ${xmlEsc(doc.command)}" tests="${all.length}" failures="${count('failure')}" errors="${count('error')}">`,
  );
  for (const s of suites) lines.push(...suiteXml(s));
  lines.push('</testsuites>');
  out.write(`${lines.join('\n')}\n`);
}
