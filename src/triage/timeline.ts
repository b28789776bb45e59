/**
 * Triage timelines: per server (and the mount bound to it), the flows in time order folded into segments of one
 * protection (TLS version and suite, Kerberos privacy, cleartext...), each with its times (UTC, ISO 8601), clients,
 * mount and binding strength; for cleartext segments, what crossed the wire (operations, data-bearing first, bytes,
 * credential flavors, first and last frame). Reads results, never bytes.
 */
import { endpointText, flowRef } from '../report/refs.js';
import type { FlowResult } from '../report/schema.js';
import type { BindingStrength } from '../verify/binding.js';

export interface Exposure {
  /** Operations seen in calls, data-bearing first (READ, WRITE, CREATE, REMOVE, RENAME, SETATTR), then by count. */
  operations: { op: string; calls: number }[];
  /** Transport payload bytes each way (file data, names and attributes travel in them). */
  payloadToServer: number;
  payloadToClient: number;
  credentials: string[];
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
  return {
    operations,
    payloadToServer: toServer,
    payloadToClient: toClient,
    credentials: [...creds].sort(),
    firstFrame: { capture: first.capture, frame: first.firstFrame },
    lastFrame: { capture: last.capture, frame: last.lastFrame },
  };
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
