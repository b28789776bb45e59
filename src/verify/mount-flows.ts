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

export function isCleartextNfs(f: FlowResult): boolean {
  return (f.class === 'nfs-cleartext' || f.class === 'rpc-cleartext') && f.verdict === 'cleartext' && !f.loopback;
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

export function describeRemotes(mf: MountFlows): string {
  return mf.remotes.map((r) => formatHostPort(r.host, r.port)).join(', ') || 'no remote target';
}
