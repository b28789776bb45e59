/**
 * The only filesystem access of the host readers. Reads host paths under a root (an evidence bundle or '/'),
 * refusing what a hostile bundle could use against us: symlinks out of the root, non-regular files (FIFOs
 * would hang), files over a size cap, binary files, and more files than a cap. Problems become warnings.
 */
import { constants } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export interface SafeFsLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxDirEntries: number;
}

export const DEFAULT_LIMITS: SafeFsLimits = { maxFileBytes: 1024 * 1024, maxFiles: 2000, maxDirEntries: 1000 };

function errorText(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'symlink loop';
  if (code === 'ENOTDIR') return 'not a directory';
  return typeof code === 'string' ? code : 'unreadable';
}

export class SafeFs {
  readonly warnings: string[] = [];
  /** Host paths read successfully, in order. */
  readonly files: string[] = [];
  private realRoot = '';
  private filesRead = 0;
  private capWarned = false;
  private buf: Buffer | null = null;

  constructor(
    readonly root: string,
    readonly limits: SafeFsLimits = DEFAULT_LIMITS,
  ) {}

  async init(): Promise<string | null> {
    try {
      this.realRoot = await realpath(this.root);
      const s = await stat(this.realRoot);
      return s.isDirectory() ? null : 'not a directory';
    } catch (err) {
      return errorText(err);
    }
  }

  warn(file: string, message: string): void {
    if (this.warnings.length < 1000) this.warnings.push(`${file}: ${message}`);
  }

  /** Resolves a host path under the root; null (with a warning) when it escapes the root. */
  private async resolve(hostPath: string, quiet: boolean): Promise<string | null> {
    const joined = path.join(this.realRoot, path.resolve('/', hostPath));
    let real: string;
    try {
      real = await realpath(joined);
    } catch (err) {
      if (!quiet) this.warn(hostPath, errorText(err));
      return null;
    }
    const inside = this.realRoot === path.sep || real === this.realRoot || real.startsWith(this.realRoot + path.sep);
    if (!inside) {
      this.warn(hostPath, 'resolves outside the host root (symlink); skipped');
      return null;
    }
    return real;
  }

  /** Whether a host path exists (without warning when it does not). */
  async exists(hostPath: string): Promise<boolean> {
    try {
      await stat(path.join(this.realRoot, path.resolve('/', hostPath)));
      return true;
    } catch {
      return false;
    }
  }

  /** Reads a text file; null with a warning when missing (unless quiet), too big, binary or not regular. */
  async readText(hostPath: string, quiet = false): Promise<string | null> {
    const bytes = await this.readBytes(hostPath, quiet);
    return bytes === null ? null : bytes.toString('utf8');
  }

  /** The bytes of a text file (a copy), with the same checks as readText. */
  async readBytes(hostPath: string, quiet = false): Promise<Buffer | null> {
    const real = await this.resolve(hostPath, quiet);
    if (real === null) return null;
    if (this.filesRead >= this.limits.maxFiles) {
      if (!this.capWarned) this.warn(hostPath, `more than ${this.limits.maxFiles} files; the rest skipped`);
      this.capWarned = true;
      return null;
    }
    try {
      const s = await stat(real);
      if (!s.isFile()) {
        this.warn(hostPath, 'not a regular file; skipped');
        return null;
      }
      if (s.size > this.limits.maxFileBytes) {
        this.warn(hostPath, `larger than ${this.limits.maxFileBytes} bytes (${s.size}); skipped`);
        return null;
      }
      this.filesRead++;
      const fh = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        this.buf ??= Buffer.alloc(this.limits.maxFileBytes + 1);
        const buf = this.buf;
        let len = 0;
        while (len < buf.length) {
          const { bytesRead } = await fh.read(buf, len, buf.length - len, null);
          if (bytesRead === 0) break;
          len += bytesRead;
        }
        if (len > this.limits.maxFileBytes) {
          this.warn(hostPath, `larger than ${this.limits.maxFileBytes} bytes; skipped`);
          return null;
        }
        if (buf.subarray(0, len).includes(0)) {
          this.warn(hostPath, 'binary content (NUL bytes), not a text config; skipped');
          return null;
        }
        this.files.push(hostPath);
        return Buffer.from(buf.subarray(0, len));
      } finally {
        await fh.close();
      }
    } catch (err) {
      this.warn(hostPath, errorText(err));
      return null;
    }
  }

  /** Names in a host directory, sorted; [] when missing (warning unless quiet). */
  async list(hostDir: string, quiet = true): Promise<string[]> {
    const real = await this.resolve(hostDir, quiet);
    if (real === null) return [];
    try {
      const names = (await readdir(real)).sort();
      if (names.length > this.limits.maxDirEntries) {
        this.warn(hostDir, `more than ${this.limits.maxDirEntries} entries; the rest skipped`);
        return names.slice(0, this.limits.maxDirEntries);
      }
      return names;
    } catch (err) {
      this.warn(hostDir, errorText(err));
      return [];
    }
  }

  /** Whether a host path is a directory under the root. */
  async isDir(hostPath: string): Promise<boolean> {
    const real = await this.resolve(hostPath, true);
    if (real === null) return false;
    try {
      return (await stat(real)).isDirectory();
    } catch {
      return false;
    }
  }

  /** The real (resolved) path of a host path, for identity checks such as include loops. */
  async identity(hostPath: string): Promise<string | null> {
    return this.resolve(hostPath, true);
  }
}
