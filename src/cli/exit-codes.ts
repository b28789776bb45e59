/**
 * Documented exit codes (README "Exit codes", docs/verdicts.md). Precedence when several apply: 3 > 1 > 4 > 0.
 * The one function that picks the code is src/verify/exit-code.ts (decideExit).
 */
export const EXIT = {
  /** Verified: NFS seen on the wire and every NFS-relevant flow proven encrypted (mounts: no failing finding). */
  OK: 0,
  /** Findings at or above the failing severity (medium): cleartext NFS, weak crypto, bypassing mounts... */
  FINDINGS: 1,
  /** Usage or configuration error. */
  USAGE: 2,
  /** A capture (or other input) was unreadable or damaged; results up to the damage were still reported. */
  INPUT: 3,
  /** Inconclusive: no NFS flow on the wire was judged, or one could not be proven encrypted and none was violating. */
  INCONCLUSIVE: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** One line per code, for --help and the demo. */
export const EXIT_CODES_HELP =
  'exit codes: 0 verified (NFS on the wire, every NFS flow proven encrypted), 1 findings, 2 usage/config error, 3 damaged input, 4 inconclusive (nothing to judge or something unproven); precedence 3 > 1 > 4 > 0';
