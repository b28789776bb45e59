import { describe, expect, it } from 'vitest';
import { judgeMounts, readHostInventory } from '../../../src/host/index.js';

const FIX = 'test/fixtures/host';
const EFS_CONF = '/var/run/efs/stunnel-config.fs-0123456789abcdef0.mnt.efs.20187';
const EFS_STATE = '/var/run/efs/fs-0123456789abcdef0.mnt.efs.20187';
const AZ_CONF = '/etc/stunnel/microsoft/aznfs/nfsv4_fileShare/stunnel_10.0.2.15.conf';

interface Case {
  fixture: string;
  mountPoint: string;
  verdict: string;
  mechanism: string;
  reason: string;
  sources: string[];
  tunnelTarget?: string;
  localPort?: number;
}

const cases: Case[] = [
  {
    fixture: 'efs-stunnel-tls',
    mountPoint: '/mnt/efs',
    verdict: 'tls-verified',
    mechanism: 'efs-utils-stunnel',
    reason: 'verify = 2, CA /etc/amazon/efs/efs-utils.crt, server name checked',
    sources: ['/proc/mounts:3', `${EFS_STATE}:1`, `${EFS_CONF}:16`, `${EFS_CONF}:17`, `${EFS_CONF}:20`],
    tunnelTarget: 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com:2049',
    localPort: 20187,
  },
  {
    fixture: 'efs-proxy-tls',
    mountPoint: '/mnt/efs',
    verdict: 'tls-verified',
    mechanism: 'efs-proxy',
    reason: 'efs-proxy --tls, CA /etc/amazon/efs/efs-utils.crt',
    sources: ['/proc/mounts:3', `${EFS_STATE}:1`, `${EFS_CONF}:17`, `${EFS_CONF}:20`],
    localPort: 20187,
  },
  {
    fixture: 'efs-proxy-plain',
    mountPoint: '/mnt/efs',
    verdict: 'tunnel-plaintext',
    mechanism: 'efs-proxy',
    reason: 'efs-proxy runs without --tls',
    sources: ['/proc/mounts:3', `${EFS_STATE}:1`],
    localPort: 20187,
  },
  {
    fixture: 'efs-legacy-direct',
    mountPoint: '/data',
    verdict: 'direct-cleartext',
    mechanism: 'direct',
    reason: 'NFS straight to 10.0.1.23 with no tunnel',
    sources: ['/proc/mounts:3'],
  },
  {
    fixture: 'efs-stunnel-verify0',
    mountPoint: '/mnt/efs',
    verdict: 'tls-unverified',
    mechanism: 'efs-utils-stunnel',
    reason: 'verify = 0: the server certificate is not checked',
    sources: ['/proc/mounts:3', `${EFS_CONF}:16`],
  },
  {
    fixture: 'aznfs-tls',
    mountPoint: '/mnt/share',
    verdict: 'tls-verified',
    mechanism: 'aznfs-stunnel',
    reason: 'a domain wildcard',
    sources: [
      '/proc/mounts:3',
      `${AZ_CONF}:1`,
      `${AZ_CONF}:2`,
      `${AZ_CONF}:3`,
      `${AZ_CONF}:13`,
      '/opt/microsoft/aznfs/data/mountmapv4:1',
    ],
    tunnelTarget: '10.0.2.15:2049',
    localPort: 20049,
  },
  {
    fixture: 'aznfs-notls',
    mountPoint: '/mnt/other',
    verdict: 'direct-cleartext',
    mechanism: 'direct',
    reason: 'AZNFS notls',
    sources: ['/proc/mounts:3'],
  },
  {
    fixture: 'aznfs-notls',
    mountPoint: '/mnt/blob',
    verdict: 'direct-cleartext',
    mechanism: 'direct',
    reason: 'AZNFS Blob NFSv3 is plaintext',
    sources: ['/proc/mounts:4'],
  },
  {
    fixture: 'xprtsec-tls',
    mountPoint: '/mnt/data',
    verdict: 'tls-verified',
    mechanism: 'xprtsec-tls',
    reason: 'trust store /etc/pki/tls/certs/nfs-ca.pem',
    sources: ['/proc/mounts:3', '/etc/tlshd/config:10'],
  },
  {
    fixture: 'krb5p',
    mountPoint: '/mnt/secure',
    verdict: 'kerberos-privacy',
    mechanism: 'krb5p',
    reason: 'sec=krb5p',
    sources: ['/proc/mounts:3'],
  },
  {
    fixture: 'stunnel-include',
    mountPoint: '/mnt/nas',
    verdict: 'tls-verified',
    mechanism: 'stunnel',
    reason: 'verifyChain = yes, CA /etc/pki/nfs-ca.pem, server name checked: nas.example.com',
    sources: [
      '/proc/mounts:3',
      '/etc/stunnel/nfs.conf:3',
      '/etc/stunnel/nfs.conf:4',
      '/etc/stunnel/conf.d/10-nas.conf:6',
    ],
    tunnelTarget: '10.0.5.10:2049, 10.0.5.11:2049',
    localPort: 20100,
  },
  {
    fixture: 'stunnel-include',
    mountPoint: '/mnt/nas2',
    verdict: 'tls-unverified',
    mechanism: 'stunnel',
    reason: 'no checkHost/checkIP',
    sources: ['/proc/mounts:4', '/etc/stunnel/nfs.conf:3', '/etc/stunnel/conf.d/20-nas2.conf:2'],
  },
  {
    fixture: 'space',
    mountPoint: '/mnt/my efs',
    verdict: 'tls-verified',
    mechanism: 'efs-proxy',
    reason: 'efs-proxy --tls',
    sources: ['/proc/mounts:3', '/var/run/efs/fs-0123456789abcdef0.mnt.my efs.20187:1'],
  },
];

describe('judgeMounts on spec fixtures', () => {
  for (const c of cases) {
    it(`${c.fixture} ${c.mountPoint} is ${c.verdict}`, async () => {
      const inv = await readHostInventory(`${FIX}/${c.fixture}`);
      expect(inv.warnings).toEqual([]);
      const m = judgeMounts(inv).find((x) => x.mountPoint === c.mountPoint);
      expect(m).toBeDefined();
      expect(m?.verdict).toBe(c.verdict);
      expect(m?.mechanism).toBe(c.mechanism);
      expect(m?.reason).toContain(c.reason);
      const refs = (m?.sources ?? []).map((s) => `${s.file}:${s.line}`);
      for (const s of c.sources) expect(refs).toContain(s);
      if (c.tunnelTarget) expect(m?.tunnelTarget).toBe(c.tunnelTarget);
      if (c.localPort) expect(m?.localPort).toBe(c.localPort);
    });
  }

  it('reads only the nfs mounts and records the files it read', async () => {
    const inv = await readHostInventory(`${FIX}/efs-proxy-tls`);
    expect(inv.mounts.map((m) => m.mountPoint)).toEqual(['/mnt/efs']);
    expect(inv.files).toEqual([
      '/proc/mounts',
      '/var/run/efs/fs-0123456789abcdef0.mnt.efs.20187',
      '/var/run/efs/fs-0123456789abcdef0.mnt.efs.20187+/stunnel.pid',
      '/var/run/efs/stunnel-config.fs-0123456789abcdef0.mnt.efs.20187',
    ]);
    expect(inv.efsStates[0].pid).toBe(48213);
    expect(inv.efsStates[0].pidStatus.state).toBe('unknown');
  });

  it('marks a loopback mount with no tunnel state as unknown, with a missing tunnel', async () => {
    const inv = await readHostInventory(`${FIX}/efs-legacy-direct`);
    inv.mounts[0].options = { ...inv.mounts[0].options, addr: '127.0.0.1', port: '20400' };
    const [m] = judgeMounts(inv);
    expect(m.verdict).toBe('unknown');
    expect(m.reason).toContain('no efs-utils state, AZNFS or stunnel config accepts on 127.0.0.1:20400');
    expect(m.tunnel).toEqual({ state: 'missing', config: 'missing', pidState: 'unknown' });
  });
});
