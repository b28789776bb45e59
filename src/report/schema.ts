/**
 * The one result schema (version RESULT_SCHEMA_VERSION). Every output format (table, JSON, ...) is a writer over
 * these types. Documented in docs/schema.md; bump the version on any incompatible change.
 */
export const RESULT_SCHEMA_VERSION = '2.0';

export type {
  ExposureFacts,
  ExposureName,
  FlowAnomaly,
  FlowClass,
  Grade,
  RpcSummary,
  TlsSummary,
  Verdict,
} from '../classify/facts.js';

import type {
  ExposureFacts,
  FlowAnomaly,
  FlowClass,
  Grade,
  RpcSummary,
  TlsSummary,
  Verdict,
} from '../classify/facts.js';

export interface Endpoint {
  ip: string;
  port: number;
}

/** One encapsulation level a flow's packets came through, outermost first. */
export interface ViaHop {
  /** "vxlan", "vxlan-gpe", "geneve", "gre", "gre-in-udp", "erspan", "ip-in-ip", "mpls", "pppoe", "teredo", "gtp-u". */
  type: string;
  /** VXLAN/GENEVE virtual network id. */
  vni?: number;
  /** GRE key (RFC 2890), when present. */
  key?: number;
  /** ERSPAN session id, PPPoE session id. */
  session?: number;
  /** Top MPLS label of the flow's first packet. */
  label?: number;
  /** GTP-U tunnel endpoint id of the flow's first packet. */
  teid?: number;
  /** The IP header that carried the tunnel (absent for MPLS/PPPoE, which sit below IP). */
  outer?: { src: string; dst: string };
}

/** An encrypted network-layer tunnel seen in a capture: its contents are not visible. */
export interface EncryptedTunnelResult {
  type: 'ipsec-esp' | 'wireguard' | 'macsec';
  /** Endpoints (ports for ESP-in-UDP and WireGuard; absent for MACsec, which has no IP header). */
  a?: Endpoint;
  b?: Endpoint;
  /** ESP SPIs / WireGuard receiver indexes seen (first 16). */
  ids: number[];
  packets: number;
  bytes: number;
  firstFrame: number;
  via?: ViaHop[];
}

export interface DirCounts {
  total: number;
  toServer: number;
  toClient: number;
}

export interface FlowEvidence {
  frame: number;
  dir?: 'to-server' | 'to-client';
  what: string;
}

export interface FlowResult {
  /** 0-based index in order of first packet within its capture (matches tshark's tcp.stream/udp.stream). */
  id: number;
  capture: string;
  transport: 'tcp' | 'udp';
  client: Endpoint;
  server: Endpoint;
  /** How client/server were decided. */
  orientation: 'syn' | 'service-port' | 'content' | 'first-packet';
  interfaces?: string[];
  firstSeen: string;
  lastSeen: string;
  firstFrame: number;
  lastFrame: number;
  packets: DirCounts;
  /** Frame bytes on the wire (as tshark's conversation table counts them). */
  bytes: DirCounts;
  /** Transport payload bytes each way. */
  payload: DirCounts;
  /** Bytes missing from the reassembled streams (capture loss, snaplen), each way. */
  gaps: { toServer: number; toClient: number };
  /** Whether this flow is on the NFS port set or was found by content. */
  nfsRelevant: boolean;
  /** Loopback flow (both ends 127.0.0.0/8 or ::1): never crosses the wire. */
  loopback: boolean;
  class: FlowClass;
  verdict: Verdict;
  verdictReason: string;
  tls?: TlsSummary;
  dtls?: TlsSummary;
  rpc?: RpcSummary;
  /** Rules this flow broke (absent when none). */
  anomalies?: FlowAnomaly[];
  /**
   * TCP only, when segments overlapped bytes already delivered: overlapping bytes compared with the retained copy,
   * those that differed (TCP-OVERLAP-CONFLICT), and those older than the retained window (not compared).
   */
  tcp?: { overlaps: { checked: number; conflicting: number; unchecked: number } };
  evidence: FlowEvidence[];
  evidenceDropped?: number;
  /** Live: packets the capture dropped while this flow was active (some may be this flow's): its view may be incomplete. */
  captureDrops?: number;
  /**
   * Encapsulations the flow's packets to the server crossed (absent when none). The same 5-tuple in two contexts
   * (VNIs, GRE keys, ERSPAN sessions) is two flows, except that a flow's reverse direction may travel in another
   * context: then `viaToClient` gives its path.
   */
  via?: ViaHop[];
  viaToClient?: ViaHop[];
  /** TCP only: how the connection ended in the capture: RST, FIN both ways, FIN one way, or still open at its end. */
  tcpEnd?: 'rst' | 'fin' | 'half-closed' | 'open';
  /**
   * `wireseal triage` only (never set by verify-encryption): what the flow's cleartext NFS messages exposed, from
   * calls and their matched replies. Names are keyed hashes unless the triage was run with --reveal.
   */
  exposure?: ExposureFacts;
}

export interface CaptureResult {
  file: string;
  format: string;
  gzip: boolean;
  packets: number;
  bytesRead: number;
  interfaces: { id: number; name?: string; linkType: number }[];
  truncatedPackets: number;
  /** Non-fatal decode counters: unknown link types, bad IP headers, fragments dropped... */
  decodeErrors: Record<string, number>;
  error?: { kind: string; offset: number; message: string };
  /** Live: libpcap's pcap_stats ps_drop — packets lost because the capture buffer was full. */
  kernelDrops?: number | null;
  /** Live: pcap_stats ps_ifdrop — packets the interface(s) dropped while capturing, null when unknown. */
  interfaceDrops?: number | null;
  /** Live: pcap_stats ps_recv — packets libpcap received. */
  pcapReceived?: number | null;
  /** Live: when the drops happened (seconds since the epoch; drops first seen between two reads of the statistics). */
  dropWindows?: { fromSec: number; toSec: number; count: number }[];
  /** `--filter` on files: the expression, and how many packets it kept and rejected (as tcpdump -r FILE EXPR). */
  filter?: { expression: string; matched: number; rejected: number };
  /**
   * `--since` / `--until` on files: the window in ISO 8601 UTC, and the packets kept in it and left out before and
   * after it (counted after `--filter`, before `--count`).
   */
  timeWindow?: { since?: string; until?: string; kept: number; before: number; after: number };
  flowsEvicted: number;
  flowsTotal: number;
  /**
   * Flows analysed but not listed in `flows`: unrelated to NFS (verify-encryption lists NFS-relevant and DTLS flows
   * unless --all), or beyond the listing cap. NFS-relevant ones off loopback are counted by verdict so none goes unreported.
   */
  unlisted?: {
    total: number;
    byClass: Record<string, number>;
    nfsRelevantByVerdict: Record<string, number>;
    /** NFS-relevant flows off loopback by what the policy judges (class, verdict, suite, programs), with counts. */
    nfsRelevantKinds?: UnlistedKind[];
  };
  /**
   * Encapsulated packets: how many crossed each tunnel type (a packet counts once per level it crossed), by the
   * protocol of the innermost IP header ("tcp", "udp", "icmp", "icmpv6" or its number), and the distinct
   * encapsulation contexts. Absent when the capture had none.
   */
  encapsulation?: {
    packetsByLayer: Record<string, number>;
    innerByProtocol: Record<string, number>;
    contexts: number;
    contextsOverflowed?: number;
  };
  /** Encrypted network-layer tunnels (ESP, WireGuard, MACsec): listed; their contents are not visible. */
  encryptedTunnels?: EncryptedTunnelResult[];
  /** What decoding could not read (issue 13): always written by the capture pipeline, zero counts included. */
  blindSpots?: BlindSpotsResult;
}

/** Why a packet was not decoded (src/engine/blind-spots.ts). */
export type BlindSpotReason =
  | 'link-type'
  | 'not-ip'
  | 'ip-protocol'
  | 'truncated'
  | 'malformed'
  | 'fragment-not-reassembled'
  | 'unsupported-encapsulation'
  | 'encapsulation-too-deep'
  | 'empty-record';

export interface BlindSpotCount {
  packets: number;
  /** Frame lengths on the wire (original lengths), as tshark counts them. */
  bytes: number;
}

/**
 * Packets and bytes not decoded to a TCP/UDP flow or an encrypted tunnel, by reason, out of every packet analysed
 * (`ofPackets`, `ofBytes`: after --filter and --count). `nfsPorts`: those whose TCP/UDP ports were visible and one
 * is in the NFS port set; `control`: ARP, LLDP, STP and other 802.3 frames, ICMP, IGMP... (no transport payload,
 * not counted against the 1 % threshold). `ethertypes` (up to 32, then `other`) break `not-ip` down, `ipProtocols`
 * break `ip-protocol` down.
 */
export interface BlindSpotsResult extends BlindSpotCount {
  ofPackets: number;
  ofBytes: number;
  byReason: Partial<Record<BlindSpotReason, BlindSpotCount>>;
  nfsPorts: BlindSpotCount;
  control: BlindSpotCount;
  ethertypes?: Record<string, BlindSpotCount>;
  ipProtocols?: Record<string, BlindSpotCount>;
}

/** A kind of unlisted NFS-relevant flow: just what the policy reads, and how many flows were of it. */
export interface UnlistedKind {
  count: number;
  transport: 'tcp' | 'udp';
  class: FlowClass;
  verdict: Verdict;
  nfsVersion?: string;
  programs?: string[];
  /**
   * The rules the flow broke, one per code (the first detail of each), in the flow's order; at most 8. The policy
   * ranks them (src/verify): analysis never judges severity.
   */
  anomalies?: { code: string; detail: string }[];
  /** TLS/DTLS suite facts, when the flow had them. */
  suite?: { dtls: boolean; version: string; cipherSuiteId: number | null; cipherSuite: string; grade: Grade };
}

/**
 * How the run ended (summary.outcome), in step with the exit code: 3, 1, 4, 0. With a policy file or a baseline:
 * `accepted` (exit 0) when every violation passed only because an exception or the baseline accepted it, never
 * `verified`; `no-nfs-seen` when nothing NFS-relevant was on the wire and the policy's `noNfsSeen` is fail (1) or
 * pass (0).
 */
export type RunOutcome = 'damaged-input' | 'findings' | 'inconclusive' | 'verified' | 'accepted' | 'no-nfs-seen';

/** Why a finding does not fail the run: a policy exception, or the baseline (with --fail-on new). */
export interface Acceptance {
  /** host-config: the tunnel's configuration names the suite the capture did not show (SUITE-NOT-SEEN). */
  by: 'exception' | 'baseline' | 'host-config';
  reason: string;
  /** Exceptions: the expiry date (YYYY-MM-DD). */
  expires?: string;
}

/**
 * NFS-relevant flows on the wire (not loopback, with payload), listed or not, by what the policy made of them:
 * verified (proven encrypted to policy), violating (raised a failing finding), unproven (could not be proven either
 * way), notSensitive (cleartext RPC the policy does not count, e.g. the portmapper).
 */
export interface WireTally {
  judged: number;
  verified: number;
  violating: number;
  unproven: number;
  notSensitive: number;
  /**
   * Packets to or from an NFS port that could not be decoded (captures[].blindSpots.nfsPorts, all captures): what
   * they carried is unproven, so the run cannot be verified. Absent when none.
   */
  undecodedNfsPackets?: number;
  /**
   * Of the flows that would be unproven, those a host config accepts (SUITE-NOT-SEEN whose tunnel names only strong
   * suites): never counted as verified; the run's outcome is then `accepted`. Absent when none.
   */
  accepted?: number;
}

export type MountVerdict =
  | 'tls-verified'
  | 'tls-unverified'
  | 'tunnel-plaintext'
  | 'direct-cleartext'
  | 'kerberos-privacy'
  | 'unknown';

export interface SourceRef {
  file: string;
  line?: number;
}

/** State of the tunnel behind a loopback mount (added by the host readers). */
export interface TunnelStatus {
  /** Tunnel state (efs-utils state file, AZNFS map line): found, missing, or 'none' for tunnels that keep none. */
  state: 'found' | 'missing' | 'none';
  config: 'found' | 'missing';
  pid?: number;
  pidState: 'alive' | 'dead' | 'unknown';
  pidReason?: string;
}

/** A mount option's value: its text, or true for a flag option (`tls`, `ro`). */
export type OptionValue = true | string;

export interface MountResult {
  mountPoint: string;
  server: string;
  export: string;
  fsType: string;
  /** efs-utils-stunnel | efs-proxy | aznfs-stunnel | stunnel | xprtsec-tls | xprtsec-mtls | krb5p | direct | unknown */
  mechanism: string;
  /** Address and port the kernel talks to (127.0.0.1:20049 for a tunnel). */
  addr?: string;
  localPort?: number;
  /** Where the tunnel connects (remote host:2049), when tunneled. */
  tunnelTarget?: string;
  verdict: MountVerdict;
  reason: string;
  sources: SourceRef[];
  options: Record<string, OptionValue>;
  /** Loopback mounts only: what is known of the tunnel behind them. */
  tunnel?: TunnelStatus;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export interface Finding {
  /** One of the codes of src/verify/findings.ts (docs/findings.md). */
  code: string;
  severity: Severity;
  message: string;
  mount?: string;
  /** Flow references: "<capture>#<transport>.<id>" (e.g. "a.pcap#tcp.3"). */
  flows?: string[];
  sources?: SourceRef[];
  /** Stable identity (docs/events.md "Fingerprints"): code, mount, server and client addresses, config files. */
  fingerprint?: string;
  /** With --baseline: `new` (not in the baseline) or `unchanged`. */
  baseline?: 'new' | 'unchanged';
  /** Set when the finding does not fail the run although its severity would. */
  accepted?: Acceptance;
}

/** The policy a verify-encryption run applied: flags over the policy file over the defaults. */
export interface PolicyEcho {
  minGrade: 'strong' | 'weak';
  minTls: '1.2' | '1.3';
  ports: string;
  /** --policy FILE, when given. */
  file?: string;
  allowedSuites?: string[];
  requireCertificateVerification?: boolean;
  mechanisms?: { server?: string; mount?: string; allow: readonly string[] }[];
  exceptions?: { server?: string; mount?: string; reason: string; expires: string }[];
  noNfsSeen?: 'fail' | 'inconclusive' | 'pass';
  failOn?: Severity | 'new';
  /** --baseline FILE, when given. */
  baseline?: string;
  /** --handshake-only: TLS flows were read only up to their handshake (weaker; such flows are never verified). */
  handshakeOnly?: boolean;
}

/** A baseline finding that this run no longer raises. */
export interface GoneFinding {
  code: string;
  severity: Severity;
  fingerprint: string;
  message: string;
}

export interface ResultDocument {
  schema: 'wireseal/result';
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  tool: { name: 'wireseal'; version: string };
  generatedAt: string;
  command: string;
  policy?: PolicyEcho;
  captures: CaptureResult[];
  flows: FlowResult[];
  mounts?: MountResult[];
  findings: Finding[];
  summary: {
    flows: number;
    byClass: Record<string, number>;
    byVerdict: Record<string, number>;
    findings: number;
    exitCode: number;
    /** verify-encryption: what the wire showed, and the outcome the exit code stands for. */
    wire?: WireTally;
    outcome?: RunOutcome;
    /** Findings accepted (by exception or baseline) instead of failing the run; absent when none. */
    accepted?: number;
    /** With --baseline: counts of new, unchanged and gone findings, and the gone ones. */
    baseline?: { file: string; new: number; unchanged: number; gone: number; goneFindings: GoneFinding[] };
  };
  warnings: string[];
}
