/**
 * The contract every capture source (pcap, pcapng, live) fulfils.
 *
 * A reader calls `onPacket` once per packet with ONE reused PacketRecord: the consumer must read what it needs
 * before returning and must never keep a reference to `rec` or `rec.data` (the bytes are overwritten by the next
 * read). This is what keeps the hot path free of per-packet allocation.
 */
export interface PacketRecord {
  /** Buffer that holds the packet; the packet is data[offset, offset + caplen). */
  data: Buffer;
  offset: number;
  /** Bytes captured (may be < origLen when cut by snaplen). */
  caplen: number;
  /** Length on the wire (what tshark's conversation "bytes" count). */
  origLen: number;
  /** Timestamp: whole seconds since the epoch and the nanoseconds within that second. */
  tsSec: number;
  tsNsec: number;
  /** LINKTYPE_* value (1 Ethernet, 113 SLL, 276 SLL2, 0 NULL, 101 RAW, ...). */
  linkType: number;
  /** Interface index (pcapng IDB number within the file, counted across sections; 0 for pcap). */
  interfaceId: number;
  /** 1-based frame number within this capture source (as tshark numbers frames). */
  frame: number;
  /** Byte offset in the (decompressed) capture stream where this packet's record starts. */
  fileOffset: number;
}

export type PacketHandler = (rec: PacketRecord) => void;

export type CaptureFormat = 'pcap' | 'pcap-nsec' | 'pcap-modified' | 'pcapng' | 'live';

export interface CaptureInterface {
  id: number;
  name?: string;
  description?: string;
  linkType: number;
  snaplen: number;
  /** Timestamp resolution as a power: units per second = 10^n or 2^n (see tsresolBinary). */
  tsresol: number;
  tsresolBinary?: boolean;
  /** Bytes of frame check sequence each frame ends with (pcap link-type field FCS length), stripped by the reader. */
  fcsBytes?: number;
}

export type CaptureErrorKind = 'truncated' | 'corrupt' | 'unsupported' | 'io' | 'privilege' | 'missing-libpcap';

/** A damage or access problem with a capture. Never thrown across the pipeline: carried in CaptureSummary.error. */
export class CaptureError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly kind: CaptureErrorKind,
    detail: string,
  ) {
    super(`${file}: ${kind} at byte ${offset}: ${detail}`);
    this.name = 'CaptureError';
  }
}

export interface CaptureSummary {
  file: string;
  format: CaptureFormat | 'unknown';
  gzip: boolean;
  packets: number;
  /** Bytes of the (decompressed) capture stream consumed. */
  bytesRead: number;
  interfaces: CaptureInterface[];
  sections: number;
  /** Packets whose caplen < origLen. */
  truncatedPackets: number;
  /** Live capture only: libpcap's pcap_stats — dropped for lack of buffer space, dropped by the interface,
   * received (null when unknown). */
  kernelDrops?: number | null;
  ifDrops?: number | null;
  pcapReceived?: number | null;
  /** Live capture only: when drops happened (each window: drops first seen between two reads of pcap_stats). */
  dropWindows?: DropWindow[];
  /** Set when the capture could not be read to its end; the packets before it were delivered. */
  error?: CaptureError;
}

/** Packets lost by the capture between two moments (seconds since the epoch, as packet timestamps). */
export interface DropWindow {
  fromSec: number;
  toSec: number;
  count: number;
}
