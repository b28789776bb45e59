/**
 * The one result schema (version RESULT_SCHEMA_VERSION). Every output format (table, JSON, ...) is a writer over
 * these types. Documented in docs/schema.md; bump the version on any incompatible change.
 */
export const RESULT_SCHEMA_VERSION = '2.0';

export type Grade = 'strong' | 'weak' | 'insecure' | 'unknown';

export type FlowClass =
  | 'nfs-cleartext'
  | 'rpc-cleartext'
  | 'tunnel-local'
  | 'tls'
  | 'rpc-with-tls'
  | 'dtls'
  | 'rpcsec-gss-privacy'
  | 'opaque'
  | 'none';

export type Verdict = 'encrypted' | 'encrypted-weak' | 'cleartext' | 'unknown';

export interface Endpoint {
  ip: string;
  port: number;
}

export interface DirCounts {
  total: number;
  toServer: number;
  toClient: number;
}

/** What the TLS (or DTLS) analyzer learned about one flow. */
export interface TlsSummary {
  /** "TLS 1.2", "TLS 1.3", "SSL 3.0", "TLS 1.3 (draft 28)", "DTLS 1.2", "unknown (handshake not captured)", "none negotiated" */
  version: string;
  /** Wire value of the negotiated version (0x0303...), null when not seen. */
  versionId: number | null;
  /** IANA cipher suite number, null when not seen. */
  cipherSuiteId: number | null;
  /** IANA name ("TLS_AES_256_GCM_SHA384"), or "unknown (handshake not captured)" / "none negotiated" / "unassigned (0x....)". */
  cipherSuite: string;
  grade: Grade;
  /** Why the grade is what it is ("CBC mode", "no forward secrecy", "TLS 1.0 is below 1.2"...). */
  gradeReasons: string[];
  /** full | resumed | client-hello-only | not-captured */
  handshake: 'full' | 'resumed' | 'client-hello-only' | 'not-captured';
  helloRetryRequest: boolean;
  sni?: string;
  alpn?: string[];
  /** ALPN protocol the ServerHello selected (TLS <= 1.2 only: in TLS 1.3 it travels encrypted). */
  alpnSelected?: string;
  /** Versions the ClientHello offered (supported_versions, else its legacy version). */
  offeredVersions?: string[];
  /** Record-layer version seen on records ("TLS 1.2"). */
  recordVersion?: string;
  /** Record counts by content type, both directions. */
  records: { changeCipherSpec: number; alert: number; handshake: number; applicationData: number; other: number };
  alerts: { level: number; description: number; name: string; encrypted: boolean }[];
  /** True while every record header seen was valid; false when bytes broke the record stream. */
  validRecordStream: boolean;
  /** PLAINTEXT-IN-RECORDS check: application-data records whose first bytes were checked, body bytes in the histogram sample. */
  bodySample?: { records: number; bytes: number };
  /** DTLS only: HelloVerifyRequest seen. */
  helloVerifyRequest?: boolean;
}

export interface RpcSummary {
  /** "nfs/3", "nfs/4", "mount/3", "portmapper/2", "nlm/4", "nfs_acl/3", "efs-proxy/1", "100232/10"... sorted */
  programs: string[];
  /** Name:count of NFS procedures (v2/v3) and NFSv4 COMPOUND operations seen in calls. */
  operations: Record<string, number>;
  /** NFS version string: "NFSv3", "NFSv4", "NFSv4.1", "NFSv4.2", or undefined when no NFS call. */
  nfsVersion?: string;
  nfsMinorVersions?: number[];
  calls: number;
  /** Valid replies seen, matched or not. */
  replies: number;
  /** Replies whose call was not seen (tshark does not decode these over UDP; `replies - unmatchedReplies` matches it). */
  unmatchedReplies?: number;
  /** Credential flavors seen in calls: "AUTH_NONE", "AUTH_SYS", "RPCSEC_GSS", "AUTH_TLS"... */
  credentials: string[];
  /** RPCSEC_GSS services seen: "none" | "integrity" | "privacy". */
  gssServices?: string[];
  /** RFC 9289: AUTH_TLS NULL probe seen / STARTTLS verifier seen in the reply. */
  authTlsProbe?: boolean;
  startTls?: boolean;
  malformed: number;
}

export interface FlowEvidence {
  frame: number;
  dir?: 'to-server' | 'to-client';
  what: string;
}

/**
 * A rule a flow broke, with the frame that shows it (issue 11: PLAINTEXT-IN-RECORDS, TCP-OVERLAP-CONFLICT,
 * DTLS-EPOCH0-DATA, CLEARTEXT-BEFORE-STARTTLS, STARTTLS-ONE-SIDED...). The flow policy makes findings of them.
 */
export interface FlowAnomaly {
  code: string;
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
  evidence: FlowEvidence[];
  evidenceDropped?: number;
  /** Live: packets the capture dropped while this flow was active (some may be this flow's): its view may be incomplete. */
  captureDrops?: number;
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
}

/** A kind of unlisted NFS-relevant flow: just what the policy reads, and how many flows were of it. */
export interface UnlistedKind {
  count: number;
  transport: 'tcp' | 'udp';
  class: FlowClass;
  verdict: Verdict;
  nfsVersion?: string;
  programs?: string[];
  /** The worst rule the flow broke (code and detail), when it broke one. */
  anomaly?: { code: string; detail: string };
  /** TLS/DTLS suite facts, when the flow had them. */
  suite?: { dtls: boolean; version: string; cipherSuiteId: number | null; cipherSuite: string; grade: Grade };
}

/** How the run ended (summary.outcome), in step with the exit code: 3, 1, 4, 0. */
export type RunOutcome = 'damaged-input' | 'findings' | 'inconclusive' | 'verified';

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
  options: Record<string, string | true>;
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
}

export interface ResultDocument {
  schema: 'wireseal/result';
  schemaVersion: string;
  tool: { name: 'wireseal'; version: string };
  generatedAt: string;
  command: string;
  policy?: { minGrade: 'strong' | 'weak'; minTls: '1.2' | '1.3'; ports: string };
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
  };
  warnings: string[];
}
