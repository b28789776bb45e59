/**
 * JUnit XML writer, for CI systems that show test reports: one test suite per capture, one test case per flow
 * (failed when a finding of severity medium or higher names it), and one suite for host findings.
 */
import { basename } from 'node:path';
import { flowRef } from './refs.js';
import type { Finding, FlowResult, ResultDocument } from './schema.js';

const FAILING = new Set(['critical', 'high', 'medium']);

function esc(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

function flowName(f: FlowResult): string {
  return `${f.transport}.${f.id} ${f.client.ip}:${f.client.port} -> ${f.server.ip}:${f.server.port} ${f.class}`;
}

export function writeJunit(doc: ResultDocument, out: NodeJS.WritableStream): void {
  const byFlow = new Map<string, Finding[]>();
  const hostOnly: Finding[] = [];
  for (const x of doc.findings) {
    if (!x.flows || x.flows.length === 0) hostOnly.push(x);
    for (const r of x.flows ?? []) byFlow.set(r, [...(byFlow.get(r) ?? []), x]);
  }
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites name="wireseal ${esc(doc.command)}" tests="${doc.flows.length + hostOnly.length}">`);
  const captures = new Map<string, FlowResult[]>();
  for (const f of doc.flows) captures.set(f.capture, [...(captures.get(f.capture) ?? []), f]);
  for (const [capture, flows] of captures) {
    const failures = flows.filter((f) => (byFlow.get(flowRef(f)) ?? []).some((x) => FAILING.has(x.severity)));
    lines.push(`  <testsuite name="${esc(basename(capture))}" tests="${flows.length}" failures="${failures.length}">`);
    for (const f of flows) {
      const fs = (byFlow.get(flowRef(f)) ?? []).filter((x) => FAILING.has(x.severity));
      lines.push(`    <testcase classname="${esc(basename(capture))}" name="${esc(flowName(f))}">`);
      for (const x of fs) lines.push(`      <failure type="${esc(x.code)}" message="${esc(x.message)}"/>`);
      lines.push(`      <system-out>${esc(`${f.verdict}: ${f.verdictReason}`)}</system-out>`, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  if (hostOnly.length > 0) {
    const failures = hostOnly.filter((x) => FAILING.has(x.severity)).length;
    lines.push(`  <testsuite name="host" tests="${hostOnly.length}" failures="${failures}">`);
    for (const x of hostOnly) {
      lines.push(`    <testcase classname="host" name="${esc(`${x.code} ${x.mount ?? ''}`.trim())}">`);
      if (FAILING.has(x.severity)) lines.push(`      <failure type="${esc(x.code)}" message="${esc(x.message)}"/>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  out.write(`${lines.join('\n')}\n`);
}
