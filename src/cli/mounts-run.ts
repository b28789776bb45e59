/**
 * The work behind `wireseal mounts` (and the inventory reading shared with collect and verify-encryption), loaded
 * only when such a command runs. Registration is in mounts.ts.
 */
import { HostRootError, judgeMounts, readHostInventory } from '../host/index.js';
import { buildDocument } from '../report/document.js';
import { type Column, renderGrid } from '../report/grid.js';
import { writeJson } from '../report/json.js';
import type { Finding, MountResult } from '../report/schema.js';
import { bySeverity } from '../report/table.js';
import { printable } from '../report/text.js';
import { terminalOptions } from '../report/write.js';
import { decideExit } from '../verify/exit-code.js';
import { crossReference } from '../verify/index.js';
import { InputError, UsageError } from './main.js';

export interface MountsOptions {
  hostRoot: string;
  format: string;
}

const MOUNT_COLUMNS: Column[] = [
  { title: 'mount point', drop: 0, wrap: true, min: 12 },
  { title: 'server', drop: 0, wrap: true, min: 12 },
  { title: 'path', drop: 3, wrap: true, min: 8 },
  { title: 'mechanism', drop: 0 },
  { title: 'local port', drop: 5 },
  { title: 'tunnel target', drop: 4, wrap: true, min: 12 },
  { title: 'verdict', drop: 0 },
  { title: 'reason', drop: 1, wrap: true, min: 20 },
];

export function mountsTable(mounts: MountResult[], o: { width: number; unicode: boolean }): string {
  const rows = mounts.map((m) => [
    m.mountPoint,
    m.server,
    m.export,
    m.mechanism,
    m.localPort === undefined ? '' : String(m.localPort),
    m.tunnelTarget ?? '',
    m.verdict,
    m.reason,
  ]);
  return renderGrid(MOUNT_COLUMNS, rows, o);
}

export function findingLines(findings: Finding[]): string[] {
  return bySeverity(findings).map((f) => {
    const src = f.sources?.[0];
    const at = src ? ` [${src.file}${src.line ? `:${src.line}` : ''}]` : '';
    return printable(`${f.severity.toUpperCase()} ${f.code}: ${f.message}${at}`);
  });
}

/**
 * Reads the inventory of a host root or of a `collect` bundle (tar.gz, read safely into a private temporary
 * directory that is removed afterwards); a bad root is a usage error, a refused bundle unreadable input.
 */
export async function readInventoryOrFail(root: string) {
  const { looksLikeArchive, openBundle, BundleError } = await import('../host/bundle-archive.js');
  if (!(await looksLikeArchive(root))) return readRoot(root);
  let opened: Awaited<ReturnType<typeof openBundle>>;
  try {
    opened = await openBundle(root);
  } catch (err) {
    if (err instanceof BundleError) throw new InputError(err.message);
    throw err;
  }
  try {
    const inv = await readRoot(opened.root);
    inv.root = root;
    inv.warnings.unshift(...opened.warnings);
    return inv;
  } finally {
    await opened.cleanup();
  }
}

async function readRoot(root: string) {
  try {
    return await readHostInventory(root);
  } catch (err) {
    if (err instanceof HostRootError) throw new UsageError(err.message);
    throw err;
  }
}

/** Runs `mounts`; returns the exit code. */
export async function runMounts(o: MountsOptions): Promise<number> {
  if (o.format !== 'table' && o.format !== 'json') throw new UsageError('--format must be table or json');
  const inv = await readInventoryOrFail(o.hostRoot);
  const mounts = judgeMounts(inv);
  const findings = crossReference([], inv, mounts);
  // No mount table read is damaged input (3), whatever the findings.
  const { exitCode } = decideExit({ inputDamaged: inv.mountTable === undefined, findings });
  for (const w of inv.warnings) process.stderr.write(`wireseal: warning: ${printable(w)}\n`);
  // Set before writing, so a reader that goes away early (EPIPE) still gets the right code.
  process.exitCode = exitCode;
  if (o.format === 'json') {
    const doc = buildDocument({
      command: 'mounts',
      captures: [],
      flows: [],
      mounts,
      findings,
      warnings: inv.warnings,
      exitCode,
    });
    await writeJson(doc, process.stdout);
  } else {
    const none = inv.mountTable ? `no NFS mounts in ${inv.mountTable}` : 'no mount table could be read';
    const table = mounts.length > 0 ? mountsTable(mounts, terminalOptions(process.stdout, false)) : undefined;
    const lines = [table ?? printable(none)];
    if (findings.length > 0)
      lines.push(
        '',
        'Findings (from configs only; give captures to verify-encryption for wire proof):',
        ...findingLines(findings),
      );
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return exitCode;
}
