/**
 * The work behind `wireseal mounts` (and the inventory reading shared with collect and verify-encryption), loaded
 * only when such a command runs. Registration is in mounts.ts.
 */
import Table from 'cli-table3';
import { HostRootError, judgeMounts, readHostInventory } from '../host/index.js';
import { buildDocument } from '../report/document.js';
import { writeJson } from '../report/json.js';
import type { Finding, MountResult } from '../report/schema.js';
import { decideExit } from '../verify/exit-code.js';
import { crossReference } from '../verify/index.js';
import { UsageError } from './main.js';

export interface MountsOptions {
  hostRoot: string;
  format: string;
}

const plain = { head: [], border: [] };

export function mountsTable(mounts: MountResult[]): string {
  const t = new Table({
    head: ['mount point', 'server', 'path', 'mechanism', 'local port', 'tunnel target', 'verdict', 'reason'],
    style: plain,
    wordWrap: true,
    colWidths: [null, null, null, null, null, null, null, 60],
  });
  for (const m of mounts) {
    t.push([
      m.mountPoint,
      m.server,
      m.export,
      m.mechanism,
      m.localPort === undefined ? '' : String(m.localPort),
      m.tunnelTarget ?? '',
      m.verdict,
      m.reason,
    ]);
  }
  return t.toString();
}

export function findingLines(findings: Finding[]): string[] {
  return findings.map((f) => {
    const src = f.sources?.[0];
    const at = src ? ` [${src.file}${src.line ? `:${src.line}` : ''}]` : '';
    return `${f.severity.toUpperCase()} ${f.code}: ${f.message}${at}`;
  });
}

/** Reads the inventory, turning a bad root into a one-line usage error. */
export async function readInventoryOrFail(root: string) {
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
  // No mount table could be read: the input is unreadable, not clean.
  // No mount table read is damaged input (3), whatever the findings.
  const { exitCode } = decideExit({ inputDamaged: inv.mountTable === undefined, findings });
  for (const w of inv.warnings) process.stderr.write(`wireseal: warning: ${w}\n`);
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
    const lines = [mounts.length > 0 ? mountsTable(mounts) : none];
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
