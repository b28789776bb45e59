/**
 * `--since` / `--until` on capture files: only the packets whose timestamp lies in [since, until) are analysed, as
 * `editcap -A since -B until` keeps them. Frame numbers stay those of the file, so evidence still points at the
 * right packet. Times compare exactly, as whole seconds and nanoseconds (a double loses nanoseconds at today's
 * epoch values).
 */

/** An instant: seconds since the Unix epoch and nanoseconds within the second. */
export interface Instant {
  sec: number;
  nsec: number;
}

/** The window as given to the engine and workers (plain data, structured-clone safe). */
export interface TimeWindowSpec {
  since?: Instant;
  until?: Instant;
}

export class TimeBoundError extends Error {}

const EPOCH = /^(\d{1,12})(?:\.(\d{1,9}))?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})$/;

function fraction(digits: string | undefined): number {
  return digits === undefined ? 0 : Number(digits.padEnd(9, '0'));
}

/**
 * Reads one bound: Unix seconds (`1700000000`, `1700000000.25`) or ISO 8601 date and time with a zone designator
 * (`2026-12-03T10:00:00Z`, `2026-12-03T11:00:00.5+01:00`). A time without a zone is refused: a compliance window
 * must not depend on the machine's time zone.
 */
export function parseInstant(text: string): Instant {
  const t = text.trim();
  const e = EPOCH.exec(t);
  if (e) return { sec: Number(e[1]), nsec: fraction(e[2]) };
  const m = ISO.exec(t);
  if (!m) {
    throw new TimeBoundError(
      `"${text}" is not a time: give Unix seconds (1700000000.5) or ISO 8601 with a zone (2026-12-03T10:00:00Z)`,
    );
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (
    month < 1 ||
    month > 12 ||
    check.getUTCDate() !== day ||
    check.getUTCMonth() !== month - 1 ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new TimeBoundError(`"${text}" is not a valid date and time`);
  }
  let offsetSec = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const z = zone!.replace(':', '');
    const sign = z[0] === '-' ? -1 : 1;
    const oh = Number(z.slice(1, 3));
    const om = Number(z.slice(3, 5));
    if (oh > 23 || om > 59) throw new TimeBoundError(`"${text}": time zone offset ${zone} is out of range`);
    offsetSec = sign * (oh * 3600 + om * 60);
  }
  const sec = ms / 1000 - offsetSec;
  if (sec < 0) throw new TimeBoundError(`"${text}" is before 1970-01-01T00:00:00Z`);
  return { sec, nsec: fraction(frac) };
}

/** a < b (-1), a = b (0), a > b (1). */
export function compareInstant(aSec: number, aNsec: number, b: Instant): number {
  if (aSec !== b.sec) return aSec < b.sec ? -1 : 1;
  if (aNsec !== b.nsec) return aNsec < b.nsec ? -1 : 1;
  return 0;
}

/** Builds the window from the two option values; refuses an empty window (since at or after until). */
export function parseTimeWindow(since: string | undefined, until: string | undefined): TimeWindowSpec | undefined {
  if (since === undefined && until === undefined) return undefined;
  const w: TimeWindowSpec = {};
  if (since !== undefined) w.since = parseInstant(since);
  if (until !== undefined) w.until = parseInstant(until);
  if (w.since && w.until && compareInstant(w.since.sec, w.since.nsec, w.until) >= 0) {
    throw new TimeBoundError(`--since (${since}) must be before --until (${until})`);
  }
  return w;
}

/** ISO 8601 UTC text of an instant, nanoseconds kept when present (for the JSON and the summary). */
export function formatInstant(i: Instant): string {
  const base = new Date(i.sec * 1000).toISOString().slice(0, 19);
  if (i.nsec === 0) return `${base}Z`;
  return `${base}.${String(i.nsec).padStart(9, '0').replace(/0+$/, '')}Z`;
}

/** Per-packet test with counters: packets before `since` and at or after `until`. */
export class TimeWindow {
  before = 0;
  after = 0;
  kept = 0;
  constructor(readonly spec: TimeWindowSpec) {}

  accepts(sec: number, nsec: number): boolean {
    const { since, until } = this.spec;
    if (since !== undefined && compareInstant(sec, nsec, since) < 0) {
      this.before++;
      return false;
    }
    if (until !== undefined && compareInstant(sec, nsec, until) >= 0) {
      this.after++;
      return false;
    }
    this.kept++;
    return true;
  }
}
