/**
 * `collect`: writes an evidence bundle (tar.gz): the files the inventory read, the live state (mountstats, socket
 * tables, tunnel processes), redacted log tails, and wireseal-bundle.json (the manifest: where, when, what,
 * SHA-256 of every file, what could not be read and why). Config files are re-read through SafeFs, so the same caps
 * and symlink rules apply. `verify-encryption`, `mounts` and `triage` read the bundle directly (--host-root).
 */
import { createHash } from 'node:crypto';
import { TOOL_VERSION } from '../report/document.js';
import { type ArchiveMember, writeArchive } from './bundle-archive.js';
import { BUNDLE_SCHEMA_VERSION, MANIFEST_FILE } from './bundle-paths.js';
import { type CollectedFile, collectLive } from './collect-live.js';
import { SafeFs } from './safe-fs.js';
import type { BundleManifest, HostInventory } from './types.js';

export interface BundleResult {
  files: string[];
  warnings: string[];
  manifest: BundleManifest;
}

export interface BundleOptions {
  /** Collection time (seconds since the epoch); now by default. */
  mtime?: number;
  /** Where live state is read from: '/proc' on a live host (default: <root>/proc). */
  procRoot?: string;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function writeBundle(inv: HostInventory, out: string, opts: BundleOptions = {}): Promise<BundleResult> {
  const mtime = opts.mtime ?? Date.now() / 1000;
  const fs = new SafeFs(inv.root);
  const rootError = await fs.init();
  if (rootError) throw new Error(`${inv.root}: ${rootError}`);
  const procRoot = opts.procRoot ?? `${inv.root.replace(/\/+$/, '')}/proc`;
  const live = await collectLive(fs, inv, procRoot);
  // Live state wins over a copy the inventory read (re-collecting an extracted bundle keeps its live files).
  const fromLive = new Set(live.files.map((f) => f.path));
  const collected: CollectedFile[] = [];
  const unreadable: BundleManifest['unreadable'] = [];
  for (const hostPath of inv.files) {
    if (fromLive.has(hostPath) || hostPath === MANIFEST_FILE) continue;
    const data = await fs.readBytes(hostPath);
    if (data === null) unreadable.push({ path: hostPath, reason: 'unreadable at collection' });
    else collected.push({ path: hostPath, data });
  }
  collected.push(...live.files);
  unreadable.push(...live.unreadable);
  const manifest: BundleManifest = {
    schema: 'wireseal/bundle',
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    wiresealVersion: TOOL_VERSION,
    ...(live.hostname ? { hostname: live.hostname } : {}),
    collectedAt: new Date(mtime * 1000).toISOString(),
    ...(live.kernel ? { kernel: live.kernel } : {}),
    interfaces: live.interfaces,
    sourceRoot: inv.root,
    procRoot,
    files: collected.map((f) => ({ path: f.path, bytes: f.data.length, sha256: sha256(f.data) })),
    unreadable: [
      ...unreadable,
      ...fs.warnings.map((w) => ({ path: w.split(': ')[0], reason: w.slice(w.indexOf(': ') + 2) })),
    ],
  };
  const members: ArchiveMember[] = collected.map((f) => ({ path: f.path.replace(/^\/+/, ''), data: f.data }));
  members.push({ path: MANIFEST_FILE.slice(1), data: Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`, 'utf8') });
  await writeArchive(out, members, mtime);
  return { files: collected.map((f) => f.path), warnings: fs.warnings, manifest };
}
