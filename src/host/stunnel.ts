/**
 * Reader of stunnel configs (stunnel 5 syntax; efs-utils and AZNFS write it too). Global service-level options
 * become defaults of every service; `include = DIR` splices DIR's files in alphabetical order. Pure: the caller
 * supplies the include loader.
 */
import { addOption, type IniLine, iniLines } from './ini.js';
import type { OptionMap, OptionValue, StunnelConfig, StunnelOrigin, StunnelService } from './types.js';

/** Options that only exist globally and are not service defaults. */
const GLOBAL_ONLY = new Set([
  'chroot',
  'compression',
  'egd',
  'engine',
  'enginectrl',
  'enginedefault',
  'fips',
  'foreground',
  'iconactive',
  'iconerror',
  'iconidle',
  'include',
  'log',
  'output',
  'pid',
  'rndbytes',
  'rndfile',
  'rndoverwrite',
  'service',
  'setgid',
  'setuid',
  'socket',
  'syslog',
  'taskbar',
]);

/** List options: a service's values add to the global list instead of replacing it. */
const LIST_KEYS = new Set(['checkhost', 'checkip', 'checkemail']);

const MAX_INCLUDE_DEPTH = 8;
const MAX_INCLUDED_FILES = 256;

export interface IncludedFile {
  file: string;
  text: string;
}

/** Returns the files of an included directory (sorted), or a warning string. */
export type IncludeLoader = (dir: string, fromFile: string) => Promise<IncludedFile[] | string>;

interface ExpandState {
  stack: string[];
  count: number;
  warnings: string[];
}

async function expand(
  text: string,
  file: string,
  load: IncludeLoader | undefined,
  st: ExpandState,
): Promise<IniLine[]> {
  const out: IniLine[] = [];
  st.stack.push(file);
  for (const l of iniLines(text, file)) {
    if (l.kind !== 'option' || l.key !== 'include') {
      out.push(l);
      continue;
    }
    const where = `${file}:${l.src.line}`;
    if (!load) continue;
    if (st.stack.length > MAX_INCLUDE_DEPTH) {
      st.warnings.push(`${where}: include nested deeper than ${MAX_INCLUDE_DEPTH}; skipped`);
      continue;
    }
    const files = await load(l.value, file);
    if (typeof files === 'string') {
      st.warnings.push(`${where}: include ${l.value}: ${files}`);
      continue;
    }
    for (const f of files) {
      if (st.stack.includes(f.file)) {
        st.warnings.push(`${where}: include loop through ${f.file}; skipped`);
        continue;
      }
      if (++st.count > MAX_INCLUDED_FILES) {
        st.warnings.push(`${where}: more than ${MAX_INCLUDED_FILES} included files; the rest skipped`);
        break;
      }
      out.push(...(await expand(f.text, f.file, load, st)));
    }
  }
  st.stack.pop();
  return out;
}

function mergeService(globals: OptionMap, own: OptionMap): OptionMap {
  const merged: OptionMap = {};
  for (const [k, v] of Object.entries(globals)) if (!GLOBAL_ONLY.has(k)) merged[k] = [...v];
  for (const [k, v] of Object.entries(own)) merged[k] = LIST_KEYS.has(k) ? [...(merged[k] ?? []), ...v] : [...v];
  return merged;
}

export async function parseStunnel(
  text: string,
  file: string,
  origin: StunnelOrigin,
  load?: IncludeLoader,
): Promise<{ config: StunnelConfig; warnings: string[] }> {
  const st: ExpandState = { stack: [], count: 0, warnings: [] };
  const lines = await expand(text, file, load, st);
  const globals: OptionMap = {};
  const raw: { name: string; src: OptionValue['src']; own: OptionMap }[] = [];
  for (const l of lines) {
    if (l.kind === 'section') raw.push({ name: l.name, src: l.src, own: {} });
    else addOption(raw.length ? raw[raw.length - 1].own : globals, l.key, l.value, l.src);
  }
  const services: StunnelService[] = raw.map((s) => ({
    name: s.name,
    src: s.src,
    options: mergeService(globals, s.own),
  }));
  return { config: { file, origin, globals, services }, warnings: st.warnings };
}

/** The effective (last) value of an option. */
export function opt(map: OptionMap, key: string): OptionValue | undefined {
  const list = map[key.toLowerCase()];
  return list && list.length > 0 ? list[list.length - 1] : undefined;
}

/** Every value of a (list) option. */
export function optAll(map: OptionMap, key: string): OptionValue[] {
  return map[key.toLowerCase()] ?? [];
}

/** Splits `[host:]port`, `host:port` or `[v6]:port`; a bare port means localhost for connect, any for accept. */
export function splitHostPort(value: string, defaultHost: string): { host: string; port: number } | null {
  const v = value.trim();
  let host = defaultHost;
  let portText = v;
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    if (end < 0) return null;
    host = v.slice(1, end);
    portText = v.slice(end + 2);
  } else {
    const colon = v.lastIndexOf(':');
    if (colon >= 0) {
      host = v.slice(0, colon);
      portText = v.slice(colon + 1);
      if (host.startsWith(':')) host = host.replace(/^:+/, '') || '::';
    }
  }
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  return port > 0 && port < 65536 ? { host, port } : null;
}

/** The service whose `accept` listens on local port `port` (loopback or any address). */
export function findServiceByAccept(configs: StunnelConfig[], port: number) {
  for (const config of configs) {
    for (const service of config.services) {
      for (const a of optAll(service.options, 'accept')) {
        const hp = splitHostPort(a.value, '0.0.0.0');
        if (hp && hp.port === port && isLocalListen(hp.host)) return { config, service, accept: a };
      }
    }
  }
  return undefined;
}

function isLocalListen(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}
