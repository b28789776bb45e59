/**
 * Policy-file rules applied to the findings of a run (issue 16): cleartext exceptions (accepted until their expiry
 * date; an expired one is a finding and accepts nothing), the mechanism each server or mount must use, and whether
 * certificate verification is required. Reads results and host mounts, never bytes.
 */
import type { Finding, FlowResult, MountResult } from '../report/schema.js';
import { makeFinding } from './findings.js';
import { flowRef } from './flow-policy.js';

export const MECHANISMS = ['tls', 'rpc-with-tls', 'krb5p', 'dtls'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

export interface MechanismRule {
  server?: string;
  mount?: string;
  allow: readonly Mechanism[];
}

export interface CleartextException {
  server?: string;
  mount?: string;
  reason: string;
  /** YYYY-MM-DD: accepted through this day. */
  expires: string;
}

/** Findings an exception can accept: cleartext on the wire or by configuration. */
const CLEARTEXT_CODES = new Set([
  'CLEARTEXT-NFS',
  'CLEARTEXT-RPC',
  'BYPASS',
  'UNEXPLAINED',
  'PLAINTEXT-BY-CONFIG',
  'MIXED',
]);

const FLOW_MECHANISM: Partial<Record<FlowResult['class'], Mechanism>> = {
  tls: 'tls',
  'rpc-with-tls': 'rpc-with-tls',
  dtls: 'dtls',
  'rpcsec-gss-privacy': 'krb5p',
};

const MOUNT_MECHANISM: Record<string, Mechanism> = {
  'efs-utils-stunnel': 'tls',
  'efs-proxy': 'tls',
  'aznfs-stunnel': 'tls',
  stunnel: 'tls',
  'xprtsec-tls': 'rpc-with-tls',
  'xprtsec-mtls': 'rpc-with-tls',
  krb5p: 'krb5p',
};

/** Host part of "10.0.0.5:2049" / "[2001:db8::1]:2049" / "fs-1.example". */
function hostOf(addr: string | undefined): string | undefined {
  if (addr === undefined) return undefined;
  const m = /^\[([^\]]+)\]/.exec(addr) ?? /^([^:]+):\d+$/.exec(addr);
  return m ? m[1] : addr;
}

/** Every name a mount's server goes by: the server in the mount table, the address the kernel uses, the tunnel target. */
function mountServers(m: MountResult): Set<string> {
  const out = new Set<string>([m.server]);
  for (const a of [m.addr, m.tunnelTarget]) {
    const h = hostOf(a);
    if (h !== undefined) out.add(h);
  }
  return out;
}

/** Findings for flows and mounts protected by a mechanism the policy does not allow for their server or mount. */
export function mechanismFindings(
  flows: FlowResult[],
  mounts: MountResult[],
  rules: readonly MechanismRule[],
): Finding[] {
  const out: Finding[] = [];
  for (const r of rules) {
    if (r.server !== undefined) {
      const bad = flows.filter((f) => {
        const mech = FLOW_MECHANISM[f.class];
        return f.server.ip === r.server && !f.loopback && mech !== undefined && !r.allow.includes(mech);
      });
      if (bad.length > 0) {
        const seen = [...new Set(bad.map((f) => FLOW_MECHANISM[f.class]))].join(', ');
        out.push(
          makeFinding(
            'MECHANISM-NOT-ALLOWED',
            `${r.server}: traffic protected by ${seen}, the policy allows ${r.allow.join(', ')} (${bad.length} flow${bad.length === 1 ? '' : 's'})`,
            { flows: bad.map(flowRef) },
          ),
        );
      }
    }
    for (const m of mounts) {
      const matches =
        (r.mount !== undefined && r.mount === m.mountPoint) ||
        (r.server !== undefined && mountServers(m).has(r.server));
      const mech = MOUNT_MECHANISM[m.mechanism];
      if (!matches || mech === undefined || r.allow.includes(mech)) continue;
      out.push(
        makeFinding(
          'MECHANISM-NOT-ALLOWED',
          `${m.mountPoint}: mounted through ${m.mechanism} (${mech}), the policy allows ${r.allow.join(', ')}`,
          { mount: m.mountPoint, sources: m.sources },
        ),
      );
    }
  }
  return out;
}

/** Does the exception cover this finding (same mount, or one of its servers)? */
function covers(
  e: CleartextException,
  x: Finding,
  flowsByRef: Map<string, FlowResult>,
  mounts: MountResult[],
): boolean {
  if (!CLEARTEXT_CODES.has(x.code)) return false;
  if (e.mount !== undefined && x.mount === e.mount) return true;
  if (e.server === undefined) return false;
  for (const r of x.flows ?? []) if (flowsByRef.get(r)?.server.ip === e.server) return true;
  const m = mounts.find((mm) => mm.mountPoint === x.mount);
  return m !== undefined && mountServers(m).has(e.server);
}

/**
 * Marks the findings live exceptions accept, and adds one EXCEPTION-EXPIRED finding per expired exception (which
 * accepts nothing). `today` is YYYY-MM-DD; an exception is live through its expiry day.
 */
export function applyExceptions(
  findings: Finding[],
  flows: FlowResult[],
  mounts: MountResult[],
  exceptions: readonly CleartextException[],
  today: string,
): Finding[] {
  const byRef = new Map(flows.map((f) => [flowRef(f), f]));
  const out = findings.map((x) => ({ ...x }));
  for (const e of exceptions) {
    const what = e.mount !== undefined ? `mount ${e.mount}` : `server ${e.server ?? '?'}`;
    if (e.expires < today) {
      out.push(
        makeFinding('EXCEPTION-EXPIRED', `cleartext exception for ${what} expired on ${e.expires} (${e.reason})`),
      );
      continue;
    }
    for (const x of out) {
      if (x.accepted === undefined && covers(e, x, byRef, mounts)) {
        x.accepted = { by: 'exception', reason: e.reason, expires: e.expires };
      }
    }
  }
  return out;
}
