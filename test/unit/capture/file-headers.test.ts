/**
 * File headers checked as libpcap 1.10 checks them (issue 13): the pcap link-type field's reserved bits 16-25 must be
 * zero, its F bit (26) says bits 28-31 hold the FCS length in 16-bit words (the FCS is stripped from every frame);
 * pcapng sections 1.0 and 1.2 are read, 1.1 is not.
 */
import { describe, expect, it } from 'vitest';
import { PcapngBuilder, pcapFile } from '../../adversarial/builders/pcap.js';
import { parseBytes } from './helpers.js';

const frame = (n: number) => Buffer.alloc(n, 0x42);

describe('pcap link-type field', () => {
  for (const [field, bit] of [
    [0x00010001, 16],
    [0x02000001, 25],
    [0x00800071, 23],
  ] as const) {
    it(`reserved bit ${bit} set (0x${field.toString(16).padStart(8, '0')}): rejected at byte 20, nothing read`, () => {
      for (const le of [true, false]) {
        const { seen, parser } = parseBytes(pcapFile([{ data: frame(60) }], { linkType: field, le }));
        expect(seen).toEqual([]);
        expect([parser.error?.kind, parser.error?.offset, parser.error?.message]).toEqual([
          'corrupt',
          20,
          `mem: corrupt at byte 20: link-type field 0x${field.toString(16).padStart(8, '0')} has reserved bits 16-25 set (libpcap rejects it)`,
        ]);
      }
    });
  }

  it('F bit with an FCS length of 2 words: 4 bytes stripped from each frame, a cut frame not cut further', () => {
    const field = 0x24000001; // F, FCS length 2 (16-bit words), Ethernet
    const bytes = pcapFile(
      [
        { data: frame(64) }, // whole frame: 60 bytes of packet, 4 of FCS
        { data: frame(62), origLen: 64 }, // cut inside the FCS: 60 bytes of packet
        { data: frame(40), origLen: 64 }, // cut before the FCS: all 40 are packet
        { data: frame(3), origLen: 3 }, // shorter than its FCS: nothing left
      ],
      { linkType: field },
    );
    const { seen, parser } = parseBytes(bytes);
    expect(parser.error).toBeUndefined();
    expect(seen.map((s) => [s.caplen, s.origLen, s.linkType])).toEqual([
      [60, 64, 1],
      [60, 64, 1],
      [40, 64, 1],
      [0, 3, 1],
    ]);
    // Only the frame cut before its FCS (and the one shorter than an FCS) count as truncated, not FCS stripping.
    expect(parser.inner?.truncatedPackets).toBe(1);
    expect(parser.inner?.interfaces).toEqual([{ id: 0, linkType: 1, snaplen: 65535, tsresol: 6, fcsBytes: 4 }]);
  });

  it('FCS length bits without the F bit (as in tcpdump tests/nfs-attr-oobr.pcap, 0x30000001), and bit 27: no FCS', () => {
    for (const field of [0x30000001, 0x08000001]) {
      const { seen, parser } = parseBytes(pcapFile([{ data: frame(64) }], { linkType: field }));
      expect(parser.error).toBeUndefined();
      expect(seen.map((s) => [s.caplen, s.origLen, s.linkType])).toEqual([[64, 64, 1]]);
    }
  });
});

describe('pcapng section header version', () => {
  const file = (major: number, minor: number) =>
    new PcapngBuilder().shb(major, [], minor).idb(1, 65535).epb(0, 0, 1000, frame(60)).build();

  for (const [major, minor] of [
    [1, 0],
    [1, 2],
  ] as const) {
    it(`${major}.${minor}: read`, () => {
      const { seen, parser } = parseBytes(file(major, minor));
      expect(parser.error).toBeUndefined();
      expect(seen.map((s) => s.caplen)).toEqual([60]);
    });
  }

  for (const [major, minor] of [
    [1, 1],
    [1, 3],
    [2, 0],
  ] as const) {
    it(`${major}.${minor}: rejected at byte 12 of the section header`, () => {
      const { seen, parser } = parseBytes(file(major, minor));
      expect(seen).toEqual([]);
      expect([parser.error?.kind, parser.error?.offset, parser.error?.message]).toEqual([
        'unsupported',
        12,
        `mem: unsupported at byte 12: pcapng version ${major}.${minor} (libpcap reads only 1.0 and 1.2)`,
      ]);
    });
  }
});
