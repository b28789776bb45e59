import { describe, expect, it } from 'vitest';
import { judgeMounts, readHostInventory } from '../../../src/host/index.js';
import type { HostInventory } from '../../../src/host/types.js';
import type { Finding, FlowResult, MountResult } from '../../../src/report/schema.js';
import { crossReference, findingsExitCode } from '../../../src/verify/index.js';
import { flow } from './flows.js';

const FIX = 'test/fixtures/host';

async function run(fixture: string, flows: FlowResult[], edit?: (inv: HostInventory, mounts: MountResult[]) => void) {
  const inv = await readHostInventory(`${FIX}/${fixture}`);
  const mounts = judgeMounts(inv);
  edit?.(inv, mounts);
  return crossReference(flows, inv, mounts);
}

const codes = (fs: Finding[]) => fs.map((f) => `${f.code}:${f.mount ?? '-'}`).sort();

describe('crossReference', () => {
  it('BYPASS: a direct mount whose server saw cleartext NFS', async () => {
    const fs = await run('efs-legacy-direct', [
      flow({ id: 3, client: '10.0.1.50:700', server: '10.0.1.23:2049', cls: 'nfs-cleartext' }),
    ]);
    expect(codes(fs)).toEqual(['BYPASS:/data']);
    expect(fs[0]).toMatchObject({
      severity: 'critical',
      flows: ['cap.pcapng#tcp.3'],
      sources: [{ file: '/proc/mounts', line: 3 }],
    });
    expect(fs[0].message).toContain('10.0.1.23:2049 saw cleartext NFS');
    expect(findingsExitCode(fs)).toBe(1);
  });

  it('BYPASS: a TLS or RPC-with-TLS flow judged cleartext (RPC after the handshake) counts as the mount leaking', async () => {
    for (const cls of ['tls', 'rpc-with-tls'] as const) {
      const fs = await run('efs-legacy-direct', [
        flow({ id: 4, client: '10.0.1.50:701', server: '10.0.1.23:2049', cls, verdict: 'cleartext' }),
      ]);
      expect(codes(fs)).toEqual(['BYPASS:/data']);
      expect(fs[0]!.flows).toEqual(['cap.pcapng#tcp.4']);
    }
    // Twin: the same flow proven encrypted is no bypass (the mount's own config is still plaintext).
    const ok = await run('efs-legacy-direct', [
      flow({ id: 4, client: '10.0.1.50:701', server: '10.0.1.23:2049', cls: 'tls', verdict: 'encrypted' }),
    ]);
    expect(codes(ok)).not.toContain('BYPASS:/data');
  });

  it('PLAINTEXT-BY-CONFIG: a cleartext mount no capture shows', async () => {
    const fs = await run('efs-legacy-direct', []);
    expect(codes(fs)).toEqual(['PLAINTEXT-BY-CONFIG:/data']);
    expect(fs[0].severity).toBe('high');
  });

  it('a verified tunnel seen on the wire (TLS by SNI, loopback leg) gives no finding', async () => {
    const fs = await run('efs-stunnel-tls', [
      flow({
        id: 0,
        client: '10.0.1.50:40000',
        server: '10.0.1.23:2049',
        cls: 'tls',
        sni: 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com',
      }),
      flow({ id: 1, client: '127.0.0.1:700', server: '127.0.0.1:20187', cls: 'tunnel-local' }),
    ]);
    expect(fs).toEqual([]);
    expect(findingsExitCode(fs)).toBe(0);
  });

  it('ENCRYPTED-BY-CONFIG-ONLY: a TLS mount no capture shows; named target matched by nothing', async () => {
    const fs = await run('efs-stunnel-tls', [
      flow({ id: 1, client: '127.0.0.1:700', server: '127.0.0.1:20187', cls: 'tunnel-local' }),
    ]);
    expect(codes(fs)).toEqual(['ENCRYPTED-BY-CONFIG-ONLY:/mnt/efs']);
    expect(fs[0].severity).toBe('low');
    expect(fs[0].message).toContain('is a name and no TLS flow names it');
    expect(findingsExitCode(fs)).toBe(0);
    const krb = await run('krb5p', []);
    expect(codes(krb)).toEqual(['ENCRYPTED-BY-CONFIG-ONLY:/mnt/secure']);
    const krbSeen = await run('krb5p', [
      flow({ id: 2, client: '10.0.1.50:800', server: '10.0.3.8:2049', cls: 'rpcsec-gss-privacy' }),
    ]);
    expect(krbSeen).toEqual([]);
  });

  it('TUNNEL-DOWN: loopback traffic but no TLS flow to the IP target', async () => {
    const fs = await run('aznfs-tls', [
      flow({ id: 5, client: '127.0.0.1:700', server: '127.0.0.1:20049', cls: 'tunnel-local' }),
      flow({ id: 6, client: '10.0.0.4:700', server: '10.0.2.99:2049', cls: 'tls' }),
    ]);
    expect(codes(fs)).toEqual(['ENCRYPTED-BY-CONFIG-ONLY:/mnt/share', 'TUNNEL-DOWN:/mnt/share']);
    const down = fs.find((f) => f.code === 'TUNNEL-DOWN');
    expect(down).toMatchObject({ severity: 'high', flows: ['cap.pcapng#tcp.5'] });
    expect(down?.message).toContain('no encrypted flow to 10.0.2.15:2049 was captured');
  });

  it('TUNNEL-DOWN: dead pid, missing state or config', async () => {
    const fs = await run('efs-proxy-tls', [], (_inv, mounts) => {
      const t = mounts[0].tunnel;
      if (t) {
        t.pidState = 'dead';
        t.pidReason = 'no process 48213';
      }
    });
    expect(codes(fs)).toEqual(['ENCRYPTED-BY-CONFIG-ONLY:/mnt/efs', 'TUNNEL-DOWN:/mnt/efs']);
    expect(fs.find((f) => f.code === 'TUNNEL-DOWN')?.message).toContain('dead tunnel (no process 48213)');
    const inv = await readHostInventory(`${FIX}/efs-proxy-tls`);
    inv.stunnelConfigs = [];
    const mounts = judgeMounts(inv);
    expect(mounts[0].verdict).toBe('unknown');
    const missing = crossReference([], inv, mounts);
    expect(codes(missing)).toEqual(['TUNNEL-DOWN:/mnt/efs']);
    expect(missing[0].message).toBe('/mnt/efs: no tunnel config');
  });

  it('UNVERIFIED-TLS: verify = 0 mount, with its TLS flow', async () => {
    const fs = await run('efs-stunnel-verify0', [
      flow({
        id: 4,
        client: '10.0.1.50:4000',
        server: '10.0.1.23:2049',
        cls: 'tls',
        sni: 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com',
      }),
    ]);
    expect(codes(fs)).toEqual(['UNVERIFIED-TLS:/mnt/efs']);
    expect(fs[0]).toMatchObject({ severity: 'medium', flows: ['cap.pcapng#tcp.4'] });
    expect(fs[0].message).toContain('verify = 0');
    expect(fs[0].sources).toContainEqual({
      file: '/var/run/efs/stunnel-config.fs-0123456789abcdef0.mnt.efs.20187',
      line: 16,
    });
  });

  it('WEAK-CIPHER: the tunnel negotiated a weak or insecure suite', async () => {
    const weak = await run('aznfs-tls', [
      flow({
        id: 7,
        client: '10.0.0.4:700',
        server: '10.0.2.15:2049',
        cls: 'tls',
        verdict: 'encrypted-weak',
        grade: 'weak',
      }),
    ]);
    expect(codes(weak)).toEqual(['WEAK-CIPHER:/mnt/share']);
    expect(weak[0]).toMatchObject({ severity: 'medium', flows: ['cap.pcapng#tcp.7'] });
    expect(weak[0].message).toContain('TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    const insecure = await run('aznfs-tls', [
      flow({
        id: 8,
        client: '10.0.0.4:700',
        server: '10.0.2.15:2049',
        cls: 'tls',
        verdict: 'encrypted-weak',
        grade: 'insecure',
      }),
    ]);
    expect(insecure[0].severity).toBe('high');
  });

  it('MIXED: TLS and non-TLS mounts of one server', async () => {
    const inv = await readHostInventory(`${FIX}/aznfs-tls`);
    const notls = await readHostInventory(`${FIX}/aznfs-notls`);
    const other = notls.mounts[0];
    inv.mounts.push({ ...other, options: { ...other.options, addr: '10.0.2.15' } });
    const fs = crossReference(
      [flow({ id: 1, client: '10.0.0.4:700', server: '10.0.2.15:2049', cls: 'tls' })],
      inv,
      judgeMounts(inv),
    );
    expect(codes(fs)).toEqual(['MIXED:/mnt/other', 'PLAINTEXT-BY-CONFIG:/mnt/other']);
    const mixed = fs.find((f) => f.code === 'MIXED');
    expect(mixed?.message).toBe(
      '/mnt/other (direct-cleartext) and TLS mount /mnt/share reach the same server (10.0.2.15)',
    );
    expect(mixed?.severity).toBe('medium');
  });

  it('UNEXPLAINED: cleartext NFS that matches no mount, grouped by client and server, naming the client', async () => {
    const fs = await run('krb5p', [
      flow({ id: 1, client: '10.0.1.50:800', server: '10.0.3.8:2049', cls: 'rpcsec-gss-privacy' }),
      flow({ id: 2, client: '10.0.1.77:900', server: '10.0.9.9:2049', cls: 'nfs-cleartext' }),
      flow({ id: 3, client: '10.0.1.78:901', server: '10.0.9.9:2049', cls: 'nfs-cleartext' }),
      flow({ id: 4, client: '127.0.0.1:902', server: '127.0.0.1:20999', cls: 'tunnel-local' }),
    ]);
    expect(codes(fs)).toEqual(['UNEXPLAINED:-', 'UNEXPLAINED:-']);
    expect(fs.map((f) => f.flows)).toEqual([['cap.pcapng#tcp.2'], ['cap.pcapng#tcp.3']]);
    expect(fs[0].severity).toBe('high');
    expect(fs[0].message).toMatch(
      /^cleartext NFS from client 10\.0\.1\.77 to 10\.0\.9\.9:2049 \(1 flows, \S+ to \S+\) matches no mount of this host: another client/,
    );
  });

  it('a plaintext efs-proxy tunnel whose target (by IP) saw its cleartext: BYPASS', async () => {
    const fs = await run(
      'efs-proxy-plain',
      [flow({ id: 9, client: '10.0.1.50:900', server: '10.0.1.23:2049', cls: 'rpc-cleartext' })],
      (_inv, mounts) => {
        mounts[0].tunnelTarget = '10.0.1.23:2049';
      },
    );
    expect(codes(fs)).toEqual(['BYPASS:/mnt/efs']);
  });

  it('findingsExitCode: medium and above fail', () => {
    expect(findingsExitCode([{ code: 'X', severity: 'low', message: '' }])).toBe(0);
    expect(findingsExitCode([{ code: 'X', severity: 'info', message: '' }])).toBe(0);
    expect(findingsExitCode([{ code: 'X', severity: 'medium', message: '' }])).toBe(1);
  });
});
