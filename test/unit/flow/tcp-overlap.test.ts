/**
 * TCP-OVERLAP-CONFLICT on crafted segments: retransmissions and overlaps are compared with the retained copy of the
 * delivered bytes; equal copies pass, different ones are counted with their frame; bytes older than the retained
 * window, cut by the snap length or behind a gap are counted as unchecked; the ring is charged to the shared budget.
 */
import { describe, expect, it } from 'vitest';
import { type HeldBudget, RETAIN_BYTES, TcpDirection } from '../../../src/flow/tcp-stream.js';
import { b, Recorder } from '../../helpers/stream-recorder.js';

function counts(t: TcpDirection): number[] {
  return [t.overlapChecked, t.overlapConflictBytes, t.overlapUnchecked, t.overlapConflicts, t.firstConflictFrame];
}

describe('TCP overlap check', () => {
  it('an identical retransmission and an identical partial overlap: checked, no conflict', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(0);
    t.segment(1, b('abcd'), 0, 4, 4, 1, r);
    t.segment(1, b('abcd'), 0, 4, 4, 2, r);
    t.segment(3, b('cdef'), 0, 4, 4, 3, r);
    expect(r.out).toEqual(['1:abcd', '3:ef']);
    expect(counts(t)).toEqual([6, 0, 0, 0, 0]);
  });

  it('a retransmission with other bytes is a conflict (first copy kept, frame named)', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(0);
    t.segment(1, b('READ'), 0, 4, 4, 1, r);
    t.segment(1, b('RXAX'), 0, 4, 4, 7, r);
    t.segment(3, b('AXgh'), 0, 4, 4, 9, r); // overlap "AD" vs "AX": one byte differs
    expect(r.out).toEqual(['1:READ', '9:gh']);
    expect(counts(t)).toEqual([6, 3, 0, 2, 7]);
  });

  it('out-of-order segments that overlap each other are compared when drained', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(0);
    t.segment(5, b('efgh'), 0, 4, 4, 1, r); // held
    t.segment(3, b('cdXf'), 0, 4, 4, 2, r); // held, overlaps "ef" with "Xf"
    t.segment(1, b('ab'), 0, 2, 2, 3, r);
    expect(r.out).toEqual(['3:ab', '2:cdXf', '1:gh']);
    expect(counts(t)).toEqual([2, 1, 0, 1, 1]);
  });

  it('bytes older than the retained window are unchecked, never assumed equal', () => {
    const t = new TcpDirection(1 << 20);
    const r = new Recorder();
    t.syn(0);
    const big = Buffer.alloc(RETAIN_BYTES + 100, 0x61);
    t.segment(1, big, 0, big.length, big.length, 1, r);
    const again = Buffer.alloc(200, 0x62); // bytes 1..200 again, different: 100 too old, 100 retained
    t.segment(1, again, 0, again.length, again.length, 2, r);
    expect(counts(t)).toEqual([100, 100, 100, 1, 2]);
  });

  it('snaplen-cut retransmissions and bytes before a gap are unchecked', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(0);
    t.segment(1, b('abcdef'), 0, 6, 6, 1, r);
    t.segment(1, b('abcXXX'), 0, 3, 6, 2, r); // only 3 of 6 bytes captured: the rest unchecked
    expect(counts(t)).toEqual([3, 0, 3, 0, 0]);
    t.segment(20, b('zz'), 0, 2, 2, 3, r);
    t.peerAck(22, 4, r); // hole 7..19 declared
    t.segment(5, b('QQ'), 0, 2, 2, 5, r); // before the gap: the ring was reset
    expect(counts(t)).toEqual([3, 0, 5, 0, 0]);
  });

  it('the ring is charged to the shared budget, returned by release(), and skipped when the budget is spent', () => {
    const budget: HeldBudget = { used: 0, max: RETAIN_BYTES + 10 };
    const a = new TcpDirection(1024, budget);
    const z = new TcpDirection(1024, budget);
    const r = new Recorder();
    a.segment(1, b('abcd'), 0, 4, 4, 1, r);
    expect(budget.used).toBe(RETAIN_BYTES);
    z.segment(1, b('abcd'), 0, 4, 4, 2, r);
    z.segment(1, b('abXd'), 0, 4, 4, 3, r); // no ring for z: unchecked
    expect(counts(z)).toEqual([0, 0, 4, 0, 0]);
    a.release();
    expect(budget.used).toBe(0);
  });

  it('sequence numbers that wrap around 2^32 keep the ring aligned', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(0xfffffffd);
    t.segment(0xfffffffe, b('abcdef'), 0, 6, 6, 1, r);
    t.segment(0xffffffff, b('bcXe'), 0, 4, 4, 2, r);
    expect(counts(t)).toEqual([4, 1, 0, 1, 2]);
  });
});
