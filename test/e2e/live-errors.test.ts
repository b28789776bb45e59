/**
 * Live capture that cannot start ends with exit 2 and one line naming the problem, never a crash or a report:
 * a missing interface, a bad BPF expression, no permission (run as nobody; root only).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadLibpcap } from '../../src/capture/libpcap.js';

const hasAddon = typeof loadLibpcap() !== 'string';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const NOBODY = ['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups'];
/** setpriv exists and nobody can read the built CLI (a clone under /root may not be readable). */
const nobodyCanRun =
  spawnSync(NOBODY[0]!, [...NOBODY.slice(1), 'test', '-r', 'dist/src/cli/main.js']).status === 0 &&
  spawnSync(NOBODY[0]!, [...NOBODY.slice(1), 'test', '-r', 'build/Release/wireseal_pcap.node']).status === 0;

function run(args: string[], prefix: string[] = []) {
  const cmd = [...prefix, process.execPath, 'bin/wireseal.js', ...args];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!hasAddon)('live capture that cannot start: exit 2, one line', () => {
  it('a missing interface', () => {
    const r = run(['verify-encryption', '-i', 'nosuchdev9', '--duration', '1']);
    expect([r.code, r.signal, r.stdout]).toEqual([2, null, '']);
    expect(r.stderr).toBe('wireseal: cannot capture on nosuchdev9: No such device exists\n');
  });

  it('a bad filter', () => {
    const r = run(['flows', '-i', 'lo', '--filter', 'port 99999', '--duration', '1']);
    expect([r.code, r.signal, r.stdout]).toEqual([2, null, '']);
    expect(r.stderr).toBe('wireseal: bad filter "port 99999": illegal port number 99999 > 65535\n');
  });

  it.skipIf(!isRoot || !nobodyCanRun)('no permission', () => {
    const r = run(
      ['verify-encryption', '-i', 'lo', '--duration', '1'],
      ['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups'],
    );
    expect([r.code, r.signal, r.stdout]).toEqual([2, null, '']);
    expect(r.stderr).toBe(
      "wireseal: cannot capture on lo: You don't have permission to perform this capture on that device (socket: Operation not permitted) (run as root or grant CAP_NET_RAW)\n",
    );
  });
});
