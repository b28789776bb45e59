/** `wireseal policy init [FILE]` writes the commented template; `policy check FILE` validates one; `policy schema`. */
import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EXIT } from './exit-codes.js';
import { UsageError } from './main.js';
import type { Done } from './registry.js';

export function registerPolicy(program: Command, done: Done): void {
  const policy = program.command('policy').description('policy files for verify-encryption --policy');
  policy
    .command('init')
    .description('write a commented policy template (to FILE, or standard output)')
    .argument('[file]', 'file to create (refuses to overwrite)')
    .action(async (file: string | undefined) => {
      const { POLICY_TEMPLATE } = await import('../policy/template.js');
      if (file === undefined) process.stdout.write(POLICY_TEMPLATE);
      else {
        if (existsSync(file)) throw new UsageError(`${file} exists; not overwritten`);
        writeFileSync(file, POLICY_TEMPLATE);
      }
      done(EXIT.OK);
    });
  policy
    .command('check')
    .description('validate a policy file: exit 0 when valid, 2 with FILE:LINE:COLUMN and the problem otherwise')
    .argument('<file>', 'policy file (YAML or JSON)')
    .action(async (file: string) => {
      const p = await loadPolicyOrFail(file);
      const keys = Object.keys(p).filter((k) => k !== 'file');
      process.stdout.write(`${file}: valid policy (${keys.length > 0 ? keys.join(', ') : 'no keys set'})\n`);
      done(EXIT.OK);
    });
  policy
    .command('schema')
    .description('print the JSON Schema policy files are validated against')
    .action(async () => {
      const { POLICY_SCHEMA } = await import('../policy/schema.js');
      process.stdout.write(`${JSON.stringify(POLICY_SCHEMA, null, 2)}\n`);
      done(EXIT.OK);
    });
}

/** Loads a policy file, turning its errors into one-line usage errors (exit 2). */
export async function loadPolicyOrFail(file: string) {
  const { loadPolicy, PolicyError } = await import('../policy/load.js');
  try {
    return loadPolicy(file);
  } catch (e) {
    if (e instanceof PolicyError) throw new UsageError(`policy: ${e.message}`);
    throw e;
  }
}
