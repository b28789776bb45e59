/**
 * `wireseal mounts [--host-root DIR]`: the NFS mounts of a host (or an evidence bundle) with their verdicts, and
 * the findings the configs alone support. Exit 1 when a finding of severity medium or above stands.
 * Registration only: the work is in mounts-run.ts, loaded when the command runs.
 */
import type { Command } from 'commander';
import type { MountsOptions } from './mounts-run.js';
import type { Done } from './registry.js';

export function registerMounts(program: Command, done: Done): void {
  program
    .command('mounts')
    .description("judge this host's NFS mounts (or an evidence bundle's) from mount table and tunnel configs")
    .option('--host-root <dir>', 'read mounts and tunnel configs under DIR instead of /', '/')
    .option('--format <format>', 'table or json', 'table')
    .action(async (o: MountsOptions) => {
      const { runMounts } = await import('./mounts-run.js');
      done(await runMounts(o));
    });
}
