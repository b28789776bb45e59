/**
 * --since/--until on files keep the packets `editcap -A SINCE -B UNTIL` keeps (editcap is the oracle), and the
 * verdict is that of the window: the lab's mixed capture is verified before its bypass mount starts and fails after.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';

const MIXED = 'captures/lab/nfs4-mixed-tunnel-and-bypass.pcapng';
/** Between the last tunnelled TLS flow and the first direct cleartext connection (tshark: frame.time_epoch). */
const SWITCH = '1795479838.074';

function run(args: string[]) {
  return spawnSync(process.execPath, ['bin/wireseal.js', ...args], { encoding: 'utf8' });
}
function doc(args: string[]) {
  const r = run([...args, '--format', 'json']);
  return { r, d: JSON.parse(r.stdout) as ResultDocument };
}
const hasEditcap = spawnSync('editcap', ['-h']).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'wireseal-window-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function epochs(file: string): string[] {
  const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch'], { encoding: 'utf8' });
  return r.stdout.trim().split('\n');
}
function editcapCount(file: string, since: string, until: string): number {
  const out = join(tmp, 'cut.pcapng');
  const e = spawnSync('editcap', ['-A', since, '-B', until, file, out], { encoding: 'utf8' });
  expect(e.status).toBe(0);
  const c = spawnSync('capinfos', ['-c', '-M', out], { encoding: 'utf8' });
  return Number(/Number of packets:\s+(\d+)/.exec(c.stdout)?.[1]);
}

describe('--since / --until against editcap', () => {
  const files = [
    MIXED,
    'captures/lab/nfs4-cleartext.pcap',
    'captures/lab/nfs4-cleartext-any-sll2-nsec.pcap',
    'captures/lab/dtls12-udp2049.pcap',
  ];
  it.runIf(hasEditcap || process.env.CI === 'true').each(files)('%s: kept = editcap -A -B, by quartiles', (file) => {
    const ts = epochs(file);
    const sorted = [...ts].sort((a, b) => Number(a) - Number(b));
    const since = sorted[Math.floor(sorted.length / 4)]!;
    const until = sorted[Math.floor((sorted.length * 3) / 4)]!;
    const { d } = doc(['flows', file, '--all', '--since', since, '--until', until]);
    const w = d.captures[0]!.timeWindow!;
    expect(w.kept).toBe(editcapCount(file, since, until));
    expect(w.kept + w.before + w.after).toBe(ts.length);
    // Exactly at a packet's timestamp: that packet is in for --since, out for --until.
    expect(w.before).toBe(ts.filter((t) => Number(t) < Number(since)).length);
  });

  it('before the switch: only the tunnel, verified (exit 0); after it: the bypass mount, exit 1', () => {
    const before = doc(['verify-encryption', MIXED, '--until', SWITCH]);
    expect(before.r.status).toBe(0);
    expect(before.d.summary.outcome).toBe('verified');
    expect(before.d.captures[0]!.timeWindow).toEqual({
      until: '2026-11-24T00:23:58.074Z',
      kept: 228,
      before: 0,
      after: 95,
    });
    expect(before.d.flows.some((f) => f.class === 'nfs-cleartext')).toBe(false);

    const after = doc(['verify-encryption', MIXED, '--since', '2026-11-24T01:23:58.074+01:00']);
    expect(after.r.status).toBe(1);
    expect(after.d.captures[0]!.timeWindow).toEqual({
      since: '2026-11-24T00:23:58.074Z',
      kept: 95,
      before: 228,
      after: 0,
    });
    expect(after.d.flows.map((f) => f.class)).toEqual([
      'nfs-cleartext',
      'nfs-cleartext',
      'nfs-cleartext',
      'nfs-cleartext',
    ]);
    expect(after.d.findings.map((x) => x.code)).toContain('CLEARTEXT-NFS');
  });

  it('a window that holds no packet: warning, inconclusive (exit 4)', () => {
    const r = run(['verify-encryption', MIXED, '--since', '2030-01-01T00:00:00Z']);
    expect(r.status).toBe(4);
    expect(r.stdout + r.stderr).toMatch(/no packet in the --since\/--until window \(323 before it, 0 after it\)/);
  });

  it('the table names the window', () => {
    const r = run(['verify-encryption', MIXED, '--until', SWITCH, '--format', 'table']);
    expect(r.stdout).toContain(
      'Capture nfs4-mixed-tunnel-and-bypass.pcapng (window start to 2026-11-24T00:23:58.074Z: 228 of 323 packets)',
    );
  });

  it('usage errors (exit 2): a time without a zone, an empty window, a window on live capture', () => {
    const noZone = run(['verify-encryption', MIXED, '--since', '2026-11-24T00:23:58']);
    expect(noZone.status).toBe(2);
    expect(noZone.stderr).toMatch(/ISO 8601 with a zone/);
    const empty = run(['verify-encryption', MIXED, '--since', '200', '--until', '100']);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/--since \(200\) must be before --until \(100\)/);
    const live = run(['verify-encryption', '-i', 'lo', '--since', '100']);
    expect(live.status).toBe(2);
    expect(live.stderr).toMatch(/--since and --until apply to capture files/);
  });

  it('two workers give the same window counts and flows as one', () => {
    const one = doc(['flows', MIXED, '--since', SWITCH]).d;
    const two = doc(['flows', MIXED, '--since', SWITCH, '--workers', '2']).d;
    expect(two.captures[0]!.timeWindow).toEqual(one.captures[0]!.timeWindow);
    expect(two.flows.map((f) => [f.client, f.class])).toEqual(one.flows.map((f) => [f.client, f.class]));
  });
});
