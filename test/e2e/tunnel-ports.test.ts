/**
 * --vxlan-ports and --geneve-ports (issue 13): tunnels on ports other than the defaults are decoded when named, in one
 * thread and in sharded workers alike; bad values are usage errors (exit 2). Off the configured ports, VXLAN is
 * recognised only when the inner frame fills the datagram exactly, and GENEVE never.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';
import { wrapPcap } from '../helpers/wrap.js';

const dir = mkdtempSync(join(tmpdir(), 'wireseal-tport-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lab = 'captures/lab/nfs4-cleartext.pcap';
const vxlanFcs = join(dir, 'vxlan-14789-fcs.pcap');
const vxlanExact = join(dir, 'vxlan-14789.pcap');
const geneve = join(dir, 'geneve-16081.pcap');
const vxlan = join(dir, 'vxlan-4789.pcap');

beforeAll(() => {
  // Mirrored frames that keep their 4-byte FCS: the inner IP packet does not fill the datagram.
  wrapPcap(lab, vxlanFcs, 'vxlan', { port: 14789, trailer: 4 });
  wrapPcap(lab, vxlanExact, 'vxlan', { port: 14789 });
  wrapPcap(lab, geneve, 'geneve', { port: 16081 });
  wrapPcap(lab, vxlan, 'vxlan');
});

function run(args: string[]): { doc: ResultDocument | null; status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/wireseal.js', 'verify-encryption', ...args, '--format', 'json'], {
    encoding: 'utf8',
  });
  return { doc: r.stdout ? (JSON.parse(r.stdout) as ResultDocument) : null, status: r.status, stderr: r.stderr };
}

const nfsFlows = (d: ResultDocument) =>
  d.flows.filter((f) => f.class === 'nfs-cleartext').map((f) => [f.server.port, f.rpc?.nfsVersion, f.via?.[0]]);

describe('tunnel ports on the command line', { timeout: 60_000 }, () => {
  it('VXLAN on UDP 14789 with FCS-trailed frames: decoded only with --vxlan-ports', () => {
    const without = run([vxlanFcs]);
    expect([without.status, without.doc!.flows.length, without.doc!.captures[0]!.encapsulation]).toEqual([
      4,
      0,
      undefined,
    ]);
    const plain = run([lab]);
    const vxlanVia = { type: 'vxlan', vni: 4242, outer: { src: '192.0.2.1', dst: '192.0.2.2' } };
    for (const extra of [[], ['--workers', '2']]) {
      const withFlag = run([vxlanFcs, '--vxlan-ports', '4789,14789', ...extra]);
      expect(withFlag.status).toBe(1);
      expect(nfsFlows(withFlag.doc!)).toEqual(nfsFlows(plain.doc!).map(([p, v]) => [p, v, vxlanVia]));
      expect(withFlag.doc!.findings.map((f) => f.code)).toContain('CLEARTEXT-NFS');
    }
  });

  it('VXLAN on UDP 14789 whose inner IP fills the datagram exactly: recognised without the flag', () => {
    const r = run([vxlanExact]);
    expect(r.status).toBe(1);
    expect(nfsFlows(r.doc!).length).toBeGreaterThan(0);
  });

  it('GENEVE on UDP 16081: decoded only with --geneve-ports', () => {
    const without = run([geneve]);
    expect([without.status, without.doc!.flows.length]).toEqual([4, 0]);
    const withFlag = run([geneve, '--geneve-ports', '16081']);
    expect(withFlag.status).toBe(1);
    expect(withFlag.doc!.flows.every((f) => f.via?.[0]?.type === 'geneve')).toBe(true);
    expect(withFlag.doc!.findings.map((f) => f.code)).toContain('CLEARTEXT-NFS');
  });

  it('bad values exit 2 with a one-line message', () => {
    for (const [args, msg] of [
      [['--vxlan-ports', '4789,'], /--vxlan-ports: empty entry in "4789,"/],
      [['--vxlan-ports', '70000'], /--vxlan-ports: bad port range "70000"/],
      [['--geneve-ports', 'abc'], /--geneve-ports: bad port or range "abc"/],
      [['--vxlan-ports', '2049'], /--vxlan-ports: port 2049 is in the NFS port set/],
      [['--vxlan-ports', '6081', '--geneve-ports', '6081'], /port 6081 is in both --vxlan-ports and --geneve-ports/],
    ] as const) {
      const r = run([lab, ...args]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
  });
});

describe('--filter reads the outer headers of tunnelled packets, as tcpdump does', { timeout: 60_000 }, () => {
  const packets = 90; // captures/lab/nfs4-cleartext.pcap, each frame wrapped once

  it("VXLAN filtered by 'port 2049' keeps nothing, and says so", () => {
    const r = run([vxlan, '--filter', 'port 2049']);
    expect(r.doc!.captures[0]!.filter).toEqual({ expression: 'port 2049', matched: 0, rejected: packets });
    expect(r.doc!.warnings).toEqual([`${vxlan}: --filter kept none of its ${packets} packets`]);
    expect([r.status, r.doc!.flows.length]).toEqual([4, 0]);
    const table = spawnSync(
      process.execPath,
      ['bin/wireseal.js', 'verify-encryption', vxlan, '--filter', 'port 2049'],
      {
        encoding: 'utf8',
      },
    );
    expect(table.stdout).toContain(`warning: ${vxlan}: --filter kept none of its ${packets} packets`);
  });

  it("VXLAN filtered by 'udp port 4789' keeps every packet, and the inner NFS is found as without a filter", () => {
    const all = run([vxlan]);
    const r = run([vxlan, '--filter', 'udp port 4789']);
    expect(r.doc!.captures[0]!.filter).toEqual({ expression: 'udp port 4789', matched: packets, rejected: 0 });
    expect(r.doc!.warnings).toEqual([]);
    expect(r.status).toBe(1);
    expect(nfsFlows(r.doc!)).toEqual(nfsFlows(all.doc!));
    expect(nfsFlows(r.doc!).length).toBeGreaterThan(0);
  });
});
