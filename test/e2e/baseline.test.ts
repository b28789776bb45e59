/**
 * Baselines across two separately recorded runs of the lab: the bypassing mount of nfs4-mixed-tunnel-and-bypass
 * (recorded 13 s later, other client ports, other flow ids, other times) is the same problem as nfs4-cleartext:
 * the same fingerprint, so it is `unchanged`; a different problem is `new`, and the old one `gone`. With
 * --fail-on new, unchanged findings are accepted and the run says "accepted", never "verified".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-baseline-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function json(args: string[]): { code: number | null; doc: ResultDocument; stderr: string } {
  const r = spawnSync('node', ['bin/wireseal.js', 'verify-encryption', ...args, '--format', 'json'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return {
    code: r.status,
    doc: r.stdout ? (JSON.parse(r.stdout) as ResultDocument) : ({} as ResultDocument),
    stderr: r.stderr,
  };
}

const FIRST = 'captures/lab/nfs4-cleartext.pcap';
const SECOND = 'captures/lab/nfs4-mixed-tunnel-and-bypass.pcapng';
const OTHER = 'captures/lab/nfs4-stunnel-tls10-legacy.pcap';

const base = path.join(tmp, 'base.json');
const first = json([FIRST]);
writeFileSync(base, JSON.stringify(first.doc));

describe('baselines by stable fingerprint', () => {
  it('the same leak in a separate recording has the same fingerprint: unchanged, nothing new or gone', () => {
    const r = json([SECOND, '--baseline', base]);
    expect(r.code).toBe(1);
    const a = first.doc.findings[0]!;
    const b = r.doc.findings[0]!;
    expect([a.code, b.code]).toEqual(['CLEARTEXT-NFS', 'CLEARTEXT-NFS']);
    // Different flows, ports and times...
    expect(b.flows).not.toEqual(a.flows);
    expect(b.message).not.toBe(a.message);
    // ...the same identity.
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.baseline).toBe('unchanged');
    expect(r.doc.summary.baseline).toEqual({ file: base, new: 0, unchanged: 1, gone: 0, goneFindings: [] });
  });
  it('--fail-on new: the known leak is accepted (exit 0, outcome accepted, never verified)', () => {
    const r = json([SECOND, '--baseline', base, '--fail-on', 'new']);
    expect(r.code).toBe(0);
    expect(r.doc.summary.outcome).toBe('accepted');
    expect(r.doc.summary.accepted).toBe(1);
    expect(r.doc.findings[0]!.accepted).toEqual({ by: 'baseline', reason: `in the baseline ${base}` });
  });
  it('a different problem is new and fails with --fail-on new; the old one is gone', () => {
    const r = json([OTHER, '--baseline', base, '--fail-on', 'new']);
    expect(r.code).toBe(1);
    expect(r.doc.findings.map((f) => [f.code, f.baseline])).toEqual([['WEAK-CIPHER', 'new']]);
    expect(r.doc.summary.baseline).toMatchObject({ new: 1, unchanged: 0, gone: 1 });
    expect(r.doc.summary.baseline?.goneFindings.map((g) => [g.code, g.fingerprint])).toEqual([
      ['CLEARTEXT-NFS', first.doc.findings[0]!.fingerprint],
    ]);
  });
  it('usage errors: --fail-on new without a baseline, an unreadable or foreign baseline (exit 2)', () => {
    const foreign = path.join(tmp, 'foreign.json');
    writeFileSync(foreign, '{"hello": 1}');
    for (const args of [
      [FIRST, '--fail-on', 'new'],
      [FIRST, '--baseline', path.join(tmp, 'nope.json')],
      [FIRST, '--baseline', foreign],
    ]) {
      const r = spawnSync('node', ['bin/wireseal.js', 'verify-encryption', ...args], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(2);
    }
  });
});
