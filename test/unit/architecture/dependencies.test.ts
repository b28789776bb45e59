/**
 * Dependency rules (issue 10): analyzers emit facts and never build report types (src/classify never imports
 * src/report); the flow table hands bytes to whatever analysis its owner's factory makes and never constructs
 * analyzers (src/flow never imports src/classify); decoding and protocol parsing know nothing of flows or policy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function importsOf(dir: string): { file: string; from: string }[] {
  const out: { file: string; from: string }[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.ts')) continue;
    const text = readFileSync(join(dir, name), 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/g))
      out.push({ file: name, from: m[1]! });
    for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push({ file: name, from: m[1]! });
  }
  return out;
}

function offending(dir: string, forbidden: RegExp): string[] {
  return importsOf(dir)
    .filter((i) => forbidden.test(i.from))
    .map((i) => `${dir}/${i.file} imports ${i.from}`);
}

describe('dependency rules', () => {
  it('src/classify never imports src/report', () => {
    expect(importsOf('src/classify').length).toBeGreaterThan(10);
    expect(offending('src/classify', /\/report\//)).toEqual([]);
  });
  it('src/flow never imports src/classify (the flow table constructs no analyzer, it gets a factory)', () => {
    expect(offending('src/flow', /\/classify\//)).toEqual([]);
    for (const name of readdirSync('src/flow').filter((n) => n.endsWith('.ts'))) {
      expect(readFileSync(join('src/flow', name), 'utf8'), name).not.toMatch(
        /new (\w*(Analyzer|Classifier)|(Rpc|Tls|Dtls)Flow)\b/,
      );
    }
    expect(readFileSync('src/flow/flow-table.ts', 'utf8')).toMatch(/analysis\.create\(/);
  });
  it('protocol analyzers are made only by the registry entries (src/classify/builtin-analyzers.ts)', () => {
    // The classifier probes and dispatches through the registry; the engine gets its factory from classifierFactoryFor.
    expect(
      offending('src/classify', /\/(rpc|tls|dtls)-analyzer\.js$/).filter((s) => s.includes('flow-classifier')),
    ).toEqual([]);
    for (const dir of ['src/classify', 'src/engine', 'src/cli', 'src/triage']) {
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
        // The entries, and analyzers that hand bytes to a sub-analyzer (DTLS: cleartext RPC on its 5-tuple).
        if (dir === 'src/classify' && /^(builtin-analyzers|exposure-analyzer|dtls-analyzer)\.ts$/.test(name)) continue;
        expect(readFileSync(join(dir, name), 'utf8'), `${dir}/${name}`).not.toMatch(
          /new (Rpc|Tls|Dtls|Exposure)Analyzer\b/,
        );
      }
    }
  });
  it('verdict reasons and anomalies are facts: src/report/reason-text.ts makes their text', () => {
    for (const name of readdirSync('src/classify').filter((n) => n.endsWith('.ts'))) {
      expect(readFileSync(join('src/classify', name), 'utf8'), name).not.toMatch(/\breason\s*:/);
    }
    expect(readFileSync('src/classify/registry.ts', 'utf8')).toMatch(/\bwhy: FlowReason;/);
    // The verdict rules and the plaintext check build no text at all: their anomalies are AnomalyDetail facts.
    for (const name of ['verdict.ts', 'plaintext-sampler.ts', 'registry.ts', 'flow-classifier.ts']) {
      const code = readFileSync(join('src/classify', name), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      const templates = code.split('\n').filter((l) => l.includes('`') && !/new Error\(`/.test(l));
      expect(templates, name).toEqual([]);
    }
    expect(importsOf('src/engine').some((i) => i.from.endsWith('/report/reason-text.js'))).toBe(true);
  });
  it('evidence entries and TLS walk events are facts: src/report/evidence-text.ts makes their text', () => {
    // A call whose text argument (the last) is a string literal or template: `.add(frame, dir, 'text')`.
    const textCalls = (code: string) =>
      [...code.matchAll(/\.(?:evidence\.add|event|onMalformed|violation|malformedMessage)\(([^;]*?)\);/g)]
        .map((m) => m[1]!.replace(/\s+/g, ' '))
        .filter((args) => /(?:^|,)\s*[`'"]/.test(args.replace(/^'[A-Z0-9-]+',/, '')));
    // The rule catches what it is meant to catch.
    expect(textCalls("this.evidence.add(frame, dir, 'DTLS record header');")).toHaveLength(1);
    expect(textCalls(`this.evidence.add(\n  d.frame,\n  d.dir,\n  \`CALL \${label}\`,\n);`)).toHaveLength(1);
    expect(textCalls(`this.event('CAPTURE-GAP', frame, dir, \`\${n} bytes not captured\`);`)).toHaveLength(1);
    expect(textCalls("this.event('CAPTURE-GAP', frame, dir, { kind: 'capture-gap', bytes: n });")).toEqual([]);
    let calls = 0;
    for (const name of readdirSync('src/classify').filter((n) => n.endsWith('.ts'))) {
      const code = readFileSync(join('src/classify', name), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      calls += (code.match(/\.evidence\.add\(/g) ?? []).length;
      expect(textCalls(code), name).toEqual([]);
      // `text` kinds are for plug-in analyzers of the registry: no built-in one brings its own sentence.
      if (name !== 'facts.ts') expect(code, name).not.toMatch(/kind: 'text'/);
    }
    expect(calls).toBeGreaterThan(40);
    expect(readFileSync('src/classify/analyzer.ts', 'utf8')).toMatch(
      /add\(frame: number, dir: Dir \| undefined, fact: EvidenceFact\)/,
    );
    expect(readFileSync('src/classify/tls-analyzer.ts', 'utf8')).not.toMatch(/\bwhat: string/);
    expect(importsOf('src/engine').some((i) => i.from.endsWith('/report/evidence-text.js'))).toBe(true);
  });
  it('src/protocol and src/decode know nothing of flows, analyzers, policy or reports', () => {
    for (const dir of ['src/protocol', 'src/decode']) {
      expect(offending(dir, /\/(flow|classify|verify|report|engine|cli)\//)).toEqual([]);
    }
  });
  it('src/engine analyses and never judges: no src/verify imports (severities and findings are policy)', () => {
    expect(importsOf('src/engine').length).toBeGreaterThan(5);
    expect(offending('src/engine', /\/verify\//)).toEqual([]);
  });
  it('src/verify reads results, never bytes: no capture, decode, flow or classify imports', () => {
    expect(offending('src/verify', /\/(capture|decode|flow|classify|engine)\//)).toEqual([]);
  });
});
