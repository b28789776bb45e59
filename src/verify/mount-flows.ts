/**
 * Which flows belong to which mount: a mount's remote legs are its server (addr=, port=) or its tunnel's connect
 * targets (matched by IP, or by TLS SNI when the target is a name); its loopback leg is 127.0.0.1:<local port>.
 */
import { isIP } from 'node:net';
import { formatHostPort, isLoopback } from '../host/judge.js';
import { splitHostPort } from '../host/stunnel.js';
import type { HostInventory } from '../host/types.js';
import type { FlowResult, MountResult } from '../report/schema.js';
import { type BindingStrength, bindFlow, bindingContext, type MountBindingContext } from './binding.js';
import { flowRef } from './flow-policy.js';

export { flowRef };

export interface HostPort {
  host: string;
  port: number;
}

export interface MountFlows {
  mount: MountResult;
  remotes: HostPort[];
  /** Remote hosts given by name: they match only through SNI, so silence about them proves nothing. */
  namedRemotes: boolean;
  loopbackPort?: number;
  cleartext: FlowResult[];
  encrypted: FlowResult[];
  /** Remote flows that are neither (opaque, unknown). */
  other: FlowResult[];
  loopback: FlowResult[];
  /** How each remote flow was bound to the mount (binding.ts). */
  binding: Map<FlowResult, BindingStrength>;
  /** Flows to the mount's server from another client address: not this mount's (UNEXPLAINED names the client). */
  foreign: FlowResult[];
  ctx: MountBindingContext;
}

const ENCRYPTED_CLASSES = new Set(['tls', 'rpc-with-tls', 'dtls', 'rpcsec-gss-privacy']);

/** Classes whose flows can turn out readable although they carry (or claimed) a TLS/DTLS session. */
const SESSION_CLASSES = new Set(['tls', 'rpc-with-tls', 'dtls']);

/**
 * A flow on the wire whose NFS traffic was readable: RPC in the clear, or a TLS/RPC-with-TLS/DTLS flow judged
 * cleartext (RPC after the handshake, a NULL suite, calls before STARTTLS...). The mount it belongs to leaked, as
 * much as one that never used TLS. (Kerberos flows are judged by their security flavor, not here.)
 */
export function isCleartextNfs(f: FlowResult): boolean {
  if (f.verdict !== 'cleartext' || f.loopback) return false;
  return f.class === 'nfs-cleartext' || f.class === 'rpc-cleartext' || SESSION_CLASSES.has(f.class);
}

export function isEncrypted(f: FlowResult): boolean {
  return ENCRYPTED_CLASSES.has(f.class) && (f.verdict === 'encrypted' || f.verdict === 'encrypted-weak');
}

function sameHost(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The remote endpoints a mount's traffic goes to on the wire. */
export function mountRemotes(m: MountResult): HostPort[] {
  if (m.tunnel) {
    if (!m.tunnelTarget) return [];
    return m.tunnelTarget
      .split(',')
      .map((t) => splitHostPort(t, 'localhost'))
      .filter((t): t is HostPort => t !== null && !isLoopback(t.host));
  }
  const hp = m.addr ? splitHostPort(m.addr, '') : null;
  return hp && hp.host !== '' && !isLoopback(hp.host) ? [hp] : [];
}

function matchesRemote(f: FlowResult, r: HostPort): boolean {
  if (f.server.port !== r.port || f.loopback) return false;
  if (isIP(r.host)) return sameHost(f.server.ip, r.host);
  const sni = f.tls?.sni ?? f.dtls?.sni;
  return sni !== undefined && sameHost(sni, r.host);
}

export function matchMount(m: MountResult, flows: FlowResult[], inv?: HostInventory): MountFlows {
  const remotes = mountRemotes(m);
  const ctx = bindingContext(m, inv);
  const loopbackPort = m.tunnel ? m.localPort : undefined;
  const out: MountFlows = {
    mount: m,
    remotes,
    namedRemotes: remotes.some((r) => !isIP(r.host)),
    loopbackPort,
    cleartext: [],
    encrypted: [],
    other: [],
    loopback: [],
    binding: new Map(),
    foreign: [],
    ctx,
  };
  for (const f of flows) {
    if (loopbackPort !== undefined && f.loopback && f.server.port === loopbackPort && isLoopback(f.server.ip)) {
      out.loopback.push(f);
    } else if (remotes.some((r) => matchesRemote(f, r))) {
      const strength = bindFlow(f, ctx, m.tunnel !== undefined);
      if (strength === null) {
        out.foreign.push(f);
        continue;
      }
      out.binding.set(f, strength);
      if (isCleartextNfs(f)) out.cleartext.push(f);
      else if (isEncrypted(f)) out.encrypted.push(f);
      else out.other.push(f);
    }
  }
  return out;
}

const RANK: Record<BindingStrength, number> = {
  'mountstats-port': 0,
  'tunnel-socket': 1,
  'client-address': 2,
  'server-only': 3,
};

/** The security flavor a flow's calls show (`krb5p`, `krb5i`, `krb5`, `sys`), undefined when they show none. */
export function flowSec(f: FlowResult): string | undefined {
  const gss = f.rpc?.gssServices ?? [];
  if (f.class === 'rpcsec-gss-privacy' || gss.includes('privacy')) return 'krb5p';
  // Lease calls (SETCLIENTID, RENEW) go with integrity on krb5 and krb5p mounts too: the weakest service used decides.
  if (gss.includes('none')) return 'krb5';
  if (gss.includes('integrity')) return 'krb5i';
  if (f.rpc?.credentials.includes('AUTH_SYS')) return 'sys';
  return undefined;
}

/** The flavors a mount's `sec=` list allows (the kernel's default is sys). */
function mountSecs(m: MountResult): string[] {
  const v = m.options.sec;
  return typeof v === 'string' ? v.split(':') : ['sys'];
}

function unbind(mf: MountFlows, f: FlowResult): void {
  mf.binding.delete(f);
  mf.cleartext = mf.cleartext.filter((x) => x !== f);
  mf.encrypted = mf.encrypted.filter((x) => x !== f);
  mf.other = mf.other.filter((x) => x !== f);
}

/**
 * A flow several mounts could claim belongs to the one that binds it most strongly (binding.ts): a flow on one
 * mount's mountstats port is that mount's, not also its sibling's by client address. Among mounts that bind it
 * equally, the one whose `sec=` allows the flavor the flow's calls use (a krb5i flow is not the sec=krb5p mount's)
 * when exactly one does. Otherwise it stays with each (which mount it is cannot be told).
 */
export function resolveBindings(mfs: MountFlows[]): void {
  const claims = new Map<FlowResult, MountFlows[]>();
  for (const mf of mfs) {
    for (const f of mf.binding.keys()) {
      const list = claims.get(f);
      if (list) list.push(mf);
      else claims.set(f, [mf]);
    }
  }
  for (const [f, list] of claims) {
    if (list.length < 2) continue;
    const best = Math.min(...list.map((mf) => RANK[mf.binding.get(f)!]));
    let keep = list.filter((mf) => RANK[mf.binding.get(f)!] === best);
    const sec = flowSec(f);
    if (keep.length > 1 && sec !== undefined) {
      const bySec = keep.filter((mf) => mountSecs(mf.mount).includes(sec));
      if (bySec.length === 1) keep = bySec;
    }
    for (const mf of list) if (!keep.includes(mf)) unbind(mf, f);
  }
}

export function describeRemotes(mf: MountFlows): string {
  return mf.remotes.map((r) => formatHostPort(r.host, r.port)).join(', ') || 'no remote target';
}
