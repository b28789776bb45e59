import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeMounts, readHostInventory } from '../../../src/host/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wireseal-sec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function judge(sec: string) {
  const root = path.join(dir, sec.replace(/:/g, '_'));
  await mkdir(path.join(root, 'proc'), { recursive: true });
  await writeFile(
    path.join(root, 'proc/mounts'),
    `nfs.example.com:/s /mnt/s nfs4 rw,vers=4.2,proto=tcp,sec=${sec},clientaddr=10.0.1.50,addr=10.0.3.8 0 0\n`,
  );
  const [m] = judgeMounts(await readHostInventory(root));
  return m;
}

describe('sec= flavor lists', () => {
  it('krb5p alone is Kerberos privacy', async () => {
    const m = await judge('krb5p');
    expect([m.mechanism, m.verdict]).toEqual(['krb5p', 'kerberos-privacy']);
  });
  it('krb5p:sys is not: the server may pick sys', async () => {
    const m = await judge('krb5p:sys');
    expect([m.mechanism, m.verdict]).toEqual(['direct', 'direct-cleartext']);
    expect(m.reason).toBe(
      'NFS straight to 10.0.3.8 with no tunnel, no xprtsec, no sec=krb5p (sec=krb5p:sys also allows sys: not Kerberos privacy)',
    );
  });
  it('krb5i:krb5p is not either (integrity only)', async () => {
    const m = await judge('krb5i:krb5p');
    expect(m.verdict).toBe('direct-cleartext');
    expect(m.reason).toContain('also allows krb5i: not Kerberos privacy');
  });
});
