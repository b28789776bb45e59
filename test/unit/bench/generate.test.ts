/**
 * The benchmark generator, checked against tshark on small generated captures: tshark reads them cleanly, finds
 * exactly the flows of the ground truth (endpoints, packets, bytes, stream ids), the same ServerHello cipher
 * suites and the same NFS operations.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../../bench/flows.js';
import { type GenerateResult, generateCapture, type MixName, readTruth } from '../../../bench/generate.js';
import { NFS3, NFS4 } from '../../../bench/rpc-messages.js';

const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
const DECODE_AS = [
  '-d',
  'tcp.port==2049,tls',
  '-d',
  'tcp.port==20049-21049,tls',
  '-d',
  'udp.port==2049,dtls',
  '-d',
  'udp.port==4433,dtls',
];

/**
 * tshark, run asynchronously: a synchronous run of a minute blocks the test worker, and vitest's worker RPC then
 * times out on a loaded machine.
 */
function tsharkRun(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('tshark', args, { encoding: 'utf8', maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ status: code, stdout, stderr });
    });
  });
}

/** tshark's standard output; throws when it fails, as execFileSync did. */
async function tshark(args: string[]): Promise<string> {
  const r = await tsharkRun(args);
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** `tshark -T fields` rows (tab-separated values) for the packets matching `filter` (all when empty). */
async function fields(path: string, filter: string, names: string[], extra: string[] = []): Promise<string[][]> {
  const args = ['-r', path, ...extra, ...(filter ? ['-Y', filter] : []), '-T', 'fields'];
  for (const n of names) args.push('-e', n);
  return (await tshark(args))
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

const dir = mkdtempSync(join(tmpdir(), 'wireseal-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generator determinism', { timeout: 30_000 }, () => {
  it('writes the same bytes for the same seed, and other bytes for another seed', () => {
    const hash = (name: string, seed: number): string => {
      const r = generateCapture({ path: join(dir, name), format: 'pcap', targetBytes: 1 << 20, seed });
      return createHash('sha256').update(readFileSync(r.path)).update(readFileSync(r.truthPath)).digest('hex');
    };
    const a = hash('a.pcap', 7);
    expect(hash('b.pcap', 7)).toBe(a);
    expect(hash('c.pcap', 8)).not.toBe(a);
  });
});

/** A filter leaving out the planted flows (their cleartext after TLS is malformed TLS to a decode-as). */
function notPlanted(truth: readonly GroundTruth[]): string {
  const ids = truth.filter((t) => t.planted).map((t) => `tcp.stream==${t.id.slice(4)}`);
  return ids.length > 0 ? ` && !(${ids.join(' || ')})` : '';
}

/** NFSv3 procedures called in the clear in a planted flow (with tshark's TLS dissector off, as it claims the flow). */
async function plantedCalls(path: string, t: GroundTruth): Promise<string[]> {
  const filter = `tcp.stream==${t.id.slice(4)} && rpc.msgtyp==0`;
  return (await fields(path, filter, ['rpc.procedure'], ['--disable-protocol', 'tls'])).flat();
}

describe.skipIf(!hasTshark).each([
  ['long', 'pcap', 5_000_000],
  ['long', 'pcapng', 5_000_000],
  ['short', 'pcap', 2_000_000],
] as const)('generated %s-flow %s read back with tshark', { timeout: 240_000 }, (mix: MixName, format, size) => {
  let gen: GenerateResult;
  let truth: GroundTruth[];
  const byId = new Map<string, GroundTruth>();
  beforeAll(() => {
    const path = join(dir, `sample-${mix}.${format}`);
    gen = generateCapture({ path, format, mix, targetBytes: size, seed: 2049 });
    truth = readTruth(gen.truthPath);
    for (const t of truth) byId.set(t.id, t);
  }, 60_000);

  it('has the size, flow count, class mix and planted flows asked for', () => {
    expect(gen.bytes).toBeGreaterThanOrEqual(size);
    expect(gen.bytes).toBeLessThan(size * 1.6);
    const planted = truth.filter((t) => t.planted);
    expect(planted.map((t) => t.planted)).toEqual(['after-handshake', 'after-gap'].slice(0, planted.length));
    expect(planted.length).toBeGreaterThanOrEqual(1);
    expect(planted[0]!.findings).toEqual(['TLS-PLAINTEXT-AFTER-HANDSHAKE']);
    for (const t of planted) expect(t.verdict).toBe('cleartext');
    expect(gen.records).toBe(truth.reduce((s, t) => s + t.records, 0));
    expect(truth.length).toBe(gen.flows);
    expect(byId.size).toBe(truth.length);
    for (const cls of ['nfs-cleartext', 'tunnel-local', 'tls', 'dtls', 'rpc-cleartext']) {
      expect(truth.filter((t) => t.class === cls).length, cls).toBeGreaterThan(0);
    }
    expect(truth.some((t) => t.client.ip.includes(':'))).toBe(true);
  });

  it('reads without errors or malformed packets', async () => {
    const r = await tsharkRun(['-r', gen.path, '-q']);
    expect(r.status).toBe(0);
    expect(r.stderr.replace(/^Running as user.*\n?/m, '')).toBe('');
    expect(await tshark(['-r', gen.path, '-Y', '_ws.malformed || _ws.expert.severity >= error'])).toBe('');
    const bad = `(_ws.malformed || _ws.expert.severity >= error)${notPlanted(truth)}`;
    expect(await tshark(['-r', gen.path, ...DECODE_AS, '-Y', bad])).toBe('');
    const count = (await fields(gen.path, '', ['frame.number'])).length;
    expect(count).toBe(gen.packets);
  });

  it('conv,tcp and conv,udp list exactly the ground-truth flows with their frame counts', async () => {
    const out = await tshark(['-r', gen.path, '-q', '-z', 'conv,tcp', '-z', 'conv,udp']);
    const seen: string[] = [];
    for (const line of out.split('\n')) {
      const m = /^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s+\d+\s+\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+(\d+)\s/.exec(line);
      if (!m) continue;
      const ends = [`${m[1]}:${m[2]}`, `${m[3]}:${m[4]}`].sort();
      seen.push(`${ends.join(' ')} ${m[5]}`);
    }
    const expected = truth.map((t) => {
      const ends = [`${t.client.ip}:${t.client.port}`, `${t.server.ip}:${t.server.port}`].sort();
      return `${ends.join(' ')} ${t.packets}`;
    });
    expect(seen.sort()).toEqual(expected.sort());
  });

  it('stream ids, first packet direction, packets and bytes match per stream', async () => {
    const rows = await fields(gen.path, '', ['tcp.stream', 'udp.stream', 'frame.len', 'ip.src', 'ipv6.src']);
    const agg = new Map<string, { packets: number; bytes: number; firstSrc: string }>();
    for (const [tcp, udp, len, src4, src6] of rows) {
      const id = tcp ? `tcp.${tcp}` : `udp.${udp}`;
      const a = agg.get(id) ?? { packets: 0, bytes: 0, firstSrc: src4 || src6 || '' };
      a.packets++;
      a.bytes += Number(len);
      agg.set(id, a);
    }
    expect(agg.size).toBe(truth.length);
    for (const t of truth) {
      expect(agg.get(t.id), t.id).toEqual({ packets: t.packets, bytes: t.bytes, firstSrc: t.client.ip });
    }
  });

  it('ServerHello cipher suites (tls.handshake.type==2, dtls) match the ground truth', async () => {
    const rows = await fields(
      gen.path,
      'tls.handshake.type==2 || dtls.handshake.type==2',
      [
        'tcp.stream',
        'udp.stream',
        'tls.handshake.ciphersuite',
        'dtls.handshake.ciphersuite',
        'tls.handshake.extensions.supported_version',
      ],
      DECODE_AS,
    );
    const seen = rows.map(([tcp, udp, tlsCs, dtlsCs, sv]) => {
      const id = tcp ? `tcp.${tcp}` : `udp.${udp}`;
      const version = udp ? 'DTLS 1.2' : sv === '0x0304' ? 'TLS 1.3' : 'TLS 1.2';
      return `${id} ${version} ${Number(tlsCs || dtlsCs)}`;
    });
    const expected = truth
      .filter((t) => t.class === 'tls' || t.class === 'dtls')
      .map((t) => `${t.id} ${t.version} ${t.cipherSuiteId}`);
    expect(seen.sort()).toEqual(expected.sort());
    expect(new Set(truth.map((t) => t.cipherSuiteId)).size).toBeGreaterThanOrEqual(4);
  });

  it('NFS calls decoded by tshark match the ground-truth programs and operation counts', async () => {
    const rows = await fields(gen.path, 'rpc.msgtyp==0', [
      'tcp.stream',
      'rpc.program',
      'rpc.programversion',
      'rpc.procedure',
      'nfs.opcode',
    ]);
    const v3 = new Map(Object.values(NFS3).map((p) => [p.num, p.name]));
    const v4 = new Map(Object.values(NFS4).map((p) => [p.num, p.name]));
    const names: Record<string, string> = {
      '100000/2': 'portmapper/2',
      '100005/3': 'mount/3',
      '100003/3': 'nfs/3',
      '100003/4': 'nfs/4',
    };
    const seen = new Map<string, { programs: Set<string>; ops: Record<string, number> }>();
    for (const [stream, progs, versions, procs, opcodes] of rows) {
      // Portmapper GETPORT arguments name a program and version too: the call's own are the first values.
      const [prog, vers, proc] = [progs, versions, procs].map((v) => (v ?? '').split(',')[0]);
      const id = `tcp.${stream}`;
      const s = seen.get(id) ?? { programs: new Set<string>(), ops: {} };
      s.programs.add(names[`${prog}/${vers}`] ?? `${prog}/${vers}`);
      const add = (n: string | undefined): void => {
        if (n) s.ops[n] = (s.ops[n] ?? 0) + 1;
      };
      if (prog === '100003' && vers === '3') add(v3.get(Number(proc)));
      if (prog === '100003' && vers === '4') for (const op of (opcodes ?? '').split(',')) add(v4.get(Number(op)));
      seen.set(id, s);
    }
    // tshark takes the planted flows for TLS throughout: their calls are checked below, with TLS turned off.
    const rpcTruth = truth.filter((t) => t.programs.length > 0 && !t.planted);
    for (const [id] of seen) if (byId.get(id)?.planted) seen.delete(id);
    expect(seen.size).toBe(rpcTruth.length);
    for (const t of rpcTruth) {
      const s = seen.get(t.id);
      expect(s, t.id).toBeDefined();
      expect([...s!.programs], t.id).toEqual(t.programs);
      expect(s!.ops, t.id).toEqual(t.nfsOps);
    }
    expect(rpcTruth.some((t) => (t.nfsOps.READ ?? 0) + (t.nfsOps.WRITE ?? 0) > 0)).toBe(true);
  });

  it('planted flows carry NFSv3 calls in the clear after their TLS handshake', async () => {
    for (const t of truth.filter((x) => x.planted))
      expect(await plantedCalls(gen.path, t), t.id).toEqual(['3', '6', '7']);
  });
});

/** tshark's TCP conversations: "a:port b:port frames", ends sorted. */
async function conversations(path: string): Promise<string[]> {
  const out = await tshark(['-r', path, '-q', '-z', 'conv,tcp']);
  const seen: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s+\d+\s+\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+(\d+)\s/.exec(line);
    if (m) seen.push(`${[`${m[1]}:${m[2]}`, `${m[3]}:${m[4]}`].sort().join(' ')} ${m[5]}`);
  }
  return seen.sort();
}

function expectedConversations(truth: readonly GroundTruth[]): string[] {
  return truth
    .filter((t) => t.transport === 'tcp' && t.count === undefined)
    .map(
      (t) => `${[`${t.client.ip}:${t.client.port}`, `${t.server.ip}:${t.server.port}`].sort().join(' ')} ${t.packets}`,
    )
    .sort();
}

describe.skipIf(!hasTshark)('the other mixes read back with tshark', { timeout: 240_000 }, () => {
  it('rpc-tiny: one NFSv3 flow of tiny GETATTR calls and replies, every one decoded, beside both planted kinds', async () => {
    const gen = generateCapture({ path: join(dir, 'rpc.pcap'), format: 'pcap', mix: 'rpc-tiny', targetBytes: 20_000 });
    const truth = readTruth(gen.truthPath);
    expect(truth.map((t) => t.planted ?? t.class).sort()).toEqual(['after-gap', 'after-handshake', 'nfs-cleartext']);
    const big = truth.find((t) => t.class === 'nfs-cleartext')!;
    expect([big.records, big.nfsOps, big.verdict, big.findings]).toEqual([
      20_000,
      { GETATTR: 10_000 },
      'cleartext',
      ['CLEARTEXT-NFS'],
    ]);
    expect(gen.records).toBe(truth.reduce((s, t) => s + t.records, 0));
    expect(await tshark(['-r', gen.path, '-Y', '_ws.malformed || _ws.expert.severity >= error'])).toBe('');
    expect(await conversations(gen.path)).toEqual(expectedConversations(truth));
    const rows = await fields(gen.path, `tcp.stream==${big.id.slice(4)} && rpc`, ['rpc.msgtyp', 'rpc.procedure']);
    const messages = rows.flatMap(([types, procs]) => {
      const p = (procs ?? '').split(',');
      return (types ?? '').split(',').map((type, i) => `${type}/${p[i]}`);
    });
    expect(messages.filter((m) => m === '0/1').length).toBe(10_000);
    expect(messages.filter((m) => m === '1/1').length).toBe(10_000);
    expect(messages.length).toBe(20_000);
    // The planted flows: NFSv3 calls in the clear after the TLS handshake (and after the lost segment).
    for (const t of truth.filter((x) => x.planted))
      expect(await plantedCalls(gen.path, t), t.id).toEqual(['3', '6', '7']);
    const lost = (await fields(gen.path, 'tcp.analysis.lost_segment', ['tcp.stream'])).flat();
    expect(lost).toEqual([truth.find((t) => t.planted === 'after-gap')!.id.slice(4)]);
  });

  it('syn-flood: one SYN per source, counted as one ground-truth line, beside whole flows', async () => {
    const gen = generateCapture({ path: join(dir, 'syn.pcap'), format: 'pcap', mix: 'syn-flood', targetBytes: 5000 });
    const truth = readTruth(gen.truthPath);
    const flood = truth.find((t) => t.count !== undefined)!;
    expect([flood.count, flood.packets, flood.class, flood.verdict]).toEqual([5000, 5000, 'none', 'unknown']);
    expect(gen.flows).toBe(5000 + truth.length - 1);
    expect(truth.filter((t) => t.planted).map((t) => t.planted)).toEqual(['after-handshake', 'after-gap']);
    expect((await fields(gen.path, 'tcp.flags==0x002 && ip.src==10.128.0.0/9', ['ip.src'])).length).toBe(5000);
    expect(new Set((await fields(gen.path, 'tcp.flags==0x002', ['ip.src'])).flat()).size).toBe(5000 + truth.length - 1);
    const convs = await conversations(gen.path);
    expect(convs.length).toBe(5000 + truth.length - 1);
    for (const c of expectedConversations(truth)) expect(convs).toContain(c);
  });

  it('vxlan: every frame inside VXLAN to 4789, the inner flows as the ground truth says', async () => {
    const gen = generateCapture({ path: join(dir, 'vx.pcap'), format: 'pcap', mix: 'vxlan', targetBytes: 1_000_000 });
    const truth = readTruth(gen.truthPath);
    expect(truth.every((t) => t.transport === 'tcp' && t.interface === 'eth0')).toBe(true);
    expect((await fields(gen.path, 'udp.dstport==4789 && vxlan.vni==4242', ['frame.number'])).length).toBe(gen.packets);
    expect(await tshark(['-r', gen.path, '-Y', '_ws.malformed || _ws.expert.severity >= error'])).toBe('');
    expect(await conversations(gen.path)).toEqual(expectedConversations(truth));
    const rows = await fields(
      gen.path,
      'tls.handshake.type==2',
      ['tcp.stream', 'tls.handshake.ciphersuite'],
      DECODE_AS,
    );
    const expected = truth.filter((t) => t.class === 'tls').map((t) => `${t.id.slice(4)} ${t.cipherSuiteId}`);
    expect(rows.map(([s, cs]) => `${s} ${Number(cs)}`).sort()).toEqual(expected.sort());
  });
});
