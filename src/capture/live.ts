/**
 * Live capture through wireseal's own libpcap addon (libpcap.ts). Packets arrive in batches with libpcap's
 * timestamps and original lengths; pcap_stats is read after every batch, so drops are counted as they happen and
 * placed in time (`dropWindows`): a flow active during a window may have lost packets, and its result says so.
 *
 * Resolves when the duration or packet count is reached, or when `signal` aborts. Opening the capture can fail
 * (addon missing, no such interface, no permission, bad filter): that throws a LiveOpenError, a usage problem.
 * Once open it never throws: a read error ends in `summary.error`, with the packets before it delivered.
 */
import { newPacketRecord } from './chunked.js';
import { type AddonError, dltToLinkType, type LiveHandle, loadLibpcap, RECORD_HEADER } from './libpcap.js';
import { CaptureError, type CaptureSummary, type DropWindow, type PacketHandler } from './types.js';

export interface LiveOptions {
  device: string;
  filter?: string;
  durationSec?: number;
  count?: number;
  /** libpcap's kernel buffer size in bytes (default 32 MiB). */
  bufferSize?: number;
  /** Bytes kept of each packet (default 262144, libpcap's maximum). */
  snaplen?: number;
  /** Promiscuous mode (default off: the traffic of this host is what wireseal judges). */
  promisc?: boolean;
  /** Hand each packet over at once instead of per kernel block (lower latency, more wake-ups). */
  immediate?: boolean;
  onPacket: PacketHandler;
  signal?: AbortSignal;
}

/** Why a live capture could not start; `reason` says which kind. */
export class LiveOpenError extends Error {
  constructor(
    readonly reason: 'missing-libpcap' | 'no-device' | 'privilege' | 'filter' | 'io',
    message: string,
  ) {
    super(message);
    this.name = 'LiveOpenError';
  }
}

/** Drop windows kept at most; past it, the last one grows (memory stays bounded on a long capture). */
const MAX_DROP_WINDOWS = 4096;

function reasonOf(code: string | undefined): LiveOpenError['reason'] {
  switch (code) {
    case 'ENODEV':
      return 'no-device';
    case 'EPERM':
      return 'privilege';
    case 'EFILTER':
      return 'filter';
    default:
      return 'io';
  }
}

function open(
  opts: LiveOptions,
  onBatch: (this: LiveHandle, n: number, used: number, err?: string) => void,
): LiveHandle {
  const addon = loadLibpcap();
  if (typeof addon === 'string') throw new LiveOpenError('missing-libpcap', `live capture: ${addon}`);
  try {
    return new addon.LiveCapture(
      opts.device,
      {
        snaplen: opts.snaplen ?? 262144,
        promisc: opts.promisc ?? false,
        immediate: opts.immediate ?? false,
        bufferSize: opts.bufferSize ?? 32 * 1024 * 1024,
        timeoutMs: 50,
        ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
      },
      onBatch,
    );
  } catch (e) {
    const err = e as AddonError;
    const reason = reasonOf(err.code);
    let msg = (err.message ?? String(e)).split('\n')[0] ?? '';
    if (msg.startsWith(`${opts.device}: `)) msg = msg.slice(opts.device.length + 2);
    if (reason === 'filter') throw new LiveOpenError(reason, msg);
    const hint = reason === 'privilege' ? ' (run as root or grant CAP_NET_RAW)' : '';
    throw new LiveOpenError(reason, `cannot capture on ${opts.device}: ${msg}${hint}`);
  }
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
    pcapReceived: null,
    dropWindows: [],
  };
  const rec = newPacketRecord();
  const windows: DropWindow[] = summary.dropWindows ?? [];
  let done = false;
  let finish: () => void = () => {};
  let dropsSeen = 0;
  let windowStart = Date.now() / 1000;

  /** Reads pcap_stats; new drops since the last read become a window [last read, now]. */
  const readStats = (h: LiveHandle): void => {
    let s: ReturnType<LiveHandle['stats']>;
    try {
      s = h.stats();
    } catch {
      return;
    }
    summary.kernelDrops = s.dropped;
    summary.ifDrops = s.ifDropped;
    summary.pcapReceived = s.received;
    const now = Date.now() / 1000;
    const total = s.dropped + s.ifDropped;
    if (total > dropsSeen) {
      const count = total - dropsSeen;
      const last = windows[windows.length - 1];
      if (windows.length >= MAX_DROP_WINDOWS && last !== undefined) {
        last.toSec = now;
        last.count += count;
      } else windows.push({ fromSec: windowStart, toSec: now, count });
      dropsSeen = total;
    }
    windowStart = now;
  };

  const onBatch = function (this: LiveHandle, n: number, _used: number, error?: string): void {
    if (done) return;
    const b = this.batch;
    rec.data = b;
    let off = 0;
    try {
      for (let i = 0; i < n && !done; i++) {
        const caplen = b.readUInt32LE(off + 8);
        rec.tsSec = b.readUInt32LE(off);
        rec.tsNsec = b.readUInt32LE(off + 4);
        rec.caplen = caplen;
        rec.origLen = b.readUInt32LE(off + 12);
        rec.offset = off + RECORD_HEADER;
        rec.fileOffset = summary.bytesRead;
        rec.frame = ++summary.packets;
        summary.bytesRead += caplen;
        if (caplen < rec.origLen) summary.truncatedPackets++;
        opts.onPacket(rec);
        off += RECORD_HEADER + ((caplen + 3) & ~3);
        if (opts.count !== undefined && summary.packets >= opts.count) finish();
      }
    } catch (e) {
      const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
      summary.error ??= new CaptureError(file, summary.bytesRead, 'io', `analysis failed: ${msg}`);
      finish();
      return;
    }
    readStats(this);
    if (error !== undefined) {
      summary.error ??= new CaptureError(file, summary.bytesRead, 'io', `capture read failed: ${error}`);
      finish();
    }
  };

  const handle = open(opts, onBatch);
  const linkType = dltToLinkType(handle.linkType);
  rec.linkType = linkType;
  summary.interfaces.push({ id: 0, name: opts.device, linkType, snaplen: handle.snaplen, tsresol: 9 });
  return await new Promise<CaptureSummary>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    finish = (): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', finish);
      readStats(handle);
      handle.close();
      resolve(summary);
    };
    if (opts.signal?.aborted === true) {
      finish();
      return;
    }
    opts.signal?.addEventListener('abort', finish);
    if (opts.durationSec !== undefined) timer = setTimeout(finish, opts.durationSec * 1000);
  });
}
