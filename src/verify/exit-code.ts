/**
 * THE exit code of a run (docs/verdicts.md). Precedence 3 > 1 > 4 > 0:
 *   3  some input was unreadable or damaged (results before the damage are still reported);
 *   1  a finding at or above the failing severity (medium);
 *   4  inconclusive: no NFS-relevant flow on the wire was judged, or one could not be proven encrypted, or packets
 *      to or from an NFS port could not be decoded;
 *   0  verified: NFS seen on the wire and every NFS-relevant flow on it proven encrypted.
 * Nothing else decides exit codes; listing caps (--max-listed) and output formats never change them.
 */
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import type { Finding, RunOutcome, Severity, WireTally } from '../report/schema.js';
import { SEVERITY_RANK } from './findings.js';

export interface ExitInputs {
  inputDamaged: boolean;
  findings: readonly Finding[];
  /**
   * What the wire showed (verify-encryption). Absent for commands that judge no capture (`mounts`): their exit
   * code is 1 on a failing finding and 0 otherwise.
   */
  wire?: WireTally;
  /** Policy file / flags (issue 16): the lowest severity that fails (default medium). */
  failOn?: Severity;
  /** What a run with no NFS-relevant flow on the wire gives: fail (1), inconclusive (4, default) or pass (0). */
  noNfsSeen?: 'fail' | 'inconclusive' | 'pass';
}

export interface ExitDecision {
  exitCode: ExitCode;
  outcome: RunOutcome;
}

export function decideExit(i: ExitInputs): ExitDecision {
  if (i.inputDamaged) return { exitCode: EXIT.INPUT, outcome: 'damaged-input' };
  const bar = SEVERITY_RANK[i.failOn ?? 'medium'];
  const fails = (f: Finding) => SEVERITY_RANK[f.severity] >= bar;
  // A finding accepted by a policy exception or the baseline does not fail; it makes a pass "accepted".
  if (i.findings.some((f) => fails(f) && f.accepted === undefined))
    return { exitCode: EXIT.FINDINGS, outcome: 'findings' };
  const accepted = i.findings.some((f) => f.accepted !== undefined);
  if (i.wire !== undefined) {
    const w = i.wire;
    if (w.judged === 0 && i.noNfsSeen === 'fail') return { exitCode: EXIT.FINDINGS, outcome: 'no-nfs-seen' };
    // Undecodable packets on an NFS port are traffic nothing proved: never verified, nor "no NFS seen".
    const undecoded = (w.undecodedNfsPackets ?? 0) > 0;
    if (w.judged === 0 && !undecoded && i.noNfsSeen === 'pass') return { exitCode: EXIT.OK, outcome: 'no-nfs-seen' };
    const provenOrAccepted = w.verified + (w.accepted ?? 0);
    if (w.unproven > 0 || undecoded || (provenOrAccepted === 0 && !(accepted && w.violating > 0)))
      return { exitCode: EXIT.INCONCLUSIVE, outcome: 'inconclusive' };
  }
  return { exitCode: EXIT.OK, outcome: accepted ? 'accepted' : 'verified' };
}

/** Exit code of a findings list alone (`mounts`): 1 on a failing finding, else 0. */
export function findingsExitCode(findings: readonly Finding[]): ExitCode {
  return decideExit({ inputDamaged: false, findings }).exitCode;
}
