/**
 * A push parser that picks the capture format from the magic number of the stream (never from a file name)
 * and then hands every chunk to the pcap or pcapng parser.
 */
import type { ChunkedParser } from './chunked.js';
import { PcapParser, pcapMagic } from './pcap.js';
import { PCAPNG_MAGIC, PcapngParser } from './pcapng.js';
import { CaptureError, type CaptureSummary, type PacketHandler } from './types.js';

export class CaptureStreamParser {
  inner: PcapParser | PcapngParser | null = null;
  private error0: CaptureError | undefined;
  private readonly head = Buffer.alloc(4);
  private headLen = 0;

  constructor(
    readonly file: string,
    private readonly onPacket: PacketHandler,
  ) {}

  get error(): CaptureError | undefined {
    return this.error0 ?? this.inner?.error;
  }

  /** Feed the next chunk; false once the parse has stopped on an error. */
  push(chunk: Buffer): boolean {
    if (this.inner !== null) return this.inner.push(chunk);
    if (this.error0 !== undefined) return false;
    if (this.headLen + chunk.length < 4) {
      chunk.copy(this.head, this.headLen);
      this.headLen += chunk.length;
      return true;
    }
    if (this.headLen > 0) {
      const take = 4 - this.headLen;
      chunk.copy(this.head, this.headLen, 0, take);
      if (!this.choose(this.head)) return false;
      const p = this.inner as ChunkedParser | null;
      if (p === null || !p.push(this.head)) return false;
      return p.push(chunk.subarray(take));
    }
    if (!this.choose(chunk)) return false;
    return (this.inner as ChunkedParser | null)?.push(chunk) === true;
  }

  end(): void {
    if (this.inner !== null) {
      this.inner.end();
      return;
    }
    if (this.error0 === undefined) {
      const detail = this.headLen === 0 ? 'empty capture' : `only ${this.headLen} bytes, no capture header`;
      this.error0 = new CaptureError(this.file, 0, 'truncated', detail);
    }
  }

  private choose(first: Buffer): boolean {
    if (first.readUInt32LE(0) === PCAPNG_MAGIC) {
      this.inner = new PcapngParser(this.file, this.onPacket);
      return true;
    }
    if (pcapMagic(first) !== null) {
      this.inner = new PcapParser(this.file, this.onPacket);
      return true;
    }
    this.error0 = new CaptureError(this.file, 0, 'unsupported', 'unknown capture format (not pcap or pcapng)');
    return false;
  }

  /** Copy what this parser learned into a summary. */
  fill(summary: CaptureSummary): void {
    const p = this.inner;
    if (p !== null) {
      summary.format = p instanceof PcapngParser ? 'pcapng' : p.format;
      summary.packets = p.packets;
      summary.truncatedPackets = p.truncatedPackets;
      summary.interfaces = p.interfaces;
      summary.sections = p instanceof PcapngParser ? p.sections : p.interfaces.length > 0 ? 1 : 0;
    }
    const err = this.error;
    if (err !== undefined) summary.error = err;
  }
}
