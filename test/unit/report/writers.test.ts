import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildDocument } from '../../../src/report/document.js';
import type { FlowResult } from '../../../src/report/schema.js';
import { writeDocument } from '../../../src/report/write.js';

async function capture(fn: (out: Writable) => Promise<void> | void): Promise<string> {
  let s = '';
  const out = new Writable({
    write(chunk, _enc, cb) {
      s += String(chunk);
      cb();
    },
  });
  await fn(out);
  return s;
}

const flow = (id: number, cls: FlowResult['class'], verdict: FlowResult['verdict']): FlowResult => ({
  id,
  capture: 'dir/a.pcap',
  transport: 'tcp',
  client: { ip: '10.0.0.1', port: 700 + id },
  server: { ip: '10.0.0.2', port: 2049 },
  orientation: 'syn',
  firstSeen: '',
  lastSeen: '',
  firstFrame: id + 1,
  lastFrame: id + 1,
  packets: { total: 1, toServer: 1, toClient: 0 },
  bytes: { total: 60, toServer: 60, toClient: 0 },
  payload: { total: 0, toServer: 0, toClient: 0 },
  gaps: { toServer: 0, toClient: 0 },
  nfsRelevant: true,
  loopback: false,
  class: cls,
  verdict,
  verdictReason: 'r<&>',
  evidence: [],
});

const doc = buildDocument({
  command: 'verify-encryption',
  captures: [],
  flows: [flow(0, 'nfs-cleartext', 'cleartext'), flow(1, 'tls', 'encrypted')],
  findings: [
    { code: 'CLEARTEXT-NFS', severity: 'high', message: 'NFSv4 <in the clear>', flows: ['dir/a.pcap#tcp.0'] },
    {
      code: 'MIXED',
      severity: 'medium',
      message: 'two mounts',
      mount: '/mnt/x',
      sources: [{ file: '/proc/mounts', line: 3 }],
    },
  ],
  warnings: [],
  exitCode: 1,
});

describe('writers over the one document', () => {
  it('JUnit: a case per capture and per flow, failed when a failing finding names it; host suite; verdict case', async () => {
    const xml = await capture((o) => writeDocument(doc, 'junit', o, {}));
    expect(xml).toContain('<testsuite name="a.pcap" tests="2" failures="1" errors="0" skipped="0">');
    expect(xml).toContain('<failure type="CLEARTEXT-NFS" message="NFSv4 &#60;in the clear&#62; [a.pcap]"/>');
    expect(xml).toContain('<testsuite name="host" tests="1" failures="1" errors="0" skipped="0">');
    expect(xml).toContain('<testsuite name="verdict" tests="1" failures="1" errors="0" skipped="0">');
    expect(xml).toContain('<failure type="FINDINGS" message="exit 1: findings at or above the failing severity"/>');
    expect(xml).toMatch(/<testsuites name="wireseal verify-encryption" tests="4" failures="3" errors="0">/);
    expect(xml).not.toMatch(/<in the clear>/);
  });
  it('SARIF: a rule per code with help and security-severity; a result per finding with relative locations', async () => {
    const sarif = JSON.parse(await capture((o) => writeDocument(doc, 'sarif', o, { cwd: '/work/x' })));
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['CLEARTEXT-NFS', 'MIXED']);
    expect(run.tool.driver.rules[0]).toMatchObject({
      name: 'CleartextNfs',
      shortDescription: { text: 'NFS in the clear on the wire' },
      defaultConfiguration: { level: 'error' },
      properties: { 'security-severity': '8.0', tags: ['security', 'nfs', 'cleartext'] },
    });
    const results = run.results;
    expect(
      results.map((r: { ruleId: string; level: string; ruleIndex: number }) => [r.ruleId, r.level, r.ruleIndex]),
    ).toEqual([
      ['CLEARTEXT-NFS', 'error', 0],
      ['MIXED', 'warning', 1],
    ]);
    expect(results[0].locations).toEqual([
      { physicalLocation: { artifactLocation: { uri: 'dir/a.pcap', uriBaseId: 'CAPTUREROOT' } } },
    ]);
    expect(results[1].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'proc/mounts', uriBaseId: 'HOSTROOT' },
      region: { startLine: 3 },
    });
    expect(run.originalUriBaseIds.CAPTUREROOT.uri).toBe('file:///work/x/');
    expect(run.originalUriBaseIds.HOSTROOT.uri).toBe('file:///');
    expect(results[0].partialFingerprints['wiresealIdentity/v1']).toMatch(/^v1:[0-9a-f]{32}$/);
    expect(run.invocations).toEqual([
      { executionSuccessful: true, exitCode: 1, exitCodeDescription: 'findings at or above the failing severity' },
    ]);
  });
  it('JSON: the document as is; table: flows, findings and the summary line', async () => {
    expect(JSON.parse(await capture((o) => writeDocument(doc, 'json', o, {})))).toEqual(
      JSON.parse(JSON.stringify(doc)),
    );
    const table = await capture((o) => writeDocument(doc, 'table', o, {}));
    expect(table).toMatch(/nfs-cleartext/);
    expect(table).toMatch(/CLEARTEXT-NFS/);
    expect(table).toMatch(/2 flows \(1 cleartext, 1 encrypted\); 2 findings; exit 1/);
  });
});
