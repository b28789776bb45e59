/** The one policy module: exit-code precedence 3 > 1 > 4 > 0, the wire tally, and listing caps that cannot change it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kindOf } from '../../../src/engine/unlisted.js';
import type { CaptureResult, Finding, FlowResult } from '../../../src/report/schema.js';
import { decideExit } from '../../../src/verify/exit-code.js';
import { FINDING_CODES, makeFinding } from '../../../src/verify/findings.js';
import { judgeRun } from '../../../src/verify/policy.js';
import { type FlowSpec, flow } from './flows.js';

const policy = { minGrade: 'strong', minTls: '1.2' } as const;
const some = { total: 100, toServer: 60, toClient: 40 };

function wired(s: FlowSpec, patch: Partial<FlowResult> = {}): FlowResult {
  return { ...flow(s), payload: some, ...patch };
}

function judge(flows: FlowResult[], captures: CaptureResult[] = [], inputDamaged = false) {
  return judgeRun({ captures, flows, inputDamaged }, policy);
}

const high: Finding = { code: 'CLEARTEXT-NFS', severity: 'high', message: 'x' };
const info: Finding = { code: 'UNVERIFIED-FLOW', severity: 'info', message: 'x' };
const tally = (verified: number, unproven: number) => ({
  judged: verified + unproven,
  verified,
  violating: 0,
  unproven,
  notSensitive: 0,
});

describe('decideExit: precedence 3 > 1 > 4 > 0', () => {
  it('damaged input wins over everything', () => {
    expect(decideExit({ inputDamaged: true, findings: [high], wire: tally(0, 1) })).toEqual({
      exitCode: 3,
      outcome: 'damaged-input',
    });
  });
  it('a failing finding wins over inconclusive', () => {
    expect(decideExit({ inputDamaged: false, findings: [high], wire: tally(0, 1) }).exitCode).toBe(1);
  });
  it('nothing judged on the wire is inconclusive, not clean', () => {
    expect(decideExit({ inputDamaged: false, findings: [], wire: tally(0, 0) })).toEqual({
      exitCode: 4,
      outcome: 'inconclusive',
    });
  });
  it('one unproven flow beside verified ones is inconclusive', () => {
    expect(decideExit({ inputDamaged: false, findings: [info], wire: tally(5, 1) }).exitCode).toBe(4);
  });
  it('verified needs NFS on the wire and nothing unproven', () => {
    expect(decideExit({ inputDamaged: false, findings: [info], wire: tally(2, 0) })).toEqual({
      exitCode: 0,
      outcome: 'verified',
    });
  });
  it('without wire facts (mounts) only findings count', () => {
    expect(decideExit({ inputDamaged: false, findings: [] }).exitCode).toBe(0);
    expect(decideExit({ inputDamaged: false, findings: [high] }).exitCode).toBe(1);
  });
});

describe('judgeRun', () => {
  it('no NFS seen on the wire exits 4', () => {
    expect(judge([])).toMatchObject({ exitCode: 4, outcome: 'inconclusive', findings: [] });
  });
  it('a loopback tunnel leg alone is not on the wire: 4', () => {
    const r = judge([wired({ id: 0, client: '127.0.0.1:900', server: '127.0.0.1:20049', cls: 'tunnel-local' })]);
    expect(r).toMatchObject({ exitCode: 4, wire: { judged: 0 } });
  });
  it('a flow with no payload is not judged', () => {
    const r = judge([{ ...flow({ id: 0, client: '10.0.0.1:900', server: '10.0.0.2:2049', cls: 'none' }) }]);
    expect(r.wire.judged).toBe(0);
    expect(r.exitCode).toBe(4);
  });
  it('encrypted TLS on the wire exits 0', () => {
    const r = judge([wired({ id: 0, client: '10.0.0.1:900', server: '10.0.0.2:2049', cls: 'tls' })]);
    expect(r).toMatchObject({ exitCode: 0, outcome: 'verified', findings: [] });
    expect(r.wire).toEqual({ judged: 1, verified: 1, violating: 0, unproven: 0, notSensitive: 0 });
  });
  it('an encrypted flow beside an opaque one on port 2049 is inconclusive (4) with an info finding', () => {
    const r = judge([
      wired({ id: 0, client: '10.0.0.1:900', server: '10.0.0.2:2049', cls: 'tls' }),
      wired({ id: 1, client: '10.0.0.1:901', server: '10.0.0.2:2049', cls: 'opaque' }),
    ]);
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['UNVERIFIED-FLOW', 'info']]);
    expect(r).toMatchObject({ exitCode: 4, wire: { verified: 1, unproven: 1 } });
  });
  it('portmapper in the clear is info and not sensitive: it neither fails nor proves (4)', () => {
    const pm = wired(
      { id: 0, client: '10.0.0.1:900', server: '10.0.0.2:111', cls: 'rpc-cleartext' },
      {
        rpc: { programs: ['portmapper/2'], operations: {}, calls: 1, replies: 1, credentials: [], malformed: 0 },
      },
    );
    const r = judge([pm]);
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['CLEARTEXT-RPC', 'info']]);
    expect(r).toMatchObject({ exitCode: 4, wire: { notSensitive: 1 } });
    const withTls = judge([pm, wired({ id: 1, client: '10.0.0.1:901', server: '10.0.0.2:2049', cls: 'tls' })]);
    expect(withTls.exitCode).toBe(0);
  });
  it('damaged input exits 3 even with cleartext NFS', () => {
    const r = judge(
      [wired({ id: 0, client: '10.0.0.1:900', server: '10.0.0.2:2049', cls: 'nfs-cleartext' })],
      [],
      true,
    );
    expect(r).toMatchObject({ exitCode: 3, outcome: 'damaged-input' });
    expect(r.findings.map((f) => f.code)).toEqual(['CLEARTEXT-NFS']);
  });
});

describe('--max-listed never changes the exit code', () => {
  const pm = wired(
    { id: 0, client: '10.0.0.1:900', server: '10.0.0.2:111', cls: 'rpc-cleartext' },
    { rpc: { programs: ['portmapper/2'], operations: {}, calls: 1, replies: 1, credentials: [], malformed: 0 } },
  );
  const tls = wired({ id: 1, client: '10.0.0.1:901', server: '10.0.0.2:2049', cls: 'tls' });
  const capture = (unlisted: CaptureResult['unlisted']): CaptureResult => ({
    file: 'c.pcap',
    format: 'pcap',
    gzip: false,
    packets: 10,
    bytesRead: 1000,
    interfaces: [],
    truncatedPackets: 0,
    decodeErrors: {},
    flowsEvicted: 0,
    flowsTotal: 2,
    ...(unlisted ? { unlisted } : {}),
  });
  it('an unlisted portmapper flow is judged as a listed one: info, exit 0', () => {
    const listed = judge([pm, tls], [capture(undefined)]);
    const unlisted = judge(
      [tls],
      [
        capture({
          total: 1,
          byClass: { 'rpc-cleartext': 1 },
          nfsRelevantByVerdict: { cleartext: 1 },
          nfsRelevantKinds: [
            { count: 1, transport: 'tcp', class: 'rpc-cleartext', verdict: 'cleartext', programs: ['portmapper/2'] },
          ],
        }),
      ],
    );
    expect(listed.exitCode).toBe(0);
    expect(unlisted.exitCode).toBe(0);
    expect(unlisted.wire).toEqual(listed.wire);
    expect(unlisted.findings.map((f) => [f.code, f.severity])).toEqual([['UNLISTED-FLOWS', 'info']]);
  });
  it('an unlisted flow is judged on every rule it broke, not the first: the policy ranks them, as for listed flows', () => {
    const broken = wired(
      { id: 2, client: '10.0.0.1:902', server: '10.0.0.2:2049', cls: 'rpc-with-tls' },
      {
        verdict: 'cleartext',
        anomalies: [
          { code: 'CAPTURE-GAP', frame: 3, dir: 'to-server', what: '500 bytes not captured' },
          { code: 'STARTTLS-ONE-SIDED', frame: 9, dir: 'to-server', what: 'only one side started TLS' },
          { code: 'CAPTURE-GAP', frame: 12, dir: 'to-client', what: '7 bytes not captured' },
        ],
      },
    );
    const kind = kindOf(broken);
    expect(kind.anomalies).toEqual([
      { code: 'CAPTURE-GAP', detail: '500 bytes not captured' },
      { code: 'STARTTLS-ONE-SIDED', detail: 'only one side started TLS' },
    ]);
    const listed = judge([tls, broken]);
    const unlisted = judge(
      [tls],
      [
        capture({
          total: 1,
          byClass: { 'rpc-with-tls': 1 },
          nfsRelevantByVerdict: { cleartext: 1 },
          nfsRelevantKinds: [{ count: 1, ...kind }],
        }),
      ],
    );
    expect(listed.findings.map((f) => [f.code, f.severity])).toEqual([
      ['STARTTLS-ONE-SIDED', 'high'],
      ['CAPTURE-GAP', 'low'],
    ]);
    expect(unlisted.findings.map((f) => [f.code, f.severity])).toEqual([['UNLISTED-FLOWS', 'high']]);
    expect([listed.exitCode, unlisted.exitCode]).toEqual([1, 1]);
    expect(unlisted.wire).toEqual(listed.wire);
  });
  it('an unlisted cleartext NFS flow fails as a listed one would', () => {
    const r = judge(
      [tls],
      [
        capture({
          total: 2,
          byClass: { 'nfs-cleartext': 2 },
          nfsRelevantByVerdict: { cleartext: 2 },
          nfsRelevantKinds: [
            { count: 2, transport: 'tcp', class: 'nfs-cleartext', verdict: 'cleartext', nfsVersion: 'NFSv3' },
          ],
        }),
      ],
    );
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['UNLISTED-FLOWS', 'high']]);
    expect(r).toMatchObject({ exitCode: 1, wire: { judged: 3, verified: 1, violating: 2 } });
  });
});

describe('the one table of finding codes', () => {
  const doc = readFileSync('docs/findings.md', 'utf8');
  const documented = [...doc.matchAll(/^\| `([A-Z0-9-]+)` \|/gm)].map((m) => m[1]);
  it('docs/findings.md lists exactly the codes of src/verify/findings.ts, in order', () => {
    expect(documented).toEqual(Object.keys(FINDING_CODES));
  });
  it('each documented severity matches the table', () => {
    for (const [code, spec] of Object.entries(FINDING_CODES)) {
      const line = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`))!;
      const sevs: readonly string[] = 'severities' in spec ? spec.severities : [spec.severity];
      expect(line.split('|')[2]!.trim(), code).toBe(sevs.join(', '));
    }
  });
  it('makeFinding refuses a severity the table does not allow', () => {
    expect(() => makeFinding('CLEARTEXT-NFS', 'x', {}, 'info')).toThrow(/may not have severity info/);
    expect(makeFinding('CLEARTEXT-RPC', 'x', {}, 'info')).toEqual({
      code: 'CLEARTEXT-RPC',
      severity: 'info',
      message: 'x',
    });
  });
});
