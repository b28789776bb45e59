/**
 * Test helper: replays the payloads of one flow from a committed fixture (test/fixtures/rpc/*.json.gz, made by
 * extract.py with tshark) through an RpcAnalyzer the way a flow table would: in-order bytes per direction,
 * retransmissions dropped, holes reported with onGap, and bytes after a STARTTLS hand-off counted, not fed.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { type Dir, EvidenceLog } from '../../../src/classify/analyzer.js';
import { RpcAnalyzer } from '../../../src/classify/rpc-analyzer.js';

export interface FixtureFlow {
  key: string;
  l4: 'tcp' | 'udp';
  client: string;
  server: string;
  packets: [number, Dir, number, string][];
}

export interface Fixture {
  capture: string;
  flows: FixtureFlow[];
}

export function fixturePath(capture: string): string {
  return `test/fixtures/rpc/${capture.replace(/[/.]/g, '_')}.json.gz`;
}

export function loadFixture(capture: string): Fixture {
  return JSON.parse(gunzipSync(readFileSync(fixturePath(capture))).toString('utf8')) as Fixture;
}

export interface Replayed {
  analyzer: RpcAnalyzer;
  evidence: EvidenceLog;
  /** Bytes handed to "the TLS analyzer" after onData returned less than it was given, per direction. */
  handedOff: [number, number];
  /** First byte handed off per direction (-1 when none). */
  firstHandedByte: [number, number];
}

export function replay(flow: FixtureFlow): Replayed {
  const evidence = new EvidenceLog(64);
  const analyzer = new RpcAnalyzer(flow.l4, evidence);
  const next: [number, number] = [-1, -1];
  const handedOff: [number, number] = [0, 0];
  const firstHandedByte: [number, number] = [-1, -1];
  const tls: [boolean, boolean] = [false, false];
  for (const [frame, dir, seq, b64] of flow.packets) {
    const data = Buffer.from(b64, 'base64');
    if (flow.l4 === 'udp') {
      analyzer.onDatagram(dir, data, 0, data.length, frame);
      continue;
    }
    let off = 0;
    if (next[dir] < 0) next[dir] = seq;
    if (seq + data.length <= next[dir]) continue;
    if (seq < next[dir]) off = next[dir] - seq;
    else if (seq > next[dir]) analyzer.onGap(dir, seq - next[dir], frame);
    next[dir] = seq + data.length;
    const len = data.length - off;
    if (tls[dir]) {
      handedOff[dir] += len;
      continue;
    }
    const used = analyzer.onData(dir, data, off, len, frame);
    if (used < len) {
      tls[dir] = true;
      handedOff[dir] += len - used;
      firstHandedByte[dir] = data[off + used]!;
    }
  }
  return { analyzer, evidence, handedOff, firstHandedByte };
}

/** "A:1,B:2" with names sorted, as EXPECTED.tsv writes nfs_ops. */
export function opsString(ops: Record<string, number>): string {
  return Object.keys(ops)
    .sort()
    .map((k) => `${k}:${ops[k]}`)
    .join(',');
}
