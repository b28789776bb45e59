/**
 * collect bundles: manifest, live state from a proc root, redaction (planted secrets never copied), and the safe
 * reader refusing hostile archives (../ entries, links out, a 1 GiB member) with one clear message each.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../../../src/host/bundle.js';
import { BundleError, openBundle } from '../../../src/host/bundle-archive.js';
import { judgeMounts, readHostInventory } from '../../../src/host/index.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-bundle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function put(root: string, rel: string, data: string | Buffer): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), data);
}

/** A fake proc root: one stunnel (with a socket to 198.51.100.21:2049) and an unrelated process. */
function fakeProc(dir: string): void {
  put(dir, 'stat', 'cpu 1 2 3\nbtime 1764756000\n');
  put(dir, 'sys/kernel/hostname', 'client-1\n');
  put(dir, 'sys/kernel/osrelease', '6.1.0-test\n');
  put(
    dir,
    'self/mountstats',
    'device proc mounted on /proc with fstype proc\n' +
      'device 127.0.0.1:/ mounted on /mnt/efs with fstype nfs4 statvers=1.1\n' +
      '\topts:\trw,vers=4.1,port=20187,clientaddr=127.0.0.1,addr=127.0.0.1\n' +
      '\txprt:\ttcp 871 1 1 0 0 10 10 0 10 0 2 0 0\n',
  );
  const tcp =
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
    '   0: 0A6433C6:D431 156433C6:0801 01 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 20 4 30 10 -1\n' +
    '   1: 0100007F:4EDB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4243 1 0 20 4 30 10 -1\n';
  put(dir, 'net/tcp', tcp);
  put(dir, '1234/comm', 'stunnel\n');
  put(
    dir,
    '1234/cmdline',
    'stunnel\0/var/run/efs/stunnel-config.fs-0123456789abcdef0.mnt.efs.20187\0--password=hunter2\0',
  );
  put(dir, '1234/stat', '1234 (stunnel) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 1 0 0 20 0 1 0 12345 0 0\n');
  put(dir, '1234/net/tcp', tcp);
  mkdirSync(path.join(dir, '1234/fd'), { recursive: true });
  symlinkSync('socket:[4242]', path.join(dir, '1234/fd/3'));
  symlinkSync('socket:[4243]', path.join(dir, '1234/fd/4'));
  symlinkSync('/dev/null', path.join(dir, '1234/fd/0'));
  put(dir, '99/comm', 'bash\n');
  put(dir, '99/cmdline', 'bash\0');
}

describe('collect bundle', () => {
  const root = path.join(tmp, 'host');
  const proc = path.join(tmp, 'proc');
  const out = path.join(tmp, 'b.tar.gz');
  const SECRETS = [
    'hunter2',
    'sUp3rS3cretT0ken',
    'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
    'AKIAIOSFODNN7EXAMPLE',
    'psk-0123456789',
  ];

  it('writes the manifest, live state and redacted log tails; planted secrets are never copied', async () => {
    for (const f of [
      'proc/mounts',
      'var/run/efs/fs-0123456789abcdef0.mnt.efs.20187',
      'var/run/efs/stunnel-config.fs-0123456789abcdef0.mnt.efs.20187',
    ]) {
      put(root, f, readFileSync(path.join('test/fixtures/host/efs-stunnel-tls', f)));
    }
    const log = Array.from({ length: 300 }, (_, i) => `2026-12-03 10:00:${String(i % 60).padStart(2, '0')} line ${i}`);
    log.push('mount.efs: using token=sUp3rS3cretT0ken for the request', 'aws key AKIAIOSFODNN7EXAMPLE');
    put(root, 'var/log/amazon/efs/mount.log', `${log.join('\n')}\n`);
    put(
      root,
      'etc/amazon/efs/privateKey.pem',
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n',
    );
    put(root, 'etc/stunnel/psk.txt', 'client:psk-0123456789\n');
    fakeProc(proc);
    const inv = await readHostInventory(root);
    const r = await writeBundle(inv, out, { mtime: 1_764_756_100, procRoot: proc });
    const raw = gunzipSync(readFileSync(out)).toString('latin1');
    for (const s of SECRETS) expect(raw).not.toContain(s);
    expect(r.files).toEqual([
      '/proc/mounts',
      '/var/run/efs/fs-0123456789abcdef0.mnt.efs.20187',
      '/var/run/efs/stunnel-config.fs-0123456789abcdef0.mnt.efs.20187',
      '/proc/self/mountstats',
      '/proc/net/tcp',
      '/wireseal/processes.json',
      '/var/log/amazon/efs/mount.log',
    ]);
    const m = r.manifest;
    expect(m).toMatchObject({
      schema: 'wireseal/bundle',
      schemaVersion: '1.0',
      wiresealVersion: '0.1.0',
      hostname: 'client-1',
      kernel: '6.1.0-test',
      collectedAt: '2025-12-03T10:01:40.000Z',
      procRoot: proc,
    });
    expect(m.files.map((f) => f.path)).toEqual(r.files);
    expect(m.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.unreadable).toEqual(
      expect.arrayContaining([
        { path: '/proc/net/tcp6', reason: 'not found' },
        { path: 'interfaces', reason: 'interface addresses are read only from the live host (or namespace)' },
        { path: '/wireseal/kernel-messages.txt', reason: 'kernel messages are read only from the live /proc' },
      ]),
    );
    // Read back directly from the tar.gz.
    const opened = await openBundle(out);
    try {
      const back = await readHostInventory(opened.root);
      expect(judgeMounts(back)).toEqual(judgeMounts(inv));
      const state = back.state!;
      expect(state.manifest?.hostname).toBe('client-1');
      expect(state.mountstats.map((s) => [s.mountPoint, s.transports.map((t) => t.localPort)])).toEqual([
        ['/mnt/efs', [871]],
      ]);
      expect(state.processes).toEqual([
        {
          pid: 1234,
          comm: 'stunnel',
          cmdline: [
            'stunnel',
            '/var/run/efs/stunnel-config.fs-0123456789abcdef0.mnt.efs.20187',
            '--password=<redacted>',
          ],
          startTime: '2025-12-03T10:02:03.450Z',
          sockets: [
            {
              proto: 'tcp',
              local: { ip: '198.51.100.10', port: 54321 },
              remote: { ip: '198.51.100.21', port: 2049 },
              state: 'ESTABLISHED',
              inode: 4242,
            },
            {
              proto: 'tcp',
              local: { ip: '127.0.0.1', port: 20187 },
              remote: { ip: '0.0.0.0', port: 0 },
              state: 'LISTEN',
              inode: 4243,
            },
          ],
        },
      ]);
      const tail = readFileSync(path.join(opened.root, 'var/log/amazon/efs/mount.log'), 'utf8').split('\n');
      expect(tail).toHaveLength(201);
      expect(tail[199]).toBe('aws key <redacted>');
      expect(tail[198]).toBe('mount.efs: using token=<redacted> for the request');
    } finally {
      await opened.cleanup();
    }
  });
});

async function tarGz(entries: { header: Partial<tar.Header> & { name: string }; data?: Buffer }[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const e of entries) pack.entry(e.header, e.data ?? Buffer.alloc(0));
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

/** A ustar header block by hand (a member whose body is never written: the reader must refuse on the header). */
function ustarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.fill(0x20, 148, 156);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

async function refusal(file: string): Promise<string> {
  try {
    const b = await openBundle(file);
    await b.cleanup();
    return 'accepted';
  } catch (err) {
    expect(err).toBeInstanceOf(BundleError);
    return (err as Error).message;
  }
}

describe('hostile bundle archives', () => {
  const MOUNTS = { header: { name: 'proc/mounts', type: 'file' as const }, data: Buffer.from('a b nfs4 rw 0 0\n') };

  it('refuses a ../ entry', async () => {
    const f = path.join(tmp, 'dotdot.tar.gz');
    writeFileSync(
      f,
      await tarGz([MOUNTS, { header: { name: '../../etc/cron.d/x', type: 'file' }, data: Buffer.from('x') }]),
    );
    expect(await refusal(f)).toBe(
      `${f}: member "../../etc/cron.d/x" leaves the bundle (.. in its path); bundle refused`,
    );
  });

  it('refuses an absolute path', async () => {
    const f = path.join(tmp, 'abs.tar.gz');
    writeFileSync(f, await tarGz([{ header: { name: '/etc/passwd', type: 'file' }, data: Buffer.from('x') }]));
    expect(await refusal(f)).toBe(`${f}: member "/etc/passwd" has an absolute path; bundle refused`);
  });

  it('refuses symbolic and hard links out of the bundle', async () => {
    const s = path.join(tmp, 'symlink.tar.gz');
    writeFileSync(
      s,
      await tarGz([MOUNTS, { header: { name: 'etc/stunnel/a.conf', type: 'symlink', linkname: '/etc/shadow' } }]),
    );
    expect(await refusal(s)).toBe(
      `${s}: member "etc/stunnel/a.conf" is a symbolic link to "/etc/shadow", outside the bundle; bundle refused`,
    );
    const r = path.join(tmp, 'symlink-rel.tar.gz');
    writeFileSync(
      r,
      await tarGz([{ header: { name: 'etc/x', type: 'symlink', linkname: '../../../root/.ssh/id_rsa' } }]),
    );
    expect(await refusal(r)).toContain('is a symbolic link to "../../../root/.ssh/id_rsa", outside the bundle');
    const h = path.join(tmp, 'hardlink.tar.gz');
    writeFileSync(h, await tarGz([{ header: { name: 'etc/x', type: 'link', linkname: '../outside' } }]));
    expect(await refusal(h)).toContain('is a hard link to "../outside", outside the bundle');
  });

  it('skips a link that stays inside, with a warning', async () => {
    const f = path.join(tmp, 'inside.tar.gz');
    writeFileSync(
      f,
      await tarGz([MOUNTS, { header: { name: 'proc/self/mounts', type: 'symlink', linkname: '../mounts' } }]),
    );
    const b = await openBundle(f);
    expect(b.warnings).toEqual([`${f}: member "proc/self/mounts" is a link inside the bundle; not followed`]);
    await b.cleanup();
  });

  it('refuses a 1 GiB member from its header, without reading or writing it', async () => {
    const f = path.join(tmp, 'big.tar.gz');
    // Header only plus 1 MiB of body: the archive claims 1 GiB; nothing near that size exists anywhere.
    writeFileSync(f, gzipSync(Buffer.concat([ustarHeader('var/log/huge.log', 2 ** 30), Buffer.alloc(1024 * 1024)])));
    expect(await refusal(f)).toBe(
      `${f}: member "var/log/huge.log" is 1073741824 bytes (1024 MiB), over the 16 MiB cap for one member; bundle refused`,
    );
  });

  it('refuses what is not a tar.gz', async () => {
    const f = path.join(tmp, 'junk.tar.gz');
    writeFileSync(f, gzipSync(Buffer.from('not a tar archive at all'.repeat(40))));
    expect(await refusal(f)).toMatch(/^.*junk\.tar\.gz: not a readable tar\.gz bundle \(.+\)$/);
  });
});
