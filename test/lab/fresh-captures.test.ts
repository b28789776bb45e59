/**
 * Traffic made minutes ago: ../shared/lab/make-captures.sh builds its NFS lab (ganesha, libnfs, stunnel, the
 * RFC 9289 shim, openssl DTLS), records 17 captures and writes their ground truth with tshark (EXPECTED.tsv).
 * wireseal must agree with tshark on every flow of every fresh capture (the same comparison as the e2e tests on
 * the recorded captures/lab), and the fresh host/ inventory plus the mixed capture must give the cross-reference
 * findings. The lab script runs once, here, because both parts need the same fresh run (and it allows one run at
 * a time). Runs as root on Linux only (scripts/run-lab-tests.js decides).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFlowsToExpected } from '../helpers/lab-expected.js';
import { type FreshLab, makeFreshCaptures, runWireseal } from '../helpers/lab-run.js';

/** The captures the script writes: the same names as the recorded run in captures/lab. */
const CAPTURES = readdirSync('captures/lab')
  .filter((f) => f.endsWith('.pcap') || f.endsWith('.pcapng'))
  .sort();
const MIXED = 'nfs4-mixed-tunnel-and-bypass.pcapng';

let lab: FreshLab;

beforeAll(async () => {
  lab = await makeFreshCaptures();
  console.log(`make-captures.sh: ${lab.rows.length} flows in ${lab.seconds.toFixed(1)}s`);
}, 600_000);

afterAll(async () => {
  await lab?.remove();
});

describe('fresh lab captures', () => {
  it('the lab wrote all 17 captures and ground truth for each', () => {
    expect(CAPTURES).toHaveLength(17);
    expect(readdirSync(lab.dir).filter((f) => CAPTURES.includes(f))).toHaveLength(17);
    expect(new Set(lab.rows.map((r) => r.file))).toEqual(new Set(CAPTURES));
  });

  it.each(CAPTURES)('%s: wireseal agrees with tshark on every flow', async (file) => {
    const rows = lab.rows.filter((r) => r.file === file);
    expect(rows.length).toBeGreaterThan(0);
    const run = await runWireseal(['verify-encryption', '--format', 'json', join(lab.dir, file)]);
    expect(compareFlowsToExpected(rows, run.doc)).toEqual([]);
    // Cleartext NFS or RPC on the wire is a finding: exit 1. The loopback leg into stunnel never leaves the host,
    // and the rest is up to the policy (0 or 1), but never a usage or input error (2, 3).
    const onWire = (r: (typeof rows)[number]) => r.role !== 'stunnel-client-accept';
    if (rows.some((r) => onWire(r) && (r.class === 'nfs-cleartext' || r.class === 'rpc-cleartext'))) {
      expect(run.code).toBe(1);
      // ...or 4 (inconclusive) when the capture has no NFS on the wire to judge (DTLS on 4433, the loopback leg alone).
    } else expect([0, 1, 4]).toContain(run.code);
  });
});

describe('fresh host inventory cross-referenced with the mixed capture (issue 4)', () => {
  it('/mnt/efs is tls-verified, /mnt/efs-direct is BYPASS on its cleartext flows, exit 1', async () => {
    const run = await runWireseal([
      'verify-encryption',
      '--format',
      'json',
      '--host-root',
      join(lab.dir, 'host'),
      join(lab.dir, MIXED),
    ]);
    const mounts = new Map((run.doc.mounts ?? []).map((m) => [m.mountPoint, m]));
    expect(mounts.get('/mnt/efs')?.verdict).toBe('tls-verified');
    expect(mounts.get('/mnt/efs')?.localPort).toBe(20049);
    expect(mounts.get('/mnt/efs')?.tunnelTarget).toBe('198.51.100.21:2049');
    expect(mounts.get('/mnt/efs-direct')?.verdict).toBe('direct-cleartext');

    const bypass = run.doc.findings.filter((f) => f.code === 'BYPASS');
    expect(bypass.map((f) => f.mount)).toEqual(['/mnt/efs-direct']);
    // The flows named are exactly the fresh run's cleartext NFS flows to the server, bypassing the tunnel.
    const direct = lab.rows
      .filter((r) => r.file === MIXED && r.role === 'nfs-server-direct')
      .map((r) => `${MIXED}#${r.transport}.${r.streamId}`);
    expect(direct).toHaveLength(4);
    expect((bypass[0].flows ?? []).map((f) => f.slice(f.lastIndexOf('/') + 1)).sort()).toEqual(direct.sort());
    expect(run.code).toBe(1);
  });
});

describe('baselines across two separate lab runs (issue 16)', () => {
  // Findings whose identity the traffic fixes (server, client, problem); capture-quality findings may differ.
  const STABLE = new Set(['CLEARTEXT-NFS', 'CLEARTEXT-RPC', 'WEAK-CIPHER', 'NULL-CIPHER']);
  it.each(CAPTURES)(
    '%s: the fresh run has the recorded run’s fingerprints, nothing new, nothing gone',
    async (file) => {
      const recorded = await runWireseal(['verify-encryption', '--format', 'json', join('captures/lab', file)]);
      const base = join(lab.dir, `${file}.baseline.json`);
      writeFileSync(base, JSON.stringify(recorded.doc));
      const fresh = await runWireseal([
        'verify-encryption',
        '--format',
        'json',
        '--baseline',
        base,
        join(lab.dir, file),
      ]);
      const stable = (d: typeof fresh.doc) =>
        d.findings
          .filter((f) => STABLE.has(f.code))
          .map((f) => `${f.code} ${f.fingerprint}`)
          .sort();
      expect(stable(fresh.doc)).toEqual(stable(recorded.doc));
      expect(fresh.doc.findings.filter((f) => STABLE.has(f.code) && f.baseline !== 'unchanged')).toEqual([]);
    },
  );
});
