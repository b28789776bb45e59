/**
 * `collect`: copies exactly the files an inventory read into a tar.gz that `--host-root` reads after
 * `tar xzf`. Files are re-read through SafeFs, so the same caps and symlink rules apply.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { SafeFs } from './safe-fs.js';
import { tarEnd, tarFile } from './tar.js';
import type { HostInventory } from './types.js';

export interface BundleResult {
  files: string[];
  warnings: string[];
}

export async function writeBundle(inv: HostInventory, out: string, mtime = Date.now() / 1000): Promise<BundleResult> {
  const fs = new SafeFs(inv.root);
  const rootError = await fs.init();
  if (rootError) throw new Error(`${inv.root}: ${rootError}`);
  const files: string[] = [];
  async function* blocks(): AsyncGenerator<Buffer> {
    for (const hostPath of inv.files) {
      const data = await fs.readBytes(hostPath);
      if (data === null) continue;
      files.push(hostPath);
      yield* tarFile(hostPath.replace(/^\/+/, ''), data, mtime);
    }
    const manifest = [
      '# wireseal collect: host inventory bundle; read it with --host-root after tar xzf',
      `# source root: ${inv.root}`,
      ...files,
      ...inv.warnings.map((w) => `# warning: ${w}`),
      '',
    ].join('\n');
    yield* tarFile('WIRESEAL-BUNDLE.txt', Buffer.from(manifest, 'utf8'), mtime);
    yield tarEnd();
  }
  await pipeline(blocks, createGzip(), createWriteStream(out));
  return { files, warnings: fs.warnings };
}
