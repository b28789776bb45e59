/** The lab inventory (captures/lab/host) against flows mirroring EXPECTED.tsv rows of nfs4-mixed-tunnel-and-bypass.pcapng. */
import { describe, expect, it } from 'vitest';
import { judgeMounts, readHostInventory } from '../../../src/host/index.js';
import type { FlowResult } from '../../../src/report/schema.js';
import { crossReference, findingsExitCode } from '../../../src/verify/index.js';
import { flow } from './flows.js';

const CAP = 'nfs4-mixed-tunnel-and-bypass.pcapng';
const TLS = '198.51.100.21:2049';
const NFS = '198.51.100.20:2049';
const LOOP = '127.0.0.1:20049';

const flows: FlowResult[] = [
  flow({ id: 0, client: '198.51.100.10:56650', server: TLS, cls: 'tls', sni: '198.51.100.21', capture: CAP }),
  flow({ id: 1, client: '198.51.100.10:56662', server: TLS, cls: 'tls', sni: '198.51.100.21', capture: CAP }),
  flow({ id: 2, client: '127.0.0.1:632', server: LOOP, cls: 'nfs-cleartext', capture: CAP }),
  flow({ id: 3, client: '127.0.0.1:704', server: LOOP, cls: 'tunnel-local', capture: CAP }),
  flow({ id: 4, client: '127.0.0.1:808', server: LOOP, cls: 'tunnel-local', capture: CAP }),
  flow({ id: 5, client: '127.0.0.1:888', server: LOOP, cls: 'tunnel-local', capture: CAP }),
  flow({ id: 6, client: '198.51.100.10:56672', server: TLS, cls: 'tls', sni: '198.51.100.21', capture: CAP }),
  flow({ id: 7, client: '198.51.100.10:56674', server: TLS, cls: 'tls', sni: '198.51.100.21', capture: CAP }),
  flow({ id: 8, client: '198.51.100.10:576', server: NFS, cls: 'nfs-cleartext', capture: CAP }),
  flow({ id: 9, client: '198.51.100.10:616', server: NFS, cls: 'nfs-cleartext', capture: CAP }),
  flow({ id: 10, client: '198.51.100.10:637', server: NFS, cls: 'nfs-cleartext', capture: CAP }),
  flow({ id: 11, client: '198.51.100.10:660', server: NFS, cls: 'nfs-cleartext', capture: CAP }),
];

describe('lab: nfs4-mixed-tunnel-and-bypass', () => {
  it('judges /mnt/efs tls-verified through its stunnel and /mnt/efs-direct direct-cleartext', async () => {
    const inv = await readHostInventory('captures/lab/host');
    expect(inv.warnings).toEqual([]);
    expect(inv.mountTable).toBe('/proc-mounts');
    const mounts = judgeMounts(inv);
    expect(mounts.map((m) => [m.mountPoint, m.verdict, m.mechanism])).toEqual([
      ['/mnt/efs', 'tls-verified', 'efs-utils-stunnel'],
      ['/mnt/efs-direct', 'direct-cleartext', 'direct'],
    ]);
    const efs = mounts[0];
    expect(efs).toMatchObject({ addr: '127.0.0.1:20049', localPort: 20049, tunnelTarget: '198.51.100.21:2049' });
    expect(efs.sources).toContainEqual({ file: '/proc-mounts', line: 5 });
    expect(efs.sources).toContainEqual({
      file: '/var/run/efs/stunnel-config.fs-0123456789abcdef0.mnt.efs.20049',
      line: 17,
    });
    expect(efs.tunnel).toMatchObject({ state: 'found', config: 'found', pid: 21714, pidState: 'unknown' });
    expect(mounts[1]).toMatchObject({ addr: '198.51.100.20:2049', sources: [{ file: '/proc-mounts', line: 6 }] });
  });

  it('finds the bypass and nothing against the tunneled mount', async () => {
    const inv = await readHostInventory('captures/lab/host');
    const findings = crossReference(flows, inv, judgeMounts(inv));
    const bypass = findings.filter((f) => f.code === 'BYPASS');
    expect(bypass).toHaveLength(1);
    expect(bypass[0]).toMatchObject({
      severity: 'critical',
      mount: '/mnt/efs-direct',
      flows: [`${CAP}#tcp.8`, `${CAP}#tcp.9`, `${CAP}#tcp.10`, `${CAP}#tcp.11`],
    });
    expect(findings.filter((f) => f.mount === '/mnt/efs')).toEqual([]);
    // Both mounts are fs-0123456789abcdef0: one through TLS, one not.
    expect(findings.map((f) => `${f.code}:${f.mount}`).sort()).toEqual([
      'BYPASS:/mnt/efs-direct',
      'MIXED:/mnt/efs-direct',
    ]);
    expect(findingsExitCode(findings)).toBe(1);
  });

  it('drops to TUNNEL-DOWN when the loopback leg is captured with the wire but no TLS flow', async () => {
    const inv = await readHostInventory('captures/lab/host');
    const findings = crossReference(
      flows.filter((f) => f.tls === undefined),
      inv,
      judgeMounts(inv),
    );
    const down = findings.find((f) => f.code === 'TUNNEL-DOWN');
    expect(down).toMatchObject({
      mount: '/mnt/efs',
      flows: [`${CAP}#tcp.2`, `${CAP}#tcp.3`, `${CAP}#tcp.4`, `${CAP}#tcp.5`],
    });
  });

  it('no TUNNEL-DOWN when the capture saw loopback only (it cannot show the outer leg)', async () => {
    const inv = await readHostInventory('captures/lab/host');
    const findings = crossReference(
      flows.filter((f) => f.loopback),
      inv,
      judgeMounts(inv),
    );
    expect(findings.filter((f) => f.code === 'TUNNEL-DOWN')).toEqual([]);
  });
});
