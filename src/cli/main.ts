/** CLI entry: commander wiring only. Each command lives in its own file and returns the process exit code. */
import { Command, CommanderError } from 'commander';
import { printable } from '../report/text.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { registerCommands } from './registry.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('wireseal')
    .description('Prove from packets that NFS traffic is encrypted in transit')
    .version('0.1.0')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let code: number = EXIT.OK;
  registerCommands(program, (c) => {
    code = c;
    // Known before the output is written, so a reader that goes away early (EPIPE) still gets the right code.
    process.exitCode = c;
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) {
        return EXIT.OK;
      }
      return EXIT.USAGE;
    }
    if (err instanceof InputError) {
      process.stderr.write(`wireseal: ${err.message}\n`);
      return EXIT.INPUT;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`wireseal: ${printable(err.message)}\n`);
      return EXIT.USAGE;
    }
    throw err;
  }
  return code;
}

/** Thrown by commands for bad options/config: exit code 2 with a one-line message. */
export class UsageError extends Error {}

/** Thrown by commands for unreadable or refused input (a bundle that is not safe to read): exit code 3. */
export class InputError extends Error {}
