#!/usr/bin/env node
// Runs the lab tests (vitest project "lab": fresh captures from ../shared/lab/make-captures.sh, live capture,
// host cross-reference, drops, filters) when this machine can: root, Linux, working `ip netns`, the lab's tools,
// wireseal's libpcap addon, a built wireseal. Otherwise prints one line "lab tests: NOT RUN (<reason>)" and exits 0, except under CI=true,
// where a lab that cannot run is a failure (exit 1), never a silent skip.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const labScript = resolve(repo, '..', 'shared', 'lab', 'make-captures.sh');
const inCi = process.env.CI === 'true' || process.env.CI === '1';

/** Commands the lab scripts and the live test call (their package lists, by binary). */
const TOOLS = [
  'ip',
  'ss',
  'unshare',
  'nsenter',
  'flock',
  'openssl',
  'python3',
  'stunnel',
  'tcpdump',
  'dumpcap',
  'tshark',
  'capinfos',
  'ganesha.nfsd',
  'rpcbind',
  'nfs-ls',
  'nfs-cat',
  'nfs-cp',
  // lab/downgrade/make-downgrade-capture.sh (iproute2)
  'tc',
  'tcpreplay',
  // lab/kerberos/make-krb-captures.sh
  'krb5kdc',
  'kdb5_util',
  'kadmin.local',
  'kinit',
];

function run(cmd, args) {
  return spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function onPath(cmd) {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']);
  return dirs.some((d) => d !== '' && existsSync(join(d, cmd)));
}

/** Creates and deletes a throw-away namespace: proves `ip netns` really works here (not just that ip exists). */
function netnsWorks() {
  const name = `wireseal-probe-${process.pid}`;
  const add = run('ip', ['netns', 'add', name]);
  if (add.status !== 0) return `ip netns add failed: ${(add.stderr || add.error?.message || '').trim()}`;
  run('ip', ['netns', 'delete', name]);
  return null;
}

/** Loads the addon in a child node (a crash there must not take this script down). */
function addonLoads() {
  const path = join(repo, 'build', 'Release', 'wireseal_pcap.node');
  if (!existsSync(path)) return `wireseal's libpcap addon is not built (${path})`;
  const r = run(process.execPath, ['-e', `require(${JSON.stringify(path)}).libVersion()`]);
  if (r.status !== 0) return `wireseal's libpcap addon does not load (${(r.stderr || '').trim().split('\n')[0]})`;
  return null;
}

function whyNot() {
  if (process.platform !== 'linux') return `needs Linux, this is ${process.platform}`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'needs root (network namespaces, capture)';
  if (!existsSync(labScript)) return `lab script not found at ${labScript}`;
  const missing = TOOLS.filter((t) => !onPath(t));
  if (missing.length > 0) return `lab tools missing: ${missing.join(', ')}`;
  const vfs = run('dpkg-query', ['-s', 'nfs-ganesha-vfs']);
  // ganesha's VFS backend is a library, not a command: ask dpkg (when this is a dpkg system at all).
  if (!vfs.error && !(vfs.status === 0 && vfs.stdout.includes('Status: install ok installed'))) {
    return 'nfs-ganesha-vfs is not installed';
  }
  const netns = netnsWorks();
  if (netns) return netns;
  const addon = addonLoads();
  if (addon) return addon;
  if (!existsSync(join(repo, 'dist', 'src', 'cli', 'main.js'))) return 'wireseal is not built (npm run build)';
  return null;
}

const reason = whyNot();
if (reason) {
  console.log(`lab tests: NOT RUN (${reason})`);
  if (inCi) {
    console.error('lab tests: CI=true, so a lab that cannot run fails the build');
    process.exit(1);
  }
  process.exit(0);
}

const t0 = Date.now();
const vitest = spawnSync('npx', ['vitest', 'run', '--project', 'lab'], {
  cwd: repo,
  stdio: 'inherit',
  // The sbin directories were searched above (ip, rpcbind): the lab's scripts must find the same commands.
  env: {
    ...process.env,
    PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin`,
    CAPLAB_NO_INSTALL: process.env.CAPLAB_NO_INSTALL ?? '1',
  },
});
const secs = ((Date.now() - t0) / 1000).toFixed(1);
if (vitest.error) {
  console.error(`lab tests: could not start vitest: ${vitest.error.message}`);
  process.exit(1);
}
console.log(`lab tests: ${vitest.status === 0 ? 'passed' : 'FAILED'} in ${secs}s`);
process.exit(vitest.status ?? 1);
