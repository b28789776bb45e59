import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../../src/decode/decode.js';
import { FragmentReassembler } from '../../../src/decode/fragments.js';
import { newDecodedPacket } from '../../../src/decode/types.js';
import { ethernet, ext, fragHeader, ipv4, ipv6, record, tcpHeader, udpHeader } from './bytes.js';

const out = newDecodedPacket();
const payload = Buffer.from('0123456789');
const udp4 = ipv4(17, udpHeader(1000, 2049, payload));
const tcp4 = ipv4(6, tcpHeader(2049, 800, payload));
const udp6 = ipv6(17, udpHeader(1000, 2049, payload));

function decode(
  linkType: number,
  data: Buffer,
  opts: { caplen?: number; tsSec?: number } = {},
  frags = new FragmentReassembler(),
) {
  return decodePacket(record(linkType, data, opts), out, frags);
}

function payloadText(): string {
  return out.data.toString('latin1', out.payloadOffset, out.payloadOffset + out.payloadLength);
}

describe('link types', () => {
  const sll = (proto: number, p: Buffer) => {
    const h = Buffer.alloc(16);
    h.writeUInt16BE(proto, 14);
    return Buffer.concat([h, p]);
  };
  const sll2 = (proto: number, p: Buffer) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(proto, 0);
    return Buffer.concat([h, p]);
  };
  const family = (v: number, le: boolean, p: Buffer) => {
    const h = Buffer.alloc(4);
    if (le) h.writeUInt32LE(v, 0);
    else h.writeUInt32BE(v, 0);
    return Buffer.concat([h, p]);
  };
  const cases: [string, number, Buffer, 4 | 6][] = [
    ['Ethernet', 1, ethernet(0x0800, udp4), 4],
    ['Ethernet IPv6', 1, ethernet(0x86dd, udp6), 6],
    ['SLL', 113, sll(0x0800, udp4), 4],
    ['SLL2', 276, sll2(0x86dd, udp6), 6],
    ['NULL little-endian AF_INET', 0, family(2, true, udp4), 4],
    ['NULL big-endian AF_INET6 (24)', 0, family(24, false, udp6), 6],
    ['LOOP AF_INET6 (28)', 108, family(28, false, udp6), 6],
    ['NULL AF_INET6 (30) little-endian', 0, family(30, true, udp6), 6],
    ['RAW 101 (version nibble 4)', 101, udp4, 4],
    ['RAW 12 (version nibble 6)', 12, udp6, 6],
    ['RAW 14', 14, udp4, 4],
    ['IPv4 228', 228, udp4, 4],
    ['IPv6 229', 229, udp6, 6],
  ];
  for (const [name, lt, bytes, v] of cases) {
    it(name, () => {
      expect(decode(lt, bytes)).toBe('ok');
      expect([out.ipVersion, out.protocol, out.srcPort, out.dstPort, out.payloadLength, out.vlan]).toEqual([
        v,
        17,
        1000,
        2049,
        10,
        -1,
      ]);
      expect(payloadText()).toBe('0123456789');
      if (v === 4) expect([out.src0, out.dst0, out.src1]).toEqual([0x0a000001, 0x0a000002, 0]);
      else expect([out.src0, out.src3, out.dst0, out.dst3]).toEqual([0x20010db8, 1, 0x20010db8, 2]);
    });
  }

  it('VLAN 802.1Q, 802.1ad and QinQ report the outermost VLAN id', () => {
    expect(decode(1, ethernet(0x0800, tcp4, [[0x8100, 42]]))).toBe('ok');
    expect([out.vlan, out.protocol, out.srcPort, out.seq, out.ack, out.tcpFlags]).toEqual([
      42, 6, 2049, 0xdeadbeef, 0x01020304, 0x18,
    ]);
    expect(
      decode(
        1,
        ethernet(0x0800, tcp4, [
          [0x88a8, 0x2007],
          [0x8100, 5],
        ]),
      ),
    ).toBe('ok');
    expect(out.vlan).toBe(7); // PCP bits masked off
    expect(
      decode(
        1,
        ethernet(0x86dd, udp6, [
          [0x9100, 300],
          [0x8100, 5],
        ]),
      ),
    ).toBe('ok');
    expect(out.vlan).toBe(300);
    const sll2v = Buffer.alloc(24);
    sll2v.writeUInt16BE(0x8100, 0);
    sll2v.writeUInt16BE(99, 20);
    sll2v.writeUInt16BE(0x0800, 22);
    expect(decode(276, Buffer.concat([sll2v, udp4]))).toBe('ok');
    expect(out.vlan).toBe(99);
  });

  it('not IP, unknown link type, truncated link headers', () => {
    expect(decode(1, ethernet(0x0806, Buffer.alloc(28)))).toBe('not-ip');
    expect(decode(0, Buffer.concat([Buffer.from([7, 0, 0, 0]), udp4]))).toBe('not-ip');
    expect(decode(147, udp4)).toBe('unknown-linktype');
    expect(decode(1, Buffer.alloc(13))).toBe('truncated');
    expect(decode(1, ethernet(0x8100, Buffer.alloc(1)))).toBe('truncated');
    expect(decode(113, Buffer.alloc(15))).toBe('truncated');
    expect(decode(101, Buffer.alloc(0))).toBe('truncated');
    expect(decode(101, Buffer.from([0x20, 0, 0, 0]))).toBe('not-ip');
  });
});

describe('IPv4', () => {
  it('trims Ethernet padding past the total length', () => {
    const padded = Buffer.concat([ethernet(0x0800, udp4), Buffer.alloc(20, 0xff)]);
    expect(decode(1, padded)).toBe('ok');
    expect([out.payloadLength, out.payloadWireLength]).toEqual([10, 10]);
  });

  it('snaplen cut: payloadLength is what was captured, payloadWireLength what the headers say', () => {
    const eth = ethernet(0x0800, tcp4);
    expect(decode(1, eth, { caplen: eth.length - 4 })).toBe('ok');
    expect([out.payloadLength, out.payloadWireLength]).toEqual([6, 10]);
    expect(decode(1, eth, { caplen: 14 + 20 + 10 })).toBe('truncated'); // TCP header cut
    expect(decode(1, eth, { caplen: 14 + 19 })).toBe('truncated'); // IP header cut
  });

  it('rejects bad IHL, total length, version; skips TCP options; ICMP is not TCP/UDP', () => {
    const bad = Buffer.from(udp4);
    bad[0] = 0x44;
    expect(decode(101, bad)).toBe('malformed'); // RAW: version nibble 4, IHL 4 words
    expect(decode(228, bad)).toBe('malformed');
    const shortTotal = Buffer.from(udp4);
    shortTotal.writeUInt16BE(10, 2);
    expect(decode(228, shortTotal)).toBe('malformed');
    const v6in4 = Buffer.from(udp4);
    v6in4[0] = 0x65;
    expect(decode(228, v6in4)).toBe('malformed');
    const withOpts = ipv4(6, tcpHeader(1, 2, payload, { flags: 0x02, options: 12 }));
    expect(decode(228, withOpts)).toBe('ok');
    expect([out.payloadOffset - 3, out.payloadLength, out.tcpFlags]).toEqual([20 + 32, 10, 0x02]);
    expect(decode(228, ipv4(1, Buffer.alloc(8)))).toBe('not-tcp-udp');
    expect(out.protocol).toBe(1);
  });

  it('TCP data offset is validated; a bogus UDP length yields to the IP length', () => {
    const t = tcpHeader(1, 2, payload);
    t[12] = 4 << 4;
    expect(decode(228, ipv4(6, t))).toBe('malformed');
    t[12] = 15 << 4; // 60-byte header in a 30-byte segment
    expect(decode(228, ipv4(6, t))).toBe('malformed');
    const u = udpHeader(1, 2, payload);
    // A bogus UDP length (below the header, or past the IP payload) is overruled by the IP layer, as tshark does.
    u.writeUInt16BE(7, 4);
    expect(decode(228, ipv4(17, u))).toBe('ok');
    expect([out.payloadLength, out.payloadWireLength]).toEqual([payload.length, payload.length]);
    u.writeUInt16BE(100, 4);
    expect(decode(228, ipv4(17, u))).toBe('ok');
    expect([out.payloadLength, out.payloadWireLength]).toEqual([payload.length, payload.length]);
    u.writeUInt16BE(12, 4); // shorter than the IP payload: the UDP length wins
    expect(decode(228, ipv4(17, u))).toBe('ok');
    expect([out.payloadLength, out.payloadWireLength]).toEqual([4, 4]);
  });
});

describe('IPv6 extension headers', () => {
  it('walks hop-by-hop, routing, destination options and AH to TCP', () => {
    const ah = Buffer.alloc(16); // AH length field: (16 / 4) - 2 = 2
    ah[0] = 6;
    ah[1] = 2;
    const chain = Buffer.concat([ext(43, 0), ext(60, 1), ext(51, 0), ah, tcpHeader(5, 6, payload)]);
    expect(decode(229, ipv6(0, chain))).toBe('ok');
    expect([out.protocol, out.srcPort, out.dstPort, out.payloadLength, out.payloadWireLength]).toEqual([
      6, 5, 6, 10, 10,
    ]);
  });

  it('ESP and no-next-header end decoding; a too-long chain and a header past the payload are malformed', () => {
    expect(decode(229, ipv6(50, Buffer.alloc(16)))).toBe('encrypted-tunnel');
    expect(decode(229, ipv6(0, Buffer.concat([ext(59, 0)])))).toBe('not-tcp-udp');
    const long: Buffer[] = [];
    for (let i = 0; i < 12; i++) long.push(ext(60, 0));
    expect(decode(229, ipv6(60, Buffer.concat([...long, udpHeader(1, 2, payload)])))).toBe('malformed');
    expect(decode(229, ipv6(0, ext(17, 4).subarray(0, 8)))).toBe('malformed');
    const v6 = ipv6(0, Buffer.concat([ext(17, 0), udpHeader(1, 2, payload)]));
    expect(decode(229, v6, { caplen: 44 })).toBe('truncated');
    expect(decode(229, v6, { caplen: 39 })).toBe('truncated');
  });

  it('an atomic fragment (offset 0, no more fragments) is decoded directly', () => {
    expect(decode(229, ipv6(44, Buffer.concat([fragHeader(17, 0, false, 9), udpHeader(1, 2, payload)])))).toBe('ok');
    expect([out.reassembled, out.payloadLength]).toEqual([false, 10]);
  });
});

describe('fragment reassembly', () => {
  const big = Buffer.alloc(3000);
  for (let i = 0; i < big.length; i++) big[i] = i % 251;
  const datagram = udpHeader(789, 2049, big); // 3008 bytes
  const v4frag = (from: number, to: number, more: boolean, id = 7) =>
    ipv4(17, datagram.subarray(from, to), { id, mf: more, fragOff: from });
  const v6frag = (from: number, to: number, more: boolean, id = 7) =>
    ipv6(44, Buffer.concat([fragHeader(17, from, more, id), datagram.subarray(from, to)]));

  function expectWhole(): void {
    expect([out.reassembled, out.srcPort, out.dstPort, out.payloadLength, out.payloadWireLength]).toEqual([
      true,
      789,
      2049,
      3000,
      3000,
    ]);
    expect(out.data.subarray(out.payloadOffset, out.payloadOffset + 3000).equals(big)).toBe(true);
  }

  it('IPv4 in order and out of order', () => {
    const f = new FragmentReassembler();
    expect(decode(228, v4frag(0, 1480, true), {}, f)).toBe('fragment-pending');
    expect(decode(228, v4frag(1480, 2960, true), {}, f)).toBe('fragment-pending');
    expect(decode(228, v4frag(2960, 3008, false), {}, f)).toBe('ok');
    expectWhole();
    expect(decode(228, v4frag(2960, 3008, false, 8), {}, f)).toBe('fragment-pending');
    expect(decode(228, v4frag(0, 1480, true, 8), {}, f)).toBe('fragment-pending');
    expect(decode(228, v4frag(1480, 2960, true, 8), {}, f)).toBe('ok');
    expectWhole();
    expect([f.stats.completed, f.pending]).toEqual([2, 0]);
  });

  it('IPv6 out of order, through Ethernet', () => {
    const f = new FragmentReassembler();
    expect(decode(1, ethernet(0x86dd, v6frag(1232, 3008, false)), {}, f)).toBe('fragment-pending');
    expect(decode(1, ethernet(0x86dd, v6frag(0, 1232, true)), {}, f)).toBe('ok');
    expectWhole();
    expect(out.ipVersion).toBe(6);
  });

  it('overlapping fragments keep the first bytes and are counted', () => {
    const f = new FragmentReassembler();
    expect(decode(228, v4frag(0, 1600, true), {}, f)).toBe('fragment-pending');
    const dup = Buffer.from(v4frag(800, 2400, true));
    dup.fill(0xee, 20, 20 + 800); // the overlapping half carries other bytes: ignored
    expect(decode(228, dup, {}, f)).toBe('fragment-pending');
    expect(decode(228, v4frag(2400, 3008, false), {}, f)).toBe('ok');
    expectWhole();
    expect(f.stats.overlaps).toBe(1);
  });

  it('cap on concurrent datagrams evicts the oldest; capture-time timeout drops stale ones', () => {
    const f = new FragmentReassembler({ maxDatagrams: 4, timeoutSec: 30 });
    for (let id = 1; id <= 6; id++) expect(decode(228, v4frag(0, 1480, true, id), {}, f)).toBe('fragment-pending');
    expect([f.pending, f.stats.evicted]).toEqual([4, 2]);
    // id 1 was evicted: its last fragment cannot complete it
    expect(decode(228, v4frag(1480, 3008, false, 1), {}, f)).toBe('fragment-pending');
    expect(decode(228, v4frag(1480, 3008, false, 6), {}, f)).toBe('ok');
    expect(decode(228, v4frag(1480, 3008, false, 5), { tsSec: 200 }, f)).toBe('fragment-pending');
    // id 1's last fragment opened a slot (evicting id 3); id 6 completed; at t=200 ids 4, 5 and 1 are stale
    expect([f.stats.evicted, f.stats.timedOut, f.pending]).toEqual([3, 3, 1]);
  });

  it('oversize, inconsistent and truncated fragments are dropped, never thrown', () => {
    const f = new FragmentReassembler({ maxSize: 2000 });
    expect(decode(228, v4frag(0, 1480, true), {}, f)).toBe('fragment-pending');
    expect(decode(228, v4frag(1480, 3008, false), {}, f)).toBe('malformed');
    expect(f.stats.oversize).toBe(1);
    const g = new FragmentReassembler();
    expect(decode(228, v4frag(0, 1480, true), {}, g)).toBe('fragment-pending');
    expect(decode(228, v4frag(0, 1001, true, 9), {}, g)).toBe('malformed'); // non-final not a multiple of 8
    expect(decode(228, v4frag(2960, 3008, false), {}, g)).toBe('fragment-pending');
    expect(decode(228, v4frag(2000, 2600, false), {}, g)).toBe('malformed'); // a second, different end
    const frag = v4frag(0, 1480, true, 11);
    expect(decode(228, frag, { caplen: 200 }, g)).toBe('truncated');
  });
});
