/**
 * Every capture in captures/ is read into the same TCP and UDP conversations as tshark (endpoints, packets, frame
 * bytes), and the same packet count as capinfos. Ground truth: test/fixtures/conversations.json, made by
 * scripts/make-conv-fixtures.py with tshark 4.0 and capinfos.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeCaptureFile } from '../../src/engine/analyze.js';
import { PortSet } from '../../src/flow/ports.js';
import { endpointText as ep } from '../../src/report/refs.js';
import type { FlowResult } from '../../src/report/schema.js';

interface Conv {
  l4: 'tcp' | 'udp';
  stream: number;
  a: string;
  b: string;
  packets: number;
  bytes: number;
}
interface CaptureTruth {
  capinfosPackets: number | null;
  tsharkError: string | null;
  conversations: Conv[];
}

const truth = JSON.parse(readFileSync('test/fixtures/conversations.json', 'utf8')) as Record<string, CaptureTruth>;
const ports = new PortSet('2049,111,20048,988,20049-21049');

function key(l4: string, x: string, y: string, packets: number, bytes: number): string {
  const [p, q] = x < y ? [x, y] : [y, x];
  return `${l4} ${p} ${q} ${packets} ${bytes}`;
}

function flowKey(f: FlowResult): string {
  return key(f.transport, ep(f.client), ep(f.server), f.packets.total, f.bytes.total);
}

/**
 * Where tshark is not the reference: files it cannot read at all (we still read what is readable).
 */
describe('conversations equal tshark', () => {
  for (const [file, t] of Object.entries(truth)) {
    it(file, async () => {
      const r = await analyzeCaptureFile(file, { ports });
      if (t.capinfosPackets !== null) {
        expect(r.capture.packets).toBe(t.capinfosPackets);
        expect(r.capture.error).toBeUndefined();
      } else {
        expect(r.capture.error).toBeDefined();
      }
      if (t.tsharkError !== null && t.capinfosPackets === null) return;
      const ours = r.flows.map(flowKey).sort();
      const theirs = t.conversations.map((c) => key(c.l4, c.a, c.b, c.packets, c.bytes)).sort();
      expect(ours).toEqual(theirs);
      // Flow ids follow tshark's stream numbering.
      for (const c of t.conversations) {
        const f = r.flows.find((x) => x.transport === c.l4 && x.id === c.stream);
        expect(f && flowKey(f)).toBe(key(c.l4, c.a, c.b, c.packets, c.bytes));
      }
    });
  }
});
