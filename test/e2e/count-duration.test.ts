/** --count on files takes the first N packets as `tcpdump -c N -r FILE`; --duration on files is a usage error. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';

function run(args: string[]) {
  return spawnSync(process.execPath, ['bin/wireseal.js', ...args], { encoding: 'utf8' });
}

describe('--count and --duration on files', () => {
  it('--count 10: only the first 10 packets are analysed (the flows count 10 packets in all)', () => {
    const r = run(['flows', 'captures/lab/nfs4-cleartext.pcap', '--count', '10', '--format', 'json']);
    const doc = JSON.parse(r.stdout) as ResultDocument;
    expect(doc.flows.reduce((n, f) => n + f.packets.total, 0)).toBe(10);
    expect(r.status).toBe(0);
  });
  it('--duration on a file: usage error, exit 2', () => {
    const r = run(['verify-encryption', 'captures/lab/nfs4-cleartext.pcap', '--duration', '5']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--duration applies to live capture/);
  });
});
