/**
 * What code-scanning views show for each finding code: a title, what it means, and the remediation. Keyed by the
 * codes of the one finding table (src/verify/findings.ts): this adds wording, never codes.
 */
import type { FindingCode } from '../verify/findings.js';
import type { Severity } from './schema.js';

export interface RuleText {
  /** Short description (one line). */
  title: string;
  /** Full description: what was seen and why it matters. */
  meaning: string;
  /** Remediation. */
  fix: string;
  /** Extra tags besides "security" and "nfs". */
  tags?: string[];
}

/** Every finding code has its wording: a code added to the table without it does not compile. */
export const RULE_TEXT: Record<FindingCode, RuleText> = {
  'CLEARTEXT-NFS': {
    title: 'NFS in the clear on the wire',
    meaning: 'NFS calls were readable on the network: file names, handles and data crossed the wire unencrypted.',
    fix: 'Mount with encryption in transit: -o tls (amazon-efs-utils, AZNFS), xprtsec=tls/mtls (RPC-with-TLS), or sec=krb5p.',
    tags: ['cleartext'],
  },
  'CLEARTEXT-RPC': {
    title: 'ONC-RPC side protocol in the clear',
    meaning: 'An NFS side protocol (MOUNT, NLM, NFS_ACL, callbacks, portmapper) was readable on the network.',
    fix: 'Use NFSv4 over an encrypted transport (it needs no MOUNT/NLM), or carry the side protocols in the same tunnel.',
    tags: ['cleartext'],
  },
  'NULL-CIPHER': {
    title: 'TLS suite without encryption',
    meaning: 'The negotiated TLS/DTLS cipher suite authenticates but does not encrypt (NULL or integrity-only).',
    fix: 'Remove NULL and integrity-only suites from the tunnel or server configuration; allow AEAD suites only.',
    tags: ['crypto'],
  },
  'WEAK-CIPHER': {
    title: 'Weak TLS version or cipher suite',
    meaning:
      'The negotiated TLS version or cipher suite is below the policy (old version, CBC, no forward secrecy...).',
    fix: 'Require TLS 1.2 or later with ECDHE and AEAD suites (or TLS 1.3) in the tunnel or server configuration.',
    tags: ['crypto'],
  },
  'UNVERIFIED-FLOW': {
    title: 'NFS-relevant flow not proven either way',
    meaning: 'A flow on the NFS ports could not be proven encrypted or cleartext from the captured bytes.',
    fix: 'Capture from the start of the connection with a full snap length, or check the host configuration.',
  },
  'UNLISTED-FLOWS': {
    title: 'Findings among flows past the listing cap',
    meaning: 'NFS flows beyond --max-listed would have raised findings; they are counted, not listed.',
    fix: 'Re-run on a filtered capture or raise --max-listed to see each flow.',
  },
  BYPASS: {
    title: 'Mount bypasses encryption',
    meaning: "A mount's server saw cleartext NFS on the wire: the mount does not use its tunnel or TLS.",
    fix: 'Remount with the encrypted option (e.g. mount -t efs -o tls, xprtsec=tls) and unmount the direct mount.',
    tags: ['cleartext', 'host'],
  },
  DOWNGRADE: {
    title: 'Encrypted mount fell back to cleartext',
    meaning:
      'The same mount (or tunnel target) was reached over TLS until its connection ended abruptly, then in cleartext: the tunnel died and traffic went around it.',
    fix: 'Unmount the cleartext path, restart the tunnel (efs-utils watchdog, aznfswatchdog, stunnel, tlshd) and remount through it; treat the cleartext window as exposed.',
    tags: ['cleartext', 'host'],
  },
  'TUNNEL-DOWN': {
    title: 'Tunnel behind a mount is missing',
    meaning: 'A mount points at a local tunnel port whose state, configuration or process is missing.',
    fix: 'Restart the tunnel (amazon-efs-utils watchdog, aznfswatchdog, stunnel) or remount.',
    tags: ['host'],
  },
  'UNVERIFIED-TLS': {
    title: 'TLS tunnel does not verify the server',
    meaning: 'The tunnel encrypts but does not verify the server certificate: an active attacker can intercept.',
    fix: 'Enable certificate verification (stunnel verify/checkHost with a CA file; efs-utils stunnel_check_cert_hostname).',
    tags: ['crypto', 'host'],
  },
  MIXED: {
    title: 'Encrypted and cleartext mounts of one server',
    meaning: 'The same server is mounted both through TLS and without it.',
    fix: 'Mount every export of the server with encryption in transit.',
    tags: ['host'],
  },
  UNEXPLAINED: {
    title: 'Cleartext NFS no local mount explains',
    meaning: 'Cleartext NFS was on the wire to a server none of the host mounts names.',
    fix: 'Find the client (another host, a container, an unlisted mount) and mount with encryption.',
    tags: ['cleartext', 'host'],
  },
  'ENCRYPTED-BY-CONFIG-ONLY': {
    title: 'Encrypted by configuration, not seen on the wire',
    meaning: 'A mount is configured for encryption, but no captured flow shows its traffic.',
    fix: 'Capture while the mount is in use to prove it on the wire.',
    tags: ['host'],
  },
  'PLAINTEXT-BY-CONFIG': {
    title: 'Cleartext mount by configuration',
    meaning: 'A mount is configured without encryption (direct or into a plaintext tunnel); no capture shows it.',
    fix: 'Remount with encryption in transit.',
    tags: ['cleartext', 'host'],
  },
  'UNKNOWN-MOUNT': {
    title: 'Mount nothing explains',
    meaning: 'An NFS mount whose transport could not be determined from the host configuration.',
    fix: 'Check the mount options and the tunnel configuration by hand.',
    tags: ['host'],
  },
  'SUITE-NOT-SEEN': {
    title: 'TLS suite not seen',
    meaning:
      'Every byte of the flow is protected TLS records, but the handshake was not captured: the grade cannot be checked.',
    fix: 'Capture from before the connection is opened (or remount) to see the handshake.',
    tags: ['crypto'],
  },
  'TLS-PLAINTEXT-AFTER-HANDSHAKE': {
    title: 'Readable bytes inside a TLS flow',
    meaning: 'After the TLS handshake (or a gap, close_notify or FIN) the flow carried bytes that are not TLS records.',
    fix: 'Check the tunnel or proxy for a fallback to plaintext; ensure the NFS client cannot reconnect without TLS.',
    tags: ['cleartext', 'crypto'],
  },
  'TLS-RECORD-VIOLATION': {
    title: 'TLS record stream violates the protocol',
    meaning: 'A record the handshake phase does not allow, an inconsistent version, an over-long record or a bad type.',
    fix: 'Inspect the endpoint software: a middlebox or a broken TLS stack is producing records out of place.',
    tags: ['crypto'],
  },
  'TLS-HANDSHAKE-FAILED': {
    title: 'TLS handshake failed',
    meaning: 'A fatal alert before establishment, or a handshake that never completed.',
    fix: 'Check certificates, allowed versions and suites on both ends of the tunnel.',
    tags: ['crypto'],
  },
  'HANDSHAKE-ONLY': {
    title: 'TLS flow read only up to its handshake',
    meaning:
      'With --handshake-only the flow was not walked to its end: cleartext after the handshake would not have been seen, so the flow is not verified.',
    fix: 'Run without --handshake-only for evidence that every byte of the flow was protected.',
    tags: ['coverage'],
  },
  'SSLV2-HELLO': {
    title: 'SSLv2 ClientHello',
    meaning: 'A client offered a connection in the SSLv2 hello format, which belongs to long-broken protocol versions.',
    fix: 'Upgrade or reconfigure the client so it sends only TLS 1.2+ ClientHellos.',
    tags: ['crypto'],
  },
  'EXCEPTION-EXPIRED': {
    title: 'Policy exception expired',
    meaning: 'A cleartext exception of the policy file is past its expiry date: what it covered fails again.',
    fix: 'Fix the cleartext traffic, or renew the exception with a new reason and expiry date.',
    tags: ['policy'],
  },
  'MECHANISM-NOT-ALLOWED': {
    title: 'Protection mechanism not allowed by policy',
    meaning: 'A flow or mount is protected by a mechanism the policy does not allow for its server or mount.',
    fix: 'Remount with an allowed mechanism (tls, rpc-with-tls, krb5p, dtls) or change the policy rule.',
    tags: ['policy'],
  },
  'CAPTURE-GAP': {
    title: 'Bytes missing from the capture',
    meaning: 'Some bytes of an NFS-relevant TCP flow were not captured, so they could not be checked.',
    fix: 'Capture with a full snap length and enough buffer (tcpdump -s 0 -B), close to the client.',
  },
  'PLAINTEXT-IN-RECORDS': {
    title: 'TLS/DTLS records that carry plaintext',
    meaning:
      'Application-data records of a valid TLS/DTLS stream held bytes that are not ciphertext: an ONC-RPC message, zero-filled or text bytes, or bytes far from random.',
    fix: 'Find the peer or middlebox that frames plaintext as TLS records (a NULL-like cipher, a broken proxy, an evasion attempt) and remove it.',
    tags: ['cleartext', 'crypto'],
  },
  'TCP-OVERLAP-CONFLICT': {
    title: 'TCP retransmission with different bytes',
    meaning:
      'A TCP segment carried bytes that differ from bytes already sent at the same sequence numbers: an evasion attempt (the receiver may keep either copy) or corruption. Only the first copy was analysed.',
    fix: 'Capture again closer to the host; if it repeats, look for a middlebox or host that rewrites TCP payloads.',
    tags: ['evasion'],
  },
  'DTLS-EPOCH0-DATA': {
    title: 'DTLS application data before any keys',
    meaning:
      'DTLS application-data records were sent at epoch 0, before the handshake installed keys: they are cleartext.',
    fix: 'Fix or replace the DTLS peer that sends data at epoch 0; only epoch 1 and later protect data.',
    tags: ['cleartext', 'crypto'],
  },
  'CLEARTEXT-BEFORE-STARTTLS': {
    title: 'NFS traffic in the clear before the STARTTLS upgrade',
    meaning:
      'On an RPC-with-TLS (RFC 9289) connection, ONC-RPC calls other than the AUTH_TLS probe crossed the wire before TLS started: their arguments and results were readable.',
    fix: 'Make the client send nothing but the AUTH_TLS NULL probe before TLS (mount with xprtsec=tls or mtls and a current kernel and tlshd); find whoever reused a cleartext connection.',
    tags: ['cleartext', 'downgrade'],
  },
  'STARTTLS-ONE-SIDED': {
    title: 'Only one side of an RPC-with-TLS connection started TLS',
    meaning:
      'After STARTTLS one side of the connection sent TLS records while the other kept sending ONC-RPC in the clear: that side was readable.',
    fix: 'Find the peer (or middlebox) that ignores the upgrade; require xprtsec=tls/mtls on the client and TLS on the server export.',
    tags: ['cleartext', 'downgrade'],
  },
  'ENCRYPTED-TUNNEL': {
    title: 'Encrypted tunnel, contents not visible',
    meaning:
      'IPsec ESP, WireGuard or MACsec packets were captured: their contents are encrypted, so whether NFS runs inside them, and how, cannot be seen.',
    fix: 'Capture inside the tunnel (on the tunnel interface of a host) to judge the NFS traffic it carries.',
    tags: ['crypto'],
  },
  'UNDECODED-TRAFFIC': {
    title: 'Packets that could not be decoded',
    meaning:
      'Some captured packets could not be decoded (headers cut short or malformed, fragments never reassembled, a link type, ethertype, IP protocol or encapsulation not decoded): what they carried was not judged. When they went to or from an NFS port the run cannot be verified.',
    fix: 'Capture again with a full snaplen (tcpdump -s 0) at a point that sees plain Ethernet/IP, or closer to the NFS client; the blind-spot counters say which packets and why.',
    tags: ['visibility'],
  },
  'GSS-LEASE-NOT-PRIVATE': {
    title: 'Kerberos lease calls without privacy',
    meaning:
      'On a krb5p connection, lease or session management calls (or callbacks) used integrity only; they carry no file data or names, so the connection still counts as encrypted.',
    fix: 'Nothing to fix: the Linux client sends these with krb5i on krb5p mounts. Listed so the readable calls are known.',
    tags: ['kerberos'],
  },
};

/** The wording for a code, with a generic fallback for codes added after this list. */
export function ruleText(code: string): RuleText {
  return (
    (RULE_TEXT as Record<string, RuleText | undefined>)[code] ?? {
      title: code,
      meaning: `wireseal finding ${code}; see docs/findings.md.`,
      fix: 'See docs/findings.md for what raises it and how to resolve it.',
    }
  );
}

/** GitHub code scanning's security-severity (CVSS-like score) per severity. */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};
