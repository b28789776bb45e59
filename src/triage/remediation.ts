/**
 * What to do about a finding, for the mechanism at hand (facts from shared/spec/host-config-formats.md and the
 * helpers' documentation): amazon-efs-utils (stunnel or efs-proxy), AZNFS, kernel RPC-with-TLS (xprtsec + tlshd),
 * Azure VNet encryption, a generic stunnel, Kerberos. Pure.
 */
import type { Finding, FlowResult, MountResult } from '../report/schema.js';

export type Mechanism =
  | 'efs-utils'
  | 'aznfs'
  | 'rpc-with-tls'
  | 'azure-vnet-encryption'
  | 'stunnel'
  | 'kerberos'
  | 'unknown';

export interface Remediation {
  mechanism: Mechanism;
  steps: string[];
}

/** Which helper a mount belongs to, from its mechanism and server name. */
export function mechanismOf(m: MountResult | undefined, flows: FlowResult[] = []): Mechanism {
  if (m) {
    if (m.mechanism === 'efs-utils-stunnel' || m.mechanism === 'efs-proxy') return 'efs-utils';
    if (m.mechanism === 'aznfs-stunnel') return 'aznfs';
    if (m.mechanism.startsWith('xprtsec')) return 'rpc-with-tls';
    if (m.mechanism === 'krb5p') return 'kerberos';
    if (m.mechanism === 'stunnel') return 'stunnel';
    if (/^fs-[0-9a-f]+\.efs\./i.test(m.server)) return 'efs-utils';
    if (/\.(file|blob)\.core\./i.test(m.server) || m.options.port === '2048') return 'aznfs';
  }
  if (flows.some((f) => f.class === 'dtls')) return 'azure-vnet-encryption';
  if (flows.some((f) => f.class === 'rpc-with-tls')) return 'rpc-with-tls';
  return 'unknown';
}

const EFS_REMOUNT =
  'remount through amazon-efs-utils with TLS: `umount MP && mount -t efs -o tls FS_ID:/ MP` (add `tls` to the fstab entry too)';
const EFS_WATCHDOG =
  'check and restart the mount watchdog (`systemctl status amazon-efs-mount-watchdog`, `systemctl restart amazon-efs-mount-watchdog`): it restarts dead tunnels from the state file in /var/run/efs';
const EFS_VERIFY =
  'in /etc/amazon/efs/efs-utils.conf keep `stunnel_check_cert_hostname = true`; set `stunnel_check_cert_validity = true` for OCSP (it selects legacy stunnel mode); then remount';
const AZ_REMOUNT =
  'remount through the AZNFS helper so the share goes through its stunnel: `umount MP && mount -t aznfs -o vers=4.1 ACCOUNT.file.core.windows.net:/ACCOUNT/SHARE MP` (without `notls`); TLS and notls mounts cannot share one endpoint IP';
const AZ_WATCHDOG =
  'check `systemctl status aznfswatchdogv4` (it restarts a dead stunnel every 5 s) and /opt/microsoft/aznfs/data/aznfs.log; the map is /opt/microsoft/aznfs/data/mountmapv4';
const KTLS_MOUNT =
  'mount with RPC-with-TLS: `mount -o xprtsec=tls` (server authenticated) or `xprtsec=mtls` (client certificate too); the mount fails rather than fall back when the handshake fails';
const KTLS_TLSHD =
  'check tlshd (`systemctl status tlshd`, /etc/tlshd/config `[authenticate.client] x509.truststore`): without it the kernel cannot complete the handshake';
const VNET =
  'Azure VNet encryption is done by the host in a DTLS tunnel: captures inside the guest see plaintext even when it is on, so confirm it in the Azure control plane (`encryption.enforcement`, DropUnencrypted where available) rather than from this capture; for NFS on Azure Files prefer AZNFS TLS';
const STUNNEL =
  'restart the stunnel service behind the mount and check its `connect =`, `verifyChain`/`verifyPeer`, `CAfile` and `checkHost`; remount through 127.0.0.1:PORT';
const KRB = 'mount with `sec=krb5p` alone (a list such as `krb5p:sys` lets the server choose a flavor without privacy)';
const CLEAN_UP =
  'treat the cleartext window as exposed: the names, attributes and file data listed in the exposure crossed the network readable';

const BY_CODE: Record<string, Partial<Record<Mechanism, string[]>> & { default: string[] }> = {
  BYPASS: {
    'efs-utils': [EFS_REMOUNT, CLEAN_UP],
    aznfs: [AZ_REMOUNT, CLEAN_UP],
    'rpc-with-tls': [KTLS_MOUNT, KTLS_TLSHD, CLEAN_UP],
    kerberos: [KRB, CLEAN_UP],
    stunnel: [STUNNEL, CLEAN_UP],
    default: [`${KTLS_MOUNT}, or tunnel the mount (stunnel, amazon-efs-utils, AZNFS), or use sec=krb5p`, CLEAN_UP],
  },
  DOWNGRADE: {
    'efs-utils': [EFS_WATCHDOG, EFS_REMOUNT, CLEAN_UP],
    aznfs: [AZ_WATCHDOG, AZ_REMOUNT, CLEAN_UP],
    'rpc-with-tls': [KTLS_TLSHD, KTLS_MOUNT, CLEAN_UP],
    stunnel: [STUNNEL, CLEAN_UP],
    default: [
      'find what reached the server around the tunnel (a direct mount, a failover script), unmount it, and restart the tunnel',
      CLEAN_UP,
    ],
  },
  'TUNNEL-DOWN': {
    'efs-utils': [
      EFS_WATCHDOG,
      'if the watchdog does not bring the tunnel back, unmount and `mount -t efs -o tls` again',
    ],
    aznfs: [AZ_WATCHDOG, 'if the stunnel does not come back, unmount and remount through the aznfs helper'],
    'rpc-with-tls': [KTLS_TLSHD],
    stunnel: [STUNNEL],
    default: ['restart the tunnel behind the mount (its stunnel or proxy), or unmount it'],
  },
  'UNVERIFIED-TLS': {
    'efs-utils': [EFS_VERIFY],
    aznfs: [
      'keep the AZNFS stunnel config as the helper writes it (verifyChain, CAFile, checkHost); remount through the helper to restore it',
    ],
    stunnel: [
      'set `verifyChain = yes` (or `verifyPeer`), `CAfile` and `checkHost` in the stunnel service, then restart it',
    ],
    'rpc-with-tls': [KTLS_TLSHD],
    default: ['turn on server certificate and name verification in the tunnel'],
  },
  'WEAK-CIPHER': {
    default: [
      'allow only TLS 1.2+ ECDHE AEAD suites or TLS 1.3 in the tunnel (stunnel `ciphers`/`ciphersuites`, `sslVersionMin`) and on the server',
    ],
  },
  MIXED: {
    aznfs: [
      'AZNFS refuses TLS and notls mounts on one endpoint IP: unmount the notls mount and remount it through the helper',
    ],
    'efs-utils': [EFS_REMOUNT],
    default: ['mount every export of that server the same encrypted way; unmount the cleartext one'],
  },
  UNEXPLAINED: {
    default: [
      'this host has no mount that explains it: find the named client (another host, a container, a mount made by hand) and encrypt its mount; capture on that client with its bundle',
      CLEAN_UP,
    ],
  },
  'CLEARTEXT-NFS': {
    'azure-vnet-encryption': [VNET],
    default: [`${KTLS_MOUNT}, or tunnel the mount (stunnel, amazon-efs-utils, AZNFS), or use sec=krb5p`, CLEAN_UP],
  },
  'PLAINTEXT-BY-CONFIG': {
    'efs-utils': [EFS_REMOUNT],
    aznfs: [AZ_REMOUNT],
    kerberos: [KRB],
    default: [`${KTLS_MOUNT}, or tunnel the mount`],
  },
};

/** The remediation for one finding (null when the code needs none: informational findings). */
export function remediationFor(f: Finding, m: MountResult | undefined, flows: FlowResult[]): Remediation | null {
  const table = BY_CODE[f.code];
  const mechanism = mechanismOf(m, flows);
  if (!table) {
    if (mechanism === 'azure-vnet-encryption') return { mechanism, steps: [VNET] };
    return null;
  }
  const steps = (table[mechanism] ?? table.default).map((s) => (m ? s.replace(/\bMP\b/g, m.mountPoint) : s));
  return { mechanism, steps };
}
