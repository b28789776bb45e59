/** Encapsulation layers on crafted bytes: each tunnel decoded to its inner TCP/UDP, with its level recorded. */
import { describe, expect, it } from 'vitest';
import { decodePacket, newDecodeConfig } from '../../../src/decode/decode.js';
import { FragmentReassembler } from '../../../src/decode/fragments.js';
import {
  ENCAP_ERSPAN,
  ENCAP_GENEVE,
  ENCAP_GRE,
  ENCAP_GRE_UDP,
  ENCAP_GTPU,
  ENCAP_IPIP,
  ENCAP_MPLS,
  ENCAP_PPPOE,
  ENCAP_TEREDO,
  ENCAP_VXLAN,
  MAX_ENCAP_DEPTH,
  newDecodedPacket,
  TUNNEL_ESP,
  TUNNEL_MACSEC,
  TUNNEL_WIREGUARD,
} from '../../../src/decode/types.js';
import { ethernet, ipv4, ipv6, record, tcpHeader, udpHeader } from './bytes.js';

const out = newDecodedPacket();
const nfsCall = Buffer.from('80000028000000010000000000000002000186a3', 'hex');
const innerTcp = ipv4(6, tcpHeader(800, 2049, nfsCall));
const innerTcp6 = ipv6(6, tcpHeader(800, 2049, nfsCall));
const innerFrame = ethernet(0x0800, innerTcp);

function decode(data: Buffer, cfg = newDecodeConfig({ never: [2049, 111] }), frags = new FragmentReassembler()) {
  return decodePacket(record(1, data), out, frags, cfg);
}

function levels(): [number, number][] {
  const r: [number, number][] = [];
  for (let i = 0; i < out.encapDepth; i++) r.push([out.encapType[i]!, out.encapId[i]!]);
  return r;
}

function innerIsNfsCall(): void {
  expect([out.protocol, out.srcPort, out.dstPort, out.payloadLength]).toEqual([6, 800, 2049, nfsCall.length]);
  expect(out.data.subarray(out.payloadOffset, out.payloadOffset + out.payloadLength)).toEqual(nfsCall);
}

const vxlanHdr = (vni: number, flags = 0x08) => {
  const h = Buffer.alloc(8);
  h[0] = flags;
  h.writeUInt32BE(vni << 8, 4);
  return h;
};
const udp4 = (sport: number, dport: number, p: Buffer) => ethernet(0x0800, ipv4(17, udpHeader(sport, dport, p)));

function greHdr(proto: number, o: { key?: number; seq?: number; csum?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  let flags = 0;
  if (o.csum) {
    flags |= 0x8000;
    parts.push(Buffer.alloc(4));
  }
  if (o.key !== undefined) {
    flags |= 0x2000;
    const k = Buffer.alloc(4);
    k.writeUInt32BE(o.key, 0);
    parts.push(k);
  }
  if (o.seq !== undefined) {
    flags |= 0x1000;
    const s = Buffer.alloc(4);
    s.writeUInt32BE(o.seq, 0);
    parts.push(s);
  }
  const h = Buffer.alloc(4);
  h.writeUInt16BE(flags, 0);
  h.writeUInt16BE(proto, 2);
  return Buffer.concat([h, ...parts]);
}

describe('tunnels over UDP', () => {
  it('VXLAN on 4789 and 8472: VNI, outer addresses, inner NFS call', () => {
    for (const port of [4789, 8472]) {
      expect(decode(udp4(51000, port, Buffer.concat([vxlanHdr(123), innerFrame])))).toBe('ok');
      expect(levels()).toEqual([[ENCAP_VXLAN, 123]]);
      expect([out.encapIpVersion[0], out.encapAddr[0], out.encapAddr[4]]).toEqual([4, 0x0a000001, 0x0a000002]);
      innerIsNfsCall();
    }
  });

  it('VXLAN ports are configurable: 4789 left alone when not configured, another port decoded', () => {
    const cfg = newDecodeConfig({ vxlan: [9999], never: [2049] });
    expect(decode(udp4(51000, 9999, Buffer.concat([vxlanHdr(5), innerFrame])), cfg)).toBe('ok');
    expect(levels()).toEqual([[ENCAP_VXLAN, 5]]);
  });

  it('VXLAN on an unconfigured port only when the inner Ethernet/IP header fills the datagram', () => {
    expect(decode(udp4(40000, 40001, Buffer.concat([vxlanHdr(7), innerFrame])))).toBe('ok');
    expect(levels()).toEqual([[ENCAP_VXLAN, 7]]);
    innerIsNfsCall();
    const bad = Buffer.concat([vxlanHdr(7), innerFrame, Buffer.alloc(20)]);
    expect(decode(udp4(40000, 40001, bad))).toBe('ok');
    expect([out.encapDepth, out.dstPort]).toEqual([0, 40001]);
  });

  it('GENEVE with options, Ethernet and IPv4 payload', () => {
    const opts = Buffer.alloc(8, 0x11);
    const h = Buffer.alloc(8);
    h[0] = opts.length / 4;
    h.writeUInt16BE(0x6558, 2);
    h.writeUInt32BE(77 << 8, 4);
    expect(decode(udp4(51000, 6081, Buffer.concat([h, opts, innerFrame])))).toBe('ok');
    expect(levels()).toEqual([[ENCAP_GENEVE, 77]]);
    innerIsNfsCall();
    h.writeUInt16BE(0x0800, 2);
    expect(decode(udp4(51000, 6081, Buffer.concat([h, opts, innerTcp])))).toBe('ok');
    innerIsNfsCall();
  });

  it('GRE-in-UDP (4754), GTP-U with extension header (2152), Teredo with origin indication (3544)', () => {
    expect(decode(udp4(1, 4754, Buffer.concat([greHdr(0x0800, { key: 9 }), innerTcp])))).toBe('ok');
    expect(levels()).toEqual([[ENCAP_GRE_UDP, 9]]);
    innerIsNfsCall();
    const gtp = Buffer.from('3cff0000000004d2000000850100000000', 'hex'); // E flag, one 4-byte extension
    gtp[15] = 0;
    const g = Buffer.concat([gtp.subarray(0, 12), Buffer.from([1, 0, 0, 0])]);
    expect(decode(udp4(2152, 2152, Buffer.concat([g, innerTcp])))).toBe('ok');
    expect(levels()).toEqual([[ENCAP_GTPU, 1234]]);
    innerIsNfsCall();
    const origin = Buffer.alloc(8);
    expect(decode(udp4(3544, 50000, Buffer.concat([origin, innerTcp6])))).toBe('ok');
    expect(levels()).toEqual([[ENCAP_TEREDO, -1]]);
    expect(out.ipVersion).toBe(6);
    innerIsNfsCall();
  });

  it('Teredo off its port needs a 2001:0::/32 address', () => {
    expect(decode(udp4(40000, 40001, innerTcp6))).toBe('ok');
    expect(out.encapDepth).toBe(0);
    const teredoAddr = Buffer.from(innerTcp6);
    teredoAddr.writeUInt32BE(0x20010000, 8);
    expect(decode(udp4(40000, 40001, teredoAddr))).toBe('ok');
    expect(levels()).toEqual([[ENCAP_TEREDO, -1]]);
  });
});

describe('unrelated UDP is never decoded as a tunnel', () => {
  const dns = Buffer.from('abcd01000001000000000000076578616d706c6503636f6d0000010001', 'hex');
  const dtls = Buffer.concat([Buffer.from('16fefd000000000000000000', 'hex'), Buffer.alloc(40, 1)]);
  const rpcCall = Buffer.concat([Buffer.from('0800000000000000000000020001', 'hex'), Buffer.alloc(60)]);
  for (const [name, payload] of [
    ['DNS', dns],
    ['DTLS', dtls],
    ['ONC-RPC call whose XID starts 0x08', rpcCall],
  ] as const) {
    for (const port of [4789, 6081, 4754, 3544, 2152, 53, 40001]) {
      it(`${name} to port ${port}`, () => {
        expect(decode(udp4(40000, port, payload))).toBe('ok');
        expect([out.encapDepth, out.tunnel, out.dstPort, out.payloadLength]).toEqual([0, 0, port, payload.length]);
      });
    }
  }
  it('a VXLAN-shaped datagram on an NFS port stays NFS', () => {
    expect(decode(udp4(40000, 2049, Buffer.concat([vxlanHdr(7), innerFrame])))).toBe('ok');
    expect([out.encapDepth, out.dstPort]).toEqual([0, 2049]);
  });
});

describe('tunnels over IP and below IP', () => {
  it('GRE with checksum, key and sequence number (RFC 2784/2890)', () => {
    const pkt = ethernet(0x0800, ipv4(47, Buffer.concat([greHdr(0x0800, { csum: true, key: 42, seq: 3 }), innerTcp])));
    expect(decode(pkt)).toBe('ok');
    expect(levels()).toEqual([[ENCAP_GRE, 42]]);
    innerIsNfsCall();
  });

  it('GRE transparent Ethernet bridging (0x6558) and GRE over IPv6', () => {
    expect(decode(ethernet(0x0800, ipv4(47, Buffer.concat([greHdr(0x6558), innerFrame]))))).toBe('ok');
    expect(levels()).toEqual([[ENCAP_GRE, -1]]);
    innerIsNfsCall();
    expect(decode(ethernet(0x86dd, ipv6(47, Buffer.concat([greHdr(0x0800), innerTcp]))))).toBe('ok');
    expect([out.encapIpVersion[0], out.ipVersion]).toEqual([6, 4]);
    innerIsNfsCall();
  });

  it('ERSPAN I, II and III (with platform subheader)', () => {
    expect(decode(ethernet(0x0800, ipv4(47, Buffer.concat([greHdr(0x88be), innerFrame]))))).toBe('ok');
    expect(levels()).toEqual([[ENCAP_ERSPAN, -1]]);
    const e2 = Buffer.alloc(8);
    e2.writeUInt16BE(0x1000, 0);
    e2.writeUInt16BE(0x0123, 2);
    expect(decode(ethernet(0x0800, ipv4(47, Buffer.concat([greHdr(0x88be, { seq: 1 }), e2, innerFrame]))))).toBe('ok');
    expect(levels()).toEqual([[ENCAP_ERSPAN, 0x123]]);
    innerIsNfsCall();
    const e3 = Buffer.alloc(12);
    e3.writeUInt16BE(0x2000, 0);
    e3.writeUInt16BE(0x0045, 2);
    e3.writeUInt16BE(0x0001, 10);
    const plat = Buffer.alloc(8);
    expect(decode(ethernet(0x0800, ipv4(47, Buffer.concat([greHdr(0x22eb, { seq: 1 }), e3, plat, innerFrame]))))).toBe(
      'ok',
    );
    expect(levels()).toEqual([[ENCAP_ERSPAN, 0x45]]);
    innerIsNfsCall();
  });

  it('IP-in-IP: 4in4, 6in4, 4in6, 6in6', () => {
    for (const [outer, proto, inner, v] of [
      [4, 4, innerTcp, 4],
      [4, 41, innerTcp6, 6],
      [6, 4, innerTcp, 4],
      [6, 41, innerTcp6, 6],
    ] as const) {
      const pkt = outer === 4 ? ethernet(0x0800, ipv4(proto, inner)) : ethernet(0x86dd, ipv6(proto, inner));
      expect(decode(pkt)).toBe('ok');
      expect([levels(), out.encapIpVersion[0], out.ipVersion]).toEqual([[[ENCAP_IPIP, -1]], outer, v]);
      innerIsNfsCall();
    }
  });

  it('MPLS: a two-label stack to IPv4, and a pseudowire with control word to Ethernet', () => {
    const label = (l: number, bos: boolean) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(((l << 12) | (bos ? 0x100 : 0) | 64) >>> 0, 0);
      return b;
    };
    expect(decode(ethernet(0x8847, Buffer.concat([label(100, false), label(200, true), innerTcp])))).toBe('ok');
    expect(levels()).toEqual([[ENCAP_MPLS, 100]]);
    innerIsNfsCall();
    const cw = Buffer.alloc(4);
    expect(decode(ethernet(0x8847, Buffer.concat([label(300, true), cw, innerFrame])))).toBe('ok');
    expect(levels()).toEqual([[ENCAP_MPLS, 300]]);
    innerIsNfsCall();
  });

  it('PPPoE session and a stack of three VLAN tags (QinQ and beyond)', () => {
    const h = Buffer.from([0x11, 0, 0x12, 0x34, 0, innerTcp.length + 2, 0x00, 0x21]);
    expect(decode(ethernet(0x8864, Buffer.concat([h, innerTcp])))).toBe('ok');
    expect(levels()).toEqual([[ENCAP_PPPOE, 0x1234]]);
    innerIsNfsCall();
    const tags: [number, number][] = [
      [0x88a8, 10],
      [0x8100, 20],
      [0x8100, 30],
    ];
    expect(decode(ethernet(0x0800, innerTcp, tags))).toBe('ok');
    expect([out.vlan, out.encapDepth]).toEqual([10, 0]);
    innerIsNfsCall();
  });

  it(`nesting stops at ${MAX_ENCAP_DEPTH} levels`, () => {
    let pkt = innerTcp;
    for (let i = 0; i < MAX_ENCAP_DEPTH; i++) pkt = ipv4(4, pkt);
    expect(decode(ethernet(0x0800, pkt))).toBe('ok');
    expect(out.encapDepth).toBe(MAX_ENCAP_DEPTH);
    expect(decode(ethernet(0x0800, ipv4(4, pkt)))).toBe('encapsulation-too-deep');
  });

  it('outer and inner fragments are reassembled', () => {
    const big = ipv4(17, udpHeader(700, 2049, Buffer.alloc(2000, 7)), { id: 9 });
    const innerFrags = [
      ipv4(17, big.subarray(20, 1020), { id: 9, mf: true }),
      ipv4(17, big.subarray(1020), { id: 9, fragOff: 1000 }),
    ];
    // Inner fragments, each in one GRE packet.
    const cfg = newDecodeConfig();
    const frags = new FragmentReassembler();
    const viaGre = (inner: Buffer, id: number) =>
      ethernet(0x0800, ipv4(47, Buffer.concat([greHdr(0x0800), inner]), { id }));
    expect(decode(viaGre(innerFrags[0]!, 1), cfg, frags)).toBe('fragment-pending');
    expect(decode(viaGre(innerFrags[1]!, 2), cfg, frags)).toBe('ok');
    expect([out.encapDepth, out.reassembled, out.dstPort, out.payloadLength]).toEqual([1, true, 2049, 2000]);
    // One GRE packet cut in two outer fragments.
    const gre = Buffer.concat([greHdr(0x0800), big]);
    const o1 = ipv4(47, gre.subarray(0, 1200), { id: 5, mf: true });
    const o2 = ipv4(47, gre.subarray(1200), { id: 5, fragOff: 1200 });
    expect(decode(ethernet(0x0800, o1), cfg, frags)).toBe('fragment-pending');
    expect(decode(ethernet(0x0800, o2), cfg, frags)).toBe('ok');
    expect([out.encapDepth, out.dstPort, out.payloadLength]).toEqual([1, 2049, 2000]);
  });
});

describe('encrypted tunnels', () => {
  it('ESP (protocol 50) with its SPI, over IPv4 and IPv6', () => {
    const esp = Buffer.concat([Buffer.from('0000abcd00000001', 'hex'), Buffer.alloc(40, 9)]);
    expect(decode(ethernet(0x0800, ipv4(50, esp)))).toBe('encrypted-tunnel');
    expect([out.tunnel, out.tunnelId]).toEqual([TUNNEL_ESP, 0xabcd]);
    expect(decode(ethernet(0x86dd, ipv6(50, esp)))).toBe('encrypted-tunnel');
    expect([out.tunnel, out.tunnelId]).toEqual([TUNNEL_ESP, 0xabcd]);
  });

  it('ESP in UDP 4500 and NAT-T keepalives; IKE with the non-ESP marker stays a UDP flow', () => {
    const esp = Buffer.concat([Buffer.from('0000abcd00000001', 'hex'), Buffer.alloc(40, 9)]);
    expect(decode(udp4(4500, 4500, esp))).toBe('encrypted-tunnel');
    expect([out.tunnel, out.tunnelId, out.srcPort]).toEqual([TUNNEL_ESP, 0xabcd, 4500]);
    expect(decode(udp4(4500, 4500, Buffer.from([0xff])))).toBe('encrypted-tunnel');
    expect(decode(udp4(4500, 4500, Buffer.concat([Buffer.alloc(4), Buffer.alloc(40, 3)])))).toBe('ok');
    expect(out.tunnel).toBe(0);
  });

  it('WireGuard messages by format on any port; wrong lengths are not WireGuard', () => {
    const msg = (type: number, len: number) => {
      const b = Buffer.alloc(len, 0x5a);
      b[0] = type;
      b[1] = b[2] = b[3] = 0;
      b.writeUInt32LE(0x01020304, 4);
      return b;
    };
    for (const [t, len] of [
      [1, 148],
      [2, 92],
      [3, 64],
      [4, 32 + 64],
    ] as const) {
      expect(decode(udp4(40000, 51820, msg(t, len)))).toBe('encrypted-tunnel');
      expect(out.tunnel).toBe(TUNNEL_WIREGUARD);
      expect(decode(udp4(40000, 12345, msg(t, len)))).toBe('encrypted-tunnel');
    }
    expect(decode(udp4(40000, 12345, msg(1, 149)))).toBe('ok');
    expect(decode(udp4(40000, 12345, msg(4, 33)))).toBe('ok');
    expect(decode(udp4(40000, 2049, msg(1, 148)))).toBe('ok');
  });

  it('MACsec (0x88E5)', () => {
    expect(decode(ethernet(0x88e5, Buffer.alloc(60, 1)))).toBe('encrypted-tunnel');
    expect(out.tunnel).toBe(TUNNEL_MACSEC);
  });
});
