import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeMounts, readHostInventory } from '../../../src/host/index.js';
import { HostRootError } from '../../../src/host/inventory.js';

const MOUNTS = '127.0.0.1:/ /mnt/efs nfs4 rw,vers=4.1,proto=tcp,port=20100,sec=sys,addr=127.0.0.1 0 0\n';
let dir: string;

async function put(root: string, rel: string, data: string | Buffer): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), data);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wireseal-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hostile bundles', () => {
  it('stops an include loop with a warning', { timeout: 10_000 }, async () => {
    const root = path.join(dir, 'loop');
    await put(root, 'proc/mounts', MOUNTS);
    await put(root, 'etc/stunnel/nfs.conf', 'include = /etc/stunnel/a\n');
    await put(
      root,
      'etc/stunnel/a/1.conf',
      '[s]\nclient = yes\naccept = 127.0.0.1:20100\nconnect = 10.0.0.1:2049\ninclude = /etc/stunnel/b\n',
    );
    await put(root, 'etc/stunnel/b/2.conf', 'include = /etc/stunnel/a\n');
    const inv = await readHostInventory(root);
    expect(inv.warnings).toContain('/etc/stunnel/b/2.conf:1: include loop through /etc/stunnel/a/1.conf; skipped');
    const [m] = judgeMounts(inv);
    expect(m.mechanism).toBe('stunnel');
    expect(m.tunnelTarget).toBe('10.0.0.1:2049');
  });

  it('skips a 100 MB file with a warning', { timeout: 10_000 }, async () => {
    const root = path.join(dir, 'big');
    await put(root, 'etc/stunnel/big.conf', '');
    await truncate(path.join(root, 'etc/stunnel/big.conf'), 100 * 1024 * 1024);
    await put(root, 'proc/mounts', MOUNTS);
    const inv = await readHostInventory(root);
    expect(inv.warnings).toContain('/etc/stunnel/big.conf: larger than 1048576 bytes (104857600); skipped');
    expect(inv.files).toEqual(['/proc/mounts']);
  });

  it('skips binary garbage and bad JSON with a warning', { timeout: 10_000 }, async () => {
    const root = path.join(dir, 'garbage');
    const junk = Buffer.alloc(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 131 + 7) & 0xff;
    await put(root, 'proc/mounts', junk);
    await put(root, 'var/run/efs/fs-1.mnt.efs.20100', '{"pid": 12, "cmd": [');
    await put(root, 'etc/stunnel/x.conf', Buffer.from([0xff, 0xfe, 0x3d, 0x3d, 0x0a, 0x5b, 0x5d, 0xc3]));
    const inv = await readHostInventory(root);
    expect(inv.warnings).toContain('/proc/mounts: binary content (NUL bytes), not a text config; skipped');
    expect(inv.warnings).toContain('/var/run/efs/fs-1.mnt.efs.20100: efs-utils state file is not valid JSON');
    expect(inv.warnings).toContain('/proc/mounts: no readable mount table; no mounts to judge');
    expect(inv.mounts).toEqual([]);
    expect(inv.stunnelConfigs[0].services.map((x) => x.name)).toEqual(['']);
  });

  it('refuses a symlink out of the bundle', { timeout: 10_000 }, async () => {
    const root = path.join(dir, 'link');
    const outside = path.join(dir, 'secret.conf');
    await writeFile(outside, '[s]\nclient = yes\naccept = 127.0.0.1:20100\nconnect = 10.9.9.9:2049\n');
    await put(root, 'proc/mounts', MOUNTS);
    await mkdir(path.join(root, 'etc/stunnel'), { recursive: true });
    await symlink(outside, path.join(root, 'etc/stunnel/evil.conf'));
    await symlink('/etc', path.join(root, 'etc/stunnel/up.conf'));
    const inv = await readHostInventory(root);
    expect(inv.warnings).toContain('/etc/stunnel/evil.conf: resolves outside the host root (symlink); skipped');
    expect(inv.stunnelConfigs).toEqual([]);
    expect(judgeMounts(inv)[0].verdict).toBe('unknown');
  });

  it('does not open a FIFO and caps the number of files', { timeout: 10_000 }, async () => {
    const root = path.join(dir, 'many');
    await put(root, 'proc/mounts', MOUNTS);
    await mkdir(path.join(root, 'etc/stunnel'), { recursive: true });
    execFileSync('mkfifo', [path.join(root, 'etc/stunnel/0-fifo.conf')]);
    for (let i = 0; i < 5; i++) await put(root, `etc/stunnel/${i}.conf`, '[s]\n');
    const inv = await readHostInventory(root, { maxFiles: 3 });
    expect(inv.warnings).toContain('/etc/stunnel/0-fifo.conf: not a regular file; skipped');
    expect(inv.files).toHaveLength(3);
    expect(inv.warnings).toContain('/etc/stunnel/2.conf: more than 3 files; the rest skipped');
  });

  it('throws HostRootError for a missing root', async () => {
    await expect(readHostInventory(path.join(dir, 'nope'))).rejects.toBeInstanceOf(HostRootError);
  });
});
