/** `wireseal flows <capture...>`: the flow table of one or more captures, without verdicts. */
import type { Command } from 'commander';
import { buildDocument } from '../report/document.js';
import { type Format, writeDocument } from '../report/write.js';
import { addCaptureOptions, type CaptureCliOptions, runCaptures } from './captures.js';
import { EXIT } from './exit-codes.js';
import type { Done } from './registry.js';

export function registerFlows(program: Command, done: Done): void {
  addCaptureOptions(
    program
      .command('flows')
      .description('list the TCP and UDP flows of captures (pcap, pcapng, gzip, - for stdin) or a live interface')
      .argument('[captures...]', 'capture files'),
  ).action(async (files: string[], o: CaptureCliOptions) => {
    const run = await runCaptures(files, { ...o, all: true });
    const exitCode = run.inputDamaged ? EXIT.INPUT : EXIT.OK;
    const doc = buildDocument({
      command: 'flows',
      captures: run.captures,
      flows: run.flows,
      findings: [],
      warnings: run.warnings,
      exitCode,
    });
    done(exitCode);
    await writeDocument(doc, o.format as Format, process.stdout, false);
  });
}
