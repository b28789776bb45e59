import { describe, expect, it } from 'vitest';
import { classifierFactory } from '../../../src/classify/flow-classifier.js';
import { type DecodedPacket, newDecodedPacket } from '../../../src/decode/types.js';
import type { Flow } from '../../../src/flow/flow.js';
import { FlowTable } from '../../../src/flow/flow-table.js';
import { DEFAULT_PORT_SPEC, PortSet } from '../../../src/flow/ports.js';

const SYN = 0x02;
const ACK = 0x10;
const FIN = 0x01;

function table(maxFlows = 131072): { t: FlowTable; done: Flow[] } {
  const done: Flow[] = [];
  const t = new FlowTable({
    ports: new PortSet(DEFAULT_PORT_SPEC),
    analysis: classifierFactory,
    maxFlows,
    maxHeldBytes: 256 * 1024,
    onFlowDone: (f) => done.push(f),
  });
  return { t, done };
}

function tcp(src: number, sport: number, dst: number, dport: number, flags: number, seq = 0, ack = 0): DecodedPacket {
  const p = newDecodedPacket();
  p.protocol = 6;
  p.src0 = src;
  p.dst0 = dst;
  p.srcPort = sport;
  p.dstPort = dport;
  p.tcpFlags = flags;
  p.seq = seq;
  p.ack = ack;
  return p;
}

function udp(src: number, sport: number, dst: number, dport: number): DecodedPacket {
  const p = tcp(src, sport, dst, dport, 0);
  p.protocol = 17;
  return p;
}

const C = 0x0a000001;
const S = 0x0a000002;

describe('FlowTable', () => {
  it('matches both directions of a flow and keeps TCP and UDP on the same tuple apart', () => {
    const { t, done } = table();
    let frame = 0;
    t.packet(tcp(C, 40000, S, 2049, SYN), ++frame, 1, 0, 60, 0);
    t.packet(tcp(S, 2049, C, 40000, SYN | ACK), ++frame, 1, 0, 60, 0);
    t.packet(tcp(C, 40000, S, 2049, ACK), ++frame, 1, 0, 54, 0);
    t.packet(udp(S, 2049, C, 40000), ++frame, 1, 0, 42, 0);
    expect(t.liveFlows).toBe(2);
    expect(t.totalFlows).toBe(2);
    t.flushAll();
    expect(t.liveFlows).toBe(0);
    const [f, u] = done;
    expect(f!.transport).toBe('tcp');
    expect([f!.pktsA, f!.pktsB, f!.bytesA, f!.bytesB]).toEqual([2, 1, 114, 60]);
    expect(f!.clientIsA).toBe(true);
    expect(u!.transport).toBe('udp');
    expect(u!.pktsA).toBe(1);
  });

  it('starts a new flow when a SYN reuses the tuple of a closed one', () => {
    const { t, done } = table();
    t.packet(tcp(C, 40001, S, 2049, SYN), 1, 1, 0, 60, 0);
    t.packet(tcp(C, 40001, S, 2049, FIN | ACK), 2, 1, 0, 54, 0);
    t.packet(tcp(S, 2049, C, 40001, FIN | ACK), 3, 1, 0, 54, 0);
    t.packet(tcp(C, 40001, S, 2049, SYN), 4, 2, 0, 60, 0);
    expect(done.map((f) => f.id)).toEqual([0]);
    expect(t.liveFlows).toBe(1);
    t.flushAll();
    expect(done.map((f) => [f.id, f.firstFrame])).toEqual([
      [0, 1],
      [1, 4],
    ]);
  });

  it('evicts an eighth of the flows at the cap, closed ones first, then the least recently seen', () => {
    const { t, done } = table(16);
    // Flow 0 closes; flows 1..15 are open, seen at times 100 + i.
    t.packet(tcp(C, 1000, S, 2049, SYN), 1, 100, 0, 60, 0);
    t.packet(tcp(C, 1000, S, 2049, ACK | FIN), 2, 100, 0, 54, 0);
    t.packet(tcp(S, 2049, C, 1000, ACK | FIN), 3, 100, 0, 54, 0);
    for (let i = 1; i < 16; i++) t.packet(tcp(C, 1000 + i, S, 2049, SYN), 3 + i, 100 + i, 0, 60, 0);
    expect(t.liveFlows).toBe(16);
    t.packet(tcp(C, 2000, S, 2049, SYN), 100, 200, 0, 60, 0);
    expect(t.evicted).toBe(2);
    expect(done.map((f) => f.aPort)).toEqual([1000, 1001]);
    expect(t.liveFlows).toBe(15);
    // The survivors are still found (both directions) after the deletions.
    t.packet(tcp(S, 2049, C, 1015, SYN | ACK), 101, 201, 0, 60, 0);
    expect(t.totalFlows).toBe(17);
  });

  it('stays consistent over many inserts and removals (growth, probe runs, backward-shift deletion)', () => {
    const { t, done } = table(100000);
    let frame = 0;
    const n = 5000;
    for (let i = 0; i < n; i++) t.packet(tcp(C + (i % 7), 1024 + i, S, 2049, SYN), ++frame, i, 0, 60, 0);
    // Close every third flow with a FIN each way, then reuse its tuple with a new SYN.
    for (let i = 0; i < n; i += 3) {
      t.packet(tcp(C + (i % 7), 1024 + i, S, 2049, FIN | ACK), ++frame, n + i, 0, 54, 0);
      t.packet(tcp(S, 2049, C + (i % 7), 1024 + i, FIN | ACK), ++frame, n + i, 0, 54, 0);
      t.packet(tcp(C + (i % 7), 1024 + i, S, 2049, SYN), ++frame, n + i, 0, 60, 0);
    }
    const reused = Math.ceil(n / 3);
    expect(done.length).toBe(reused);
    expect(t.liveFlows).toBe(n);
    expect(t.totalFlows).toBe(n + reused);
    // Every live flow is found again from the server side: no new flows appear.
    for (let i = 0; i < n; i++) t.packet(tcp(S, 2049, C + (i % 7), 1024 + i, ACK), ++frame, 3 * n, 0, 54, 0);
    expect(t.totalFlows).toBe(n + reused);
    t.flushAll();
    expect(done.length).toBe(n + reused);
    expect(done.slice(reused).every((f) => f.pktsB === 1)).toBe(true);
  });

  it('makes no analysis state for a bare SYN; the SYN still anchors reassembly once the flow carries more', () => {
    const { t, done } = table();
    t.packet(tcp(C, 40000, S, 2049, SYN, 1000), 1, 1, 0, 60, 0);
    t.packet(tcp(C, 40001, S, 2049, SYN, 7000), 2, 1, 0, 60, 0);
    t.packet(tcp(C, 40000, S, 2049, SYN, 1000), 3, 1, 0, 60, 0);
    t.packet(tcp(S, 2049, C, 40000, SYN | ACK, 5000, 1001), 4, 1, 0, 60, 0);
    const data = tcp(C, 40000, S, 2049, ACK, 1001, 5001);
    data.data = Buffer.alloc(10);
    data.payloadLength = 10;
    data.payloadWireLength = 10;
    t.packet(data, 5, 1, 0, 64, 0);
    t.flushAll();
    const [f, syn] = done;
    expect([f!.deferred, f!.tcpA?.synced, f!.tcpA?.gapBytes, f!.pktsA, f!.payA]).toEqual([false, true, 0, 3, 10]);
    expect([syn!.deferred, syn!.isn, syn!.classifier, syn!.tcpA, syn!.tcpB, syn!.pktsA]).toEqual([
      true,
      7000,
      null,
      null,
      null,
      1,
    ]);
  });
});
