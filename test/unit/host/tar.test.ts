import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../../../src/host/bundle.js';
import { judgeMounts, readHostInventory } from '../../../src/host/index.js';
import { tarEnd, tarFile } from '../../../src/host/tar.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-tar-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tar writer', () => {
  it('writes ustar entries GNU tar reads, including long names via PAX', () => {
    const long = `var/run/efs/${'d'.repeat(120)}/stunnel-config.fs-1.${'m'.repeat(150)}.20049`;
    const blocks = [
      ...tarFile('proc/mounts', Buffer.from('a b nfs4 rw 0 0\n')),
      ...tarFile(long, Buffer.from('x = 1')),
      tarEnd(),
    ];
    const out = path.join(tmp, 't.tar.gz');
    writeFileSync(out, gzipSync(Buffer.concat(blocks)));
    expect(execFileSync('tar', ['tzf', out], { encoding: 'utf8' }).trim().split('\n')).toEqual(['proc/mounts', long]);
    const dir = path.join(tmp, 'x');
    mkdirSync(dir);
    execFileSync('tar', ['xzf', out, '-C', dir]);
    expect(readFileSync(path.join(dir, long), 'utf8')).toBe('x = 1');
  });

  it('bundles exactly the inventory files, and the bundle judges the same', async () => {
    const inv = await readHostInventory('test/fixtures/host/aznfs-tls');
    const out = path.join(tmp, 'az.tar.gz');
    const r = await writeBundle(inv, out, 1_700_000_000);
    expect(r.files).toEqual(inv.files);
    expect(r.files).toEqual([
      '/proc/mounts',
      '/opt/microsoft/aznfs/data/mountmapv4',
      '/etc/stunnel/microsoft/aznfs/nfsv4_fileShare/logs/stunnel_10.0.2.15.pid',
      '/etc/stunnel/microsoft/aznfs/nfsv4_fileShare/stunnel_10.0.2.15.conf',
    ]);
    const dir = path.join(tmp, 'az');
    mkdirSync(dir);
    execFileSync('tar', ['xzf', out, '-C', dir]);
    const again = judgeMounts(await readHostInventory(dir));
    expect(again).toEqual(judgeMounts(inv));
  });
});
