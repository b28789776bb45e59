/**
 * The facts analyzers report about a flow, as plain typed data (issue 10: analyzers emit facts; src/verify judges
 * them; src/report writes them). The result schema (src/report/schema.ts) re-exports these types: src/classify never
 * imports src/report.
 */
import type { Grade } from '../protocol/tls-grade.js';

export type { Grade };

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
  /** TLS only (issue 10): facts of the whole-stream record walk. */
  walk?: TlsWalkFacts;
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
  /** Messages whose RPC header the capture cut short (snaplen), read as far as the bytes go. */
  headersCut?: number;
  /** Credential flavors seen in calls: "AUTH_NONE", "AUTH_SYS", "RPCSEC_GSS", "AUTH_TLS"... */
  credentials: string[];
  /** RPCSEC_GSS services seen: "none" | "integrity" | "privacy". */
  gssServices?: string[];
  /**
   * Kerberos exposure (issue 11): calls carrying file data or names without RPCSEC_GSS privacy, named
   * "program operation" (at most 16 names; "nfs/4 WRITE", "nfs_acl/3 proc 1", "nfs/4 INIT on proc 1").
   */
  gssExposed?: string[];
  /** Calls without privacy that carry file data or names (any flavor). */
  gssExposedCalls?: number;
  /** Lease/session calls (SETCLIENTID, RENEW, EXCHANGE_ID, SEQUENCE-only...) and callbacks without privacy. */
  gssLeaseCalls?: number;
  /** Privacy bodies (calls or replies) that are not a sealed wrap token. */
  gssUnsealed?: number;
  /** RFC 9289: AUTH_TLS NULL probe seen / STARTTLS verifier seen in the reply. */
  authTlsProbe?: boolean;
  startTls?: boolean;
  malformed: number;
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

/** Facts of the whole-stream walk (src/classify/verdict.ts turns them into a verdict, src/verify into findings). */
export interface TlsWalkFacts {
  mode: 'whole-stream' | 'handshake-only';
  /** ServerHello, then protected records from both sides (Zeek's rule). */
  established: boolean;
  /** No hello either way: the capture started inside the session. */
  midStream: boolean;
  records: { toServer: number; toClient: number };
  gaps: { toServer: number; toClient: number };
  resyncs: number;
  unsyncedBytes: { toServer: number; toClient: number };
  /** The direction with no bytes at all, when only one was captured. */
  notCaptured: 'to-server' | 'to-client' | null;
}

/** A name seen on the wire: its keyed hash (HMAC-SHA256, 64 bits in hex) and length; the text only when revealed. */
export interface ExposureName {
  hash: string;
  length: number;
  /** The operations that carried it (LOOKUP, OPEN, CREATE, READDIR...). */
  ops?: string[];
  /** The name itself: only with `--reveal`. */
  name?: string;
}

/** What a cleartext NFS flow exposed (triage only; see src/classify/exposure-analyzer.ts). */
export interface ExposureFacts {
  /** NFS calls read, replies matched to them by xid, and calls without a reply in the capture. */
  calls: number;
  matchedReplies: number;
  unansweredCalls: number;
  /** File data: READ from successful replies matched to their call, WRITE from the calls' data. */
  read: { replies: number; bytes: number };
  write: { calls: number; bytes: number };
  names: ExposureName[];
  namesDropped?: number;
  /** AUTH_SYS identities (uid, gid, machine name as a keyed hash). */
  authSys: { uid: number; gid: number; machine: ExposureName }[];
  authSysDropped?: number;
  /** Frames of the first and last NFS message read. */
  firstFrame: number;
  lastFrame: number;
  /** Messages read only in part (longer than the 64 KiB head kept, or bytes missing): names past that point unseen. */
  partialMessages?: number;
  /** Messages that could not be read at all. */
  unreadMessages?: number;
}

/** The protocol whose record layer a reason speaks of. */
export type RecordProtocol = 'TLS' | 'DTLS' | 'RPC-with-TLS';

/** Why an RFC 9289 upgrade of an otherwise encrypted flow does not count. */
export type UpgradeDoubt =
  | 'no-starttls-reply'
  | 'reply-from-prober'
  | 'no-client-hello'
  | 'client-moved-first'
  | 'server-never-moved';

/**
 * Why a flow got its verdict, as typed facts (issue 10: analyzers and verdict rules state facts; the one formatting
 * module src/report/reason-text.ts makes the `verdictReason` text of them).
 */
export type FlowReason =
  /** No payload bytes at all. */
  | { kind: 'no-payload' }
  /** The flow never reached an analyzer. */
  | { kind: 'not-analysed' }
  /** Off the NFS ports, and nothing NFS, RPC, TLS or DTLS in it. */
  | { kind: 'not-nfs' }
  /** On an NFS port, bytes no analyzer recognised (`gaveUp`: every probe failed, the flow was declared opaque). */
  | { kind: 'unrecognised'; gaveUp: boolean }
  /** The analyzer took the flow but its bytes are not the protocol's record stream. */
  | { kind: 'not-record-stream'; protocol: string }
  | { kind: 'no-rpc-message' }
  /** A NULL or integrity-only suite (RFC 9150): records carry plaintext. */
  | { kind: 'null-suite'; suite: string }
  | { kind: 'record-stream-broken'; protocol: RecordProtocol }
  /** Records, but no suite seen: `clientHelloOnly` when a ClientHello went unanswered. */
  | { kind: 'cipher-unknown'; protocol: string; clientHelloOnly: boolean }
  /** The negotiated version and suite with its grade (strong: encrypted; weak or insecure: encrypted-weak). */
  | { kind: 'suite'; version: string; suite: string; grade: Grade; gradeReasons: string[] }
  /** `of`, but negotiated from an SSLv2-format ClientHello (insecure whatever the suite). */
  | { kind: 'sslv2-hello'; of: FlowReason }
  /** The verdict rests on a rule the flow broke: that anomaly (as in `anomalies`). */
  | { kind: 'anomaly'; code: string; frame: number; detail: AnomalyDetail }
  /** Bytes of a TLS flow that are neither records nor a record tail after a gap. */
  | { kind: 'unexplained-bytes'; bytes: number }
  /** Mid-stream TLS: every byte both ways protected records, handshake (and suite) not captured. */
  | { kind: 'mid-stream'; notCaptured: 'to-server' | 'to-client' | null }
  /** A suite negotiated, but protected records were not seen from both sides. */
  | { kind: 'not-established'; version: string; suite: string }
  | { kind: 'dtls-epoch0'; records: number }
  | { kind: 'upgrade-not-proven'; doubt: UpgradeDoubt }
  /** RPCSEC_GSS privacy, but messages or stretches could not be read. */
  | { kind: 'krb5p-unaccounted'; unaccounted: number }
  | { kind: 'krb5p'; leaseCalls: number }
  /** NFS in the clear on loopback into a local tunnel port. */
  | { kind: 'tunnel-local'; nfsVersion: string }
  /** Kerberos in use, but calls with file data or names (or privacy bodies) readable. */
  | {
      kind: 'gss-exposed';
      nfsVersion: string;
      services: string[];
      exposedCalls: number;
      exposed: string[];
      unsealed: number;
    }
  | { kind: 'nfs-cleartext'; nfsVersion: string; loopback: boolean; headersCut: number }
  | { kind: 'rpc-cleartext'; programs: string[]; headersCut: number };

/** Why a TLS handshake failed: a plaintext fatal alert before establishment, a HelloRetryRequest never followed by a
 * ServerHello, or a suite the negotiated version does not allow (`version`: wire value). */
export type HandshakeFailure =
  | { cause: 'fatal-alert'; description: number }
  | { cause: 'retry-without-server-hello' }
  | { cause: 'suite-not-allowed'; suite: number; version: number };

/** What a plaintext check found inside application-data records (src/classify/plaintext-sampler.ts). */
export type PlaintextKind = 'rpc' | 'zeros' | 'ascii' | 'skewed';

/** An RPC message readable on the wire (RFC 9289 rules): its kind, program and procedure when known. */
export interface ReadableRpc {
  kind: 'call' | 'reply';
  /** "nfs/4", or null for a reply whose call was not seen. */
  program: string | null;
  /** "WRITE", "COMPOUND", "proc N"; null when the header was cut or the call not seen. */
  procedure: string | null;
}

/**
 * What an anomaly found, as typed facts (src/report/reason-text.ts makes FlowAnomaly.what of it). `text` is for
 * analyzers that bring their own sentence (plug-in analyzers of the registry).
 */
export type AnomalyDetail =
  | { kind: 'text'; what: string }
  | { kind: 'plaintext-in-records'; body: PlaintextKind; z?: number }
  /** `failure`: why the TLS analyzer counts the handshake as failed. */
  | { kind: 'handshake-failed'; failure: HandshakeFailure; appDataFlowed: boolean }
  /** Events of the TLS record walk. */
  | { kind: 'sslv2-hello'; version: number; cipherSpecs: number; sslv2Only: number }
  | { kind: 'capture-gap'; bytes: number }
  | { kind: 'readable-in-tls'; what: ReadableKind; where: ReadableWhere; frame: number }
  | { kind: 'record-violation'; violation: RecordViolation }
  | { kind: 'null-cipher'; suite: string }
  | { kind: 'unexplained-bytes'; bytes: number }
  | { kind: 'dtls-epoch0' }
  /** Cleartext RPC datagrams on a DTLS 5-tuple: the NFS version or the programs. */
  | { kind: 'rpc-on-dtls-tuple'; label: string }
  /** `count` readable messages, the first at `frame`. */
  | { kind: 'cleartext-before-starttls'; message: ReadableRpc; frame: number; count: number }
  | {
      kind: 'starttls-one-sided';
      message: ReadableRpc;
      frame: number;
      /** The side that had moved to TLS, and where. */
      peer: 'client' | 'server';
      upgradeFrame: number;
      count: number;
    };

/** An anomaly as an analyzer or verdict rule states it (the engine adds the text: FlowAnomaly). */
export interface AnomalyFact {
  code: string;
  frame: number;
  dir?: 'to-server' | 'to-client';
  detail: AnomalyDetail;
}

/** Where readable bytes turned up in a TLS stream. */
export type ReadableWhere = 'after-fin' | 'after-gap' | 'after-alert' | 'after-handshake' | 'in-place-of-records';

/** What readable bytes in a TLS stream were. */
export type ReadableKind = 'rpc' | 'text' | 'zeros';

/** A record-layer rule the TLS stream broke once the ServerHello fixed the session (TLS-RECORD-VIOLATION). */
export type RecordViolation =
  | { rule: 'record-version'; version: number; expected: number }
  | { rule: 'tls13-record-length'; length: number; limit: number }
  | { rule: 'heartbeat' }
  /** Bytes after this side's FIN (at `finFrame`). */
  | { rule: 'bytes-after-fin'; finFrame: number }
  | { rule: 'ccs-after-protected' }
  | { rule: 'app-data-before-ccs' }
  /** A plaintext handshake message of this type where only encrypted ones may be. */
  | { rule: 'plaintext-handshake'; type: number };

/** Why a handshake message could not be read: a decoder's own account, or a rule of the analyzer. */
export type MalformedHandshake =
  | { problem: 'decoder'; error: string }
  | { problem: 'over-cap'; length: number }
  | { problem: 'fragment-header' };

/** How a COMPOUND's operation walk ended. */
export type CompoundEnd = 'complete' | 'incomplete' | 'truncated';

/** Why an RPC message could not be read to its end. */
export type RpcMalformed = 'wrap-token-cut' | 'header-cut' | 'opaque-overrun' | 'bad-header' | 'bad-compound-header';

/**
 * One evidence entry as a typed fact (issue 10: analyzers record what a frame showed; src/report/evidence-text.ts
 * makes FlowEvidence.what of it). Numbers stay numbers (wire versions, suite ids, lengths, counts); labels
 * ("nfs/4", procedure names) are the ones the summaries use. Never payload bytes.
 */
export type EvidenceFact =
  /** A plug-in analyzer's own sentence (analyzers of the registry outside src/classify; no built-in one uses it). */
  | { kind: 'text'; what: string }
  // ---- TLS and DTLS hellos (HelloState) ----
  /** `versions`: wire values offered (supported_versions, else the legacy version). */
  | { kind: 'client-hello'; dtls: boolean; versions: number[]; sni?: string; alpn?: string[]; cookie: boolean }
  | { kind: 'hello-retry-request'; suite: number }
  | { kind: 'server-hello'; dtls: boolean; version: number; suite: number; resumed: boolean }
  | { kind: 'malformed-handshake'; malformed: MalformedHandshake }
  /** A plaintext alert (level, description), or an encrypted one. */
  | { kind: 'alert'; encrypted: boolean; level: number; description: number }
  // ---- the TLS record walk ----
  | { kind: 'sslv2-hello'; version: number; cipherSpecs: number; sslv2Only: number }
  | { kind: 'gap-inside-record'; bytes: number }
  | { kind: 'gap-sync-lost'; bytes: number }
  | { kind: 'record-sync-regained' }
  | { kind: 'bad-stream-start' }
  | { kind: 'mid-stream-start' }
  | { kind: 'not-a-record-header'; afterRecords: number }
  | { kind: 'readable-in-tls'; what: ReadableKind; where: ReadableWhere }
  | { kind: 'record-violation'; violation: RecordViolation }
  | { kind: 'app-data-both-ways' }
  | { kind: 'handshake-over-cap' }
  // ---- DTLS ----
  /** A STUN/ZRTP/... datagram (RFC 7983 demultiplexing) on the DTLS 5-tuple. */
  | { kind: 'demux-beside-dtls'; protocol: string }
  | { kind: 'dtls13-unified-header' }
  | { kind: 'not-a-dtls-record' }
  | { kind: 'cleartext-rpc-on-dtls' }
  | { kind: 'dtls-epoch0-data' }
  | { kind: 'hello-verify-request'; cookieLength: number }
  | { kind: 'dtls-record-header' }
  // ---- flow classification ----
  | { kind: 'rpc-with-tls-starts' }
  | { kind: 'unrecognised-payload' }
  // ---- ONC-RPC ----
  | { kind: 'rpc-no-record-mark' }
  | { kind: 'rpc-resynced' }
  | { kind: 'rpc-record-mark-implausible' }
  | { kind: 'rpc-bytes-missing'; bytes: number }
  /** A message header cut by snaplen after `bytes`: a call (of `program` when captured), a reply, or unknown. */
  | { kind: 'rpc-header-cut'; message: 'call' | 'reply' | null; program: string | null; bytes: number }
  | { kind: 'rpc-upgraded-to-tls' }
  | { kind: 'rpc-not-a-datagram' }
  | { kind: 'compound-op-too-big'; cap: number }
  | { kind: 'rpc-malformed'; problem: RpcMalformed }
  | { kind: 'compound-cut'; opsLeft: number }
  | { kind: 'compound-bad-op'; op: number }
  | { kind: 'compound-op-unskippable'; op: number }
  | { kind: 'gss-privacy-readable'; body: 'not-sealed' | 'not-a-wrap-token' }
  | { kind: 'gss-trailing-bytes' }
  /** A COMPOUND call and its first operations (`more`: further operations not listed). */
  | {
      kind: 'compound-call';
      program: string;
      flavor: number;
      ops: string[];
      more: boolean;
      end: CompoundEnd;
    }
  | { kind: 'gss-credential-not-understood' }
  | { kind: 'gss-privacy'; program: string }
  | { kind: 'auth-tls-probe'; program: string }
  /** An RPCSEC_GSS control procedure (`gssProc`) sent to a non-NULL procedure: its body is readable. */
  | { kind: 'gss-control-on-proc'; gssProc: number; program: string; proc: number }
  /** The first call of a program: procedure name when known, else its number; credential flavor. */
  | { kind: 'rpc-call'; program: string; procedure: string | null; proc: number; flavor: number }
  | { kind: 'starttls-reply'; toProbe: boolean }
  | { kind: 'auth-tls-no-starttls' }
  // ---- the engine (live capture) ----
  | { kind: 'capture-drops'; packets: number };
