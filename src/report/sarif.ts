/**
 * SARIF 2.1.0 writer (code-scanning dashboards): one result per finding, its rule the finding code; locations
 * name the capture (and frame) or the config file and line that show it.
 */
import { refCapture } from './refs.js';
import type { Finding, ResultDocument, Severity } from './schema.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
}

function locations(x: Finding): SarifLocation[] {
  const out: SarifLocation[] = [];
  for (const s of x.sources ?? []) {
    out.push({
      physicalLocation: { artifactLocation: { uri: s.file }, ...(s.line ? { region: { startLine: s.line } } : {}) },
    });
  }
  for (const r of x.flows ?? []) {
    out.push({ physicalLocation: { artifactLocation: { uri: refCapture(r) } } });
  }
  return out;
}

export function writeSarif(doc: ResultDocument, out: NodeJS.WritableStream): void {
  const codes = [...new Set(doc.findings.map((x) => x.code))].sort();
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'wireseal', version: doc.tool.version, rules: codes.map((id) => ({ id })) } },
        results: doc.findings.map((x) => ({
          ruleId: x.code,
          level: LEVEL[x.severity],
          message: { text: x.mount ? `${x.mount}: ${x.message}` : x.message },
          locations: locations(x),
          properties: { severity: x.severity, flows: x.flows ?? [] },
        })),
      },
    ],
  };
  out.write(`${JSON.stringify(sarif, null, 2)}\n`);
}
