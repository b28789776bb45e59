/** Readers of amazon-efs-utils state: file-name stems, JSON tunnel state files, and the tunnel command line. Pure. */
import type { EfsStem, PidStatus } from './types.js';

export const EFS_STATE_DIR = '/var/run/efs';
export const EFS_UTILS_CONF = '/etc/amazon/efs/efs-utils.conf';

/** efs-utils' encoding of a mount point: absolute path, `/` → `.`, leading dots stripped. */
export function encodeMountPoint(mountPoint: string): string {
  const abs = mountPoint.startsWith('/') ? mountPoint : `/${mountPoint}`;
  return abs.replace(/\//g, '.').replace(/^\.+/, '');
}

/** Parses `[~]<fs-id>.<enc(mp)>.<port>`: fs-id up to the first dot, port after the last. */
export function parseEfsStem(name: string): EfsStem | null {
  const inProgress = name.startsWith('~');
  const body = inProgress ? name.slice(1) : name;
  if (!body.startsWith('fs-') || body.endsWith('+')) return null;
  const first = body.indexOf('.');
  const last = body.lastIndexOf('.');
  if (first < 0 || last <= first) return null;
  const portText = body.slice(last + 1);
  if (!/^\d{1,5}$/.test(portText)) return null;
  return {
    fsId: body.slice(0, first),
    encodedMountPoint: body.slice(first + 1, last),
    port: Number(portText),
    inProgress,
  };
}

export interface EfsStateJson {
  pid?: number;
  cmd: string[];
  files: string[];
  mountPoint?: string;
  serviceType?: string;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Parses the one-line JSON state; returns an error string when it is not a JSON object. */
export function parseEfsStateJson(text: string): EfsStateJson | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'not a JSON object';
  const o = data as Record<string, unknown>;
  return {
    pid: typeof o.pid === 'number' && Number.isInteger(o.pid) ? o.pid : undefined,
    cmd: strings(o.cmd),
    files: strings(o.files),
    mountPoint: typeof o.mountpoint === 'string' ? o.mountpoint : undefined,
    serviceType: typeof o.service_type === 'string' ? o.service_type : undefined,
  };
}

export type TunnelProgram = 'efs-proxy' | 'stunnel' | 'other';

/** The tunnel program of a state `cmd` (skipping an `nsenter --net=<ns>` prefix) and its arguments. */
export function tunnelCommand(cmd: string[]): { program: TunnelProgram; name: string; args: string[] } {
  let i = 0;
  if (cmd.length > 0 && baseName(cmd[0]) === 'nsenter') {
    i = 1;
    while (i < cmd.length && cmd[i].startsWith('-')) i++;
  }
  const name = i < cmd.length ? baseName(cmd[i]) : '';
  const program: TunnelProgram =
    name === 'efs-proxy'
      ? 'efs-proxy'
      : name === 'stunnel' || name === 'stunnel5' || name === 'stunnel4'
        ? 'stunnel'
        : 'other';
  return { program, name, args: cmd.slice(i + 1) };
}

export function baseName(p: string): string {
  const s = p.lastIndexOf('/');
  return s >= 0 ? p.slice(s + 1) : p;
}

/** Pid states for bundles (no /proc to look at) and for a missing or placeholder pid. */
export function pidNotChecked(pid: number | undefined, local: boolean): PidStatus {
  if (pid === undefined || pid <= 0) return { pid, state: 'unknown', reason: 'no tunnel pid recorded' };
  return { pid, state: 'unknown', reason: local ? 'pid not checked' : 'pids are checked only on the local host' };
}
