/**
 * THE exit code of a run (docs/verdicts.md). Precedence 3 > 1 > 4 > 0:
 *   3  some input was unreadable or damaged (results before the damage are still reported);
 *   1  a finding at or above the failing severity (medium);
 *   4  inconclusive: no NFS-relevant flow on the wire was judged, or one could not be proven encrypted;
 *   0  verified: NFS seen on the wire and every NFS-relevant flow on it proven encrypted.
 * Nothing else decides exit codes; listing caps (--max-listed) and output formats never change them.
 */
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import type { Finding, RunOutcome, WireTally } from '../report/schema.js';
import { severityFails } from './findings.js';

export interface ExitInputs {
  inputDamaged: boolean;
  findings: readonly Finding[];
  /**
   * What the wire showed (verify-encryption). Absent for commands that judge no capture (`mounts`): their exit
   * code is 1 on a failing finding and 0 otherwise.
   */
  wire?: WireTally;
}

export interface ExitDecision {
  exitCode: ExitCode;
  outcome: RunOutcome;
}

export function decideExit(i: ExitInputs): ExitDecision {
  if (i.inputDamaged) return { exitCode: EXIT.INPUT, outcome: 'damaged-input' };
  if (i.findings.some((f) => severityFails(f.severity))) return { exitCode: EXIT.FINDINGS, outcome: 'findings' };
  if (i.wire !== undefined && (i.wire.verified === 0 || i.wire.unproven > 0))
    return { exitCode: EXIT.INCONCLUSIVE, outcome: 'inconclusive' };
  return { exitCode: EXIT.OK, outcome: 'verified' };
}

/** Exit code of a findings list alone (`mounts`): 1 on a failing finding, else 0. */
export function findingsExitCode(findings: readonly Finding[]): ExitCode {
  return decideExit({ inputDamaged: false, findings }).exitCode;
}
