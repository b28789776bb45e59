/** Documented exit codes (README "Exit codes"). */
export const EXIT = {
  /** Everything verified, nothing to report. */
  OK: 0,
  /** Findings: cleartext NFS, weak crypto, bypassing mounts... */
  FINDINGS: 1,
  /** Usage or configuration error. */
  USAGE: 2,
  /** A capture (or other input) was unreadable or damaged; results up to the damage were still reported. */
  INPUT: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
