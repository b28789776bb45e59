/**
 * Binding flows to mounts by strength, from what a bundle (or the local host) shows:
 *   1. `mountstats-port`: the mount's own transport (mountstats `xprt: tcp <local port>`, one per nconnect
 *      connection; exact for connections alive at collection time);
 *   2. `tunnel-socket`: a socket of the tunnel process behind the mount (its /proc/PID/fd, resolved in its netns);
 *   3. `client-address`: the flow comes from the mount's client address (`clientaddr=`, else one of the host's
 *      interface addresses) and goes to the mount's server (or its tunnel's target);
 *   4. `server-only`: nothing is known of this host's addresses: only the server address and port match.
 * A flow from another client address is never bound: it is someone else's traffic (UNEXPLAINED, naming the client).
 */
import { isLoopback } from '../host/judge.js';
import type { HostInventory, ProcessInfo } from '../host/types.js';
import type { FlowResult, MountResult } from '../report/schema.js';

export type BindingStrength = 'mountstats-port' | 'tunnel-socket' | 'client-address' | 'server-only';

export interface MountBindingContext {
  /** Local ports of the mount's transports (mountstats). */
  transportPorts: Set<number>;
  /** `localPort>remoteIp:remotePort` of the tunnel process's sockets. */
  tunnelSockets: Set<string>;
  /** Addresses this mount's traffic may come from; empty when unknown. */
  clientAddrs: Set<string>;
  /** The tunnel process found behind this mount (by pid, or by who listens on its loopback port). */
  tunnelProcess?: ProcessInfo;
}

const EMPTY: MountBindingContext = { transportPorts: new Set(), tunnelSockets: new Set(), clientAddrs: new Set() };

function optionString(opts: Record<string, string | true>, key: string): string | undefined {
  const v = opts[key];
  return typeof v === 'string' ? v : undefined;
}

/** The tunnel process behind a tunneled mount: its pid if known, else whoever listens on its loopback port. */
export function tunnelProcessOf(m: MountResult, processes: ProcessInfo[] | undefined): ProcessInfo | undefined {
  if (!processes || !m.tunnel) return undefined;
  if (m.tunnel.pid !== undefined) {
    const byPid = processes.find((p) => p.pid === m.tunnel?.pid);
    if (byPid) return byPid;
  }
  return processes.find((p) =>
    p.sockets.some((s) => s.state === 'LISTEN' && s.local.port === m.localPort && isLoopback(s.local.ip)),
  );
}

export function bindingContext(m: MountResult, inv: HostInventory | undefined): MountBindingContext {
  const state = inv?.state;
  if (!state) return EMPTY;
  const ctx: MountBindingContext = { transportPorts: new Set(), tunnelSockets: new Set(), clientAddrs: new Set() };
  for (const ms of state.mountstats) {
    if (ms.mountPoint !== m.mountPoint) continue;
    for (const t of ms.transports) if (t.localPort > 0) ctx.transportPorts.add(t.localPort);
  }
  const proc = tunnelProcessOf(m, state.processes);
  if (proc) {
    ctx.tunnelProcess = proc;
    for (const s of proc.sockets) {
      if (s.state !== 'LISTEN' && !isLoopback(s.remote.ip))
        ctx.tunnelSockets.add(`${s.local.port}>${s.remote.ip}:${s.remote.port}`);
    }
  }
  const clientaddr = optionString(m.options, 'clientaddr');
  if (clientaddr && !isLoopback(clientaddr) && clientaddr !== '0.0.0.0') ctx.clientAddrs.add(clientaddr);
  else for (const i of state.manifest?.interfaces ?? []) if (!isLoopback(i.address)) ctx.clientAddrs.add(i.address);
  return ctx;
}

/** How strongly a flow that reaches the mount's server belongs to the mount; null when it is another client's. */
export function bindFlow(f: FlowResult, ctx: MountBindingContext, tunneled: boolean): BindingStrength | null {
  if (!tunneled && ctx.transportPorts.has(f.client.port)) return 'mountstats-port';
  if (tunneled && ctx.tunnelSockets.has(`${f.client.port}>${f.server.ip}:${f.server.port}`)) return 'tunnel-socket';
  if (ctx.clientAddrs.size === 0) return 'server-only';
  return ctx.clientAddrs.has(f.client.ip) ? 'client-address' : null;
}
