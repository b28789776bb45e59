/**
 * THE list of finding codes (issue 10): every finding wireseal raises is made here from one of these entries, and
 * docs/findings.md lists the same codes (a unit test keeps the two equal). Later issues ADD entries in their own
 * section below; nothing else may invent a code.
 *
 * `severity` is the default; `severities` lists every severity the code may carry when it depends on what was seen
 * (for instance CLEARTEXT-RPC is medium for MOUNT/NLM and info for the portmapper). Findings of severity medium or
 * above fail (exit 1, src/verify/exit-code.ts).
 */
import type { Finding, Severity } from '../report/schema.js';

export interface FindingSpec {
  /** Default severity. */
  severity: Severity;
  /** Every severity this code may be raised with (default: just `severity`). */
  severities?: readonly Severity[];
  /** What raises it: the module and the rule, one line. */
  raisedBy: string;
}

export const FINDING_CODES = {
  // --- flows (src/verify/flow-policy.ts) ---------------------------------------------------------------------------
  'CLEARTEXT-NFS': {
    severity: 'high',
    raisedBy: 'flow policy: NFS calls readable on the wire (not a loopback leg), named by frame',
  },
  'CLEARTEXT-RPC': {
    severity: 'medium',
    severities: ['high', 'medium', 'info'],
    raisedBy:
      'flow policy: other ONC-RPC in the clear; medium for MOUNT/NLM/NFS_ACL/callback programs, info otherwise; high to port 2049 when the capture does not show the program (issue 13: headers cut by snaplen)',
  },
  'NULL-CIPHER': {
    severity: 'high',
    raisedBy: 'flow policy: TLS/DTLS whose suite does not encrypt (NULL, RFC 9150 integrity-only)',
  },
  'WEAK-CIPHER': {
    severity: 'medium',
    severities: ['high', 'medium'],
    raisedBy:
      'flow policy (suite or version below --min-grade/--min-tls; high when insecure) and host cross-reference (a tunnel negotiated it)',
  },
  'UNVERIFIED-FLOW': {
    severity: 'info',
    raisedBy:
      'flow policy: an NFS-relevant flow that cannot be proven either way (opaque bytes, TLS without its suite)',
  },
  'UNLISTED-FLOWS': {
    severity: 'high',
    severities: ['high', 'medium', 'low', 'info'],
    raisedBy:
      'flow policy: NFS flows past --max-listed that would have raised a finding; carries the worst severity they would have had',
  },
  // --- host cross-reference (src/verify/crossref.ts, src/verify/mixed.ts) -------------------------------------------
  BYPASS: {
    severity: 'critical',
    raisedBy:
      "cross-reference: a mount whose server saw cleartext NFS on the wire (RPC in the clear, or a TLS, RPC-with-TLS or DTLS flow judged `cleartext`; such a flow keeps its own rule's finding, which names the frame)",
  },
  'TUNNEL-DOWN': {
    severity: 'high',
    raisedBy: 'cross-reference: tunnel state, config or process missing, or a loopback leg with no outer flow',
  },
  'UNVERIFIED-TLS': {
    severity: 'medium',
    raisedBy: 'cross-reference: a TLS tunnel that does not verify the server certificate',
  },
  MIXED: { severity: 'medium', raisedBy: 'cross-reference: TLS and non-TLS mounts of one server' },
  UNEXPLAINED: {
    severity: 'high',
    raisedBy: 'cross-reference: cleartext NFS on the wire that no local mount explains',
  },
  'ENCRYPTED-BY-CONFIG-ONLY': {
    severity: 'low',
    raisedBy: 'cross-reference: a mount configured encrypted that no captured flow shows',
  },
  'PLAINTEXT-BY-CONFIG': {
    severity: 'high',
    raisedBy: 'cross-reference: a cleartext mount (direct or plaintext tunnel) that no capture shows',
  },
  'UNKNOWN-MOUNT': { severity: 'low', raisedBy: 'cross-reference: a mount nothing explains' },
  // --- issue 10: whole-stream TLS (src/verify/flow-policy.ts over facts of src/classify/tls-analyzer.ts) ------------
  'SUITE-NOT-SEEN': {
    severity: 'low',
    raisedBy:
      'flow policy: a TLS/DTLS flow whose every byte is protected records but whose handshake was not captured (mid-stream): grade cannot be checked',
  },
  'TLS-PLAINTEXT-AFTER-HANDSHAKE': {
    severity: 'high',
    raisedBy:
      'flow policy: readable bytes (ONC-RPC, printable text or zero-filled bytes where records should be) in a TLS flow after its handshake, a gap, close_notify or FIN; names the frame',
  },
  'TLS-RECORD-VIOLATION': {
    severity: 'medium',
    raisedBy:
      'flow policy: a record the phase does not allow (plaintext handshake after ChangeCipherSpec, inconsistent version, over-long record, bad content type)',
  },
  'TLS-HANDSHAKE-FAILED': {
    severity: 'info',
    severities: ['medium', 'info'],
    raisedBy:
      'flow policy: fatal alert before establishment, HelloRetryRequest without a second ServerHello, suite not allowed in its version; info when no application data flowed, medium otherwise',
  },
  'SSLV2-HELLO': { severity: 'high', raisedBy: 'flow policy: an SSLv2-format ClientHello on an NFS-relevant flow' },
  'HANDSHAKE-ONLY': {
    severity: 'info',
    raisedBy:
      'flow policy: with --handshake-only, a TLS flow with an acceptable suite whose bytes after the handshake were not examined: never verified (exit 4 at best)',
  },
  'CAPTURE-GAP': {
    severity: 'low',
    raisedBy: 'flow policy: bytes of an NFS-relevant TCP flow missing from the capture (counted per direction)',
  },
  // --- issue 11 (RPC-with-TLS, DTLS, Kerberos): add entries here ------------------------------------------------------
  'PLAINTEXT-IN-RECORDS': {
    severity: 'high',
    raisedBy:
      'flow policy: TLS/DTLS application-data bodies that are not ciphertext (an ONC-RPC message, zero-filled or text bytes, or a byte histogram far from uniform: src/classify/plaintext-sampler.ts); names the frame',
  },
  'TCP-OVERLAP-CONFLICT': {
    severity: 'high',
    raisedBy:
      'flow policy: a TCP segment whose bytes disagree with bytes of the same sequence numbers already delivered (compared within the last 4096 bytes per direction, src/flow/tcp-stream.ts); the flow is never encrypted',
  },
  'DTLS-EPOCH0-DATA': {
    severity: 'high',
    raisedBy:
      'flow policy: DTLS application-data records at epoch 0 (sent before any keys: cleartext); names the frame',
  },
  'GSS-LEASE-NOT-PRIVATE': {
    severity: 'info',
    raisedBy:
      'flow policy: a krb5p flow (`rpcsec-gss-privacy`, encrypted) whose lease/session calls (SETCLIENTID, RENEW, EXCHANGE_ID, CREATE_SESSION, SEQUENCE-only, DESTROY_*) or backchannel callbacks went without privacy; they carry no file data, so the flow stays encrypted',
  },
  'CLEARTEXT-BEFORE-STARTTLS': {
    severity: 'high',
    raisedBy:
      'flow policy: on an RFC 9289 RPC-with-TLS connection, an ONC-RPC call or reply other than the AUTH_TLS NULL probe and its STARTTLS reply before either side moved to TLS; names the frame, program and procedure',
  },
  'STARTTLS-ONE-SIDED': {
    severity: 'high',
    raisedBy:
      'flow policy: on an RFC 9289 connection, one side moved to TLS while the other kept sending ONC-RPC in the clear; names the frame, program and procedure',
  },
  // --- issue 13 (encapsulation, blind spots): add entries here --------------------------------------------------------
  'ENCRYPTED-TUNNEL': {
    severity: 'info',
    raisedBy:
      'flow policy: IPsec ESP (also in UDP 4500), WireGuard or MACsec packets: an encrypted tunnel whose contents are not visible, so NFS inside it can be neither proven nor refuted (alone: exit 4)',
  },
  'UNDECODED-TRAFFIC': {
    severity: 'low',
    severities: ['low', 'info'],
    raisedBy:
      'flow policy: packets the capture holds that could not be decoded (captures[].blindSpots: truncated or malformed headers, unreassembled fragments, unknown link types, ethertypes or IP protocols, unsupported or too deep encapsulations); low when any went to or from an NFS port (the run is then inconclusive at best), info when they exceed 1 % of the bytes (control traffic such as ARP or ICMP aside)',
  },
  // --- issue 15 (bundles, triage): add entries here ----------------------------------------------------------------
  DOWNGRADE: {
    severity: 'critical',
    raisedBy:
      'cross-reference (src/verify/downgrade.ts): one mount or tunnel target reached over TLS whose connection ended abruptly (RST, no FIN, no close_notify seen), then in cleartext; names both times',
  },
  // --- issue 16 (policy exceptions, baselines): add entries here -----------------------------------------------------
  'EXCEPTION-EXPIRED': {
    severity: 'medium',
    raisedBy:
      'policy file: a cleartext exception past its expiry date; the findings it covered fail again (src/verify/exceptions.ts)',
  },
  'MECHANISM-NOT-ALLOWED': {
    severity: 'medium',
    raisedBy:
      "policy file: a flow or mount protected by a mechanism the policy's `mechanisms` rule for its server or mount does not allow",
  },
} as const satisfies Record<string, FindingSpec>;

export type FindingCode = keyof typeof FINDING_CODES;

export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** Severities that fail a run (exit 1). */
export function severityFails(s: Severity): boolean {
  return SEVERITY_RANK[s] >= SEVERITY_RANK.medium;
}

export function isFindingCode(code: string): code is FindingCode {
  return Object.hasOwn(FINDING_CODES, code);
}

export interface FindingExtras {
  mount?: string;
  flows?: string[];
  sources?: Finding['sources'];
}

/**
 * Makes a finding from the table. `severity` overrides the default and must be one the table allows for the code
 * (a programming error otherwise: throws, caught by the tests).
 */
export function makeFinding(
  code: FindingCode,
  message: string,
  extras: FindingExtras = {},
  severity?: Severity,
): Finding {
  const spec: FindingSpec = FINDING_CODES[code];
  const sev = severity ?? spec.severity;
  const allowed = spec.severities ?? [spec.severity];
  if (!allowed.includes(sev)) throw new Error(`finding ${code} may not have severity ${sev}`);
  const f: Finding = { code, severity: sev, message };
  if (extras.mount !== undefined) f.mount = extras.mount;
  if (extras.flows !== undefined && extras.flows.length > 0) f.flows = extras.flows;
  if (extras.sources !== undefined && extras.sources.length > 0) f.sources = extras.sources;
  return f;
}
