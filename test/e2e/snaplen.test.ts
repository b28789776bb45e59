/**
 * Captures cut by snaplen (`editcap -s 96` of the lab captures, as `tcpdump -s 96` takes them): cleartext NFS stays
 * cleartext NFS with "headers cut by snaplen" in its reason and exit 1, the program and version named where the
 * bytes hold them; a cut TLS capture is never taken for cleartext.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';

function cli(args: string[]) {
  return spawnSync(process.execPath, ['bin/wireseal.js', ...args], { encoding: 'utf8' });
}

function json(args: string[]): ResultDocument {
  return JSON.parse(cli([...args, '--format', 'json']).stdout) as ResultDocument;
}

const dir = 'test/fixtures/snaplen';

describe('snaplen 96', () => {
  it('NFSv3 over TCP, Ethernet/IPv4: nfs/3 named, CLEARTEXT-NFS, exit 1', () => {
    const r = json(['verify-encryption', `${dir}/s96-nfs3-cleartext.pcap`]);
    const nfs = r.flows.filter((f) => f.server.port === 2049);
    expect(nfs.map((f) => [f.class, f.rpc?.programs, f.rpc?.nfsVersion])).toEqual(
      nfs.map(() => ['nfs-cleartext', ['nfs/3'], 'NFSv3']),
    );
    expect(nfs.every((f) => /headers cut by snaplen/.test(f.verdictReason))).toBe(true);
    expect(r.findings.map((x) => [x.code, x.severity])).toContainEqual(['CLEARTEXT-NFS', 'high']);
    expect(r.summary.exitCode).toBe(1);
  });

  it('NFSv4 over TCP, Ethernet/IPv4 and SLL2/IPv4: nfs/4, exit 1', () => {
    for (const f of ['s96-nfs4-cleartext.pcap', 's96-nfs4-cleartext-any-sll2-nsec.pcap']) {
      const r = json(['verify-encryption', `${dir}/${f}`]);
      const nfs = r.flows.filter((x) => x.class === 'nfs-cleartext');
      expect(nfs.length).toBeGreaterThan(0);
      expect(nfs.every((x) => x.rpc?.nfsVersion === 'NFSv4' && (x.rpc.headersCut ?? 0) > 0)).toBe(true);
      expect(r.findings.find((x) => x.code === 'CLEARTEXT-NFS')?.severity).toBe('high');
      expect(cli(['verify-encryption', `${dir}/${f}`]).status).toBe(1);
    }
  });

  it('adversarial twin: cut TLS (stunnel over IPv6) is not cleartext; unproven, exit 4', () => {
    const r = json(['verify-encryption', `${dir}/s96-nfs4-stunnel-tls12-ipv6.pcap`]);
    expect(r.flows.every((f) => f.class === 'tls' && f.verdict !== 'cleartext')).toBe(true);
    expect(r.findings.some((x) => x.code === 'CLEARTEXT-NFS' || x.code === 'CLEARTEXT-RPC')).toBe(false);
    expect(r.summary.exitCode).toBe(4);
  });
});
