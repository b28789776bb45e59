/**
 * Flows analysed but not listed (unrelated to NFS, or past --max-listed): counted, and the NFS-relevant ones on the
 * wire kept as kinds (class, verdict, suite, programs) with counts, so the policy judges them by the same rules as
 * listed flows and a listing cap can never change the exit code. Bounded: at most MAX_KINDS kinds; past it a
 * kind is folded into an `opaque`/`unknown` kind (unproven, never verified).
 */
import type { CaptureResult, FlowResult, UnlistedKind } from '../report/schema.js';

const MAX_KINDS = 256;
/** Anomaly codes kept per kind (the policy ranks them; analysis does not know severities). */
const MAX_KIND_ANOMALIES = 8;

export type Unlisted = NonNullable<CaptureResult['unlisted']> & { nfsRelevantKinds: UnlistedKind[] };

export function newUnlisted(): Unlisted {
  return { total: 0, byClass: {}, nfsRelevantByVerdict: {}, nfsRelevantKinds: [] };
}

function kindKey(k: Omit<UnlistedKind, 'count'>): string {
  const s = k.suite;
  return [
    k.transport,
    k.class,
    k.verdict,
    k.nfsVersion ?? '',
    (k.programs ?? []).join(','),
    s ? `${s.dtls}|${s.version}|${s.cipherSuiteId}|${s.grade}` : '',
    (k.anomalies ?? []).map((a) => `${a.code}|${a.detail}`).join('|'),
  ].join('|');
}

/** Adds one kind (count n) to the list, merging equal kinds; the index speeds up repeated adds. */
export function addKind(
  u: Unlisted,
  index: Map<string, UnlistedKind>,
  kind: Omit<UnlistedKind, 'count'>,
  n: number,
): void {
  let k = kind;
  let key = kindKey(k);
  if (!index.has(key) && index.size >= MAX_KINDS) {
    k = { transport: kind.transport, class: 'opaque', verdict: 'unknown' };
    key = kindKey(k);
  }
  const have = index.get(key);
  if (have) {
    have.count += n;
    return;
  }
  const made: UnlistedKind = { count: n, ...k };
  index.set(key, made);
  u.nfsRelevantKinds.push(made);
}

export function kindOf(r: FlowResult): Omit<UnlistedKind, 'count'> {
  const k: Omit<UnlistedKind, 'count'> = { transport: r.transport, class: r.class, verdict: r.verdict };
  if (r.rpc?.nfsVersion !== undefined) k.nfsVersion = r.rpc.nfsVersion;
  if (r.rpc && r.rpc.programs.length > 0) k.programs = [...r.rpc.programs];
  const anomalies: { code: string; detail: string }[] = [];
  for (const a of r.anomalies ?? []) {
    if (anomalies.length >= MAX_KIND_ANOMALIES) break;
    if (!anomalies.some((x) => x.code === a.code)) anomalies.push({ code: a.code, detail: a.what });
  }
  if (anomalies.length > 0) k.anomalies = anomalies;
  const s = r.tls ?? r.dtls;
  if (s) {
    k.suite = {
      dtls: r.dtls !== undefined,
      version: s.version,
      cipherSuiteId: s.cipherSuiteId,
      cipherSuite: s.cipherSuite,
      grade: s.grade,
    };
  }
  return k;
}

/** Counts one unlisted flow. */
export function countUnlisted(u: Unlisted, index: Map<string, UnlistedKind>, r: FlowResult): void {
  u.total++;
  u.byClass[r.class] = (u.byClass[r.class] ?? 0) + 1;
  if (!r.nfsRelevant || r.loopback) return;
  u.nfsRelevantByVerdict[r.verdict] = (u.nfsRelevantByVerdict[r.verdict] ?? 0) + 1;
  if (r.payload.total > 0) addKind(u, index, kindOf(r), 1);
}

/**
 * Counts one unlisted flow that carried no payload, without its result: class "none", verdict "unknown" (what
 * flowVerdict says of a flow without payload), NFS-relevant when on the NFS port set.
 */
export function countEmptyUnlisted(u: Unlisted, nfsRelevant: boolean, loopback: boolean): void {
  u.total++;
  u.byClass.none = (u.byClass.none ?? 0) + 1;
  if (nfsRelevant && !loopback) u.nfsRelevantByVerdict.unknown = (u.nfsRelevantByVerdict.unknown ?? 0) + 1;
}

/** Merges shard results (parallel workers). */
export function mergeUnlisted(parts: (CaptureResult['unlisted'] | undefined)[]): Unlisted {
  const out = newUnlisted();
  const index = new Map<string, UnlistedKind>();
  for (const u of parts) {
    if (!u) continue;
    out.total += u.total;
    for (const [k, n] of Object.entries(u.byClass)) out.byClass[k] = (out.byClass[k] ?? 0) + n;
    for (const [k, n] of Object.entries(u.nfsRelevantByVerdict))
      out.nfsRelevantByVerdict[k] = (out.nfsRelevantByVerdict[k] ?? 0) + n;
    for (const kind of u.nfsRelevantKinds ?? []) {
      const { count, ...rest } = kind;
      addKind(out, index, rest, count);
    }
  }
  return out;
}
