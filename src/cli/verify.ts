/** `wireseal verify-encryption`: classify every NFS flow and apply the policy (and the host cross-reference). */
import type { Command } from 'commander';
import { buildDocument } from '../report/document.js';
import type { CaptureResult, Finding, FlowResult, MountResult } from '../report/schema.js';
import { type Format, writeDocument } from '../report/write.js';
import { findingsFail, flowFindings, flowRef, leaked } from '../verify/flow-policy.js';
import { addCaptureOptions, type CaptureCliOptions, runCaptures } from './captures.js';
import { EXIT } from './exit-codes.js';
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
    .action(async (files: string[], o: VerifyOptions) => {
      if (o.minGrade !== 'strong' && o.minGrade !== 'weak') throw new UsageError('--min-grade must be strong or weak');
      if (o.minTls !== '1.2' && o.minTls !== '1.3') throw new UsageError('--min-tls must be 1.2 or 1.3');
      if (o.hostRoot !== undefined && o.local) throw new UsageError('give --host-root or --local, not both');
      const policy = { minGrade: o.minGrade, minTls: o.minTls } as const;
      const run = await runCaptures(files, o);
      const findings: Finding[] = [...flowFindings(run.flows, policy), ...unlistedFindings(run.captures)];
      const hostPart = await crossReferenceHost(o, run.flows, findings, run.warnings);
      let exitCode: number = EXIT.OK;
      if (findingsFail(findings)) exitCode = EXIT.FINDINGS;
      if (run.inputDamaged) exitCode = EXIT.INPUT;
      const doc = buildDocument({
        command: 'verify-encryption',
        captures: run.captures,
        flows: run.flows,
        ...(hostPart ? { mounts: hostPart } : {}),
        findings,
        warnings: run.warnings,
        policy: { ...policy, ports: o.ports },
        exitCode,
      });
      done(exitCode);
      await writeDocument(doc, o.format as Format, process.stdout, true);
    });
}

/** NFS flows past the listing cap are still counted: any of them in the clear or weak is a finding. */
function unlistedFindings(captures: CaptureResult[]): Finding[] {
  const out: Finding[] = [];
  for (const c of captures) {
    const v = c.unlisted?.nfsRelevantByVerdict ?? {};
    const bad = (v.cleartext ?? 0) + (v['encrypted-weak'] ?? 0);
    if (bad > 0) {
      out.push({
        code: 'UNLISTED-FLOWS',
        severity: 'high',
        message: `${c.file}: ${bad} NFS flows in the clear or weakly encrypted beyond the listing cap (${JSON.stringify(v)}); re-run on a filtered capture to see them`,
      });
    }
  }
  return out;
}

/** Reads the host inventory when asked and adds the cross-reference findings. */
async function crossReferenceHost(
  o: VerifyOptions,
  flows: FlowResult[],
  findings: Finding[],
  warnings: string[],
): Promise<MountResult[] | undefined> {
  const root = o.hostRoot ?? (o.local ? '/' : undefined);
  if (root === undefined) return undefined;
  // Host modules load only when asked for.
  const [{ judgeMounts }, { crossReference }, { readInventoryOrFail }] = await Promise.all([
    import('../host/index.js'),
    import('../verify/index.js'),
    import('./mounts-run.js'),
  ]);
  const inv = await readInventoryOrFail(root);
  warnings.push(...inv.warnings);
  const mounts = judgeMounts(inv);
  const hostFindings = crossReference(flows, inv, mounts);
  // A flow finding that a mount finding already explains (BYPASS, UNEXPLAINED, WEAK-CIPHER of a mount) is dropped:
  // one leak, one finding, named after its mount.
  const explained = new Set<string>();
  for (const h of hostFindings) {
    if (h.code === 'BYPASS' || h.code === 'UNEXPLAINED' || h.code === 'WEAK-CIPHER') {
      for (const r of h.flows ?? []) explained.add(r);
    }
  }
  const kept = findings.filter(
    (f) =>
      !((f.code === 'CLEARTEXT-NFS' || f.code === 'WEAK-CIPHER') && (f.flows ?? []).every((r) => explained.has(r))),
  );
  findings.length = 0;
  // Triage: a mount that leaked says what crossed the wire in the clear (operations and volume, never data).
  const byRef = new Map(flows.map((f) => [flowRef(f), f]));
  for (const h of hostFindings) {
    if (h.code !== 'BYPASS' && h.code !== 'UNEXPLAINED') continue;
    const leakedFlows = (h.flows ?? []).map((r) => byRef.get(r)).filter((f) => f?.class === 'nfs-cleartext');
    if (leakedFlows.length > 0) h.message += `; exposed: ${leaked(leakedFlows as FlowResult[])}`;
  }
  findings.push(...kept, ...hostFindings);
  return mounts;
}
