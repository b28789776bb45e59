import { readFileSync } from 'node:fs';
import { CaptureStreamParser } from '../../../src/capture/detect.js';
import type { PacketRecord } from '../../../src/capture/types.js';

export interface CountRow {
  file: string;
  /** Packet count from capinfos, or the count tshark reads before it reports damage. */
  packets: number;
  damaged: boolean;
  tcp: number;
  udp: number;
}

/** Reference counts taken with capinfos -c and tshark -Y tcp / -Y udp (tshark 4.0.17). */
export function referenceCounts(): CountRow[] {
  const lines = readFileSync('test/unit/capture/tshark-counts.tsv', 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [file, p, tcp, udp] = l.split('\t');
    const damaged = p.startsWith('error');
    return {
      file,
      packets: damaged ? Number(p.split(':')[1] ?? 0) : Number(p),
      damaged,
      tcp: Number(tcp),
      udp: Number(udp),
    };
  });
}

export interface Seen {
  frame: number;
  fileOffset: number;
  caplen: number;
  origLen: number;
  tsSec: number;
  tsNsec: number;
  interfaceId: number;
  linkType: number;
  /** Sum of the packet bytes, to check the bytes delivered are the right ones. */
  sum: number;
}

export function snapshot(r: PacketRecord): Seen {
  let sum = 0;
  for (let i = r.offset; i < r.offset + r.caplen; i++) sum = (sum * 31 + r.data[i]) >>> 0;
  return {
    frame: r.frame,
    fileOffset: r.fileOffset,
    caplen: r.caplen,
    origLen: r.origLen,
    tsSec: r.tsSec,
    tsNsec: r.tsNsec,
    interfaceId: r.interfaceId,
    linkType: r.linkType,
    sum,
  };
}

/** Parse bytes with the push parser in chunks of `chunk` bytes. */
export function parseBytes(bytes: Buffer, chunk = bytes.length || 1): { seen: Seen[]; parser: CaptureStreamParser } {
  const seen: Seen[] = [];
  const parser = new CaptureStreamParser('mem', (r) => seen.push(snapshot(r)));
  for (let o = 0; o < bytes.length; o += chunk) {
    // Copy into a scratch buffer that is overwritten afterwards, as a reader reusing its buffer would.
    const scratch = Buffer.from(bytes.subarray(o, o + chunk));
    const more = parser.push(scratch);
    scratch.fill(0xee);
    if (!more) break;
  }
  parser.end();
  return { seen, parser };
}
