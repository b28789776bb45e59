/** `wireseal verify-encryption`: classify every NFS flow and apply the policy (and the host cross-reference). */
import type { Command } from 'commander';
import { buildDocument } from '../report/document.js';
import type { PolicyEcho } from '../report/schema.js';
import { type Format, terminalOptions, writeDocument } from '../report/write.js';
import { judgeRun, type RunFacts, type RunPolicy } from '../verify/policy.js';
import { addCaptureOptions, type CaptureCliOptions, runCaptures } from './captures.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { UsageError } from './main.js';
import { loadPolicyOrFail } from './policy.js';
import type { Done } from './registry.js';

interface VerifyOptions extends CaptureCliOptions {
  minGrade?: string;
  minTls?: string;
  hostRoot?: string;
  local?: boolean;
  policy?: string;
  failOn?: string;
  ifNoNfs?: string;
  baseline?: string;
  junitInconclusive?: string;
}

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

function oneOf<T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw new UsageError(`${flag} must be ${allowed.join(', ')}; got "${v}"`);
  return v as T;
}

/** Flags over the policy file over the defaults: the RunPolicy, its echo in the document, and the JUnit choice. */
async function resolvePolicy(o: VerifyOptions) {
  const minGrade = oneOf('--min-grade', o.minGrade, ['strong', 'weak'] as const);
  const minTls = oneOf('--min-tls', o.minTls, ['1.2', '1.3'] as const);
  const failOnFlag = oneOf('--fail-on', o.failOn, [...SEVERITIES, 'new'] as const);
  const noNfsSeen = oneOf('--if-no-nfs', o.ifNoNfs, ['fail', 'inconclusive', 'pass'] as const);
  const junitInconclusive = oneOf('--junit-inconclusive', o.junitInconclusive, ['fail', 'skip'] as const);
  if (failOnFlag === 'new' && o.baseline === undefined) throw new UsageError('--fail-on new needs --baseline FILE');
  const file = o.policy === undefined ? undefined : await loadPolicyOrFail(o.policy);
  const policy: RunPolicy = {
    minGrade: minGrade ?? file?.minGrade ?? 'strong',
    minTls: minTls ?? file?.minTls ?? '1.2',
  };
  if (file?.allowedSuites) policy.allowedSuites = file.allowedSuites;
  if (file?.requireCertificateVerification !== undefined)
    policy.requireCertificateVerification = file.requireCertificateVerification;
  if (file?.mechanisms) policy.mechanisms = file.mechanisms;
  if (file?.exceptions) policy.exceptions = file.exceptions;
  const nns = noNfsSeen ?? file?.noNfsSeen;
  if (nns) policy.noNfsSeen = nns;
  if (failOnFlag === 'new') policy.failOnNew = true;
  const failOn = failOnFlag !== undefined && failOnFlag !== 'new' ? failOnFlag : file?.failOn;
  if (failOn) policy.failOn = failOn;
  if (o.baseline !== undefined) {
    const { readBaseline, BaselineError } = await import('../verify/baseline.js');
    try {
      policy.baseline = readBaseline(o.baseline);
    } catch (e) {
      if (e instanceof BaselineError) throw new UsageError(e.message);
      throw e;
    }
  }
  if (o.handshakeOnly === true) policy.handshakeOnly = true;
  const echo: PolicyEcho = { minGrade: policy.minGrade, minTls: policy.minTls, ports: o.ports };
  if (policy.handshakeOnly) echo.handshakeOnly = true;
  if (file) echo.file = file.file;
  if (policy.allowedSuites) echo.allowedSuites = [...policy.allowedSuites];
  if (policy.requireCertificateVerification !== undefined)
    echo.requireCertificateVerification = policy.requireCertificateVerification;
  if (policy.mechanisms) echo.mechanisms = [...policy.mechanisms];
  if (policy.exceptions) echo.exceptions = [...policy.exceptions];
  if (policy.noNfsSeen) echo.noNfsSeen = policy.noNfsSeen;
  if (failOnFlag === 'new') echo.failOn = 'new';
  else if (policy.failOn) echo.failOn = policy.failOn;
  if (o.baseline !== undefined) echo.baseline = o.baseline;
  return { policy, echo, inconclusive: junitInconclusive ?? file?.junitInconclusive ?? 'fail' };
}

export function registerVerify(program: Command, done: Done): void {
  addCaptureOptions(
    program
      .command('verify-encryption')
      .description('prove from packets whether NFS traffic was encrypted; exit 1 on cleartext NFS or weak crypto')
      .argument('[captures...]', 'capture files (pcap, pcapng, gzip; - for stdin)'),
  )
    .option('--min-grade <grade>', 'lowest acceptable cipher grade: strong or weak (default strong)')
    .option('--min-tls <version>', 'lowest acceptable TLS version: 1.2 or 1.3 (default 1.2)')
    .option('--policy <file>', 'policy file (YAML; see wireseal policy init); flags override its keys')
    .option(
      '--fail-on <severity>',
      'lowest failing severity (critical, high, medium, low, info; default medium), or new (with --baseline)',
    )
    .option('--if-no-nfs <result>', 'what a run with no NFS on the wire gives: fail, inconclusive (default) or pass')
    .option('--baseline <file>', "a previous run's JSON result: findings are marked new, unchanged or gone")
    .option(
      '--junit-inconclusive <case>',
      'JUnit: an inconclusive run is a failed (fail, default) or skipped (skip) case',
    )
    .option('--host-root <dir>', 'cross-reference with mounts and tunnel configs under DIR (an evidence bundle)')
    .option('--local', "cross-reference with this host's mounts and tunnel configs")
    .option(
      '--handshake-only',
      'WEAKER, opt-in: stop reading each TLS flow after its handshake and first records (cleartext later in the flow is not seen); such flows are never verified, so the run exits 4 at best',
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(async (files: string[], o: VerifyOptions) => {
      if (o.hostRoot !== undefined && o.local) throw new UsageError('give --host-root or --local, not both');
      const { policy, echo, inconclusive } = await resolvePolicy(o);
      const run = await runCaptures(files, o);
      const facts: RunFacts = { captures: run.captures, flows: run.flows, inputDamaged: run.inputDamaged };
      const host = await readHost(o, run.warnings);
      if (host) facts.host = host;
      const { findings, wire, exitCode, outcome, accepted, baseline } = judgeRun(facts, policy);
      const doc = buildDocument({
        command: 'verify-encryption',
        captures: run.captures,
        flows: run.flows,
        ...(host ? { mounts: host.mounts } : {}),
        findings,
        warnings: run.warnings,
        policy: echo,
        exitCode,
        wire,
        outcome,
        accepted,
        ...(baseline ? { baseline } : {}),
      });
      done(exitCode);
      await writeDocument(doc, o.format as Format, process.stdout, {
        verdicts: true,
        inconclusive,
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
