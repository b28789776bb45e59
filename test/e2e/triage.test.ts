/**
 * `wireseal triage` (the real CLI over dist/: `npm run build` first) on the lab's mixed capture with its host
 * bundle: the tunneled mount and the direct mount of one server are MIXED and BYPASS, never DOWNGRADE; timelines in
 * UTC (or --tz for display), exposure with data-bearing operations first, remediation per finding; no file names
 * and no machine names in any output; the collect tar.gz is taken directly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TriageDocument } from '../../src/triage/report.js';

const CAP = 'captures/lab/nfs4-mixed-tunnel-and-bypass.pcapng';
const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-triage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync('node', ['bin/wireseal.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** File names the lab workload used: none may appear in any triage output. */
const NAMES = ['hello.txt', 'blob-64k', 'upload-', 'uploads', 'mixed.txt', 'data/'];

describe('triage on the mixed lab capture', () => {
  it('JSON: MIXED and BYPASS (no DOWNGRADE), timelines, exposure, remediation; exit 1', () => {
    const r = cli(['triage', CAP, '--host-root', 'captures/lab/host', '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as TriageDocument;
    expect(doc.schema).toBe('wireseal/triage');
    expect(doc.findings.map((f) => `${f.code}:${f.mount}`).sort()).toEqual([
      'BYPASS:/mnt/efs-direct',
      'MIXED:/mnt/efs-direct',
    ]);
    const bypass = doc.findings.find((f) => f.code === 'BYPASS');
    expect(bypass?.remediation?.mechanism).toBe('efs-utils');
    expect(bypass?.remediation?.steps[0]).toContain('mount -t efs -o tls');
    expect(
      doc.timelines.map((t) => [
        t.server,
        t.mounts,
        t.segments.map((s) => [s.protection, s.mount, s.binding, s.flows.length]),
      ]),
    ).toEqual([
      [
        '198.51.100.21:2049',
        ['/mnt/efs'],
        [['TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', '/mnt/efs', 'server-only', 4]],
      ],
      ['198.51.100.20:2049', ['/mnt/efs-direct'], [['cleartext NFSv4', '/mnt/efs-direct', 'client-address', 4]]],
    ]);
    const seg = doc.timelines[1].segments[0];
    expect(seg.from).toBe('2026-11-24T00:23:58.074468779Z');
    expect(seg.to).toBe('2026-11-24T00:23:58.170998312Z');
    expect(seg.clients).toEqual(['198.51.100.10']);
    expect(seg.exposure?.operations.slice(0, 4)).toEqual([
      { op: 'READ', calls: 2 },
      { op: 'WRITE', calls: 1 },
      { op: 'SETATTR', calls: 1 },
      { op: 'OPEN', calls: 3 },
    ]);
    expect(seg.exposure).toMatchObject({
      payloadToServer: 7456,
      payloadToClient: 69728,
      credentials: ['AUTH_SYS'],
      firstFrame: { capture: CAP, frame: 229 },
      lastFrame: { capture: CAP, frame: 323 },
    });
    for (const n of NAMES) expect(r.stdout).not.toContain(n);
  });

  it('Markdown with --tz shows local times; the JSON keeps UTC; no names', () => {
    const r = cli(['triage', CAP, '--host-root', 'captures/lab/host', '--tz', 'Europe/Paris']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('## wireseal triage: FAILED: findings at or above the failing severity (exit 1)');
    expect(r.stdout).toContain('#### CRITICAL BYPASS (/mnt/efs-direct)');
    expect(r.stdout).toContain(
      '| critical | BYPASS | /mnt/efs-direct (direct-cleartext): its server 198.51.100.20:2049',
    );
    expect(r.stdout).toContain(
      '| /mnt/efs-direct | fs-0123456789abcdef0.efs.lab-1.caplab.test | direct | direct-cleartext |',
    );
    expect(r.stdout).toContain('For efs-utils:');
    expect(r.stdout).toContain('  - file data: READ 65569 bytes in 2 replies, WRITE 3000 bytes in 1 call');
    expect(r.stdout).toContain('| 2026-11-24 01:23:58 GMT+1 | 2026-11-24 01:23:58 GMT+1 | cleartext NFSv4 |');
    expect(r.stdout).not.toContain('DOWNGRADE');
    for (const n of NAMES) expect(r.stdout).not.toContain(n);
  });

  it('takes the tar.gz that collect writes; hostname only with --reveal', () => {
    const out = path.join(tmp, 'b.tar.gz');
    expect(cli(['collect', out, '--host-root', 'captures/lab/host']).code).toBe(0);
    const r = cli(['triage', CAP, '--host-root', out, '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as TriageDocument;
    expect(doc.findings.map((f) => f.code).sort()).toEqual(['BYPASS', 'MIXED']);
    expect(doc.bundle?.wiresealVersion).toBe('0.1.0');
    expect(doc.bundle?.hostname).toBeUndefined();
  });

  it('without a bundle: timelines per server, CLEARTEXT-NFS with its remediation', () => {
    const r = cli(['triage', CAP, '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as TriageDocument;
    expect(doc.timelines.map((t) => t.server)).toEqual(['198.51.100.21:2049', '198.51.100.20:2049']);
    const clear = doc.findings.find((f) => f.code === 'CLEARTEXT-NFS');
    expect(clear?.remediation?.mechanism).toBe('unknown');
    expect(doc.findings.some((f) => f.code === 'DOWNGRADE')).toBe(false);
  });

  it('usage errors exit 2', () => {
    expect(cli(['triage', CAP, '--format', 'sarif']).code).toBe(2);
    expect(cli(['triage', CAP, '--tz', 'Mars/Olympus']).stderr).toBe(
      'wireseal: --tz: unknown time zone "Mars/Olympus"\n',
    );
  });
});
