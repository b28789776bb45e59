/**
 * Encrypted network-layer tunnels (test/fixtures/tunnels, written by scripts/make-tunnel-captures.py from the RFC 4303
 * ESP and WireGuard formats and checked with tshark): listed with endpoints, SPIs/indexes and counters; a capture of
 * only such tunnels exits 4 with "encrypted tunnel, contents not visible"; VXLAN-wrapped cleartext NFS exits 1.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';

function run(args: string[]) {
  return spawnSync(process.execPath, ['bin/wireseal.js', ...args], { encoding: 'utf8' });
}
function json(args: string[]): ResultDocument {
  return JSON.parse(run([...args, '--format', 'json']).stdout) as ResultDocument;
}

describe('encrypted tunnels', () => {
  it('ESP and ESP in UDP 4500 (with a NAT keepalive): listed, ENCRYPTED-TUNNEL, exit 4', () => {
    const r = json(['verify-encryption', 'test/fixtures/tunnels/esp.pcap']);
    expect(r.flows).toEqual([]);
    expect(
      r.captures[0]!.encryptedTunnels!.map((t) => [t.type, t.a?.ip, t.b?.ip, t.a?.port, t.ids, t.packets, t.bytes]),
    ).toEqual([
      ['ipsec-esp', '198.51.100.10', '198.51.100.21', 0, [0xc001, 0xc002], 12, 1752],
      ['ipsec-esp', '198.51.100.10', '198.51.100.21', 4500, [0xd001], 4, 433],
    ]);
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['ENCRYPTED-TUNNEL', 'info']]);
    expect(r.findings[0]!.message).toMatch(
      /^encrypted tunnel, contents not visible: ipsec-esp between 198\.51\.100\.10 and/,
    );
    expect([r.summary.exitCode, r.summary.outcome]).toEqual([4, 'inconclusive']);
  });

  it('WireGuard by message format: listed with both indexes, exit 4; the table says contents not visible', () => {
    const r = json(['verify-encryption', 'test/fixtures/tunnels/wireguard.pcap']);
    const t = r.captures[0]!.encryptedTunnels!;
    expect(t.map((x) => [x.type, x.packets, x.ids.sort()])).toEqual([['wireguard', 18, [0x11111111, 0x22222222]]]);
    expect(r.summary.exitCode).toBe(4);
    const table = run(['verify-encryption', 'test/fixtures/tunnels/wireguard.pcap']);
    expect(table.status).toBe(4);
    expect(table.stdout).toContain('Encrypted tunnels (contents not visible)');
  });
});
