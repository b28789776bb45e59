import { describe, expect, it } from 'vitest';
import { TcpDirection } from '../../../src/flow/tcp-stream.js';
import { b, Recorder } from '../../helpers/stream-recorder.js';

describe('TcpDirection', () => {
  it('delivers in order from the SYN', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(999);
    t.segment(1000, b('abc'), 0, 3, 3, 1, r);
    t.segment(1003, b('def'), 0, 3, 3, 2, r);
    expect(r.out).toEqual(['1:abc', '2:def']);
  });
  it('drops retransmissions and trims overlaps', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(0);
    t.segment(1, b('abcd'), 0, 4, 4, 1, r);
    t.segment(1, b('abcd'), 0, 4, 4, 2, r);
    t.segment(3, b('cdef'), 0, 4, 4, 3, r);
    expect(r.out).toEqual(['1:abcd', '3:ef']);
    expect(t.retransmittedBytes).toBe(6);
  });
  it('reorders out-of-order segments', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(0);
    t.segment(4, b('def'), 0, 3, 3, 1, r);
    t.segment(7, b('ghi'), 0, 3, 3, 2, r);
    expect(r.out).toEqual([]);
    t.segment(1, b('abc'), 0, 3, 3, 3, r);
    expect(r.out).toEqual(['3:abc', '1:def', '2:ghi']);
    expect(t.heldBytes).toBe(0);
  });
  it('marks a hole the peer acknowledged as a gap, never papers over it', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(0);
    t.segment(1, b('abc'), 0, 3, 3, 1, r);
    t.segment(10, b('xyz'), 0, 3, 3, 2, r);
    t.peerAck(13, 3, r);
    expect(r.out).toEqual(['1:abc', '3:gap6', '2:xyz']);
    expect(t.gapBytes).toBe(6);
  });
  it('flushes held segments with gaps at the end', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(0);
    t.segment(5, b('efg'), 0, 3, 3, 1, r);
    t.flush(r);
    expect(r.out).toEqual(['1:gap4', '1:efg']);
  });
  it('reports bytes cut by snaplen as a gap', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(0);
    t.segment(1, b('ab'), 0, 2, 10, 1, r);
    t.segment(11, b('k'), 0, 1, 1, 2, r);
    expect(r.out).toEqual(['1:ab', '1:gap8', '2:k']);
  });
  it('starts mid-stream without a SYN and handles sequence wrap-around', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.segment(0xfffffffe, b('ab'), 0, 2, 2, 1, r);
    t.segment(0, b('cd'), 0, 2, 2, 2, r);
    expect(r.out).toEqual(['1:ab', '2:cd']);
  });
  it('caps held bytes: over the cap the hole becomes a gap', () => {
    const t = new TcpDirection(4);
    const r = new Recorder();
    t.syn(0);
    t.segment(5, b('efg'), 0, 3, 3, 1, r);
    t.segment(8, b('hij'), 0, 3, 3, 2, r);
    expect(r.out).toEqual(['1:gap4', '1:efg', '2:hij']);
    expect(t.heldBytes).toBe(0);
  });
});

describe('TcpDirection FIN', () => {
  it('a FIN takes one sequence number: bytes sent after it follow with no gap', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(0);
    t.segment(1, b('abc'), 0, 3, 3, 1, r);
    t.fin(4); // FIN with the data of frame 1, or bare
    t.segment(5, b('rpc'), 0, 3, 3, 2, r);
    t.flush(r);
    expect(r.out).toEqual(['1:abc', '2:rpc']);
    expect(t.gapBytes).toBe(0);
  });
  it('a FIN ahead of the stream is consumed when the stream reaches it', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(0);
    t.segment(4, b('def'), 0, 3, 3, 1, r); // held
    t.fin(7);
    t.segment(8, b('xyz'), 0, 3, 3, 2, r); // after the FIN, held
    t.segment(1, b('abc'), 0, 3, 3, 3, r);
    expect(r.out).toEqual(['3:abc', '1:def', '2:xyz']);
    expect(t.gapBytes).toBe(0);
  });
  it('a retransmitted FIN changes nothing; a real hole after a FIN is still a gap', () => {
    const t = new TcpDirection(1024);
    const r = new Recorder();
    t.syn(0);
    t.segment(1, b('abc'), 0, 3, 3, 1, r);
    t.fin(4);
    t.fin(4);
    t.segment(7, b('xyz'), 0, 3, 3, 2, r);
    t.flush(r);
    expect(r.out).toEqual(['1:abc', '2:gap2', '2:xyz']);
    expect(t.gapBytes).toBe(2);
  });
});

describe('TcpDirection shared budget', () => {
  it('holds out-of-order bytes only while the table-wide budget allows, and returns it on release', () => {
    const budget = { used: 0, max: 5 };
    const a = new TcpDirection(1024, budget);
    const other = new TcpDirection(1024, budget);
    const r = new Recorder();
    a.syn(0);
    other.syn(0);
    a.segment(5, b('efg'), 0, 3, 3, 1, r);
    expect(budget.used).toBe(3);
    // b's hole cannot be held: over the shared budget it is a gap at once.
    other.segment(5, b('xyz'), 0, 3, 3, 2, r);
    expect(r.out).toEqual(['2:gap4', '2:xyz']);
    a.release();
    expect(budget.used).toBe(0);
  });
});
