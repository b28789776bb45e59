/**
 * The twelve encapsulated public captures (captures/public/encap): every inner TCP/UDP conversation tshark lists,
 * with endpoints, frames and frame bytes; the frames crossing each tunnel layer; the innermost IP protocol of the
 * tunnelled frames (ICMP-only inner traffic included). Ground truth: test/fixtures/encap-conversations.json, made by
 * scripts/make-encap-fixtures.py with tshark 4.0.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeCaptureFile } from '../../src/engine/analyze.js';
import { PortSet } from '../../src/flow/ports.js';
import { endpointText as ep } from '../../src/report/refs.js';
import type { FlowResult } from '../../src/report/schema.js';

interface Conv {
  l4: 'tcp' | 'udp';
  a: string;
  b: string;
  packets: number;
  bytes: number;
}
interface Truth {
  conversations: Conv[];
  layers: Record<string, number>;
  innerByProtocol: Record<string, number>;
}

const truth = JSON.parse(readFileSync('test/fixtures/encap-conversations.json', 'utf8')) as Record<string, Truth>;
const ports = new PortSet('2049,111,20048,988,20049-21049');

function key(l4: string, x: string, y: string, packets: number, bytes: number): string {
  const [p, q] = x < y ? [x, y] : [y, x];
  return `${l4} ${p} ${q} ${packets} ${bytes}`;
}

const flowKey = (f: FlowResult) => key(f.transport, ep(f.client), ep(f.server), f.packets.total, f.bytes.total);

describe('inner conversations of encapsulated captures equal tshark', () => {
  it('covers the twelve captures', () => {
    expect(Object.keys(truth)).toHaveLength(12);
  });
  for (const [file, t] of Object.entries(truth)) {
    it(file, async () => {
      const r = await analyzeCaptureFile(file, { ports });
      expect(r.capture.error).toBeUndefined();
      const inner = r.flows.filter((f) => f.via !== undefined);
      expect(inner.map(flowKey).sort()).toEqual(
        t.conversations.map((c) => key(c.l4, c.a, c.b, c.packets, c.bytes)).sort(),
      );
      const enc = r.capture.encapsulation;
      expect(enc).toBeDefined();
      const layers = { ...enc!.packetsByLayer };
      // tshark names VXLAN-GPE "vxlan" too.
      if (layers['vxlan-gpe'] !== undefined) {
        layers.vxlan = (layers.vxlan ?? 0) + layers['vxlan-gpe'];
        delete layers['vxlan-gpe'];
      }
      expect(layers).toEqual(t.layers);
      const known: Record<string, number> = {};
      for (const [p, n] of Object.entries(enc!.innerByProtocol)) if (/^(tcp|udp|icmp|icmpv6)$/.test(p)) known[p] = n;
      expect(known).toEqual(t.innerByProtocol);
    });
  }

  it('names the path of each inner flow: ERSPAN II session 20 then VXLAN-GPE, with the outer addresses', async () => {
    const r = await analyzeCaptureFile('captures/public/encap/ja4__pcap__gre-erspan-vxlan.pcap', { ports });
    expect(r.flows.map((f) => f.via)).toEqual([
      [
        { type: 'erspan', session: 20, outer: { src: '100.20.9.2', dst: '100.20.9.1' } },
        { type: 'vxlan-gpe', vni: 0, outer: { src: '172.16.27.131', dst: '172.16.27.121' } },
      ],
    ]);
  });

  it('a GENEVE flow whose directions use VNI 11 and 10 is one flow, each path named', async () => {
    const r = await analyzeCaptureFile('captures/public/encap/ja4__pcap__tcpdump-geneve.pcap', { ports });
    expect(r.flows).toHaveLength(1);
    const f = r.flows[0]!;
    expect([f.via?.[0]?.vni, f.viaToClient?.[0]?.vni, f.packets.total]).toEqual([11, 10, 33]);
  });

  it('GRE within GRE: two levels, ICMP-only inner traffic in the decoded counters', async () => {
    const r = await analyzeCaptureFile('captures/public/encap/zeek__tunnels__gre-within-gre.pcap', { ports });
    expect(r.flows.every((f) => f.via?.length === 2 && f.via.every((h) => h.type === 'gre'))).toBe(true);
    expect(r.capture.encapsulation).toEqual({
      packetsByLayer: { gre: 1256 },
      innerByProtocol: { icmp: 624, udp: 4 },
      contexts: 1,
    });
  });
});
