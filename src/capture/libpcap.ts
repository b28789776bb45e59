/**
 * wireseal's own libpcap addon (native/wireseal_pcap.c, built by node-gyp into build/Release): typed access and
 * one loader per thread. The addon is context-aware, so any worker thread can load it too.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface PcapStats {
  /** Packets libpcap received (Linux: passed the filter). */
  received: number;
  /** Dropped for lack of buffer space (the kernel ring was full). */
  dropped: number;
  /** Dropped by the interface or its driver. */
  ifDropped: number;
}

export interface LiveCaptureOptions {
  snaplen?: number;
  promisc?: boolean;
  immediate?: boolean;
  /** Kernel ring size in bytes (libpcap's default when absent). */
  bufferSize?: number;
  /** Packet-buffer timeout in ms (how long the kernel may hold a block). */
  timeoutMs?: number;
  /** Size of the batch buffer handed to JavaScript. */
  batchBytes?: number;
  filter?: string;
}

/**
 * An open live capture. `batch` holds `count` records per onBatch call, each
 * [u32 LE sec][u32 LE nsec][u32 LE caplen][u32 LE origLen][caplen bytes padded to 4].
 */
export interface LiveHandle {
  readonly batch: Buffer;
  readonly linkType: number;
  readonly snaplen: number;
  readonly nanoseconds: boolean;
  stats(): PcapStats;
  /** Stops polling and closes the capture (idempotent). */
  close(): void;
}

export type OnBatch = (this: LiveHandle, count: number, usedBytes: number, error?: string) => void;

export interface BpfFilterHandle {
  /** pcap_offline_filter over buf[offset, offset + caplen) in place. */
  match(buf: Uint8Array, offset: number, caplen: number, origLen: number): boolean;
}

export interface LibpcapAddon {
  LiveCapture: new (device: string, options: LiveCaptureOptions, onBatch: OnBatch) => LiveHandle;
  BpfFilter: new (linkType: number, snaplen: number, expression: string) => BpfFilterHandle;
  libVersion(): string;
}

/** Bytes before a record's packet data. */
export const RECORD_HEADER = 16;

/** Error thrown by the addon: `code` is ENODEV, EPERM, EFILTER, ENETDOWN, EPCAP or EARG. */
export interface AddonError extends Error {
  code?: string;
}

/**
 * Capture files carry LINKTYPE_* values; libpcap's API speaks DLT_* values. They are equal except for a few
 * historical types (LINKTYPE_RAW 101 is DLT_RAW 12, ...): both directions, as libpcap's own tables map them.
 */
const LINKTYPE_TO_DLT: ReadonlyMap<number, number> = new Map([
  [100, 11], // ATM_RFC1483
  [101, 12], // RAW
  [102, 15], // SLIP_BSDOS
  [103, 16], // PPP_BSDOS
]);
const DLT_TO_LINKTYPE: ReadonlyMap<number, number> = new Map([
  [11, 100],
  [12, 101],
  [14, 101], // DLT_RAW on OpenBSD
  [15, 102],
  [16, 103],
]);

export function linkTypeToDlt(linkType: number): number {
  return LINKTYPE_TO_DLT.get(linkType) ?? linkType;
}

export function dltToLinkType(dlt: number): number {
  return DLT_TO_LINKTYPE.get(dlt) ?? dlt;
}

const ADDON = 'build/Release/wireseal_pcap.node';
let cached: LibpcapAddon | string | undefined;

/**
 * The addon, or why it cannot be loaded (one line). Looked up from src/capture and dist/src/capture, or loaded from
 * the path in WIRESEAL_PCAP_ADDON when set (packagers who install it elsewhere; tests of the missing-addon path).
 */
export function loadLibpcap(): LibpcapAddon | string {
  if (cached !== undefined) return cached;
  const here = fileURLToPath(import.meta.url);
  const require = createRequire(here);
  const override = process.env.WIRESEAL_PCAP_ADDON;
  const paths =
    override !== undefined && override !== ''
      ? [override]
      : ['../../', '../../../'].map((up) => fileURLToPath(new URL(up + ADDON, import.meta.url)));
  const path = paths.find((p) => existsSync(p));
  if (path === undefined) {
    const where = override !== undefined && override !== '' ? `${override}, from WIRESEAL_PCAP_ADDON` : ADDON;
    cached = `wireseal's libpcap addon is not built (${where}): install libpcap-dev, g++ and make, then run npm ci or npm run build`;
    return cached;
  }
  try {
    cached = require(path) as LibpcapAddon;
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    cached = `wireseal's libpcap addon does not load (${why}): rebuild it with npm run build (libpcap-dev installed)`;
  }
  return cached;
}
