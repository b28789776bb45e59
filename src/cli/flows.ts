/** `wireseal flows <capture...>`: the flow table of one or more captures, without verdicts. */
import type { Command } from 'commander';
import { buildDocument } from '../report/document.js';
import { type Format, terminalOptions, writeDocument } from '../report/write.js';
import { decideExit } from '../verify/exit-code.js';
import { addCaptureOptions, type CaptureCliOptions, runCaptures } from './captures.js';
import { UsageError } from './main.js';
import type { Done } from './registry.js';

export function registerFlows(program: Command, done: Done): void {
  addCaptureOptions(
    program
      .command('flows')
      .description('list the TCP and UDP flows of captures (pcap, pcapng, gzip, - for stdin) or a live interface')
      .argument('[captures...]', 'capture files'),
  ).action(async (files: string[], o: CaptureCliOptions) => {
    // flows lists; it does not judge. A JUnit or SARIF report of it would look green whatever crossed the wire.
    if (o.format === 'junit' || o.format === 'sarif') {
      throw new UsageError(
        `flows does not judge encryption, so it has no --format ${o.format}; use verify-encryption --format ${o.format}`,
      );
    }
    const run = await runCaptures(files, { ...o, all: true });
    const { exitCode } = decideExit({ inputDamaged: run.inputDamaged, findings: [] });
    const doc = buildDocument({
      command: 'flows',
      captures: run.captures,
      flows: run.flows,
      findings: [],
      warnings: run.warnings,
      exitCode,
    });
    done(exitCode);
    await writeDocument(doc, o.format as Format, process.stdout, {
      verdicts: false,
      ...terminalOptions(process.stdout, o.wide === true),
    });
  });
}
