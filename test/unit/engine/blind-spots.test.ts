/**
 * Blind spots (issue 13) on crafted bytes: every packet decoding could not read is counted by reason, with its bytes,
 * whether it touched an NFS port (when its ports were visible) and whether it was control traffic; the policy raises
 * UNDECODED-TRAFFIC (low on an NFS port, which also keeps the run from being verified; info past 1 % of the bytes,
 * control traffic aside), and the writers print the counts.
 */
import { describe, expect, it } from 'vitest';
import type { CaptureSummary, PacketRecord } from '../../../src/capture/types.js';
import { CaptureAnalysis } from '../../../src/engine/analyze.js';
import { DEFAULT_PORT_SPEC, PortSet } from '../../../src/flow/ports.js';
import { blindSpotText } from '../../../src/report/blind-text.js';
import type { CaptureResult, WireTally } from '../../../src/report/schema.js';
import { decideExit } from '../../../src/verify/exit-code.js';
import { judgeFlows } from '../../../src/verify/flow-policy.js';
import { ethernet, ipv4, record, tcpHeader, udpHeader } from '../decode/bytes.js';

const policy = { minGrade: 'strong', minTls: '1.2' } as const;

function summary(packets: number): CaptureSummary {
  return {
    file: 'crafted.pcap',
    format: 'pcap',
    gzip: false,
    packets,
    bytesRead: 0,
    interfaces: [{ id: 0, linkType: 1, snaplen: 65535, tsresol: 6 }],
    sections: 1,
    truncatedPackets: 0,
  };
}

function run(recs: PacketRecord[]): CaptureResult {
  const a = new CaptureAnalysis('crafted.pcap', { ports: new PortSet(DEFAULT_PORT_SPEC) });
  recs.forEach((r, i) => {
    r.frame = i + 1;
    a.onPacket(r);
  });
  return a.finish(summary(recs.length)).capture;
}

const eth = (type: number, payload: Buffer) => record(1, ethernet(type, payload));
const nfsCall = Buffer.from('80000028000000010000000000000002000186a3', 'hex');
/** A UDP datagram of 2049 bytes' payload to port `dport`, split in two IPv4 fragments. */
function fragments(dport: number, id: number): [Buffer, Buffer] {
  const dgram = udpHeader(900, dport, Buffer.alloc(2000, 7));
  const first = ethernet(0x0800, ipv4(17, dgram.subarray(0, 1480), { id, mf: true }));
  const last = ethernet(0x0800, ipv4(17, dgram.subarray(1480), { id, fragOff: 1480 }));
  return [first, last];
}

describe('blind spots: counted by reason', () => {
  const arp = eth(0x0806, Buffer.alloc(28)); // 42 bytes
  const filler = eth(0x3030, Buffer.alloc(46, 0x30)); // 60 bytes, unknown ethertype
  const icmp = eth(0x0800, ipv4(1, Buffer.alloc(16))); // 50
  const sctp = eth(0x0800, ipv4(132, Buffer.alloc(16))); // 50
  const nfsTcp = ethernet(0x0800, ipv4(6, tcpHeader(800, 2049, nfsCall)));
  // Cut 10 bytes into the TCP header: ports visible, the rest not.
  const cutNfs = record(1, nfsTcp, { caplen: 14 + 20 + 10 });
  // Cut 2 bytes into the TCP header of a web flow: ports not visible.
  const cutWeb = record(1, ethernet(0x0800, ipv4(6, tcpHeader(40000, 80, Buffer.alloc(100)))), { caplen: 36 });
  const empty = record(1, Buffer.alloc(64), { caplen: 0 });
  const badIhl = ethernet(0x0800, ipv4(6, tcpHeader(800, 2049, nfsCall)));
  badIhl[14] = 0x43;
  const [lostFirst] = fragments(2049, 7);
  const [, lostLast] = fragments(80, 8);
  const [okFirst, okLast] = fragments(2049, 9);
  const gre1 = eth(0x0800, ipv4(47, Buffer.from('2001880b00000000', 'hex'))); // GRE version 1 (PPTP)
  const unknownLink = record(147, Buffer.alloc(30));
  const snap = Buffer.concat([
    Buffer.from('aaaa03000000', 'hex'),
    Buffer.from([0x08, 0x00]),
    ipv4(6, tcpHeader(801, 2049, nfsCall)),
  ]);
  const llcSnapIp = record(1, ethernet(snap.length, snap));

  const recs = [
    arp,
    filler,
    icmp,
    sctp,
    cutNfs,
    cutWeb,
    empty,
    record(1, badIhl),
    record(1, lostFirst),
    record(1, lostLast),
    record(1, okFirst),
    record(1, okLast),
    record(1, okLast), // a late duplicate of a fragment whose datagram was rebuilt: decoded, not lost
    gre1,
    unknownLink,
    record(1, nfsTcp),
    llcSnapIp,
  ];
  const c = run(recs);

  it('counts packets and wire bytes per reason, NFS-port packets and control traffic', () => {
    const b = c.blindSpots!;
    expect(b.byReason).toEqual({
      'link-type': { packets: 1, bytes: 30 },
      'not-ip': { packets: 2, bytes: 102 },
      'ip-protocol': { packets: 2, bytes: 100 },
      truncated: { packets: 2, bytes: nfsTcp.length + 14 + 20 + 20 + 100 },
      malformed: { packets: 1, bytes: badIhl.length },
      'fragment-not-reassembled': { packets: 2, bytes: lostFirst.length + lostLast.length },
      'unsupported-encapsulation': { packets: 1, bytes: 42 },
      'empty-record': { packets: 1, bytes: 64 },
    });
    expect(b.ethertypes).toEqual({ '0x0806': { packets: 1, bytes: 42 }, '0x3030': { packets: 1, bytes: 60 } });
    expect(b.ipProtocols).toEqual({ icmp: { packets: 1, bytes: 50 }, '132': { packets: 1, bytes: 50 } });
    // The cut NFS call (ports visible) and the lost first fragment to 2049; not the cut web flow, not the fragment
    // whose first part (and ports) the capture never showed.
    expect(b.nfsPorts).toEqual({ packets: 2, bytes: cutNfs.origLen + lostFirst.length });
    expect(b.control).toEqual({ packets: 2, bytes: 92 });
    expect(b.packets).toBe(12);
    expect(b.bytes).toBe(Object.values(b.byReason).reduce((n, x) => n + x.bytes, 0));
    expect(b.ofPackets).toBe(recs.length);
    expect(b.ofBytes).toBe(recs.reduce((n, r) => n + r.origLen, 0));
    // What did decode: the whole NFS call, the rebuilt datagram, the LLC/SNAP frame (IP after an 802.2 SNAP header).
    expect(c.flowsTotal).toBe(3);
  });

  it('raises UNDECODED-TRAFFIC (low) and never lets the run be verified', () => {
    const { findings, wire } = judgeFlows([], [c], policy);
    const f = findings.filter((x) => x.code === 'UNDECODED-TRAFFIC');
    expect(f.map((x) => x.severity)).toEqual(['low']);
    expect(f[0]!.message).toMatch(
      /^crafted\.pcap: 2 packets \(\d+ bytes\) to or from an NFS port could not be decoded/,
    );
    expect(wire.undecodedNfsPackets).toBe(2);
    expect(decideExit({ inputDamaged: false, findings, wire }).exitCode).toBe(4);
  });

  it('prints one line for the table and markdown writers', () => {
    expect(blindSpotText(c.blindSpots)).toBe(
      `12 of 17 packets, ${c.blindSpots!.bytes} of ${c.blindSpots!.ofBytes} bytes (${(Math.floor((c.blindSpots!.bytes / c.blindSpots!.ofBytes) * 1000) / 10).toFixed(1)} %) not decoded: ` +
        'not-ip 2 (0x0806 x1, 0x3030 x1), ip-protocol 2 (132 x1, icmp x1), truncated 2, fragment-not-reassembled 2, link-type 1, malformed 1, unsupported-encapsulation 1, empty-record 1; 2 to or from an NFS port; 2 of them control traffic (ARP, LLDP, STP, ICMP...)',
    );
  });
});

describe('blind spots: the exit code and the 1 % threshold', () => {
  const verified: WireTally = { judged: 1, verified: 1, violating: 0, unproven: 0, notSensitive: 0 };

  it('a verified wire stays verified without undecoded NFS packets, and becomes inconclusive with one', () => {
    expect(decideExit({ inputDamaged: false, findings: [], wire: verified }).exitCode).toBe(0);
    expect(decideExit({ inputDamaged: false, findings: [], wire: { ...verified, undecodedNfsPackets: 1 } })).toEqual({
      exitCode: 4,
      outcome: 'inconclusive',
    });
    // "no NFS seen" may pass by policy, but not when packets to an NFS port could not be read.
    const none: WireTally = { judged: 0, verified: 0, violating: 0, unproven: 0, notSensitive: 0 };
    expect(decideExit({ inputDamaged: false, findings: [], wire: none, noNfsSeen: 'pass' }).exitCode).toBe(0);
    expect(
      decideExit({ inputDamaged: false, findings: [], wire: { ...none, undecodedNfsPackets: 3 }, noNfsSeen: 'pass' })
        .exitCode,
    ).toBe(4);
  });

  const web = () => record(1, ethernet(0x0800, ipv4(6, tcpHeader(40000, 80, Buffer.alloc(1400)))));

  it('control traffic past 1 % raises nothing; the same bytes of an unknown ethertype raise an info finding', () => {
    const arps = Array.from({ length: 3 }, () => eth(0x0806, Buffer.alloc(28)));
    const control = run([...Array.from({ length: 20 }, web), ...arps]);
    expect(control.blindSpots!.bytes / control.blindSpots!.ofBytes).toBeGreaterThan(0.003);
    expect(control.blindSpots!.control).toEqual({ packets: 3, bytes: 126 });
    const unknown = run([
      ...Array.from({ length: 20 }, web),
      ...Array.from({ length: 6 }, () => eth(0x88b5, Buffer.alloc(46))),
    ]);
    const share = unknown.blindSpots!.bytes / unknown.blindSpots!.ofBytes;
    expect(share).toBeGreaterThan(0.01);
    expect(judgeFlows([], [control], policy).findings).toEqual([]);
    const f = judgeFlows([], [unknown], policy).findings;
    expect(f.map((x) => [x.code, x.severity])).toEqual([['UNDECODED-TRAFFIC', 'info']]);
    expect(f[0]!.message).toBe(
      "crafted.pcap: 1.2 % of the capture's bytes could not be decoded; 6 packets, 360 bytes not decoded in all (not-ip 6)",
    );
  });

  it('just under 1 % of the bytes raises nothing', () => {
    // 20 frames of 1454 bytes = 29080; 4 of 60 = 240 bytes: 0.82 %.
    const c = run([
      ...Array.from({ length: 20 }, web),
      ...Array.from({ length: 4 }, () => eth(0x88b5, Buffer.alloc(46))),
    ]);
    expect(c.blindSpots!.packets).toBe(4);
    expect(judgeFlows([], [c], policy).findings).toEqual([]);
  });

  it('a capture that decodes entirely still reports its blind spots, as zeros', () => {
    const c = run([web()]);
    expect(c.blindSpots).toEqual({
      packets: 0,
      bytes: 0,
      ofPackets: 1,
      ofBytes: 1454,
      byReason: {},
      nfsPorts: { packets: 0, bytes: 0 },
      control: { packets: 0, bytes: 0 },
    });
    expect(blindSpotText(c.blindSpots)).toBeNull();
  });
});
