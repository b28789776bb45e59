/**
 * The benchmark generator, checked against tshark on small generated captures: tshark reads them cleanly, finds
 * exactly the flows of the ground truth (endpoints, packets, bytes, stream ids), the same ServerHello cipher
 * suites and the same NFS operations.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../../bench/flows.js';
import { type GenerateResult, generateCapture, readTruth } from '../../../bench/generate.js';
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

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
}

/** `tshark -T fields` rows (tab-separated values) for the packets matching `filter` (all when empty). */
function fields(path: string, filter: string, names: string[], extra: string[] = []): string[][] {
  const args = ['-r', path, ...extra, ...(filter ? ['-Y', filter] : []), '-T', 'fields'];
  for (const n of names) args.push('-e', n);
  return tshark(args)
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

const dir = mkdtempSync(join(tmpdir(), 'wireseal-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generator determinism', () => {
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

describe.skipIf(!hasTshark).each(['pcap', 'pcapng'] as const)(
  'generated %s read back with tshark',
  { timeout: 60_000 },
  (format) => {
    let gen: GenerateResult;
    let truth: GroundTruth[];
    const byId = new Map<string, GroundTruth>();
    beforeAll(() => {
      gen = generateCapture({ path: join(dir, `sample.${format}`), format, targetBytes: 5_000_000, seed: 2049 });
      truth = readTruth(gen.truthPath);
      for (const t of truth) byId.set(t.id, t);
    }, 60_000);

    it('has the size, flow count and class mix asked for', () => {
      expect(gen.bytes).toBeGreaterThanOrEqual(5_000_000);
      expect(gen.bytes).toBeLessThan(8_000_000);
      expect(truth.length).toBe(gen.flows);
      expect(byId.size).toBe(truth.length);
      for (const cls of ['nfs-cleartext', 'tunnel-local', 'tls', 'dtls', 'rpc-cleartext']) {
        expect(truth.filter((t) => t.class === cls).length, cls).toBeGreaterThan(0);
      }
      expect(truth.some((t) => t.client.ip.includes(':'))).toBe(true);
    });

    it('reads without errors or malformed packets', () => {
      const r = spawnSync('tshark', ['-r', gen.path, '-q'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stderr.replace(/^Running as user.*\n?/m, '')).toBe('');
      expect(tshark(['-r', gen.path, '-Y', '_ws.malformed || _ws.expert.severity >= error'])).toBe('');
      expect(tshark(['-r', gen.path, ...DECODE_AS, '-Y', '_ws.malformed || _ws.expert.severity >= error'])).toBe('');
      const count = fields(gen.path, '', ['frame.number']).length;
      expect(count).toBe(gen.packets);
    });

    it('conv,tcp and conv,udp list exactly the ground-truth flows with their frame counts', () => {
      const out = tshark(['-r', gen.path, '-q', '-z', 'conv,tcp', '-z', 'conv,udp']);
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

    it('stream ids, first packet direction, packets and bytes match per stream', () => {
      const rows = fields(gen.path, '', ['tcp.stream', 'udp.stream', 'frame.len', 'ip.src', 'ipv6.src']);
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

    it('ServerHello cipher suites (tls.handshake.type==2, dtls) match the ground truth', () => {
      const rows = fields(
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

    it('NFS calls decoded by tshark match the ground-truth programs and operation counts', () => {
      const rows = fields(gen.path, 'rpc.msgtyp==0', [
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
      const rpcTruth = truth.filter((t) => t.programs.length > 0);
      expect(seen.size).toBe(rpcTruth.length);
      for (const t of rpcTruth) {
        const s = seen.get(t.id);
        expect(s, t.id).toBeDefined();
        expect([...s!.programs], t.id).toEqual(t.programs);
        expect(s!.ops, t.id).toEqual(t.nfsOps);
      }
      expect(rpcTruth.some((t) => (t.nfsOps.READ ?? 0) + (t.nfsOps.WRITE ?? 0) > 0)).toBe(true);
    });
  },
);
