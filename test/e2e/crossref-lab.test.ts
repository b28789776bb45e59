/**
 * The real CLI (bin/wireseal.js over dist/, so `npm run build` first) on the lab's mixed capture with its host
 * inventory: /mnt/efs is tls-verified and its traffic is in TLS; /mnt/efs-direct is a BYPASS; exit code 1.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';

const CAP = 'captures/lab/nfs4-mixed-tunnel-and-bypass.pcapng';
const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-e2e-host-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync('node', ['bin/wireseal.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('verify-encryption --host-root on the lab capture', () => {
  it('finds the bypass, matches /mnt/efs to its TLS flows and exits 1', () => {
    const r = cli(['verify-encryption', CAP, '--host-root', 'captures/lab/host', '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as ResultDocument;
    expect(doc.mounts?.map((m) => [m.mountPoint, m.verdict])).toEqual([
      ['/mnt/efs', 'tls-verified'],
      ['/mnt/efs-direct', 'direct-cleartext'],
    ]);
    const bypass = doc.findings.filter((f) => f.code === 'BYPASS');
    expect(bypass).toHaveLength(1);
    expect(bypass[0].mount).toBe('/mnt/efs-direct');
    // Triage: what crossed the wire in the clear, and when (operations and volume only).
    expect(bypass[0].message).toMatch(
      /; exposed: \d+ payload bytes between \S+Z and \S+Z, file data or names readable \(PUTFHx16, /,
    );
    // Its flows' own CLEARTEXT-NFS finding is folded into the BYPASS.
    expect(doc.findings.filter((f) => f.code === 'CLEARTEXT-NFS')).toEqual([]);
    expect(bypass[0].flows).toEqual([8, 9, 10, 11].map((id) => `${CAP}#tcp.${id}`));
    // Nothing against the tunneled mount: its TLS flows to 198.51.100.21:2049 and its loopback leg were seen.
    expect(doc.findings.filter((f) => f.mount === '/mnt/efs')).toEqual([]);
    const tls = doc.flows.filter((f) => f.server.ip === '198.51.100.21' && f.server.port === 2049);
    expect(tls.map((f) => [f.id, f.class, f.verdict])).toEqual([0, 1, 6, 7].map((id) => [id, 'tls', 'encrypted']));
    const leg = doc.flows.filter((f) => f.server.ip === '127.0.0.1' && f.server.port === 20049);
    expect(leg.map((f) => f.id)).toEqual([2, 3, 4, 5]);
    expect(doc.summary.exitCode).toBe(1);
  });
});

describe('mounts and collect on the lab host bundle', () => {
  it('mounts prints the table and exits 1 for the config-only findings', () => {
    const r = cli(['mounts', '--host-root', 'captures/lab/host']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('/mnt/efs-direct');
    expect(r.stdout).toContain('HIGH PLAINTEXT-BY-CONFIG: /mnt/efs-direct');
    expect(r.stderr).toBe('');
  });

  it('exits 3 when no mount table could be read', () => {
    const empty = path.join(tmp, 'empty-root');
    execFileSync('mkdir', ['-p', empty]);
    const r = cli(['mounts', '--host-root', empty]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('wireseal: warning: /proc/mounts: no readable mount table; no mounts to judge\n');
    expect(r.stdout).toBe('no mount table could be read\n');
  });

  it('a missing host root is a one-line usage error', () => {
    const r = cli(['mounts', '--host-root', path.join(tmp, 'missing')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`wireseal: ${path.join(tmp, 'missing')}: host root not found`]);
  });

  it('collect writes a bundle that mounts reads directly, or after tar xzf', () => {
    const out = path.join(tmp, 'lab.tar.gz');
    const r = cli(['collect', out, '--host-root', 'captures/lab/host']);
    expect(r.code).toBe(0);
    const names = execFileSync('tar', ['tzf', out], { encoding: 'utf8' }).trim().split('\n');
    expect(names).toEqual([
      'proc-mounts',
      'var/run/efs/fs-0123456789abcdef0.mnt.efs.20049',
      'var/run/efs/stunnel-config.fs-0123456789abcdef0.mnt.efs.20049',
      'wireseal-bundle.json',
    ]);
    const manifest = JSON.parse(execFileSync('tar', ['xzOf', out, 'wireseal-bundle.json'], { encoding: 'utf8' }));
    expect(manifest.unreadable).toContainEqual({ path: '/proc/self/mountstats', reason: 'not found' });
    const dir = path.join(tmp, 'x');
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('tar', ['xzf', out, '-C', dir]);
    for (const root of [dir, out]) {
      const m = cli(['mounts', '--host-root', root, '--format', 'json']);
      const doc = JSON.parse(m.stdout) as ResultDocument;
      expect(doc.mounts?.map((x) => [x.mountPoint, x.verdict])).toEqual([
        ['/mnt/efs', 'tls-verified'],
        ['/mnt/efs-direct', 'direct-cleartext'],
      ]);
    }
  });

  it('a hostile bundle is refused with one line and exit 3', () => {
    const bad = path.join(tmp, 'bad.tar');
    execFileSync('mkdir', ['-p', path.join(tmp, 'h')]);
    execFileSync('ln', ['-sf', '/etc/passwd', path.join(tmp, 'h', 'proc-mounts')]);
    execFileSync('tar', ['czf', bad, '-C', path.join(tmp, 'h'), 'proc-mounts']);
    for (const cmd of ['mounts', 'verify-encryption']) {
      const args = cmd === 'mounts' ? [cmd, '--host-root', bad] : [cmd, CAP, '--host-root', bad];
      const r = cli(args);
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(
        `wireseal: ${bad}: member "proc-mounts" is a symbolic link to "/etc/passwd", outside the bundle; bundle refused\n`,
      );
    }
  });
});
