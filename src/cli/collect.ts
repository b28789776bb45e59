/** `wireseal collect OUT.tar.gz [--host-root DIR]`: bundles exactly the inventory files for later `--host-root`. */
import type { Command } from 'commander';
import { EXIT } from './exit-codes.js';
import { UsageError } from './main.js';
import type { Done } from './registry.js';

export function registerCollect(program: Command, done: Done): void {
  program
    .command('collect')
    .description('copy the mount table and tunnel configs/state into a tar.gz evidence bundle')
    .argument('<out>', 'bundle to write (OUT.tar.gz); give it to --host-root of mounts, verify-encryption or triage')
    .option('--host-root <dir>', 'collect configs from DIR instead of /', '/')
    .option(
      '--proc <dir>',
      'read live state (mountstats, sockets, tunnel processes) from DIR (default: /proc under the host root)',
    )
    .action(async (out: string, o: { hostRoot: string; proc?: string }) => {
      const [{ writeBundle }, { readInventoryOrFail }] = await Promise.all([
        import('../host/bundle.js'),
        import('./mounts-run.js'),
      ]);
      const inv = await readInventoryOrFail(o.hostRoot);
      let result: Awaited<ReturnType<typeof writeBundle>>;
      try {
        result = await writeBundle(inv, out, o.proc ? { procRoot: o.proc } : {});
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        throw new UsageError(`${out}: cannot write the bundle (${typeof code === 'string' ? code : 'write error'})`);
      }
      for (const w of inv.warnings) process.stderr.write(`wireseal: warning: ${w}\n`);
      for (const u of result.manifest.unreadable) {
        process.stderr.write(`wireseal: note: ${u.path}: ${u.reason}\n`);
      }
      process.stderr.write(`wireseal: wrote ${out}: ${result.files.length} files from ${o.hostRoot}\n`);
      done(EXIT.OK);
    });
}
