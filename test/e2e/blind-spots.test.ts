/**
 * Blind spots on real captures (issue 13): what decoding could not read is counted by reason in the JSON and printed
 * by the table and markdown writers; UNDECODED-TRAFFIC when it touched an NFS port (and the run is then never
 * verified) or exceeds 1 % of the bytes, control traffic aside.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';

function cli(args: string[]) {
  return spawnSync(process.execPath, ['bin/wireseal.js', ...args], { encoding: 'utf8' });
}

function json(args: string[]): { doc: ResultDocument; status: number | null } {
  const r = cli([...args, '--format', 'json']);
  return { doc: JSON.parse(r.stdout) as ResultDocument, status: r.status };
}

const undecoded = (d: ResultDocument) => d.findings.filter((f) => f.code === 'UNDECODED-TRAFFIC');

describe('blind spots on real captures', { timeout: 30_000 }, () => {
  it('tcpdump fuzz capture: 46 frames of ethertype 0x3030 not decoded, 95.8 % of the bytes, info finding', () => {
    const { doc, status } = json(['verify-encryption', 'captures/public/tcpdump/nfs-attr-oobr.pcap']);
    expect(doc.captures[0]!.blindSpots).toEqual({
      packets: 46,
      bytes: 46 * 262144,
      ofPackets: 48,
      ofBytes: 48 * 262144,
      byReason: { 'not-ip': { packets: 46, bytes: 46 * 262144 } },
      nfsPorts: { packets: 0, bytes: 0 },
      control: { packets: 0, bytes: 0 },
      ethertypes: { '0x3030': { packets: 46, bytes: 46 * 262144 } },
    });
    expect(undecoded(doc).map((f) => [f.severity, f.message])).toEqual([
      [
        'info',
        "captures/public/tcpdump/nfs-attr-oobr.pcap: 95.8 % of the capture's bytes could not be decoded; 46 packets, 12058624 bytes not decoded in all (not-ip 46)",
      ],
    ]);
    expect(status).toBe(4);
  });

  it('control traffic (ARP, 802.2 LLC, ICMP) is counted and shown but raises nothing', () => {
    const { doc } = json(['verify-encryption', 'captures/public/wireshark-wiki/hari.pcap']);
    const b = doc.captures[0]!.blindSpots!;
    expect([b.packets, b.bytes, b.control.packets, b.control.bytes]).toEqual([3972, 270918, 3966, 268266]);
    expect(b.ethertypes?.['0x0806']).toEqual({ packets: 3680, bytes: 228611 });
    expect(b.ipProtocols).toEqual({ icmp: { packets: 40, bytes: 4198 }, icmpv6: { packets: 3, bytes: 264 } });
    // 2652 bytes of unknown ethertypes: 0.15 % of 1789541.
    expect(undecoded(doc)).toEqual([]);
  });

  it('fragments repeated after their datagram was rebuilt are duplicates, not blind spots', () => {
    const { doc } = json(['verify-encryption', 'captures/public/pcapplusplus/ip4_fragments.pcap']);
    expect(doc.captures[0]!.blindSpots!.packets).toBe(0);
    expect(undecoded(doc)).toEqual([]);
  });

  it('adversarial twin: one ACK to port 2049 cut inside its TCP header keeps a verified TLS capture from exit 0', () => {
    const whole = json(['verify-encryption', 'captures/lab/nfs4-stunnel-tls12-aes256gcm.pcap']);
    expect(whole.status).toBe(0);
    expect(whole.doc.captures[0]!.blindSpots!.packets).toBe(0);
    expect(undecoded(whole.doc)).toEqual([]);

    const file = 'test/fixtures/snaplen/ack33-cut54-nfs4-stunnel-tls12-aes256gcm.pcap';
    const cut = json(['verify-encryption', file]);
    expect(cut.doc.flows.map((f) => f.verdict)).toEqual(whole.doc.flows.map((f) => f.verdict));
    expect(cut.doc.flows.every((f) => f.verdict === 'encrypted')).toBe(true);
    const b = cut.doc.captures[0]!.blindSpots!;
    expect([b.byReason, b.nfsPorts]).toEqual([{ truncated: { packets: 1, bytes: 66 } }, { packets: 1, bytes: 66 }]);
    expect(undecoded(cut.doc).map((f) => f.severity)).toEqual(['low']);
    expect(cut.doc.summary.wire?.undecodedNfsPackets).toBe(1);
    expect([cut.status, cut.doc.summary.outcome]).toEqual([4, 'inconclusive']);

    const table = cli(['verify-encryption', file]);
    expect(table.stdout).toContain(
      '1 of 121 packets, 66 of 91053 bytes (0.0 %) not decoded: truncated 1; 1 to or from an NFS port',
    );
    expect(table.stdout).toContain('exit 4 (inconclusive: 1 packet to or from an NFS port could not be decoded)');
    const md = cli(['verify-encryption', file, '--format', 'markdown']);
    expect(md.stdout).toContain('### Not decoded');
    expect(md.stdout).toContain(
      '| ack33-cut54-nfs4-stunnel-tls12-aes256gcm.pcap | 1 of 121 packets, 66 of 91053 bytes',
    );
  });
});
