/**
 * Lab NFS (cleartext NFSv3/v4, stunnel TLS 1.2, DTLS 1.2) wrapped in each encapsulation by test/helpers/wrap.ts,
 * frames unchanged: first checked with tshark (when installed) to decode down to the inner protocol, then wireseal
 * must give every inner flow the same class, version, suite and verdict as unwrapped, its path in `via`, and the
 * same exit code (1 for cleartext).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';
import { WRAPS, wrapPcap } from '../helpers/wrap.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-wrap-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const hasTshark = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;

const LAB = [
  ['nfs3-cleartext.pcap', 'rpc'],
  ['nfs4-cleartext.pcap', 'rpc'],
  ['nfs4-stunnel-tls12-aes256gcm.pcap', 'tls'],
  ['dtls12-udp2049.pcap', 'dtls'],
] as const;

function run(file: string): { doc: ResultDocument; code: number | null } {
  const r = spawnSync(process.execPath, ['bin/wireseal.js', 'verify-encryption', file, '--format', 'json'], {
    encoding: 'utf8',
  });
  return { doc: JSON.parse(r.stdout) as ResultDocument, code: r.status };
}

function facts(doc: ResultDocument): string[] {
  return doc.flows
    .map((f) =>
      [
        f.transport,
        f.client.ip,
        f.client.port,
        f.server.ip,
        f.server.port,
        f.class,
        f.verdict,
        f.tls?.version ?? f.dtls?.version ?? '',
        f.tls?.cipherSuite ?? f.dtls?.cipherSuite ?? '',
        f.rpc?.nfsVersion ?? '',
        (f.rpc?.programs ?? []).join(' '),
      ].join('|'),
    )
    .sort();
}

describe('lab captures wrapped in each encapsulation', () => {
  for (const [file, inner] of LAB) {
    const plain = run(`captures/lab/${file}`);
    for (const w of WRAPS) {
      it(`${file} in ${w}`, () => {
        const dest = path.join(tmp, `${w}-${file}`);
        wrapPcap(`captures/lab/${file}`, dest, w);
        if (hasTshark) {
          const t = spawnSync('tshark', ['-n', '-r', dest, '-T', 'fields', '-e', 'frame.protocols'], {
            encoding: 'utf8',
          });
          const stacks = t.stdout.trim().split('\n');
          expect(stacks.some((s) => s.split(':').includes(inner))).toBe(true);
        }
        const r = run(dest);
        expect(facts(r.doc)).toEqual(facts(plain.doc));
        expect(r.doc.flows.every((f) => (f.via?.length ?? 0) >= 1 || w === 'vlan3')).toBe(true);
        expect(r.code).toBe(plain.code);
      });
    }
  }
});
