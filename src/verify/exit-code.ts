/** Exit code of a findings list: findings of severity medium or above fail. */
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import type { Finding } from '../report/schema.js';

const FAILING = new Set(['critical', 'high', 'medium']);

export function findingsExitCode(findings: Finding[]): ExitCode {
  return findings.some((f) => FAILING.has(f.severity)) ? EXIT.FINDINGS : EXIT.OK;
}
