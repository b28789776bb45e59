/**
 * What `collect` reads besides configs: the live state under a proc root (the host's /proc, or the /proc seen
 * from inside a network namespace) and the tails of the tunnel helpers' logs. Every read is bounded; whatever
 * cannot be read is listed with the reason, never guessed. Secrets in logs and command lines are redacted.
 */
import { constants } from 'node:fs';
import { open, readdir, readlink } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { AZNFS_MAP_V4 } from './aznfs.js';
import { parseProcNet } from './procfs.js';
import { lastLines, redactSecrets } from './redact.js';
import type { SafeFs } from './safe-fs.js';
import { optAll } from './stunnel.js';
import type { BundleManifest, HostInventory, ProcessInfo, SocketEntry } from './types.js';

export interface CollectedFile {
  /** Host path (as on the inspected host, or a wireseal/ path for derived files). */
  path: string;
  data: Buffer;
}

export interface LiveState {
  files: CollectedFile[];
  unreadable: { path: string; reason: string }[];
  hostname?: string;
  kernel?: string;
  interfaces: BundleManifest['interfaces'];
  processes: ProcessInfo[];
}

const PROC_FILE_CAP = 16 * 1024 * 1024;
const LOG_TAIL_BYTES = 256 * 1024;
const LOG_LINES = 200;
const MAX_PIDS = 100_000;
const MAX_FDS = 4096;
const NET_TABLES = ['tcp', 'tcp6', 'udp', 'udp6'] as const;
export const PROCESSES_FILE = '/wireseal/processes.json';
export const KMSG_FILE = '/wireseal/kernel-messages.txt';
const TUNNEL_COMMS = new Set(['stunnel', 'stunnel4', 'stunnel5', 'efs-proxy', 'tlshd']);
const WATCHDOGS = ['amazon-efs-mount-watchdog', 'aznfswatchdog'];
const KERNEL_TOPICS = /\b(nfs\w*|rpc\w*|sunrpc|lockd|xprt\w*|svc\w*|tls\w*|handshake)\b/i;
const CLK_TCK = 100;

function reason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EAGAIN') return 'would block';
  return typeof code === 'string' ? code : err instanceof Error ? err.message : 'unreadable';
}

/** Reads a (possibly zero-sized /proc) file up to a cap; 'truncated' when the cap was hit. */
async function readCapped(file: string, cap: number): Promise<{ data: Buffer; truncated: boolean }> {
  const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(65536, cap + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > cap) break;
    }
    const data = Buffer.concat(chunks);
    return { data: data.subarray(0, cap), truncated: data.length > cap };
  } finally {
    await fh.close();
  }
}

class Collector {
  readonly out: LiveState = { files: [], unreadable: [], interfaces: [], processes: [] };
  constructor(
    readonly procRoot: string,
    readonly live: boolean,
  ) {}

  fail(p: string, err: unknown): void {
    this.out.unreadable.push({ path: p, reason: typeof err === 'string' ? err : reason(err) });
  }

  /** Copies procRoot/rel into the bundle as /proc/rel. */
  async copyProc(rel: string, as = `/proc/${rel}`): Promise<Buffer | null> {
    try {
      const { data, truncated } = await readCapped(path.join(this.procRoot, rel), PROC_FILE_CAP);
      if (truncated) this.fail(as, `larger than ${PROC_FILE_CAP} bytes; truncated`);
      this.out.files.push({ path: as, data });
      return data;
    } catch (err) {
      this.fail(as, err);
      return null;
    }
  }

  async text(rel: string): Promise<string | null> {
    try {
      return (await readCapped(path.join(this.procRoot, rel), PROC_FILE_CAP)).data.toString('utf8');
    } catch {
      return null;
    }
  }
}

async function processes(c: Collector): Promise<boolean> {
  let names: string[];
  try {
    names = (await readdir(c.procRoot)).filter((n) => /^\d+$/.test(n)).slice(0, MAX_PIDS);
  } catch (err) {
    c.fail(PROCESSES_FILE, err);
    return false;
  }
  const btimeMatch = /^btime (\d+)$/m.exec((await c.text('stat')) ?? '');
  const btime = btimeMatch ? Number(btimeMatch[1]) : undefined;
  for (const pid of names) {
    const comm = (await c.text(`${pid}/comm`))?.trim();
    if (comm === undefined) continue;
    const rawCmd = (await c.text(`${pid}/cmdline`)) ?? '';
    const cmdline = rawCmd.split('\0').filter((a) => a !== '');
    const joined = cmdline.join(' ');
    if (!TUNNEL_COMMS.has(comm) && !WATCHDOGS.some((w) => joined.includes(w))) continue;
    const info: ProcessInfo = { pid: Number(pid), comm, cmdline: cmdline.map(redactSecrets), sockets: [] };
    const stat = await c.text(`${pid}/stat`);
    const after = stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : [];
    const ticks = Number(after[19]);
    if (btime !== undefined && Number.isFinite(ticks)) {
      info.startTime = new Date((btime + ticks / CLK_TCK) * 1000).toISOString();
    }
    info.sockets = await processSockets(c, pid);
    c.out.processes.push(info);
  }
  return true;
}

/** The process's sockets, resolved in its own network namespace's tables (/proc/PID/net/...). */
async function processSockets(c: Collector, pid: string): Promise<SocketEntry[]> {
  const inodes = new Set<number>();
  try {
    const fds = (await readdir(path.join(c.procRoot, pid, 'fd'))).slice(0, MAX_FDS);
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(await readlink(path.join(c.procRoot, pid, 'fd', fd)));
        if (m) inodes.add(Number(m[1]));
      } catch {
        // closed meanwhile
      }
    }
  } catch (err) {
    c.fail(`/proc/${pid}/fd`, err);
    return [];
  }
  if (inodes.size === 0) return [];
  const out: SocketEntry[] = [];
  for (const t of NET_TABLES) {
    const text = await c.text(`${pid}/net/${t}`);
    if (text === null) continue;
    for (const s of parseProcNet(text, t)) if (inodes.has(s.inode)) out.push(s);
  }
  return out;
}

async function kernelMessages(c: Collector): Promise<void> {
  if (!c.live) {
    c.fail(KMSG_FILE, 'kernel messages are read only from the live /proc');
    return;
  }
  const lines: string[] = [];
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
    const buf = Buffer.alloc(8192);
    for (let i = 0; i < 100_000; i++) {
      let n = 0;
      try {
        n = (await fh.read(buf, 0, buf.length, null)).bytesRead;
      } catch (err) {
        if ((err as { code?: unknown }).code === 'EAGAIN') break;
        if ((err as { code?: unknown }).code === 'EPIPE') continue; // overwritten records
        throw err;
      }
      if (n === 0) break;
      const rec = buf.toString('utf8', 0, n);
      const semi = rec.indexOf(';');
      const msg = (semi >= 0 ? rec.slice(semi + 1) : rec).split('\n')[0];
      if (KERNEL_TOPICS.test(msg)) {
        const ts = Number(rec.split(',')[2]);
        lines.push(`[${Number.isFinite(ts) ? (ts / 1e6).toFixed(6) : '?'}] ${redactSecrets(msg)}`);
        if (lines.length > LOG_LINES) lines.shift();
      }
    }
    c.out.files.push({ path: KMSG_FILE, data: Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8') });
  } catch (err) {
    c.fail('/dev/kmsg', err);
  } finally {
    await fh?.close();
  }
}

/** Log files the tunnel helpers write: efs-utils, AZNFS, stunnel `output =` targets. */
export async function logPaths(fs: SafeFs, inv: HostInventory): Promise<string[]> {
  const out = new Set<string>();
  for (const name of await fs.list('/var/log/amazon/efs')) {
    if (name.endsWith('.log')) out.add(`/var/log/amazon/efs/${name}`);
  }
  out.add('/opt/microsoft/aznfs/data/aznfs.log');
  for (const e of inv.aznfsMap) if (e.log) out.add(e.log);
  for (const cfg of inv.stunnelConfigs) {
    for (const o of optAll(cfg.globals, 'output')) out.add(o.value);
    for (const s of cfg.services) for (const o of optAll(s.options, 'output')) out.add(o.value);
  }
  for (const name of await fs.list('/var/log/stunnel4')) out.add(`/var/log/stunnel4/${name}`);
  if (out.has(AZNFS_MAP_V4)) out.delete(AZNFS_MAP_V4);
  return [...out].slice(0, 200);
}

/** The last lines of a log under the host root, redacted; null with the reason when unreadable. */
async function logTail(fs: SafeFs, hostPath: string): Promise<Buffer | string> {
  const real = await fs.identity(hostPath);
  if (real === null) return 'not found, or outside the host root';
  try {
    const fh = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const st = await fh.stat();
      if (!st.isFile()) return 'not a regular file';
      const len = Math.min(st.size, LOG_TAIL_BYTES);
      const buf = Buffer.alloc(len);
      const { bytesRead } = await fh.read(buf, 0, len, st.size - len);
      let text = buf.toString('utf8', 0, bytesRead);
      if (st.size > len) text = text.slice(text.indexOf('\n') + 1);
      return Buffer.from(redactSecrets(lastLines(text, LOG_LINES)), 'utf8');
    } finally {
      await fh.close();
    }
  } catch (err) {
    return reason(err);
  }
}

/** The tunnel processes under a proc root (for --local, where no bundle holds them). */
export async function readProcesses(procRoot: string): Promise<ProcessInfo[]> {
  const c = new Collector(procRoot, false);
  await processes(c);
  return c.out.processes;
}

/** Reads the live state and the log tails. `procRoot` is '/proc' on a live host. */
export async function collectLive(fs: SafeFs, inv: HostInventory, procRoot: string): Promise<LiveState> {
  const live = path.resolve(procRoot) === '/proc';
  const c = new Collector(procRoot, live);
  await c.copyProc('self/mountstats');
  for (const t of NET_TABLES) await c.copyProc(`net/${t}`);
  c.out.hostname = (await c.text('sys/kernel/hostname'))?.trim() || undefined;
  c.out.kernel = (await c.text('sys/kernel/osrelease'))?.trim() || undefined;
  if (live) {
    for (const [name, addrs] of Object.entries(networkInterfaces())) {
      for (const a of addrs ?? []) {
        c.out.interfaces.push({ name, address: a.address, family: a.family, ...(a.cidr ? { cidr: a.cidr } : {}) });
      }
    }
  } else {
    c.fail('interfaces', 'interface addresses are read only from the live host (or namespace)');
  }
  // Written only when the proc root could be listed: an absent list means "unknown", an empty one "none running".
  if (await processes(c)) {
    c.out.files.push({ path: PROCESSES_FILE, data: Buffer.from(`${JSON.stringify(c.out.processes, null, 1)}\n`) });
  }
  await kernelMessages(c);
  for (const p of await logPaths(fs, inv)) {
    const tail = await logTail(fs, p);
    if (typeof tail === 'string') {
      if (tail !== 'not found, or outside the host root') c.fail(p, tail);
    } else c.out.files.push({ path: p, data: tail });
  }
  return c.out;
}
