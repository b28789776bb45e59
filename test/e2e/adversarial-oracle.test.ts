/**
 * tshark as the oracle of the adversarial corpus: every case dissects as it claims (handshake messages, record
 * content types and versions, DTLS epochs, the ONC-RPC calls and their credential flavors, RPCSEC_GSS services,
 * TCP analysis flags). Each field claim is exhaustive: the field has a value in exactly the claimed frames. Skipped
 * when tshark is absent, except under CI=true (.ci/run installs it), where its absence fails.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Claim, Dissector } from '../adversarial/case-kit.js';
import type { Manifest } from '../adversarial/generate.js';
import { REPO } from '../helpers/lab-run.js';

const DIR = join(REPO, 'test', 'adversarial', 'corpus');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as Manifest;
const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
const inCi = process.env.CI === 'true';

function decodeArgs(d: Dissector | undefined): string[] {
  switch (d) {
    case undefined:
      return [];
    case 'tls':
      return ['-d', 'tcp.port==2049,tls', '-d', 'tcp.port==443,tls'];
    case 'dtls':
      return ['-d', 'udp.port==2049,dtls'];
    case 'rpc':
      return ['-d', 'tcp.port==2049,rpc', '-d', 'udp.port==2049,rpc'];
  }
}

const run = promisify(execFile);

/** tshark asynchronously (a synchronous child would stall vitest's worker under load). */
async function tshark(file: string, args: string[]): Promise<string> {
  const r = await run('tshark', ['-n', '-r', join(DIR, file), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return r.stdout;
}

/** What tshark reads: per claim, the frames and values (field claims) or the matching frames (filter claims). */
async function observe(file: string, claims: Claim[]): Promise<unknown[]> {
  const out: unknown[] = new Array(claims.length);
  const byDissector = new Map<string, { i: number; field: string }[]>();
  const jobs: Promise<void>[] = [];
  claims.forEach((c, i) => {
    if ('field' in c) {
      const key = c.decodeAs ?? '';
      byDissector.set(key, [...(byDissector.get(key) ?? []), { i, field: c.field }]);
    } else {
      const args = [...decodeArgs(c.decodeAs), '-Y', c.filter, '-T', 'fields', '-e', 'frame.number'];
      jobs.push(
        tshark(file, args).then((lines) => {
          out[i] = lines
            .split('\n')
            .filter((l) => l !== '')
            .map(Number);
        }),
      );
    }
  });
  for (const [key, fields] of byDissector) {
    const args = [...decodeArgs(key === '' ? undefined : (key as Dissector)), '-T', 'fields', '-E', 'occurrence=a'];
    args.push('-e', 'frame.number', ...fields.flatMap((f) => ['-e', f.field]));
    jobs.push(
      tshark(file, args).then((text) => {
        const rows = text
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => l.split('\t'));
        fields.forEach((f, j) => {
          const values: Record<string, string> = {};
          for (const r of rows) if ((r[j + 1] ?? '') !== '') values[r[0]!] = r[j + 1]!;
          out[f.i] = values;
        });
      }),
    );
  }
  await Promise.all(jobs);
  return out;
}

const expectedOf = (c: Claim): unknown => ('field' in c ? c.values : c.frames);

describe.skipIf(!hasTshark && !inCi)('adversarial corpus: tshark dissects every case as it claims', () => {
  it('tshark is installed (CI installs it)', () => {
    expect(hasTshark).toBe(true);
  });
  for (const c of manifest.cases) {
    it(`${c.id}: ${c.claims.length} claims`, async () => {
      const seen = await observe(c.file, c.claims);
      const labelled = (vals: unknown[]) =>
        Object.fromEntries(
          c.claims.map((cl, i) => [`${'field' in cl ? cl.field : cl.filter} [${cl.decodeAs ?? 'default'}]`, vals[i]]),
        );
      expect(labelled(seen)).toEqual(labelled(c.claims.map(expectedOf)));
    });
  }
});
