/**
 * The downgrade lab (issue 15): a stunnel tunnel killed in the middle of an NFSv4 download, then a direct cleartext
 * connection to the same mount target, with the bundle `collect` wrote afterwards inside the client namespace. The
 * assertions shared by the e2e test on the recorded run (captures/lab-downgrade) and the lab test on a fresh run of
 * lab/downgrade/make-downgrade-capture.sh.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { TriageDocument } from '../../src/triage/report.js';
import { REPO, runProcess, WIRESEAL } from './lab-run.js';

export const DOWNGRADE_LAB_SCRIPT = join(REPO, 'lab', 'downgrade', 'make-downgrade-capture.sh');

/** Runs the lab script into `dir`; rejects with the end of its log on failure. */
export async function makeDowngradeCapture(dir: string, state: string): Promise<number> {
  const t0 = Date.now();
  const r = await runProcess('bash', [DOWNGRADE_LAB_SCRIPT, dir], { ...process.env, DGLAB_STATE: state }, 240_000);
  if (r.code !== 0) throw new Error(`make-downgrade-capture.sh exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  return (Date.now() - t0) / 1000;
}

async function triage(dir: string, format: 'json' | 'markdown') {
  return runProcess(process.execPath, [
    WIRESEAL,
    'triage',
    join(dir, 'downgrade.pcap'),
    '--host-root',
    join(dir, 'bundle.tar.gz'),
    '--format',
    format,
  ]);
}

/** File names of the lab workload and the libnfs machine name: in no output without --reveal. */
const SECRETS = ['report.bin', 'after-fallback', 'uploads', 'libnfs'];

export function downgradeLabTests(dir: () => string): void {
  it('triage: the TLS segment, the switch to cleartext, DOWNGRADE and TUNNEL-DOWN with efs-utils remediation', async () => {
    const r = await triage(dir(), 'json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as TriageDocument;
    const codes = doc.findings
      .map((f) => `${f.severity}:${f.code}:${f.mount ?? ''}`)
      .filter((c) => !c.includes('CAPTURE-GAP'));
    expect(codes.sort()).toEqual(['critical:DOWNGRADE:/mnt/efs', 'high:TUNNEL-DOWN:/mnt/efs']);
    const dg = doc.findings.find((f) => f.code === 'DOWNGRADE')!;
    expect(dg.message).toMatch(
      /^\/mnt\/efs: reached over TLS 1\.3 TLS_AES_256_GCM_SHA384 to 192\.0\.2\.21:2049 until \S+Z \(connection ended abruptly: (RST|no FIN captured)\), then in cleartext to 192\.0\.2\.21:2049 from \S+Z \(2 flows from 192\.0\.2\.10\)/,
    );
    expect(dg.remediation?.mechanism).toBe('efs-utils');
    expect(dg.remediation?.steps[0]).toContain('amazon-efs-mount-watchdog');
    const td = doc.findings.find((f) => f.code === 'TUNNEL-DOWN')!;
    expect(td.message).toMatch(/^\/mnt\/efs: its tunnel process \d+ was not running at \S+ \(bundle process list\)$/);
    expect(td.remediation?.mechanism).toBe('efs-utils');
    // One server, two segments: TLS until the kill, then cleartext, both bound to /mnt/efs.
    expect(doc.timelines.map((t) => t.server)).toEqual(['192.0.2.21:2049']);
    const [tls, clear] = doc.timelines[0]!.segments;
    expect(doc.timelines[0]!.segments).toHaveLength(2);
    expect([tls!.protection, tls!.verdict, tls!.mount, tls!.flows.length]).toEqual([
      'TLS 1.3 TLS_AES_256_GCM_SHA384',
      'encrypted',
      '/mnt/efs',
      1,
    ]);
    expect([clear!.protection, clear!.verdict, clear!.mount, clear!.flows.length]).toEqual([
      'cleartext NFSv4',
      'cleartext',
      '/mnt/efs',
      2,
    ]);
    expect(tls!.to < clear!.from).toBe(true);
    expect(dg.message).toContain(`until ${tls!.to}`);
    expect(dg.message).toContain(`from ${clear!.from}`);
    // The exposure: the whole file read again in the clear, and the upload.
    const e = clear!.exposure!;
    expect(e.read).toEqual({ replies: 1, bytes: 262144 });
    expect(e.write).toEqual({ calls: 1, bytes: 3000 });
    expect([e.calls, e.matchedReplies, e.unansweredCalls]).toEqual([18, 18, 0]);
    expect(e.operations.slice(0, 2)).toEqual([
      { op: 'READ', calls: 1 },
      { op: 'WRITE', calls: 1 },
    ]);
    expect(e.names?.map((n) => [n.length, n.ops])).toEqual([
      [6, ['LOOKUP']],
      [4, ['LOOKUP']],
      [10, ['OPEN']],
      [7, ['LOOKUP']],
      [18, ['OPEN']],
    ]);
    expect(doc.bundle?.processes).toBe(0);
    for (const s of SECRETS) expect(r.stdout).not.toContain(s);
  });

  it('triage Markdown: findings, what to do, the two segments and the READ/WRITE bytes; no names', async () => {
    const r = await triage(dir(), 'markdown');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('#### CRITICAL DOWNGRADE (/mnt/efs)');
    expect(r.stdout).toContain('#### HIGH TUNNEL-DOWN (/mnt/efs)');
    expect(r.stdout).toContain('For efs-utils:');
    expect(r.stdout).toMatch(
      /\| TLS 1\.3 TLS\\_AES\\_256\\_GCM\\_SHA384 \| encrypted \| \/mnt\/efs \(client-address\) \|/,
    );
    expect(r.stdout).toMatch(/\| cleartext NFSv4 \| cleartext \| \/mnt\/efs \(client-address\) \|/);
    expect(r.stdout).toContain('  - file data: READ 262144 bytes in 1 reply, WRITE 3000 bytes in 1 call');
    for (const s of SECRETS) expect(r.stdout).not.toContain(s);
  });
}
