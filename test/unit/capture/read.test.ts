import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../../src/capture/read.js';
import { parseBytes, referenceCounts, type Seen, snapshot } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'wireseal-read-'));

async function readAll(path: string, chunkSize?: number) {
  const seen: Seen[] = [];
  const summary = await readCapture(path, (r) => seen.push(snapshot(r)), chunkSize ? { chunkSize } : {});
  return { seen, summary };
}

describe('readCapture on every public and lab capture', () => {
  for (const row of referenceCounts()) {
    it(`${row.file}: ${row.damaged ? 'clean error' : `${row.packets} packets`}`, async () => {
      const { summary } = await readAll(row.file);
      expect(summary.packets).toBe(row.packets);
      if (row.damaged) expect(summary.error).toBeDefined();
      else expect(summary.error).toBeUndefined();
    });
  }
});

describe('damaged captures give a clean error naming kind and offset', () => {
  const cases: [string, string, number, number][] = [
    ['captures/public/libpcap/pcap-invalid-version-1.pcap', 'unsupported', 4, 0],
    ['captures/public/libpcap/pcapng-invalid-vers-1.pcapng', 'unsupported', 12, 0],
    ['captures/public/libpcap/shb-option-too-long.pcapng', 'corrupt', 48, 0],
    ['captures/public/suricata-verify/bug-1450-04/tls_DER-incomplete-header.pcap', 'corrupt', 5035, 6],
    ['captures/public/dpkt/truncated_dns_2.pcap', 'truncated', 240, 1],
  ];
  for (const [file, kind, offset, packets] of cases) {
    it(file, async () => {
      const { summary } = await readAll(file);
      expect(summary.error?.kind).toBe(kind);
      expect(summary.error?.offset).toBe(offset);
      expect(summary.packets).toBe(packets);
      expect(summary.error?.message).toBe(
        `${file}: ${kind} at byte ${offset}: ${summary.error?.message.split(': ').slice(2).join(': ')}`,
      );
      expect(summary.error?.message.includes('\n')).toBe(false);
    });
  }

  it('a missing file is an io error, an unknown format is unsupported, an empty file is truncated', async () => {
    expect((await readAll(join(tmp, 'nope.pcap'))).summary.error?.kind).toBe('io');
    writeFileSync(join(tmp, 'text.pcap'), 'hello world, not a capture');
    expect((await readAll(join(tmp, 'text.pcap'))).summary.error?.kind).toBe('unsupported');
    writeFileSync(join(tmp, 'empty.pcap'), '');
    const e = (await readAll(join(tmp, 'empty.pcap'))).summary.error;
    expect([e?.kind, e?.offset]).toEqual(['truncated', 0]);
  });
});

describe('container facts', () => {
  it('big-endian pcap: timestamps as tshark shows them', async () => {
    const { seen, summary } = await readAll('captures/public/arkime/bigendian.pcap');
    expect(summary.format).toBe('pcap');
    expect([seen[0].tsSec, seen[0].tsNsec, seen[1].tsSec, seen[1].tsNsec]).toEqual([
      1335958313, 152630000, 1335958317, 529201000,
    ]);
  });

  it('big-endian pcapng with two interfaces', async () => {
    const { seen, summary } = await readAll('captures/public/pcapng-test-generator/output_be/test006.pcapng');
    expect(summary.interfaces.map((i) => i.name)).toEqual(['eth0', 'en1']);
    expect(seen.slice(0, 3).map((s) => [s.tsSec, s.tsNsec, s.interfaceId, s.origLen, s.caplen])).toEqual([
      [1340954905, 298858000, 0, 314, 96],
      [1340954905, 299858000, 1, 168, 168],
      [1340954905, 300858000, 0, 342, 96],
    ]);
  });

  it('several sections of both byte orders, simple packet blocks, frame numbers as tshark (custom blocks)', async () => {
    const { seen, summary } = await readAll('captures/public/pcapng-test-generator/output_le/test202.pcapng');
    expect(summary.sections).toBe(3);
    expect(summary.interfaces.map((i) => [i.id, i.name, i.linkType, i.snaplen])).toEqual([
      [0, 'eth0', 1, 96],
      [1, 'null1', 0, 0],
      [2, 'silly ethernet interface 2', 1, 128],
      [3, 'eth0', 1, 96],
      [4, 'null1', 0, 0],
    ]);
    expect(seen.map((s) => [s.frame, s.interfaceId, s.origLen, s.caplen, s.tsSec])).toEqual([
      [2, 0, 314, 96, 1340954905],
      [3, 0, 342, 96, 1340954905],
      [4, 1, 168, 168, 1340954905],
      [5, 2, 314, 128, 0],
      [6, 2, 342, 128, 1340954905],
      [8, 2, 314, 128, 0],
      [9, 2, 342, 128, 1340954905],
      [11, 4, 168, 168, 1340954905],
    ]);
    expect(summary.truncatedPackets).toBe(6);
  });

  it('nanosecond pcap and pcapng, SLL2 nanosecond lab capture', async () => {
    const a = (await readAll('captures/public/tcpdump/tcp-handshake-nano.pcap')).seen;
    expect([a[0].tsSec, a[0].tsNsec, a[2].tsNsec]).toEqual([1418145369, 924505488, 52115157]);
    const b = await readAll('captures/public/ndpi/stun_zoom.pcapng');
    expect([b.seen[0].tsSec, b.seen[0].tsNsec, b.summary.interfaces[0].tsresol]).toEqual([1661169535, 535091486, 9]);
    const c = await readAll('captures/lab/nfs4-cleartext-any-sll2-nsec.pcap');
    expect([c.summary.format, c.seen[0].linkType, c.seen[0].tsSec, c.seen[0].tsNsec]).toEqual([
      'pcap-nsec',
      276,
      1795479825,
      15161763,
    ]);
  });

  it('invalid nanosecond fractions carry into the seconds instead of failing', async () => {
    const { seen, summary } = await readAll('captures/public/tcpdump/timestamp_invalid_nano.pcap');
    expect(summary.error).toBeUndefined();
    expect(seen.map((s) => [s.tsSec, s.tsNsec])).toEqual([
      [1418145369, 999999999],
      [1418145371, 0],
      [1418145372, 147483648],
    ]);
  });

  it('modified (Kuznetzov) pcap and FCS bits in the link-type field', async () => {
    const m = await readAll('captures/public/pcap-parser/modified-format.pcap');
    expect([m.summary.format, m.seen[0].origLen, m.seen[0].tsSec]).toEqual(['pcap-modified', 98, 1712763541]);
    const f = await readAll('captures/public/tcpdump/nfs-attr-oobr.pcap');
    expect(f.summary.interfaces[0].linkType).toBe(1);
  });
});

describe('gzip and standard input', () => {
  const src = 'captures/lab/nfs4-cleartext.pcapng';
  const plain = readFileSync(src);

  it('gzip input is detected by magic and gives the same packets', async () => {
    const gz = join(tmp, 'x.cap'); // name says nothing about the format
    writeFileSync(gz, gzipSync(plain));
    const a = await readAll(src);
    const b = await readAll(gz);
    expect(b.summary.gzip).toBe(true);
    expect(b.summary.format).toBe('pcapng');
    expect(b.seen).toEqual(a.seen);
    expect(b.summary.bytesRead).toBe(plain.length);
  });

  it('a cut gzip stream delivers the packets before the cut and reports truncation', async () => {
    const gz = gzipSync(plain);
    const cut = join(tmp, 'cut.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
    const r = await readAll(cut);
    expect(r.summary.error?.kind).toBe('truncated');
    expect(r.seen.length).toBeGreaterThan(10);
    expect(r.seen.length).toBeLessThan(96);
    expect(r.summary.error?.offset).toBeLessThan(plain.length);
  });

  for (const gz of [false, true]) {
    it(`'-' reads standard input${gz ? ' (gzip)' : ''}`, async () => {
      const saved = Object.getOwnPropertyDescriptor(process, 'stdin');
      const data = gz ? gzipSync(plain) : plain;
      const chunks = [data.subarray(0, 1000), data.subarray(1000, 5001), data.subarray(5001)];
      Object.defineProperty(process, 'stdin', { value: Readable.from(chunks), configurable: true });
      try {
        const r = await readAll('-');
        expect(r.summary.file).toBe('<stdin>');
        expect(r.summary.packets).toBe(96);
        expect(r.summary.gzip).toBe(gz);
      } finally {
        if (saved) Object.defineProperty(process, 'stdin', saved);
      }
    });
  }
});

describe('streaming: chunk boundaries and truncation at any offset', () => {
  for (const file of ['captures/lab/nfs4-cleartext.pcap', 'captures/lab/nfs4-cleartext.pcapng']) {
    const bytes = readFileSync(file);
    const whole = parseBytes(bytes).seen;
    const ng = file.endsWith('ng');
    // End offset of each packet record/block, and every offset where a whole unit (header, record, block) ends.
    const recordEnd = (s: Seen) => s.fileOffset + (ng ? bytes.readUInt32LE(s.fileOffset + 4) : 16 + s.caplen);
    const boundaries = new Set<number>(whole.map(recordEnd));
    if (ng)
      for (let o = 0; o < bytes.length; o += bytes.readUInt32LE(o + 4)) boundaries.add(o + bytes.readUInt32LE(o + 4));
    else boundaries.add(24);

    it(`${file}: same packets for any chunk size`, () => {
      for (const chunk of [1, 3, 7, 64, 1500, 4096]) {
        const r = parseBytes(bytes, chunk);
        expect(r.parser.error).toBeUndefined();
        expect(r.seen).toEqual(whole);
      }
    });

    it(`${file}: cut at every offset of the first 600 bytes and a spread after`, () => {
      const cuts: number[] = [];
      for (let i = 0; i < 600; i++) cuts.push(i);
      for (let i = 600; i < bytes.length; i += 97) cuts.push(i);
      for (const cut of cuts) {
        const r = parseBytes(bytes.subarray(0, cut), 512);
        const complete = whole.filter((s) => recordEnd(s) <= cut);
        expect(r.seen).toEqual(complete);
        const err = r.parser.error;
        const atBoundary = boundaries.has(cut);
        if (atBoundary) expect(err).toBeUndefined();
        else {
          expect(err?.kind).toBe('truncated');
          // The error names where the partial unit starts: after the last complete packet, not past the cut.
          const lastEnd = complete.length > 0 ? recordEnd(complete[complete.length - 1]) : 0;
          expect(err?.offset).toBeGreaterThanOrEqual(lastEnd);
          expect(err?.offset).toBeLessThanOrEqual(cut);
          expect(err?.message).toContain(`at byte ${err?.offset}`);
        }
      }
    });
  }
});
