/**
 * A pcap whose link-type field has reserved bits set is refused as libpcap 1.10 refuses it: one line naming the file
 * and the byte offset, exit 3. Its twin with the FCS bits set the way libpcap allows is read, FCS stripped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'wireseal-hdr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  return spawnSync(process.execPath, ['bin/wireseal.js', ...args], { encoding: 'utf8' });
}

/** The lab's cleartext NFSv4 capture with its link-type field (bytes 20-23, little-endian) replaced. */
function withField(name: string, field: number): string {
  const b = Buffer.from(readFileSync('captures/lab/nfs4-cleartext.pcap'));
  expect(b.readUInt32LE(0)).toBe(0xa1b2c3d4);
  b.writeUInt32LE(field >>> 0, 20);
  const p = join(dir, name);
  writeFileSync(p, b);
  return p;
}

describe('pcap link-type field on the command line', { timeout: 30_000 }, () => {
  it('reserved bit 20 set: one-line error with file and offset, exit 3', () => {
    const p = withField('reserved.pcap', 0x00100001);
    const r = cli(['verify-encryption', p]);
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual([
      `wireseal: ${p}: corrupt at byte 20: link-type field 0x00100001 has reserved bits 16-25 set (libpcap rejects it) (results before it are kept)`,
    ]);
  });

  it('FCS bits without the F flag: read as it is, cleartext NFS found, exit 1', () => {
    const p = withField('fcs-bits.pcap', 0x30000001);
    const r = cli(['verify-encryption', p, '--format', 'json']);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as ResultDocument;
    expect(doc.findings.map((f) => f.code)).toContain('CLEARTEXT-NFS');
    expect(doc.captures[0]!.blindSpots!.packets).toBe(0);
  });
});
