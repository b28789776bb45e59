/** One remediation per mechanism: efs-utils, AZNFS, kernel RPC-with-TLS, Azure VNet encryption (and stunnel, krb5p). */
import { describe, expect, it } from 'vitest';
import type { Finding, MountResult } from '../../../src/report/schema.js';
import { mechanismOf, remediationFor } from '../../../src/triage/remediation.js';
import { flow } from '../verify/flows.js';

function mount(mechanism: string, server = 'nfs.example.com', options: Record<string, string> = {}): MountResult {
  return {
    mountPoint: '/mnt/x',
    server,
    export: '/',
    fsType: 'nfs4',
    mechanism,
    verdict: 'tls-verified',
    reason: '',
    sources: [],
    options,
  };
}
const f = (code: string): Finding => ({ code, severity: 'high', message: '', mount: '/mnt/x' });

describe('remediation per mechanism', () => {
  it('efs-utils: DOWNGRADE restarts the watchdog and remounts with -o tls; UNVERIFIED-TLS names the config keys', () => {
    const r = remediationFor(f('DOWNGRADE'), mount('efs-utils-stunnel'), []);
    expect(r?.mechanism).toBe('efs-utils');
    expect(r?.steps[0]).toContain('systemctl restart amazon-efs-mount-watchdog');
    expect(r?.steps[1]).toContain('umount /mnt/x && mount -t efs -o tls');
    const v = remediationFor(f('UNVERIFIED-TLS'), mount('efs-proxy'), []);
    expect(v?.steps[0]).toContain('stunnel_check_cert_hostname = true');
    expect(v?.steps[0]).toContain('stunnel_check_cert_validity = true');
    expect(mechanismOf(mount('direct', 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com'))).toBe('efs-utils');
  });

  it('AZNFS: BYPASS remounts through the aznfs helper; TUNNEL-DOWN checks its watchdog', () => {
    const b = remediationFor(f('BYPASS'), mount('direct', 'acct.file.core.windows.net'), []);
    expect(b?.mechanism).toBe('aznfs');
    expect(b?.steps[0]).toContain('mount -t aznfs -o vers=4.1');
    const d = remediationFor(f('TUNNEL-DOWN'), mount('aznfs-stunnel', '127.0.0.1'), []);
    expect(d?.steps[0]).toContain('aznfswatchdogv4');
  });

  it('kernel RPC-with-TLS: xprtsec=tls|mtls and tlshd', () => {
    const r = remediationFor(f('TUNNEL-DOWN'), mount('xprtsec-tls'), []);
    expect(r).toEqual({ mechanism: 'rpc-with-tls', steps: [expect.stringContaining('systemctl status tlshd')] });
    const b = remediationFor(f('BYPASS'), mount('xprtsec-mtls'), []);
    expect(b?.steps[0]).toContain('xprtsec=tls');
    expect(b?.steps[0]).toContain('xprtsec=mtls');
  });

  it('Azure VNet encryption: DTLS is confirmed in the control plane, not from inside the guest', () => {
    const dtls = flow({ id: 1, client: '10.0.0.4:4000', server: '10.0.0.5:2049', cls: 'dtls' });
    const r = remediationFor(f('CLEARTEXT-NFS'), undefined, [dtls]);
    expect(r?.mechanism).toBe('azure-vnet-encryption');
    expect(r?.steps[0]).toContain('captures inside the guest see plaintext even when it is on');
  });

  it('generic stunnel and Kerberos', () => {
    expect(remediationFor(f('BYPASS'), mount('stunnel', '127.0.0.1'), [])?.steps[0]).toContain('verifyChain');
    expect(remediationFor(f('PLAINTEXT-BY-CONFIG'), mount('krb5p'), [])?.steps[0]).toContain('`sec=krb5p` alone');
  });
});
