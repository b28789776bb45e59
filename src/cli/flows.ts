/** `wireseal flows <capture...>`: the flow table of one or more captures, without verdicts. */
import type { Command } from 'commander';
import { buildDocument } from '../report/document.js';
import { type Format, writeDocument } from '../report/write.js';
import { decideExit } from '../verify/exit-code.js';
import { addCaptureOptions, type CaptureCliOptions, runCaptures } from './captures.js';
import type { Done } from './registry.js';

export function registerFlows(program: Command, done: Done): void {
  addCaptureOptions(
    program
      .command('flows')
      .description('list the TCP and UDP flows of captures (pcap, pcapng, gzip, - for stdin) or a live interface')
      .argument('[captures...]', 'capture files'),
  ).action(async (files: string[], o: CaptureCliOptions) => {
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
    await writeDocument(doc, o.format as Format, process.stdout, false);
  });
}
