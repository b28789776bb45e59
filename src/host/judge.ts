/** judgeMounts: one verdict per NFS mount, with its reason and the file:line sources (spec host-config-formats). */
import type { MountResult, TunnelStatus } from '../report/schema.js';
import { baseName, encodeMountPoint, tunnelCommand } from './efs-utils.js';
import { iniValue } from './ini.js';
import { optString } from './mount-table.js';
import { findServiceByAccept, opt, optAll } from './stunnel.js';
import { judgeStunnelService, type ServiceVerdict } from './stunnel-verdict.js';
import type { EfsState, HostInventory, MountEntry, StunnelConfig, StunnelService } from './types.js';

type Judged = Pick<MountResult, 'mechanism' | 'verdict' | 'reason'> &
  Partial<Pick<MountResult, 'tunnelTarget' | 'tunnel'>> & { extraSources?: MountResult['sources'] };

export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip === 'localhost';
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function connectTargets(service: StunnelService): string | undefined {
  const list = optAll(service.options, 'connect').map((c) =>
    c.value.includes(':') ? c.value : `localhost:${c.value}`,
  );
  return list.length ? list.join(', ') : undefined;
}

function fromService(mechanism: string, v: ServiceVerdict, service: StunnelService, tunnel: TunnelStatus): Judged {
  return {
    mechanism,
    verdict: v.verdict,
    reason: v.reason,
    extraSources: v.sources,
    tunnelTarget: connectTargets(service),
    tunnel,
  };
}

function configOf(inv: HostInventory, file: string): StunnelConfig | undefined {
  return inv.stunnelConfigs.find((c) => c.file === file);
}

function judgeXprtsec(mode: string, inv: HostInventory): Judged {
  const store = iniValue(inv.tlshd, 'authenticate.client', 'x509.truststore');
  const trust = store ? `trust store ${store.value}` : 'the system trust store (tlshd sets no x509.truststore)';
  return {
    mechanism: `xprtsec-${mode}`,
    verdict: 'tls-verified',
    reason: `kernel RPC-with-TLS (xprtsec=${mode}): tlshd checks the server certificate and name against ${trust}`,
    extraSources: store ? [store.src] : [],
  };
}

function judgeEfsProxy(
  state: EfsState,
  args: string[],
  config: StunnelConfig | undefined,
  tunnel: TunnelStatus,
): Judged {
  const service = config?.services[0];
  const target = service ? connectTargets(service) : undefined;
  const base = { mechanism: 'efs-proxy', tunnelTarget: target, tunnel, extraSources: [state.src] };
  if (!args.includes('--tls')) {
    return {
      ...base,
      verdict: 'tunnel-plaintext',
      reason: `efs-proxy runs without --tls (${state.file}): it forwards plaintext NFS to ${target ?? 'the mount target'}`,
    };
  }
  if (!service) {
    return {
      ...base,
      verdict: 'unknown',
      reason: 'efs-proxy runs with --tls but its config is missing: verification cannot be judged',
    };
  }
  const ca = opt(service.options, 'cafile');
  const host = opt(service.options, 'checkhost');
  base.extraSources.push(...[ca?.src, host?.src].filter((s) => s !== undefined));
  if (!ca || ca.value === '') {
    return {
      ...base,
      verdict: 'tls-unverified',
      reason: 'efs-proxy --tls without CAfile: certificate verification is disabled',
    };
  }
  if (!host) {
    return {
      ...base,
      verdict: 'tls-unverified',
      reason: `efs-proxy --tls with CAfile ${ca.value} but no checkHost: the server name is not checked`,
    };
  }
  return {
    ...base,
    verdict: 'tls-verified',
    reason: `efs-proxy --tls, CA ${ca.value}, server name checked: ${host.value}`,
  };
}

function judgeEfsState(state: EfsState, inv: HostInventory, port: number): Judged {
  const { program, name, args } = tunnelCommand(state.cmd);
  const configFile =
    args.find((a) => !a.startsWith('-')) ??
    state.files[0] ??
    `/var/run/efs/stunnel-config.${state.stem.fsId}.${state.stem.encodedMountPoint}.${state.stem.port}`;
  const config = configOf(inv, configFile);
  const tunnel: TunnelStatus = {
    state: 'found',
    config: config ? 'found' : 'missing',
    pid: state.pidStatus.pid,
    pidState: state.pidStatus.state,
    pidReason: state.pidStatus.reason,
  };
  if (program === 'efs-proxy') return judgeEfsProxy(state, args, config, tunnel);
  if (program === 'stunnel') {
    const service = config ? (findServiceByAccept([config], port)?.service ?? config.services[0]) : undefined;
    if (service) {
      const judged = fromService('efs-utils-stunnel', judgeStunnelService(service), service, tunnel);
      judged.extraSources?.unshift(state.src);
      return judged;
    }
    return {
      mechanism: 'efs-utils-stunnel',
      verdict: 'unknown',
      reason: `stunnel config ${configFile} is missing`,
      tunnel,
      extraSources: [state.src],
    };
  }
  const what = state.error
    ? `state file is ${state.error}`
    : `tunnel command ${JSON.stringify(name)} is neither efs-proxy nor stunnel`;
  return { mechanism: 'unknown', verdict: 'unknown', reason: `efs-utils ${what}`, tunnel, extraSources: [state.src] };
}

function judgeLoopback(m: MountEntry, inv: HostInventory, port: number): Judged {
  const enc = encodeMountPoint(m.mountPoint);
  const state = inv.efsStates.find(
    (s) => s.stem.port === port && s.stem.encodedMountPoint === enc && !s.stem.inProgress,
  );
  if (state) return judgeEfsState(state, inv, port);
  const aznfs = findServiceByAccept(
    inv.stunnelConfigs.filter((c) => c.origin === 'aznfs'),
    port,
  );
  if (aznfs) {
    const entry = inv.aznfsMap.find((e) => e.conf === aznfs.config.file);
    const tunnel: TunnelStatus = {
      state: entry ? 'found' : 'missing',
      config: 'found',
      pid: entry?.pidStatus.pid,
      pidState: entry?.pidStatus.state ?? 'unknown',
      pidReason: entry?.pidStatus.reason ?? 'no mountmapv4 line for this conf',
    };
    const judged = fromService('aznfs-stunnel', judgeStunnelService(aznfs.service), aznfs.service, tunnel);
    if (entry) judged.extraSources?.push(entry.src);
    return judged;
  }
  const generic = findServiceByAccept(
    inv.stunnelConfigs.filter((c) => c.origin === 'generic'),
    port,
  );
  if (generic) {
    const tunnel: TunnelStatus = {
      state: 'none',
      config: 'found',
      pidState: 'unknown',
      pidReason: 'generic stunnel keeps no state',
    };
    return fromService('stunnel', judgeStunnelService(generic.service), generic.service, tunnel);
  }
  const efsConfig = inv.stunnelConfigs.find(
    (c) => c.origin === 'efs-utils' && baseName(c.file).endsWith(`.${enc}.${port}`),
  );
  const why = efsConfig
    ? `${efsConfig.file} exists but there is no efs-utils state file for ${enc}.${port}`
    : `no efs-utils state, AZNFS or stunnel config accepts on 127.0.0.1:${port}`;
  if (port === 2049 && !efsConfig) {
    return { mechanism: 'unknown', verdict: 'unknown', reason: `loopback mount on port 2049: ${why}` };
  }
  return {
    mechanism: 'unknown',
    verdict: 'unknown',
    reason: `loopback mount (addr=127.0.0.1 does not prove encryption): ${why}`,
    tunnel: { state: 'missing', config: efsConfig ? 'found' : 'missing', pidState: 'unknown' },
  };
}

function directReason(m: MountEntry, addr: string): string {
  const base = `NFS straight to ${addr} with no tunnel, no xprtsec, no sec=krb5p`;
  if (/\.file\.core\./.test(m.server)) return `${base} (AZNFS notls)`;
  if (m.fsType === 'nfs' && optString(m.options, 'port') === '2048') return `${base} (AZNFS Blob NFSv3 is plaintext)`;
  if (/^fs-[0-9a-f]+\.efs\./.test(m.server)) return `${base} (efs-utils mount without tls)`;
  return base;
}

function judgeOne(m: MountEntry, inv: HostInventory, addr: string, port: number): Judged {
  const xprtsec = optString(m.options, 'xprtsec');
  if (xprtsec === 'tls' || xprtsec === 'mtls') return judgeXprtsec(xprtsec, inv);
  const sec = optString(m.options, 'sec') ?? 'sys';
  const flavors = sec.split(':');
  if (flavors.every((f) => f === 'krb5p')) {
    return {
      mechanism: 'krb5p',
      verdict: 'kerberos-privacy',
      reason: 'sec=krb5p: RPCSEC_GSS privacy encrypts every NFS call and reply',
    };
  }
  const judged = isLoopback(addr)
    ? judgeLoopback(m, inv, port)
    : { mechanism: 'direct', verdict: 'direct-cleartext' as const, reason: directReason(m, addr) };
  // A list such as krb5p:sys lets the server pick a flavor without privacy: krb5p is then not a guarantee.
  if (flavors.includes('krb5p'))
    judged.reason += ` (sec=${sec} also allows ${weakerFlavors(flavors)}: not Kerberos privacy)`;
  return judged;
}

function weakerFlavors(flavors: string[]): string {
  return flavors.filter((f) => f !== 'krb5p').join(', ');
}

export function judgeMount(m: MountEntry, inv: HostInventory): MountResult {
  const addr = optString(m.options, 'addr') ?? m.server;
  const portText = optString(m.options, 'port');
  const port = portText && /^\d+$/.test(portText) && Number(portText) > 0 ? Number(portText) : 2049;
  const j = judgeOne(m, inv, addr, port);
  const sources = [m.src];
  for (const s of j.extraSources ?? []) {
    if (!sources.some((x) => x.file === s.file && x.line === s.line)) sources.push(s);
  }
  const out: MountResult = {
    mountPoint: m.mountPoint,
    server: m.server,
    export: m.export,
    fsType: m.fsType,
    mechanism: j.mechanism,
    addr: formatHostPort(addr, port),
    verdict: j.verdict,
    reason: j.reason,
    sources,
    options: m.options,
  };
  if (j.tunnel) {
    out.localPort = port;
    out.tunnel = j.tunnel;
  }
  if (j.tunnelTarget) out.tunnelTarget = j.tunnelTarget;
  return out;
}

export function judgeMounts(inv: HostInventory): MountResult[] {
  return inv.mounts.map((m) => judgeMount(m, inv));
}
