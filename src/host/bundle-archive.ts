/**
 * Evidence bundles as tar.gz, through tar-stream (a maintained tar implementation; hostile archives are where
 * hand-written readers fail). Reading extracts into a fresh private directory and refuses the whole bundle, with
 * one clear message, on anything that could reach outside it or exhaust the disk: absolute or `..` paths, links
 * pointing out of the bundle, members over the size cap, too many members or bytes in total.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tar from 'tar-stream';

export interface ArchiveLimits {
  /** One member at most (bytes). */
  maxMemberBytes: number;
  /** All members together at most (bytes). */
  maxTotalBytes: number;
  maxEntries: number;
}

export const ARCHIVE_LIMITS: ArchiveLimits = {
  maxMemberBytes: 16 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxEntries: 20_000,
};

/** The bundle was refused or could not be read: unreadable input (exit 3). */
export class BundleError extends Error {}

export interface OpenedBundle {
  /** Directory holding the extracted bundle (a host root for SafeFs). */
  root: string;
  /** Members skipped without refusing the bundle (devices, links inside the bundle...). */
  warnings: string[];
  cleanup(): Promise<void>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** True when `file` starts like a gzip stream or a ustar archive (a file, not a directory). */
export async function looksLikeArchive(file: string): Promise<boolean> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(file, 'r');
    const st = await fh.stat();
    if (!st.isFile()) return false;
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    if (bytesRead >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) return true;
    return bytesRead >= 262 && head.toString('latin1', 257, 262) === 'ustar';
  } catch {
    return false;
  } finally {
    await fh?.close();
  }
}

/** The bundle-relative path of a member, or a refusal reason. */
export function memberPath(name: string): { rel: string } | { refuse: string } {
  if (name.includes('\0')) return { refuse: 'has a NUL byte in its name' };
  if (name.startsWith('/')) return { refuse: 'has an absolute path' };
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { refuse: 'leaves the bundle (.. in its path)' };
  return { rel: parts.join('/') };
}

/** Whether a link in member `from` pointing at `target` stays inside the bundle. */
export function linkStaysInside(from: string, target: string, hard: boolean): boolean {
  if (target.startsWith('/')) return false;
  const resolved = path.posix.normalize(path.posix.join(hard ? '' : path.posix.dirname(from), target));
  return resolved !== '..' && !resolved.startsWith('../');
}

function mib(n: number): string {
  return `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
}

/**
 * Extracts a bundle (tar.gz, or plain tar) into a new private directory. Refuses it whole with a BundleError
 * naming the member and the reason; the directory is removed then.
 */
export async function openBundle(file: string, limits: ArchiveLimits = ARCHIVE_LIMITS): Promise<OpenedBundle> {
  const root = await mkdtemp(path.join(tmpdir(), 'wireseal-bundle-'));
  const cleanup = () => rm(root, { recursive: true, force: true });
  const warnings: string[] = [];
  const refuse = (msg: string) => new BundleError(`${file}: ${msg}; bundle refused`);
  const extract = tar.extract();
  let entries = 0;
  let total = 0;
  const consume = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      entries++;
      if (entries > limits.maxEntries) throw refuse(`more than ${limits.maxEntries} members`);
      const p = memberPath(h.name);
      if ('refuse' in p) throw refuse(`member ${JSON.stringify(h.name)} ${p.refuse}`);
      const type = h.type ?? 'file';
      if (type === 'symlink' || type === 'link') {
        const target = h.linkname ?? '';
        if (!linkStaysInside(p.rel, target, type === 'link')) {
          throw refuse(
            `member ${JSON.stringify(h.name)} is a ${type === 'link' ? 'hard' : 'symbolic'} link to ${JSON.stringify(target)}, outside the bundle`,
          );
        }
        warnings.push(`${file}: member ${JSON.stringify(h.name)} is a link inside the bundle; not followed`);
        entry.resume();
        continue;
      }
      if (type === 'directory') {
        if (p.rel !== '') await mkdir(path.join(root, p.rel), { recursive: true });
        entry.resume();
        continue;
      }
      if (type !== 'file' && type !== 'contiguous-file') {
        warnings.push(`${file}: member ${JSON.stringify(h.name)} is a ${type}; skipped`);
        entry.resume();
        continue;
      }
      const size = h.size ?? 0;
      if (size > limits.maxMemberBytes) {
        throw refuse(
          `member ${JSON.stringify(h.name)} is ${size} bytes (${mib(size)}), over the ${mib(limits.maxMemberBytes)} cap for one member`,
        );
      }
      total += size;
      if (total > limits.maxTotalBytes) throw refuse(`members add up to more than ${mib(limits.maxTotalBytes)}`);
      if (p.rel === '') throw refuse(`member ${JSON.stringify(h.name)} has an empty path`);
      const dest = path.join(root, p.rel);
      await mkdir(path.dirname(dest), { recursive: true });
      // Members are regular files written fresh (no links were created, so no parent can point outside).
      await pipeline(entry, createWriteStream(dest, { flags: 'w', mode: 0o600 }));
    }
  })();
  const source = createReadStream(file);
  const head = await readHead(file);
  const gz = head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  const feed = gz ? pipeline(source, createGunzip(), extract) : pipeline(source, extract);
  try {
    await Promise.all([feed, consume]);
  } catch (err) {
    source.destroy();
    extract.destroy();
    await Promise.allSettled([feed, consume]);
    await cleanup();
    if (err instanceof BundleError) throw err;
    const code = (err as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'not found' : err instanceof Error ? err.message : String(err);
    throw new BundleError(`${file}: not a readable tar.gz bundle (${why})`);
  }
  return { root, warnings, cleanup };
}

async function readHead(file: string): Promise<Buffer> {
  try {
    const fh = await open(file, 'r');
    try {
      const b = Buffer.alloc(2);
      const { bytesRead } = await fh.read(b, 0, 2, 0);
      return b.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return Buffer.alloc(0);
  }
}

export interface ArchiveMember {
  path: string;
  data: Buffer;
}

/** Writes members (regular files, mode 0644) into a tar.gz; mtime in seconds. */
export async function writeArchive(
  out: string,
  members: AsyncIterable<ArchiveMember> | Iterable<ArchiveMember>,
  mtime: number,
): Promise<void> {
  const pack = tar.pack();
  const date = new Date(Math.max(0, Math.floor(mtime)) * 1000);
  const fill = (async () => {
    for await (const m of members) {
      await new Promise<void>((resolve, reject) => {
        pack.entry({ name: m.path, size: m.data.length, mode: 0o644, mtime: date, type: 'file' }, m.data, (err) =>
          err ? reject(err) : resolve(),
        );
      });
    }
    pack.finalize();
  })();
  await Promise.all([pipeline(pack, createGzip(), createWriteStream(out)), fill]);
}
