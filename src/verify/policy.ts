/**
 * THE policy module: from flow results (facts and verdicts of the analyzers), the optional host inventory and the
 * policy options to the findings, the wire tally and the exit code of verify-encryption. Nothing else decides what is
 * bad: the CLI only wires options in and the writers only display.
 */
import type { HostInventory } from '../host/types.js';
import type {
  CaptureResult,
  Finding,
  FlowResult,
  MountResult,
  RunOutcome,
  Severity,
  WireTally,
} from '../report/schema.js';
import { applyBaseline, type Baseline, type BaselineSummary, setFingerprints } from './baseline.js';
import { crossReference } from './crossref.js';
import { applyExceptions, type CleartextException, type MechanismRule, mechanismFindings } from './exceptions.js';
import { decideExit } from './exit-code.js';
import { type FlowPolicy, flowRef, judgeFlows, leaked } from './flow-policy.js';
import { acceptSuitesByConfig } from './suite-by-config.js';

/** The whole run policy: flags and the policy file (`--policy`, src/policy/), flags winning. */
export interface RunPolicy extends FlowPolicy {
  /** false: a tunnel that does not verify the server certificate is not a finding (default true). */
  requireCertificateVerification?: boolean;
  mechanisms?: readonly MechanismRule[];
  exceptions?: readonly CleartextException[];
  /** What a run with no NFS-relevant flow on the wire gives (default inconclusive: exit 4). */
  noNfsSeen?: 'fail' | 'inconclusive' | 'pass';
  /** Lowest failing severity (default medium). */
  failOn?: Severity;
  /** --fail-on new: findings already in the baseline do not fail. */
  failOnNew?: boolean;
  baseline?: Baseline;
  /** Today, YYYY-MM-DD (exception expiry); default the current UTC date. */
  today?: string;
}

export interface RunFacts {
  captures: CaptureResult[];
  flows: FlowResult[];
  inputDamaged: boolean;
  /** With --host-root/--local: the inventory and its judged mounts. */
  host?: { inventory: HostInventory; mounts: MountResult[] };
}

export interface RunJudgement {
  findings: Finding[];
  wire: WireTally;
  exitCode: number;
  outcome: RunOutcome;
  /** Findings accepted by an exception or the baseline. */
  accepted: number;
  baseline?: BaselineSummary;
}

export function judgeRun(facts: RunFacts, policy: RunPolicy): RunJudgement {
  const { findings: flowFindings, wire } = judgeFlows(facts.flows, facts.captures, policy);
  let findings = facts.host
    ? foldHost(flowFindings, crossReference(facts.flows, facts.host.inventory, facts.host.mounts), facts.flows)
    : flowFindings;
  if (policy.requireCertificateVerification === false) findings = findings.filter((f) => f.code !== 'UNVERIFIED-TLS');
  if (facts.host) {
    // A mid-stream flow whose tunnel config names only strong suites: accepted, never verified.
    const n = acceptSuitesByConfig(findings, facts.flows, facts.host);
    if (n > 0) {
      wire.unproven = Math.max(0, wire.unproven - n);
      wire.accepted = n;
    }
  }
  const mounts = facts.host?.mounts ?? [];
  if (policy.mechanisms) findings.push(...mechanismFindings(facts.flows, mounts, policy.mechanisms));
  if (policy.exceptions) {
    const today = policy.today ?? new Date().toISOString().slice(0, 10);
    findings = applyExceptions(findings, facts.flows, mounts, policy.exceptions, today);
  }
  setFingerprints(findings, facts.flows);
  const baseline = policy.baseline ? applyBaseline(findings, policy.baseline, policy.failOnNew === true) : undefined;
  const { exitCode, outcome } = decideExit({
    inputDamaged: facts.inputDamaged,
    findings,
    wire,
    ...(policy.failOn ? { failOn: policy.failOn } : {}),
    ...(policy.noNfsSeen ? { noNfsSeen: policy.noNfsSeen } : {}),
  });
  const accepted = findings.filter((f) => f.accepted !== undefined).length;
  return { findings, wire, exitCode, outcome, accepted, ...(baseline ? { baseline } : {}) };
}

/**
 * A flow finding that a mount finding already explains (BYPASS, DOWNGRADE, UNEXPLAINED, WEAK-CIPHER of a mount) is dropped:
 * one leak, one finding, named after its mount. A mount that leaked says what crossed the wire in the clear.
 */
function foldHost(flowFindings: Finding[], hostFindings: Finding[], flows: FlowResult[]): Finding[] {
  const explained = new Set<string>();
  for (const h of hostFindings) {
    if (h.code === 'BYPASS' || h.code === 'UNEXPLAINED' || h.code === 'WEAK-CIPHER' || h.code === 'DOWNGRADE') {
      for (const r of h.flows ?? []) explained.add(r);
    }
  }
  const kept = flowFindings.filter(
    (f) =>
      !((f.code === 'CLEARTEXT-NFS' || f.code === 'WEAK-CIPHER') && (f.flows ?? []).every((r) => explained.has(r))),
  );
  const byRef = new Map(flows.map((f) => [flowRef(f), f]));
  for (const h of hostFindings) {
    if (h.code !== 'BYPASS' && h.code !== 'UNEXPLAINED' && h.code !== 'DOWNGRADE') continue;
    const leakedFlows = (h.flows ?? []).map((r) => byRef.get(r)).filter((f) => f?.class === 'nfs-cleartext');
    if (leakedFlows.length > 0) h.message += `; exposed: ${leaked(leakedFlows as FlowResult[])}`;
  }
  return [...kept, ...hostFindings];
}
