/**
 * Triage exposure on the real lab captures (the CLI over dist/): READ and WRITE bytes from calls and their matched
 * replies equal what tshark 4.0 reports (`nfs.count3` on the NFSv3 READ reply and WRITE call, `nfs.read.data_length`
 * / `nfs.write.data_length` for NFSv4: see the comments by each number), calls and replies matched by xid, names as
 * keyed hashes with their lengths, AUTH_SYS uid/gid/machine name. No file name and no machine name in any output
 * format without --reveal; the same --redact-key gives the same hashes; verify-encryption never carries exposure.
 */
import { describe, expect, it } from 'vitest';
import type { FlowResult } from '../../src/report/schema.js';
import type { TriageDocument } from '../../src/triage/report.js';
import type { Exposure } from '../../src/triage/timeline.js';
import { runProcess, WIRESEAL } from '../helpers/lab-run.js';

const NFS3 = 'captures/lab/nfs3-cleartext.pcap';
const NFS4 = 'captures/lab/nfs4-cleartext.pcap';
const MIXED = 'captures/lab/nfs4-mixed-tunnel-and-bypass.pcapng';

/** Names the lab workload used and the libnfs machine name: never in an output without --reveal. */
const SECRETS = ['hello.txt', 'blob-64k', 'uploads', 'cleartext.txt', 'libnfs', 'mixed.txt'];

/** The CLI, asynchronously (a long synchronous test would stall vitest's worker under load). */
function cli(args: string[]) {
  return runProcess(process.execPath, [WIRESEAL, ...args], process.env, 60_000);
}

async function triage(args: string[]): Promise<TriageDocument> {
  const r = await cli(['triage', ...args, '--format', 'json']);
  expect(r.code).toBe(1);
  return JSON.parse(r.stdout) as TriageDocument;
}

/** The exposure of the cleartext segment to the NFS server. */
function nfsExposure(doc: TriageDocument, server: string): Exposure {
  const tl = doc.timelines.find((t) => t.server === server);
  const seg = tl?.segments.find((s) => s.verdict === 'cleartext');
  expect(seg?.exposure).toBeDefined();
  return seg!.exposure!;
}

describe('triage exposure on the lab captures', () => {
  it('NFSv3: READ 33 bytes, WRITE 18240 bytes (tshark nfs.count3, frames 99 and 211), 27 calls all answered', async () => {
    const e = nfsExposure(await triage([NFS3]), '198.51.100.20:2049');
    expect(e.read).toEqual({ replies: 1, bytes: 33 });
    expect(e.write).toEqual({ calls: 1, bytes: 18240 });
    // tshark -Y 'nfs && rpc.msgtyp==0' counts 27 calls, each with its reply.
    expect([e.calls, e.matchedReplies, e.unansweredCalls]).toEqual([27, 27, 0]);
    // tshark nfs.name / nfs.readdirplus.entry.name: . .. uploads data hello.txt (READDIRPLUS frame 47), hello.txt
    // (LOOKUP 92), blob-64k.txt (LOOKUP 144), nfs3-cleartext.txt (CREATE 203, LOOKUP 205).
    expect(e.names?.map((n) => [n.length, n.ops])).toEqual([
      [1, ['READDIRPLUS']],
      [2, ['READDIRPLUS']],
      [7, ['READDIRPLUS']],
      [4, ['READDIRPLUS']],
      [9, ['LOOKUP', 'READDIRPLUS']],
      [12, ['LOOKUP']],
      [18, ['CREATE', 'LOOKUP']],
    ]);
    for (const n of e.names ?? []) {
      expect(n.hash).toMatch(/^[0-9a-f]{16}$/);
      expect(n.name).toBeUndefined();
    }
    expect(e.authSys?.map((i) => [i.uid, i.gid, i.machine.length])).toEqual([[0, 0, 6]]);
    expect(e.partialMessages).toBeUndefined();
  });

  it('NFSv4: READ 33 bytes (frame 37), WRITE 3000 bytes (frame 85); 31 calls, one without its reply (xid 0x53e05b52)', async () => {
    const e = nfsExposure(await triage([NFS4]), '198.51.100.20:2049');
    expect(e.read).toEqual({ replies: 1, bytes: 33 });
    expect(e.write).toEqual({ calls: 1, bytes: 3000 });
    expect([e.calls, e.matchedReplies, e.unansweredCalls]).toEqual([31, 30, 1]);
    expect(e.names?.map((n) => [n.length, n.ops])).toEqual([
      [6, ['LOOKUP']],
      [7, ['LOOKUP', 'READDIR']],
      [4, ['LOOKUP', 'READDIR']],
      [9, ['OPEN', 'READDIR']],
      [12, ['OPEN']],
      [18, ['OPEN']],
    ]);
  });

  it('mixed capture: the bypassing mount READ 33 + 65536 bytes (frames 265, 294), WRITE 3000 (frame 318)', async () => {
    const e = nfsExposure(await triage([MIXED, '--host-root', 'captures/lab/host']), '198.51.100.20:2049');
    expect(e.read).toEqual({ replies: 2, bytes: 65569 });
    expect(e.write).toEqual({ calls: 1, bytes: 3000 });
    expect([e.calls, e.matchedReplies, e.unansweredCalls]).toEqual([32, 32, 0]);
    // The TLS segment exposes nothing.
    const doc = await triage([MIXED, '--host-root', 'captures/lab/host']);
    expect(doc.timelines[0]?.segments[0]?.exposure).toBeUndefined();
  });

  it('--reveal shows the names and the machine name; without it no output format carries them', async () => {
    const shown = nfsExposure(await triage([NFS4, '--reveal']), '198.51.100.20:2049');
    expect(shown.names?.map((n) => n.name)).toEqual([
      'export',
      'uploads',
      'data',
      'hello.txt',
      'blob-64k.txt',
      'nfs4-cleartext.txt',
    ]);
    expect(shown.authSys?.[0]?.machine.name).toBe('libnfs');
    expect((await cli(['triage', NFS4, '--reveal'])).stdout).toContain('"hello.txt" (9 bytes, OPEN/READDIR)');
    for (const cap of [NFS3, NFS4, MIXED]) {
      for (const fmt of ['markdown', 'json']) {
        const r = await cli(['triage', cap, '--format', fmt]);
        expect(r.code).toBe(1);
        for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
      }
      for (const fmt of ['table', 'json', 'jsonl', 'junit', 'sarif', 'markdown']) {
        const r = await cli(['verify-encryption', cap, '--format', fmt]);
        for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
      }
    }
  }, 240_000);

  it('the same --redact-key gives the same hashes; without it each report has its own key', async () => {
    const hashes = async (extra: string[]) =>
      nfsExposure(await triage([NFS4, ...extra]), '198.51.100.20:2049').names?.map((n) => n.hash);
    const a = await hashes(['--redact-key', 'incident-42']);
    expect(await hashes(['--redact-key', 'incident-42'])).toEqual(a);
    expect(await hashes(['--redact-key', 'incident-43'])).not.toEqual(a);
    const r1 = await hashes([]);
    expect(await hashes([])).not.toEqual(r1);
    const doc = await triage([NFS4, '--redact-key', 'incident-42']);
    expect(doc.names).toEqual({ shown: 'keyed-hash', key: 'given' });
    expect((await triage([NFS4])).names).toEqual({ shown: 'keyed-hash', key: 'random' });
    expect((await cli(['triage', NFS4, '--redact-key', ''])).code).toBe(2);
  }, 120_000);

  it('verify-encryption reads no exposure (no field, same speed path)', async () => {
    const r = await cli(['verify-encryption', NFS4, '--format', 'json']);
    const flows = (JSON.parse(r.stdout) as { flows: FlowResult[] }).flows;
    expect(flows.length).toBeGreaterThan(0);
    expect(flows.some((f) => f.exposure !== undefined)).toBe(false);
  });
});
