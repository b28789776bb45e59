/**
 * `wireseal triage CAPTURE... [--host-root BUNDLE] [--format markdown|json] [--tz ZONE] [--reveal]`: what a
 * responder needs: per server and mount a timeline of protection segments (UTC), the exposure of each cleartext
 * segment, and every finding with what to do for the mechanism at hand. Same judgement and exit codes as
 * verify-encryption.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { DEFAULT_PORT_SPEC } from '../flow/ports.js';
import { judgeRun, type RunFacts } from '../verify/policy.js';
import { runCaptures } from './captures.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { UsageError } from './main.js';
import type { Done } from './registry.js';

interface TriageOptions {
  hostRoot?: string;
  format: string;
  tz?: string;
  reveal?: boolean;
  redactKey?: string;
  ports: string;
}

export function registerTriage(program: Command, done: Done): void {
  program
    .command('triage')
    .description(
      'incident triage: timelines per server and mount, exposure of cleartext segments, findings with what to do',
    )
    .argument('<captures...>', 'capture files (pcap, pcapng, gzip)')
    .option('--host-root <bundle>', 'evidence bundle (directory or the tar.gz written by collect)')
    .option('--format <fmt>', 'markdown or json', 'markdown')
    .option('--tz <zone>', 'time zone for displayed times (IANA name, e.g. Europe/Paris); JSON keeps UTC')
    .option('--reveal', 'show file names and machine names (the bundle hostname, AUTH_SYS machine names)')
    .option(
      '--redact-key <key>',
      'key of the name hashes (HMAC-SHA256): the same key gives the same hashes, so two reports can be correlated (default: random per report)',
    )
    .option('--ports <spec>', 'NFS port set (ports and ranges)', DEFAULT_PORT_SPEC)
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(async (files: string[], o: TriageOptions) => {
      if (o.format !== 'markdown' && o.format !== 'json') throw new UsageError('--format must be markdown or json');
      if (o.tz !== undefined) {
        try {
          new Intl.DateTimeFormat('en', { timeZone: o.tz });
        } catch {
          throw new UsageError(`--tz: unknown time zone "${o.tz}"`);
        }
      }
      if (o.redactKey !== undefined && o.redactKey === '') throw new UsageError('--redact-key must not be empty');
      const key = o.redactKey !== undefined ? Buffer.from(o.redactKey, 'utf8') : randomBytes(32);
      const exposure = { key, reveal: o.reveal === true };
      const run = await runCaptures(files, { format: 'json', ports: o.ports, exposure });
      const facts: RunFacts = { captures: run.captures, flows: run.flows, inputDamaged: run.inputDamaged };
      if (o.hostRoot !== undefined) {
        const [{ judgeMounts }, { readInventoryOrFail }] = await Promise.all([
          import('../host/index.js'),
          import('./mounts-run.js'),
        ]);
        const inventory = await readInventoryOrFail(o.hostRoot);
        run.warnings.push(...inventory.warnings);
        facts.host = { inventory, mounts: judgeMounts(inventory) };
      }
      const { findings, exitCode, outcome } = judgeRun(facts, { minGrade: 'strong', minTls: '1.2' });
      const { buildTriage, triageMarkdown } = await import('../triage/report.js');
      const doc = buildTriage({
        captures: run.captures,
        flows: run.flows,
        ...(facts.host ? { host: facts.host } : {}),
        findings,
        exitCode,
        outcome,
        warnings: run.warnings,
        reveal: o.reveal === true,
        redactKey: o.redactKey !== undefined ? 'given' : 'random',
      });
      done(exitCode);
      const text =
        o.format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : `${triageMarkdown(doc, o.tz).join('\n')}\n`;
      process.stdout.write(text);
    });
}
