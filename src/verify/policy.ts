/**
 * THE policy module: from flow results (facts and verdicts of the analyzers), the optional host inventory and the
 * policy options to the findings, the wire tally and the exit code of verify-encryption. Nothing else decides what is
 * bad: the CLI only wires options in and the writers only display.
 */
import type { HostInventory } from '../host/types.js';
import type { CaptureResult, Finding, FlowResult, MountResult, RunOutcome, WireTally } from '../report/schema.js';
import { crossReference } from './crossref.js';
import { decideExit } from './exit-code.js';
import { type FlowPolicy, flowRef, judgeFlows, leaked } from './flow-policy.js';

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
}

export function judgeRun(facts: RunFacts, policy: FlowPolicy): RunJudgement {
  const { findings: flowFindings, wire } = judgeFlows(facts.flows, facts.captures, policy);
  const findings = facts.host
    ? foldHost(flowFindings, crossReference(facts.flows, facts.host.inventory, facts.host.mounts), facts.flows)
    : flowFindings;
  const { exitCode, outcome } = decideExit({ inputDamaged: facts.inputDamaged, findings, wire });
  return { findings, wire, exitCode, outcome };
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
