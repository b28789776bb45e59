/** readHostInventory: gathers mounts and tunnel state from a host root ('/' or an evidence bundle). */
import path from 'node:path';
import { AZNFS_MAP_V4, AZNFS_STUNNEL_DIR, parseMountMapV4, parsePidFile } from './aznfs.js';
import { MANIFEST_FILE } from './bundle-paths.js';
import { PROCESSES_FILE, readProcesses } from './collect-live.js';
import { EFS_STATE_DIR, EFS_UTILS_CONF, parseEfsStateJson, parseEfsStem } from './efs-utils.js';
import { parseIni } from './ini.js';
import { parseMountTable } from './mount-table.js';
import { checkPid } from './pid.js';
import { parseMountstats, parseProcNet } from './procfs.js';
import { DEFAULT_LIMITS, SafeFs } from './safe-fs.js';
import { type IncludedFile, type IncludeLoader, parseStunnel } from './stunnel.js';
import type {
  BundleManifest,
  EfsState,
  HostInventory,
  HostState,
  ProcessInfo,
  ReadHostOptions,
  StunnelOrigin,
} from './types.js';

export const MOUNTSTATS = '/proc/self/mountstats';

/** Candidate mount tables, first found wins; `/proc-mounts` is the bundle name used by the lab captures. */
export const MOUNT_TABLES = ['/proc/mounts', '/proc/self/mounts', '/proc-mounts'];
export const GENERIC_STUNNEL_DIR = '/etc/stunnel';
export const TLSHD_CONFIGS = ['/etc/tlshd.conf', '/etc/tlshd/config'];

/** The host root is missing or not a directory. */
export class HostRootError extends Error {}

function includeLoader(fs: SafeFs): IncludeLoader {
  return async (dir: string, fromFile: string) => {
    const hostDir = path.posix.resolve(path.posix.dirname(fromFile), dir);
    if (!(await fs.isDir(hostDir))) return 'not a directory under the host root';
    const out: IncludedFile[] = [];
    for (const name of await fs.list(hostDir)) {
      const file = path.posix.join(hostDir, name);
      if (await fs.isDir(file)) continue;
      const text = await fs.readText(file);
      if (text !== null) out.push({ file, text });
    }
    return out;
  };
}

async function readStunnel(fs: SafeFs, inv: HostInventory, file: string, origin: StunnelOrigin): Promise<void> {
  if (inv.stunnelConfigs.some((c) => c.file === file)) return;
  const text = await fs.readText(file);
  if (text === null) return;
  const { config, warnings } = await parseStunnel(text, file, origin, includeLoader(fs));
  inv.stunnelConfigs.push(config);
  inv.warnings.push(...warnings);
}

async function readEfs(fs: SafeFs, inv: HostInventory): Promise<void> {
  for (const name of await fs.list(EFS_STATE_DIR)) {
    const file = `${EFS_STATE_DIR}/${name}`;
    if (name.startsWith('stunnel-config.')) {
      await readStunnel(fs, inv, file, 'efs-utils');
      continue;
    }
    const stem = parseEfsStem(name);
    if (!stem || (await fs.isDir(file))) continue;
    const text = await fs.readText(file);
    if (text === null) continue;
    const parsed = parseEfsStateJson(text);
    const base = { file, stem, src: { file, line: 1 } };
    if (typeof parsed === 'string') {
      fs.warn(file, `efs-utils state file is ${parsed}`);
      const pidStatus = await checkPid(undefined, inv.local);
      inv.efsStates.push({ ...base, cmd: [], files: [], error: parsed, pidStatus });
      continue;
    }
    const pidText = await fs.readText(`${file}+/stunnel.pid`, true);
    const pid = parsed.pid ?? (pidText === null ? undefined : parsePidFile(pidText));
    const state: EfsState = { ...base, ...parsed, pid, pidStatus: await checkPid(pid, inv.local) };
    inv.efsStates.push(state);
    for (const f of state.files)
      if (path.posix.basename(f).startsWith('stunnel-config.')) {
        await readStunnel(fs, inv, f, 'efs-utils');
      }
  }
  const confText = await fs.readText(EFS_UTILS_CONF, true);
  if (confText !== null) inv.efsUtilsConf = parseIni(confText, EFS_UTILS_CONF);
}

async function readAznfs(fs: SafeFs, inv: HostInventory): Promise<void> {
  const mapText = await fs.readText(AZNFS_MAP_V4, true);
  for (const e of mapText === null ? [] : parseMountMapV4(mapText, AZNFS_MAP_V4)) {
    const pidText = e.pidFile ? await fs.readText(e.pidFile, true) : null;
    const pid = pidText === null ? undefined : parsePidFile(pidText);
    inv.aznfsMap.push({ ...e, pidStatus: await checkPid(pid, inv.local) });
    if (e.conf) await readStunnel(fs, inv, e.conf, 'aznfs');
  }
  for (const name of await fs.list(AZNFS_STUNNEL_DIR)) {
    if (/^stunnel_.+\.conf$/.test(name)) await readStunnel(fs, inv, `${AZNFS_STUNNEL_DIR}/${name}`, 'aznfs');
  }
}

async function readGenericStunnel(fs: SafeFs, inv: HostInventory): Promise<void> {
  for (const name of await fs.list(GENERIC_STUNNEL_DIR)) {
    const file = `${GENERIC_STUNNEL_DIR}/${name}`;
    if (name.endsWith('.conf') && !(await fs.isDir(file))) await readStunnel(fs, inv, file, 'generic');
  }
}

export async function readHostInventory(root: string, opts: ReadHostOptions = {}): Promise<HostInventory> {
  const fs = new SafeFs(root, {
    maxFileBytes: opts.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes,
    maxFiles: opts.maxFiles ?? DEFAULT_LIMITS.maxFiles,
    maxDirEntries: opts.maxDirEntries ?? DEFAULT_LIMITS.maxDirEntries,
  });
  const rootError = await fs.init();
  if (rootError) throw new HostRootError(`${root}: host root ${rootError}`);
  const inv: HostInventory = {
    root,
    local: path.resolve(root) === '/',
    mounts: [],
    efsStates: [],
    stunnelConfigs: [],
    aznfsMap: [],
    files: fs.files,
    warnings: [],
  };
  for (const table of MOUNT_TABLES) {
    if (!(await fs.exists(table))) continue;
    const text = await fs.readText(table);
    if (text === null) continue;
    inv.mountTable = table;
    inv.mounts = parseMountTable(text, table);
    break;
  }
  if (!inv.mountTable) fs.warn(MOUNT_TABLES[0], 'no readable mount table; no mounts to judge');
  await readEfs(fs, inv);
  await readAznfs(fs, inv);
  await readGenericStunnel(fs, inv);
  for (const file of TLSHD_CONFIGS) {
    const text = await fs.readText(file, true);
    if (text === null) continue;
    inv.tlshd = parseIni(text, file);
    break;
  }
  inv.state = await readState(fs, inv);
  inv.warnings = [...fs.warnings, ...inv.warnings];
  return inv;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The bundle's manifest and live state (mountstats, socket tables, tunnel processes), or the local host's. */
async function readState(fs: SafeFs, inv: HostInventory): Promise<HostState> {
  const state: HostState = { mountstats: [], sockets: [] };
  const manifest = parseJson(await fs.readText(MANIFEST_FILE, true));
  if (manifest && typeof manifest === 'object' && (manifest as BundleManifest).schema === 'wireseal/bundle') {
    state.manifest = manifest as BundleManifest;
  }
  const ms = await fs.readText(MOUNTSTATS, true);
  if (ms !== null) state.mountstats = parseMountstats(ms, MOUNTSTATS);
  for (const t of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    const text = await fs.readText(`/proc/net/${t}`, true);
    if (text !== null) state.sockets.push(...parseProcNet(text, t));
  }
  const procs = parseJson(await fs.readText(PROCESSES_FILE, true));
  if (Array.isArray(procs)) state.processes = procs as ProcessInfo[];
  else if (inv.local) state.processes = await readProcesses('/proc');
  return state;
}
