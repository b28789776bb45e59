/**
 * Live capture through the optional `cap` addon (libpcap). Resolves when the duration or packet count is
 * reached, or when `signal` aborts. Never throws: a missing addon, a permission problem or a bad device
 * ends in `summary.error`.
 *
 * What `cap` does not give us, we do not invent: it exposes neither pcap_stats (kernel drops are reported as
 * null) nor the capture timestamp or original length of a packet (the timestamp is the wall clock when the
 * packet reaches JavaScript; origLen is the captured length).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { newPacketRecord } from './chunked.js';
import { CaptureError, type CaptureSummary, type PacketHandler } from './types.js';

export interface LiveOptions {
  device: string;
  filter?: string;
  durationSec?: number;
  count?: number;
  /** libpcap's kernel buffer size in bytes (default 16 MiB). */
  bufferSize?: number;
  onPacket: PacketHandler;
  signal?: AbortSignal;
}

/** The part of the `cap` addon we use. */
interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): void;
  on(event: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
  setMinBytes?: (n: number) => void;
  stats?: () => { ps_drop?: number; ps_ifdrop?: number };
}

interface CapModule {
  Cap: new () => CapHandle;
}

/** Link-type strings `cap` returns for pcap_datalink(), as LINKTYPE_* numbers. */
export function capLinkType(name: string): number {
  switch (name) {
    case 'ETHERNET':
      return 1;
    case 'NULL':
      return 0;
    case 'RAW':
      return 101;
    case 'LINKTYPE_LINUX_SLL':
      return 113;
    case 'IEEE802_11_RADIO':
      return 127;
    default: {
      // Other types come back as "Unknown linktype N" with the DLT number (e.g. 276 for Linux SLL2).
      const m = /(\d+)\s*$/.exec(name);
      return m === null ? -1 : Number(m[1]);
    }
  }
}

async function loadCap(): Promise<CapModule | string> {
  const name = 'cap';
  try {
    const mod = (await import(name)) as { default?: CapModule } & Partial<CapModule>;
    const m = mod.Cap !== undefined ? (mod as CapModule) : mod.default;
    return m?.Cap !== undefined ? m : 'the cap module has no Cap class';
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}

/** Cap objects whose open failed; see openLive. */
const failedOpens: unknown[] = [];

function openErrorKind(msg: string): 'privilege' | 'io' {
  return /permission|not permitted|EPERM|EACCES/i.test(msg) ? 'privilege' : 'io';
}

export async function openLive(opts: LiveOptions): Promise<CaptureSummary> {
  const file = `live:${opts.device}`;
  const summary: CaptureSummary = {
    file,
    format: 'live',
    gzip: false,
    packets: 0,
    bytesRead: 0,
    interfaces: [],
    sections: 1,
    truncatedPackets: 0,
    kernelDrops: null,
    ifDrops: null,
  };
  const capMod = await loadCap();
  if (typeof capMod === 'string') {
    const detail = `live capture needs the optional 'cap' package and libpcap (${capMod})`;
    summary.error = new CaptureError(file, 0, 'missing-libpcap', detail);
    return summary;
  }
  const cap = new capMod.Cap();
  const buf = Buffer.alloc(65536);
  let linkName: string;
  try {
    linkName = cap.open(opts.device, opts.filter ?? '', opts.bufferSize ?? 16 * 1024 * 1024, buf);
  } catch (e) {
    // cap 0.2.1's destructor stops a poll handle that a failed open never initialised and unrefs an object it
    // never ref'd: collecting this Cap aborts the process. Keep it alive (one small object per failed open).
    failedOpens.push(cap);
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    const kind = openErrorKind(msg);
    const detail =
      kind === 'privilege' ? `${msg}: run as root or grant CAP_NET_RAW` : `cannot open ${opts.device}: ${msg}`;
    summary.error = new CaptureError(file, 0, kind, detail);
    return summary;
  }
  cap.setMinBytes?.(0);
  const rxDropped0 = rxDropped(opts.device);
  const linkType = capLinkType(linkName);
  summary.interfaces.push({ id: 0, name: opts.device, linkType, snaplen: 65535, tsresol: 9 });
  const rec = newPacketRecord();
  rec.data = buf;
  rec.linkType = linkType;
  return await new Promise<CaptureSummary>((resolve) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', finish);
      readStats(cap, summary);
      const rxDropped1 = rxDropped(opts.device);
      if (summary.ifDrops === null && rxDropped0 !== null && rxDropped1 !== null)
        summary.ifDrops = rxDropped1 - rxDropped0;
      cap.close();
      resolve(summary);
    };
    cap.on('packet', (nbytes, truncated) => {
      if (done) return;
      const ms = performance.timeOrigin + performance.now();
      const sec = Math.floor(ms / 1000);
      rec.tsSec = sec;
      rec.tsNsec = Math.floor((ms - sec * 1000) * 1e6);
      rec.caplen = nbytes;
      rec.origLen = nbytes;
      rec.fileOffset = summary.bytesRead;
      rec.frame = ++summary.packets;
      summary.bytesRead += nbytes;
      if (truncated) summary.truncatedPackets++;
      opts.onPacket(rec);
      if (opts.count !== undefined && summary.packets >= opts.count) finish();
    });
    if (opts.signal?.aborted === true) {
      finish();
      return;
    }
    opts.signal?.addEventListener('abort', finish);
    if (opts.durationSec !== undefined) timer = setTimeout(finish, opts.durationSec * 1000);
  });
}

function readStats(cap: CapHandle, summary: CaptureSummary): void {
  if (typeof cap.stats !== 'function') return;
  try {
    const s = cap.stats();
    summary.kernelDrops = typeof s.ps_drop === 'number' ? s.ps_drop : null;
    summary.ifDrops = typeof s.ps_ifdrop === 'number' ? s.ps_ifdrop : null;
  } catch {
    // Statistics are optional; leave them unknown.
  }
}

/**
 * Packets the interface dropped (Linux /sys/class/net/IF/statistics/rx_dropped, summed over every interface for
 * `any`), read before and after capturing: the `cap` binding does not expose pcap_stats, so this is the drop count
 * we can honestly report. Null where the counters are not readable.
 */
function rxDropped(device: string): number | null {
  try {
    const names = device === 'any' ? readdirSync('/sys/class/net') : [device];
    let total = 0;
    for (const n of names) {
      if (n.includes('/') || n.startsWith('.')) return null;
      total += Number(readFileSync(`/sys/class/net/${n}/statistics/rx_dropped`, 'utf8').trim());
    }
    return Number.isFinite(total) ? total : null;
  } catch {
    return null;
  }
}
