/**
 * Triage timelines: per server (and the mount bound to it), the flows in time order folded into segments of one
 * protection (TLS version and suite, Kerberos privacy, cleartext...), each with its times (UTC, ISO 8601), clients,
 * mount and binding strength; for cleartext segments, what crossed the wire (operations, data-bearing first, bytes,
 * credential flavors, first and last frame). Reads results, never bytes.
 */
import { endpointText, flowRef } from '../report/refs.js';
import type { ExposureName, FlowResult } from '../report/schema.js';
import type { BindingStrength } from '../verify/binding.js';

export interface Exposure {
  /** Operations seen in calls, data-bearing first (READ, WRITE, CREATE, REMOVE, RENAME, SETATTR), then by count. */
  operations: { op: string; calls: number }[];
  /** Transport payload bytes each way (file data, names and attributes travel in them). */
  payloadToServer: number;
  payloadToClient: number;
  credentials: string[];
  /** File data from matched READ replies and from WRITE calls (absent when no NFS message was read). */
  read?: { replies: number; bytes: number };
  write?: { calls: number; bytes: number };
  /** NFS calls read, replies matched to them, calls without a reply in the capture. */
  calls?: number;
  matchedReplies?: number;
  unansweredCalls?: number;
  /** Names seen (keyed hashes and lengths; the names only with --reveal), in order of first sight. */
  names?: ExposureName[];
  namesDropped?: number;
  authSys?: { uid: number; gid: number; machine: ExposureName }[];
  /** Messages read only in part, or not at all (see FlowResult.exposure). */
  partialMessages?: number;
  unreadMessages?: number;
  firstFrame: { capture: string; frame: number };
  lastFrame: { capture: string; frame: number };
}

export interface Segment {
  protection: string;
  verdict: FlowResult['verdict'];
  from: string;
  to: string;
  flows: string[];
  clients: string[];
  mount?: string;
  binding?: BindingStrength;
  exposure?: Exposure;
}

export interface ServerTimeline {
  server: string;
  mounts: string[];
  segments: Segment[];
}

export interface FlowBinding {
  mount: string;
  strength: BindingStrength;
}

const DATA_OPS = ['READ', 'WRITE', 'CREATE', 'REMOVE', 'RENAME', 'SETATTR', 'OPEN', 'LOOKUP', 'READDIR', 'READDIRPLUS'];

export function protectionOf(f: FlowResult): string {
  const t = f.tls ?? f.dtls;
  if (t) return `${t.version} ${t.cipherSuite}`;
  if (f.class === 'rpcsec-gss-privacy') return 'Kerberos privacy (RPCSEC_GSS)';
  if (f.class === 'nfs-cleartext') return `cleartext ${f.rpc?.nfsVersion ?? 'NFS'}`;
  if (f.class === 'rpc-cleartext') return `cleartext RPC (${(f.rpc?.programs ?? []).join(', ') || 'unknown program'})`;
  return `${f.class} (${f.verdict})`;
}

function exposureOf(flows: FlowResult[]): Exposure {
  const counts = new Map<string, number>();
  const creds = new Set<string>();
  let toServer = 0;
  let toClient = 0;
  for (const f of flows) {
    toServer += f.payload.toServer;
    toClient += f.payload.toClient;
    for (const [op, n] of Object.entries(f.rpc?.operations ?? {})) counts.set(op, (counts.get(op) ?? 0) + n);
    for (const c of f.rpc?.credentials ?? []) creds.add(c);
  }
  const rank = (op: string) => {
    const i = DATA_OPS.indexOf(op);
    return i < 0 ? DATA_OPS.length : i;
  };
  const operations = [...counts]
    .map(([op, calls]) => ({ op, calls }))
    .sort((a, b) => rank(a.op) - rank(b.op) || b.calls - a.calls || (a.op < b.op ? -1 : 1));
  const first = flows.reduce((a, b) => (b.firstSeen < a.firstSeen ? b : a));
  const last = flows.reduce((a, b) => (b.lastSeen > a.lastSeen ? b : a));
  const e: Exposure = {
    operations,
    payloadToServer: toServer,
    payloadToClient: toClient,
    credentials: [...creds].sort(),
    firstFrame: { capture: first.capture, frame: first.firstFrame },
    lastFrame: { capture: last.capture, frame: last.lastFrame },
  };
  addMessages(e, flows);
  return e;
}

function mergeName(into: Map<string, ExposureName>, n: ExposureName): void {
  const had = into.get(n.hash);
  if (had === undefined) {
    into.set(n.hash, { ...n, ...(n.ops ? { ops: [...n.ops] } : {}) });
    return;
  }
  const ops = new Set([...(had.ops ?? []), ...(n.ops ?? [])]);
  if (ops.size > 0) had.ops = [...ops].sort();
}

/** Sums what the flows' NFS messages exposed (FlowResult.exposure, read by triage's exposure pass). */
function addMessages(e: Exposure, flows: FlowResult[]): void {
  const withMessages = flows.filter((f) => f.exposure !== undefined);
  if (withMessages.length === 0) return;
  const read = { replies: 0, bytes: 0 };
  const write = { calls: 0, bytes: 0 };
  const names = new Map<string, ExposureName>();
  const ids = new Map<string, { uid: number; gid: number; machine: ExposureName }>();
  let calls = 0;
  let matched = 0;
  let unanswered = 0;
  let namesDropped = 0;
  let partial = 0;
  let unread = 0;
  for (const f of withMessages) {
    const x = f.exposure!;
    read.replies += x.read.replies;
    read.bytes += x.read.bytes;
    write.calls += x.write.calls;
    write.bytes += x.write.bytes;
    calls += x.calls;
    matched += x.matchedReplies;
    unanswered += x.unansweredCalls;
    namesDropped += x.namesDropped ?? 0;
    partial += x.partialMessages ?? 0;
    unread += x.unreadMessages ?? 0;
    for (const n of x.names) mergeName(names, n);
    for (const i of x.authSys) {
      const k = `${i.uid}:${i.gid}:${i.machine.hash}`;
      if (!ids.has(k)) ids.set(k, i);
    }
  }
  e.read = read;
  e.write = write;
  e.calls = calls;
  e.matchedReplies = matched;
  e.unansweredCalls = unanswered;
  e.names = [...names.values()];
  if (namesDropped > 0) e.namesDropped = namesDropped;
  e.authSys = [...ids.values()];
  if (partial > 0) e.partialMessages = partial;
  if (unread > 0) e.unreadMessages = unread;
}

function relevant(f: FlowResult): boolean {
  return !f.loopback && (f.nfsRelevant || f.class === 'dtls') && f.class !== 'none';
}

/** Timelines per server, in order of first activity. `bindings` maps flow references to their mount. */
export function buildTimelines(flows: FlowResult[], bindings: Map<string, FlowBinding>): ServerTimeline[] {
  const byServer = new Map<string, FlowResult[]>();
  for (const f of flows) {
    if (!relevant(f)) continue;
    const key = endpointText(f.server);
    const list = byServer.get(key);
    if (list) list.push(f);
    else byServer.set(key, [f]);
  }
  const out: ServerTimeline[] = [];
  for (const [server, list] of byServer) {
    list.sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : a.id - b.id));
    const parts: { seg: Segment; flows: FlowResult[] }[] = [];
    for (const f of list) {
      const protection = protectionOf(f);
      const b = bindings.get(flowRef(f));
      const mount = b?.mount;
      const cur = parts.at(-1);
      if (cur && cur.seg.protection === protection && cur.seg.mount === mount) {
        cur.flows.push(f);
        if (f.lastSeen > cur.seg.to) cur.seg.to = f.lastSeen;
        continue;
      }
      const seg: Segment = {
        protection,
        verdict: f.verdict,
        from: f.firstSeen,
        to: f.lastSeen,
        flows: [],
        clients: [],
        ...(mount ? { mount } : {}),
        ...(b ? { binding: b.strength } : {}),
      };
      parts.push({ seg, flows: [f] });
    }
    for (const { seg, flows: fl } of parts) {
      seg.flows = fl.map(flowRef);
      seg.clients = [...new Set(fl.map((f) => f.client.ip))];
      if (seg.verdict === 'cleartext') seg.exposure = exposureOf(fl);
    }
    const segments = parts.map((p) => p.seg);
    out.push({ server, mounts: [...new Set(segments.flatMap((s) => (s.mount ? [s.mount] : [])))], segments });
  }
  return out.sort((a, b) => (a.segments[0].from < b.segments[0].from ? -1 : 1));
}
