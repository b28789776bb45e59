import { describe, expect, it } from 'vitest';
import { TsConverter } from '../../../src/capture/timestamp.js';
import { PcapngBuilder, pcapFile } from '../../adversarial/builders/pcap.js';
import { parseBytes } from './helpers.js';

const pkt = (n: number, fill = 0x42) => Buffer.alloc(n, fill);

describe('classic pcap (crafted)', () => {
  for (const le of [true, false]) {
    for (const nsec of [false, true]) {
      it(`${le ? 'little' : 'big'}-endian ${nsec ? 'nanosecond' : 'microsecond'}`, () => {
        const bytes = pcapFile(
          [
            { data: pkt(60), sec: 1700000000, frac: nsec ? 123456789 : 123456 },
            { data: pkt(40), sec: 1700000001, frac: 5, origLen: 1500 },
          ],
          { le, nsec, linkType: 113 },
        );
        const { seen, parser } = parseBytes(bytes, 7);
        expect(parser.error).toBeUndefined();
        expect(seen.map((s) => [s.frame, s.tsSec, s.tsNsec, s.caplen, s.origLen, s.linkType, s.fileOffset])).toEqual([
          [1, 1700000000, nsec ? 123456789 : 123456000, 60, 60, 113, 24],
          [2, 1700000001, nsec ? 5 : 5000, 40, 1500, 113, 100],
        ]);
        expect(parser.inner?.truncatedPackets).toBe(1);
      });
    }
  }

  it('rejects version 1.x and absurd caplen with clean errors', () => {
    const v1 = parseBytes(pcapFile([{ data: pkt(10) }], { major: 1 })).parser.error;
    expect([v1?.kind, v1?.offset]).toEqual(['unsupported', 4]);
    const bad = pcapFile([{ data: pkt(10) }, { data: pkt(10) }]);
    bad.writeUInt32LE(300000, 24 + 26 + 8); // second record's caplen
    const r = parseBytes(bad);
    expect(r.seen.length).toBe(1);
    expect([r.parser.error?.kind, r.parser.error?.offset]).toEqual(['corrupt', 50]);
  });
});

describe('pcapng (crafted)', () => {
  const name = (s: string) => Buffer.from(s);
  const tsresol = (v: number) => Buffer.from([v]);

  for (const le of [true, false]) {
    it(`${le ? 'little' : 'big'}-endian: EPB, SPB, obsolete PB, unknown blocks, if_tsresol decimal and binary`, () => {
      const b = new PcapngBuilder(le);
      const unknown = Buffer.alloc(8, 1);
      const ns = 1738000000123456789n;
      b.shb()
        .idb(1, 64, [b.option(2, name('eth0')), b.option(9, tsresol(9))])
        .idb(101, 0, [b.option(2, name('tun0')), b.option(9, tsresol(0x80 | 20))])
        .block(0x12345678, unknown)
        .epb(0, Number(ns >> 32n), Number(ns & 0xffffffffn), pkt(100), 100)
        .spb(pkt(80), 80)
        .pb(1, 0, 3 << 20, pkt(20)) // 3 s at 2^-20
        .epb(1, 0, (7 << 20) | (1 << 19), pkt(20)); // 7.5 s
      const { seen, parser } = parseBytes(b.build(), 5);
      expect(parser.error).toBeUndefined();
      expect(seen.map((s) => [s.interfaceId, s.linkType, s.tsSec, s.tsNsec, s.caplen, s.origLen])).toEqual([
        [0, 1, 1738000000, 123456789, 100, 100],
        [0, 1, 0, 0, 64, 80], // SPB: caplen = min(origLen, snaplen 64), no timestamp
        [1, 101, 3, 0, 20, 20],
        [1, 101, 7, 500000000, 20, 20],
      ]);
      const inner = parser.inner as { interfaces: { name?: string; tsresol: number; tsresolBinary?: boolean }[] };
      expect(inner.interfaces.map((i) => [i.name, i.tsresol, i.tsresolBinary ?? false])).toEqual([
        ['eth0', 9, false],
        ['tun0', 20, true],
      ]);
    });
  }

  it('interface ids count across sections; each section starts with no interfaces', () => {
    const b = new PcapngBuilder(true).shb().idb(1, 0).idb(1, 0).epb(1, 0, 1, pkt(10));
    const c = new PcapngBuilder(false).shb().idb(113, 0).epb(0, 0, 1, pkt(10)).epb(1, 0, 1, pkt(10));
    const { seen, parser } = parseBytes(Buffer.concat([b.build(), c.build()]), 13);
    expect(seen.map((s) => [s.interfaceId, s.linkType])).toEqual([
      [1, 1],
      [2, 113],
    ]);
    expect([parser.error?.kind, parser.error?.message]).toEqual([
      'corrupt',
      expect.stringContaining('interface 1, not described in this section'),
    ]);
  });

  it('an option running past its block, a bad trailer, an unknown SHB version: clean errors', () => {
    const b = new PcapngBuilder(true);
    const opt = b.option(2, name('eth0'));
    opt.writeUInt16LE(200, 2); // option length larger than the block
    const over = parseBytes(b.shb().idb(1, 0, [opt]).build()).parser.error;
    expect([over?.kind, over?.offset]).toEqual(['corrupt', 28 + 16]);

    const t = new PcapngBuilder(true).shb().idb(1, 0).epb(0, 0, 0, pkt(8)).build();
    t.writeUInt32LE(999, t.length - 4);
    const tr = parseBytes(t);
    expect([tr.seen.length, tr.parser.error?.kind, tr.parser.error?.offset]).toEqual([0, 'corrupt', t.length - 4]);

    const v = parseBytes(new PcapngBuilder(true).shb(2).build()).parser.error;
    expect([v?.kind, v?.offset]).toEqual(['unsupported', 12]);
  });
});

describe('pcapng timestamp conversion', () => {
  it('decimal resolutions up to nanoseconds without precision loss, beyond through the slow path', () => {
    const c = new TsConverter();
    const out = { tsSec: 0, tsNsec: 0 };
    c.setResolution(9, false);
    // 2^63 - 1 ns would overflow a double; take 0xffffffff_ffffffff ns.
    c.convert(0xffffffff, 0xffffffff, out);
    expect(out).toEqual({ tsSec: 18446744073, tsNsec: 709551615 });
    c.setResolution(6, false);
    c.convert(0x00060000, 0x12345678, out);
    const units = 0x00060000n * 2n ** 32n + 0x12345678n;
    expect(out).toEqual({ tsSec: Number(units / 1000000n), tsNsec: Number(units % 1000000n) * 1000 });
    c.setResolution(12, false);
    c.convert(0, 1_500_000_000_000 % 2 ** 32, out);
    c.convert(Math.floor(1_500_000_000_000 / 2 ** 32), 1_500_000_000_000 % 2 ** 32, out);
    expect(out).toEqual({ tsSec: 1, tsNsec: 500000000 });
    c.offsetSec = 10;
    c.convert(0, 0, out);
    expect(out.tsSec).toBe(10);
  });
});
