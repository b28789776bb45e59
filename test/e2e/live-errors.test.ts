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

/** The addon unavailable (simulated with WIRESEAL_PCAP_ADDON): live capture and --filter refuse, files still read. */
describe('without the libpcap addon', () => {
  function runWith(addon: string, args: string[]) {
    const r = spawnSync(process.execPath, ['bin/wireseal.js', ...args], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, WIRESEAL_PCAP_ADDON: addon },
    });
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  }
  const missing = '/nonexistent/wireseal_pcap.node';
  const notBuilt = `wireseal's libpcap addon is not built (${missing}, from WIRESEAL_PCAP_ADDON): install libpcap-dev, g++ and make, then run npm ci or npm run build`;

  it('-i exits 2 with one line naming what to install and build', () => {
    for (const args of [
      ['verify-encryption', '-i', 'lo', '--duration', '1'],
      ['flows', '-i', 'any', '--count', '1'],
    ]) {
      const r = runWith(missing, args);
      expect([r.code, r.signal, r.stdout]).toEqual([2, null, '']);
      expect(r.stderr).toBe(`wireseal: live capture: ${notBuilt}\n`);
    }
  });

  it('an addon file that does not load: exit 2, one line saying to rebuild it', () => {
    const r = runWith('package.json', ['verify-encryption', '-i', 'lo', '--duration', '1']);
    expect([r.code, r.signal, r.stdout]).toEqual([2, null, '']);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(
      /^wireseal: live capture: wireseal's libpcap addon does not load \(.*\): rebuild it with npm run build \(libpcap-dev installed\)\n$/,
    );
  });

  it('capture files are still read and judged; only --filter on them needs the addon', () => {
    const r = runWith(missing, ['verify-encryption', 'captures/lab/nfs4-cleartext.pcap', '--format', 'json']);
    expect([r.code, r.signal, r.stderr]).toEqual([1, null, '']);
    const doc = JSON.parse(r.stdout) as { findings: { code: string }[]; flows: { class: string }[] };
    expect(doc.findings.map((f) => f.code)).toContain('CLEARTEXT-NFS');
    expect(doc.flows.filter((f) => f.class === 'nfs-cleartext').length).toBeGreaterThan(0);
    const f = runWith(missing, ['verify-encryption', 'captures/lab/nfs4-cleartext.pcap', '--filter', 'tcp']);
    expect([f.code, f.stdout]).toEqual([2, '']);
    expect(f.stderr).toBe(`wireseal: --filter: ${notBuilt}\n`);
  });
});
