/** `wireseal verify-encryption`: classify every NFS flow and apply the policy (and the host cross-reference). */
import type { Command } from 'commander';
import { buildDocument } from '../report/document.js';
import { type Format, terminalOptions, writeDocument } from '../report/write.js';
import { judgeRun, type RunFacts } from '../verify/policy.js';
import { addCaptureOptions, type CaptureCliOptions, runCaptures } from './captures.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { UsageError } from './main.js';
import type { Done } from './registry.js';

interface VerifyOptions extends CaptureCliOptions {
  minGrade: string;
  minTls: string;
  hostRoot?: string;
  local?: boolean;
}

export function registerVerify(program: Command, done: Done): void {
  addCaptureOptions(
    program
      .command('verify-encryption')
      .description('prove from packets whether NFS traffic was encrypted; exit 1 on cleartext NFS or weak crypto')
      .argument('[captures...]', 'capture files (pcap, pcapng, gzip; - for stdin)'),
  )
    .option('--min-grade <grade>', 'lowest acceptable cipher grade: strong or weak', 'strong')
    .option('--min-tls <version>', 'lowest acceptable TLS version: 1.2 or 1.3', '1.2')
    .option('--host-root <dir>', 'cross-reference with mounts and tunnel configs under DIR (an evidence bundle)')
    .option('--local', "cross-reference with this host's mounts and tunnel configs")
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(async (files: string[], o: VerifyOptions) => {
      if (o.minGrade !== 'strong' && o.minGrade !== 'weak') throw new UsageError('--min-grade must be strong or weak');
      if (o.minTls !== '1.2' && o.minTls !== '1.3') throw new UsageError('--min-tls must be 1.2 or 1.3');
      if (o.hostRoot !== undefined && o.local) throw new UsageError('give --host-root or --local, not both');
      const policy = { minGrade: o.minGrade, minTls: o.minTls } as const;
      const run = await runCaptures(files, o);
      const facts: RunFacts = { captures: run.captures, flows: run.flows, inputDamaged: run.inputDamaged };
      const host = await readHost(o, run.warnings);
      if (host) facts.host = host;
      const { findings, wire, exitCode, outcome } = judgeRun(facts, policy);
      const doc = buildDocument({
        command: 'verify-encryption',
        captures: run.captures,
        flows: run.flows,
        ...(host ? { mounts: host.mounts } : {}),
        findings,
        warnings: run.warnings,
        policy: { ...policy, ports: o.ports },
        exitCode,
        wire,
        outcome,
      });
      done(exitCode);
      await writeDocument(doc, o.format as Format, process.stdout, {
        verdicts: true,
        ...terminalOptions(process.stdout, o.wide === true),
        ...(o.hostRoot !== undefined ? { hostRoot: o.hostRoot } : o.local ? { hostRoot: '/' } : {}),
      });
    });
}

/** Reads the host inventory when asked, and judges its mounts. */
async function readHost(o: VerifyOptions, warnings: string[]): Promise<RunFacts['host']> {
  const root = o.hostRoot ?? (o.local ? '/' : undefined);
  if (root === undefined) return undefined;
  // Host modules load only when asked for.
  const [{ judgeMounts }, { readInventoryOrFail }] = await Promise.all([
    import('../host/index.js'),
    import('./mounts-run.js'),
  ]);
  const inventory = await readInventoryOrFail(root);
  warnings.push(...inventory.warnings);
  return { inventory, mounts: judgeMounts(inventory) };
}
