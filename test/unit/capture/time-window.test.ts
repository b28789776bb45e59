/** --since/--until bounds: the forms accepted, exact nanosecond comparison, and the refusals. */
import { describe, expect, it } from 'vitest';
import {
  formatInstant,
  parseInstant,
  parseTimeWindow,
  TimeBoundError,
  TimeWindow,
} from '../../../src/capture/time-window.js';

describe('parseInstant', () => {
  it('reads Unix seconds with up to nine fraction digits', () => {
    expect(parseInstant('1795479838')).toEqual({ sec: 1795479838, nsec: 0 });
    expect(parseInstant('1795479838.074')).toEqual({ sec: 1795479838, nsec: 74_000_000 });
    expect(parseInstant('1795479838.000000001')).toEqual({ sec: 1795479838, nsec: 1 });
  });
  it('reads ISO 8601 with Z or an offset, to the same instant', () => {
    const z = parseInstant('2026-11-24T00:23:58.074Z');
    expect(z).toEqual({ sec: 1795479838, nsec: 74_000_000 });
    expect(parseInstant('2026-11-24T01:23:58.074+01:00')).toEqual(z);
    expect(parseInstant('2026-11-23T19:23:58.074-0500')).toEqual(z);
    expect(parseInstant('2026-11-24 00:23:58,074Z')).toEqual(z);
    expect(parseInstant('2026-11-24T00:23Z')).toEqual({ sec: 1795479780, nsec: 0 });
  });
  it('refuses times without a zone, impossible dates, offsets out of range and other text', () => {
    for (const bad of [
      '2026-11-24T00:23:58',
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-24T24:00:00Z',
      '2026-11-24T00:00:00+25:00',
      '2026-11-24',
      'yesterday',
      '-5',
      '1.2.3',
      '',
    ]) {
      expect(() => parseInstant(bad), bad).toThrow(TimeBoundError);
    }
  });
});

describe('parseTimeWindow and TimeWindow', () => {
  it('nothing given: no window', () => {
    expect(parseTimeWindow(undefined, undefined)).toBeUndefined();
  });
  it('refuses since at or after until', () => {
    expect(() => parseTimeWindow('100', '100')).toThrow(/must be before/);
    expect(() => parseTimeWindow('100.5', '100.25')).toThrow(/must be before/);
  });
  it('keeps [since, until) to the nanosecond and counts what it leaves out', () => {
    const w = new TimeWindow(parseTimeWindow('100.000000010', '200')!);
    expect(w.accepts(100, 9)).toBe(false);
    expect(w.accepts(100, 10)).toBe(true);
    expect(w.accepts(199, 999_999_999)).toBe(true);
    expect(w.accepts(200, 0)).toBe(false);
    expect(w.accepts(99, 999_999_999)).toBe(false);
    expect({ kept: w.kept, before: w.before, after: w.after }).toEqual({ kept: 2, before: 2, after: 1 });
  });
  it('formats instants in UTC, keeping significant nanoseconds', () => {
    expect(formatInstant({ sec: 1795479838, nsec: 0 })).toBe('2026-11-24T00:23:58Z');
    expect(formatInstant({ sec: 1795479838, nsec: 74_000_000 })).toBe('2026-11-24T00:23:58.074Z');
    expect(formatInstant({ sec: 1795479838, nsec: 1 })).toBe('2026-11-24T00:23:58.000000001Z');
  });
});
