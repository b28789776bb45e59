/**
 * Live capture end to end: wireseal listens on the lab client's interface through its libpcap addon while libnfs
 * talks NFSv4 to ganesha once in the clear and once through an efs-utils-style stunnel tunnel (TLS 1.3,
 * TLS_AES_256_GCM_SHA384), then must report the cleartext flow as cleartext, the tunnel's flow as TLS with its
 * cipher, and exit 1. The lab is test/lab/live-lab.sh (namespaces wslive-cli / wslive-srv). Root on Linux only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowResult, ResultDocument } from '../../src/report/schema.js';
import { parseResult, REPO, runProcess, WIRESEAL } from '../helpers/lab-run.js';

const LAB = join(REPO, 'test', 'lab', 'live-lab.sh');
const NS = 'wslive-cli';
const IFACE = 'wsl-c';
const NFS_SERVER = '192.0.2.20';
const TLS_SERVER = '192.0.2.21';
const DURATION_S = 10;

let state = '';
let wireseal: ChildProcess | undefined;

/** Runs a command in the client namespace; fails the test when it fails. */
async function inClient(...cmd: string[]): Promise<void> {
  const r = await runProcess('ip', ['netns', 'exec', NS, ...cmd], process.env, 60_000);
  if (r.code !== 0) throw new Error(`${cmd.join(' ')} exited ${r.code}: ${r.stderr}`);
}

/**
 * Packet sockets in the client namespace that are bound to an interface and running (/proc/net/packet columns
 * Iface != 0, R = 1): libpcap has one once wireseal's capture is live.
 */
async function boundPacketSockets(): Promise<number> {
  const r = await runProcess('ip', ['netns', 'exec', NS, 'cat', '/proc/net/packet'], process.env, 10_000);
  return r.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((c) => c.length > 5 && c[4] !== '0' && c[5] === '1').length;
}

async function until(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), 'wireseal-live-'));
  const r = await runProcess('bash', [LAB, 'up', join(state, 'lab')], process.env, 120_000);
  if (r.code !== 0) throw new Error(`live-lab.sh up exited ${r.code}:\n${r.stderr}`);
}, 180_000);

afterAll(async () => {
  if (wireseal?.exitCode === null && wireseal.pid !== undefined) wireseal.kill('SIGKILL');
  if (state !== '') {
    await runProcess('bash', [LAB, 'down', join(state, 'lab')], process.env, 120_000);
    await rm(state, { recursive: true, force: true });
  }
}, 180_000);

describe('live capture through the libpcap addon', () => {
  it('flags the cleartext NFS flow, reports the tunnel as TLS 1.3 0x1302, and exits 1', async () => {
    const args = [
      'verify-encryption',
      '--interface',
      IFACE,
      '--filter',
      'tcp port 2049',
      '--duration',
      String(DURATION_S),
      '--format',
      'json',
    ];
    const before = await boundPacketSockets();
    const child = spawn('ip', ['netns', 'exec', NS, process.execPath, WIRESEAL, ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    wireseal = child;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const started = Date.now();

    // Traffic only once libpcap listens, so every flow is seen from its SYN.
    await until('wireseal to open its capture', async () => (await boundPacketSockets()) > before, 15_000);
    await new Promise((r) => setTimeout(r, 500)); // the BPF filter is attached just after the socket is bound
    await inClient('nfs-ls', `nfs://${NFS_SERVER}/export?version=4`);
    await inClient('nfs-cp', `nfs://127.0.0.1/export/data/blob-16k.txt?version=4&nfsport=20049`, join(state, 'dl'));
    const trafficDone = (Date.now() - started) / 1000;
    expect(trafficDone).toBeLessThan(DURATION_S - 1);

    const code = await exited;
    const doc: ResultDocument = parseResult({ code, stdout, stderr }, args);
    const onWire = doc.flows.map((f) => `${f.server.ip}:${f.server.port} ${f.class} ${f.verdict}`).sort();
    const context = `capture ${JSON.stringify(doc.captures)}; traffic done at ${trafficDone}s; stderr: ${stderr}`;
    expect(onWire, context).toEqual([`${NFS_SERVER}:2049 nfs-cleartext cleartext`, `${TLS_SERVER}:2049 tls encrypted`]);

    const byServer = (ip: string): FlowResult => doc.flows.find((f) => f.server.ip === ip)!;
    const clear = byServer(NFS_SERVER);
    expect(clear.client.ip).toBe('192.0.2.10');
    expect(clear.rpc?.programs).toEqual(['nfs/4']);
    expect(clear.rpc?.nfsVersion).toBe('NFSv4');
    expect(clear.rpc?.operations.READDIR).toBe(1);

    const tls = byServer(TLS_SERVER);
    expect(tls.tls?.version).toBe('TLS 1.3');
    expect(tls.tls?.cipherSuiteId).toBe(0x1302);
    expect(tls.tls?.cipherSuite).toBe('TLS_AES_256_GCM_SHA384');
    expect(tls.tls?.handshake).toBe('full');
    expect(tls.rpc?.operations ?? {}).toEqual({});
    // The 16 KiB download crossed the tunnel encrypted: more than that in application data to the client.
    expect(tls.payload.toClient).toBeGreaterThan(16_384);

    expect(doc.captures.map((c) => c.format)).toEqual(['live']);
    expect(code).toBe(1);
    expect(doc.summary.exitCode).toBe(1);
  });
});
