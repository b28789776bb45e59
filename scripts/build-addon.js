#!/usr/bin/env node
// Builds wireseal's libpcap addon (binding.gyp -> build/Release/wireseal_pcap.node) with node-gyp when it is
// missing or older than its sources; `npm run build` calls this (npm ci builds it through the default install
// script). Uses the installed node's headers when present (no download). A machine without libpcap headers or a
// compiler still builds the TypeScript: this prints one line and exits 0, and live capture and --filter then
// exit 2 naming the missing addon.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(repo, 'build', 'Release', 'wireseal_pcap.node');
const sources = [join(repo, 'binding.gyp'), join(repo, 'native', 'wireseal_pcap.c')];

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : -1);
if (mtime(out) >= Math.max(...sources.map(mtime))) process.exit(0);

const env = { ...process.env };
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
const candidates = [
  env.npm_config_node_gyp,
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter((p) => p && existsSync(p));
const r =
  candidates.length > 0
    ? spawnSync(process.execPath, [candidates[0], 'rebuild'], { cwd: repo, env, encoding: 'utf8' })
    : spawnSync('npx', ['--no-install', 'node-gyp', 'rebuild'], { cwd: repo, env, encoding: 'utf8' });
if (r.status === 0 && existsSync(out)) {
  console.log(`build-addon: built ${out}`);
  process.exit(0);
}
const why = (r.error?.message ?? r.stderr ?? '').split('\n').filter((l) => /error/i.test(l))[0] ?? `exit ${r.status}`;
console.log(`build-addon: the libpcap addon did not build (${why.trim()}); live capture and --filter are unavailable`);
