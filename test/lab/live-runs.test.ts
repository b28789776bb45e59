/**
 * Live capture through wireseal's libpcap addon, many times, in a private network namespace (wsl9-live, only lo):
 *  - 20 runs of `verify-encryption` with the host cross-reference (`--local -i lo`, `--local -i any`,
 *    `--host-root DIR -i lo`) while tcpreplay plays a lab capture onto lo: every run ends with its report and an
 *    exit code, none with a signal (the `cap` binding died with SIGSEGV in most such runs);
 *  - a forced drop: a tiny kernel ring and replay at top speed: libpcap's drops are reported, with a warning, and
 *    the flows active meanwhile say so (`captureDrops`, an evidence line);
 *  - timestamps and original lengths: wireseal (snaplen 96) and `tcpdump -w` (snaplen 200) capture the same
 *    replay; wireseal's flows over its live capture equal its flows over tcpdump's file, time for time, byte for
 *    byte (bytes are original lengths: both snaplens cut most packets).
 * Root on Linux only (scripts/run-lab-tests.js decides).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';
import { REPO, runProcess, WIRESEAL } from '../helpers/lab-run.js';

const NS = 'wsl9-live';
const MIXED = join(REPO, 'captures', 'lab', 'nfs4-mixed-tunnel-and-bypass.pcapng');
const HOST_ROOT = join(REPO, 'captures', 'lab', 'host');
let tmp = '';

async function ns(...cmd: string[]): Promise<string> {
  const r = await runProcess('ip', ['netns', 'exec', NS, ...cmd], process.env, 120_000);
  if (r.code !== 0) throw new Error(`${cmd.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Packet sockets bound to an interface and running in the namespace (libpcap's, once a capture is live). */
async function boundSockets(): Promise<number> {
  const r = await runProcess('ip', ['netns', 'exec', NS, 'cat', '/proc/net/packet'], process.env, 10_000);
  return r.stdout
    .trim()
    .split('\n')
    .slice(1)
    .filter((l) => {
      const c = l.trim().split(/\s+/);
      return c.length > 5 && c[5] === '1';
    }).length;
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `cmd` in the namespace and resolves once libpcap listens (one more bound packet socket). */
async function startCapture(cmd: string[]): Promise<{ child: ChildProcess; done: Promise<Finished> }> {
  const before = await boundSockets();
  const child = spawn('ip', ['netns', 'exec', NS, ...cmd], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const done = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  for (const end = Date.now() + 20_000; Date.now() < end; ) {
    if ((await boundSockets()) > before) break;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 200)); // the filter and ring are set up right after the bind
  return { child, done };
}

function wireseal(...args: string[]): string[] {
  return [process.execPath, WIRESEAL, ...args];
}

function parse(f: Finished, what: string): ResultDocument {
  expect(f.signal, `${what}: ${f.stderr}`).toBeNull();
  try {
    return JSON.parse(f.stdout) as ResultDocument;
  } catch {
    throw new Error(`${what}: no report (exit ${f.code}, signal ${f.signal}); stderr: ${f.stderr}`);
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'wireseal-live9-'));
  await runProcess('ip', ['netns', 'delete', NS]);
  const add = await runProcess('ip', ['netns', 'add', NS]);
  if (add.code !== 0) throw new Error(`ip netns add: ${add.stderr}`);
  await ns('ip', 'link', 'set', 'lo', 'up');
});

afterAll(async () => {
  await runProcess('ip', ['netns', 'delete', NS]);
  if (tmp !== '') await rm(tmp, { recursive: true, force: true });
});

describe('live capture with the cross-reference, 20 times', () => {
  it('every run ends with its report and exit 1 (cleartext NFS replayed), none with a signal', async () => {
    const modes = [
      ['--local', '-i', 'lo'],
      ['--local', '-i', 'any'],
      ['--host-root', HOST_ROOT, '-i', 'lo'],
    ];
    const outcomes: string[] = [];
    for (let run = 0; run < 20; run++) {
      const mode = modes[run % modes.length]!;
      // Half the runs end on --count (closing from inside a batch), half on --duration.
      const stop = run % 2 === 0 ? ['--count', '323', '--duration', '15'] : ['--duration', '2'];
      const what = `run ${run} ${mode.join(' ')} ${stop.join(' ')}`;
      const cap = await startCapture(wireseal('verify-encryption', ...mode, ...stop, '--format', 'json'));
      await ns('tcpreplay', '-q', '-i', 'lo', '--topspeed', MIXED);
      const f = await cap.done;
      const doc = parse(f, what);
      const c = doc.captures[0]!;
      expect(c.format, what).toBe('live');
      expect(c.kernelDrops, what).toBe(0);
      expect(c.interfaceDrops, what).toBe(0);
      expect(c.packets, what).toBe(323);
      expect(doc.flows.filter((fl) => fl.class === 'nfs-cleartext').length, what).toBe(4);
      expect(doc.flows.filter((fl) => fl.class === 'tls' && fl.verdict === 'encrypted').length, what).toBe(4);
      expect(f.code, what).toBe(1);
      expect(doc.summary.exitCode, what).toBe(1);
      if (mode[0] === '--host-root') expect((doc.mounts ?? []).length, what).toBeGreaterThan(0);
      outcomes.push(`${f.code}`);
    }
    expect(outcomes).toEqual(Array(20).fill('1'));
  }, 280_000);
});

describe('forced drops', () => {
  it('a tiny ring at top speed: drops reported, flows active meanwhile say so', async () => {
    const cap = await startCapture(
      wireseal('verify-encryption', '-i', 'lo', '--buffer-size', '1', '--duration', '6', '--format', 'json'),
    );
    await ns('tcpreplay', '-q', '-i', 'lo', '--topspeed', '--loop=60', MIXED);
    const f = await cap.done;
    const doc = parse(f, 'forced drop');
    const c = doc.captures[0]!;
    const lost = (c.kernelDrops ?? 0) + (c.interfaceDrops ?? 0);
    expect(lost, JSON.stringify(c)).toBeGreaterThan(0);
    // Packets were lost: wireseal saw fewer than were sent. (On lo the kernel counts a drop for the outgoing copy
    // too, which libpcap never delivers: `lost` can exceed what is missing.)
    expect(c.packets).toBeLessThan(60 * 323);
    expect((c.dropWindows ?? []).reduce((n, w) => n + w.count, 0)).toBe(lost);
    expect(doc.warnings.some((w) => w.startsWith(`live:lo: the capture lost ${lost} packets`))).toBe(true);
    const hit = doc.flows.filter((fl) => (fl.captureDrops ?? 0) > 0);
    expect(hit.length).toBeGreaterThan(0);
    for (const fl of hit) {
      expect(
        fl.evidence.some((e) => e.what === `the capture dropped ${fl.captureDrops} packets while this flow was active`),
      ).toBe(true);
    }
    expect(f.code).not.toBeNull();
  }, 60_000);
});

describe('timestamps and original lengths equal those of tcpdump -w', () => {
  it("wireseal's flows over the live capture equal its flows over tcpdump's file", async () => {
    const file = join(tmp, 'tcpdump.pcap');
    const td = await startCapture(['tcpdump', '-i', 'lo', '-s', '200', '--time-stamp-precision=nano', '-w', file]);
    const ws = await startCapture(
      wireseal('flows', '-i', 'lo', '--snaplen', '96', '--all', '--duration', '3', '--format', 'json'),
    );
    await ns('tcpreplay', '-q', '-i', 'lo', '--topspeed', MIXED);
    const live = parse(await ws.done, 'live');
    td.child.kill('SIGINT');
    await td.done;
    const r = await runProcess(process.execPath, [WIRESEAL, 'flows', file, '--all', '--format', 'json']);
    const fromFile = JSON.parse(r.stdout) as ResultDocument;
    const key = (d: ResultDocument) =>
      d.flows.map((fl) => ({
        client: fl.client,
        server: fl.server,
        firstSeen: fl.firstSeen,
        lastSeen: fl.lastSeen,
        packets: fl.packets,
        bytes: fl.bytes,
      }));
    expect(live.captures[0]!.packets).toBe(323);
    expect(live.captures[0]!.truncatedPackets).toBeGreaterThan(100);
    expect(fromFile.captures[0]!.packets).toBe(323);
    expect(key(live)).toEqual(key(fromFile));
    expect(live.flows.length).toBe(12);
  }, 60_000);
});
