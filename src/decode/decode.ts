/**
 * decodePacket: link -> [encapsulations ->] IP -> TCP/UDP for one captured packet into the reused DecodedPacket.
 * Tunnels are layers of the same walk: each one crossed is recorded in the packet's encapsulation levels (outer
 * IP addresses, type, identifier) and decoding goes on with the inner packet, up to MAX_ENCAP_DEPTH.
 * No allocation per packet; never throws.
 */
import type { PacketRecord } from '../capture/types.js';
import { u16be, u32be } from './bytes.js';
import { type FragmentKey, FragmentReassembler } from './fragments.js';
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import {
  decodeLink,
  ETHERTYPE_MACSEC,
  ETHERTYPE_PPPOE_SESSION,
  LINK_NOT_IP,
  LINK_OK,
  LINK_TRUNCATED,
  LINKTYPE_ETHERNET,
  type LinkInfo,
  newLinkInfo,
} from './link.js';
import {
  geneve,
  gre,
  gtpu,
  INNER_ETHERNET,
  INNER_IP,
  INNER_MPLS,
  mpls,
  NATT_ESP,
  NATT_IKE,
  NATT_KEEPALIVE,
  natT,
  newTunnelHeader,
  pppoe,
  TH_NOT,
  TH_OK,
  TH_TRUNCATED,
  type TunnelHeader,
  teredo,
  vxlan,
  wireguard,
} from './tunnel.js';
import {
  type DecodedPacket,
  type DecodeStatus,
  ENCAP_IPIP,
  MAX_ENCAP_DEPTH,
  TUNNEL_ESP,
  TUNNEL_MACSEC,
  TUNNEL_WIREGUARD,
} from './types.js';

/** What a UDP port is decoded as (DecodeConfig.udpPorts). */
export const UDP_VXLAN = 1;
export const UDP_GENEVE = 2;
export const UDP_GRE = 3;
export const UDP_TEREDO = 4;
export const UDP_GTPU = 5;
export const UDP_NATT = 6;
export const UDP_WIREGUARD = 7;
/** Never a tunnel (the NFS port set): its datagrams are always analysed as they are. */
export const UDP_NEVER = 255;

export interface TunnelPortOptions {
  /** VXLAN ports (default 4789, Linux's 8472, and VXLAN-GPE's 4790). */
  vxlan?: number[];
  /** GENEVE ports (default 6081). */
  geneve?: number[];
  /** Ports whose datagrams are never decoded as tunnels (give the NFS port set). */
  never?: Iterable<number>;
  /** Inner fragments lost on these ports are counted apart (FragmentOptions.watchPort; give the NFS port set). */
  watchPort?: (port: number) => boolean;
}

/** Per-pipeline decoding state: tunnel ports, a second reassembler for inner fragments, reused scratch structs. */
export interface DecodeConfig {
  readonly udpPorts: Uint8Array;
  /** Inner datagrams are rebuilt apart from outer ones (an outer datagram's bytes are read while inner ones grow). */
  readonly innerFrags: FragmentReassembler;
  readonly link: LinkInfo;
  readonly th: TunnelHeader;
  readonly key: FragmentKey;
}

export const DEFAULT_VXLAN_PORTS: readonly number[] = [4789, 8472, 4790];
export const DEFAULT_GENEVE_PORTS: readonly number[] = [6081];

export function newDecodeConfig(opts: TunnelPortOptions = {}): DecodeConfig {
  const u = new Uint8Array(65536);
  u[4754] = UDP_GRE;
  u[3544] = UDP_TEREDO;
  u[2152] = UDP_GTPU;
  u[4500] = UDP_NATT;
  u[51820] = UDP_WIREGUARD;
  for (const p of opts.vxlan ?? DEFAULT_VXLAN_PORTS) u[p & 0xffff] = UDP_VXLAN;
  for (const p of opts.geneve ?? DEFAULT_GENEVE_PORTS) u[p & 0xffff] = UDP_GENEVE;
  for (const p of opts.never ?? []) u[p & 0xffff] = UDP_NEVER;
  return {
    udpPorts: u,
    innerFrags: new FragmentReassembler(
      opts.watchPort !== undefined ? { maxDatagrams: 64, watchPort: opts.watchPort } : { maxDatagrams: 64 },
    ),
    link: newLinkInfo(),
    th: newTunnelHeader(),
    key: { version: 4, s0: 0, s1: 0, s2: 0, s3: 0, d0: 0, d1: 0, d2: 0, d3: 0, id: 0, proto: 0, frameLen: 0 },
  };
}

const defaultConfig = newDecodeConfig();

/** Where decoding goes on: the INNER_* kinds of tunnel.ts and these. */
const K_IP4 = 10;
const K_IP6 = 11;
const K_PPPOE = 12;
const K_MACSEC = 13;

export function decodePacket(
  rec: PacketRecord,
  out: DecodedPacket,
  frags: FragmentReassembler,
  cfg: DecodeConfig = defaultConfig,
): DecodeStatus {
  const buf = rec.data;
  const end = rec.offset + Math.min(rec.caplen, buf.length - rec.offset);
  out.reassembled = false;
  out.protocol = 0;
  out.srcPort = 0;
  out.dstPort = 0;
  out.tcpFlags = 0;
  out.payloadLength = 0;
  out.payloadWireLength = 0;
  out.encapDepth = 0;
  out.tunnel = 0;
  cfg.key.frameLen = rec.origLen;
  const link = cfg.link;
  const lr = decodeLink(rec.linkType, buf, rec.offset, end, link);
  out.vlan = link.vlan;
  if (lr !== LINK_OK) {
    if (lr === LINK_NOT_IP) return 'not-ip';
    if (lr === LINK_TRUNCATED) return 'truncated';
    return 'unknown-linktype';
  }
  return walk(linkKind(link), buf, link.netOffset, end, out, frags, cfg, rec.tsSec);
}

function linkKind(link: LinkInfo): number {
  const t = link.etherType;
  if (t === 0) return link.ipVersion === 4 ? K_IP4 : link.ipVersion === 6 ? K_IP6 : INNER_IP;
  if (t === ETHERTYPE_PPPOE_SESSION) return K_PPPOE;
  if (t === ETHERTYPE_MACSEC) return K_MACSEC;
  return INNER_MPLS;
}

function headerStatus(r: number): DecodeStatus {
  if (r === TH_TRUNCATED) return 'truncated';
  if (r === TH_NOT) return 'malformed';
  return 'unsupported-encapsulation';
}

/** Record one encapsulation level, with the IP addresses now in `out` when `ipVersion` is 4 or 6. */
function push(out: DecodedPacket, type: number, id: number, ipVersion: number): boolean {
  const d = out.encapDepth;
  if (d >= MAX_ENCAP_DEPTH) return false;
  out.encapType[d] = type;
  out.encapId[d] = id;
  out.encapIpVersion[d] = ipVersion;
  const a = out.encapAddr;
  const k = d * 8;
  a[k] = out.src0;
  a[k + 1] = out.src1;
  a[k + 2] = out.src2;
  a[k + 3] = out.src3;
  a[k + 4] = out.dst0;
  a[k + 5] = out.dst1;
  a[k + 6] = out.dst2;
  a[k + 7] = out.dst3;
  out.encapDepth = d + 1;
  return true;
}

function walk(
  kind: number,
  buf: Buffer,
  o: number,
  end: number,
  out: DecodedPacket,
  frags: FragmentReassembler,
  cfg: DecodeConfig,
  tsSec: number,
): DecodeStatus {
  const h = cfg.th;
  // Each turn crosses one header; a tunnel level is pushed at most MAX_ENCAP_DEPTH times, Ethernet/IP between.
  for (let turn = 0; turn < 4 * MAX_ENCAP_DEPTH + 4; turn++) {
    if (kind === INNER_ETHERNET) {
      const link = cfg.link;
      const lr = decodeLink(LINKTYPE_ETHERNET, buf, o, end, link);
      if (lr === LINK_TRUNCATED) return 'truncated';
      if (lr !== LINK_OK) return 'not-ip';
      o = link.netOffset;
      kind = linkKind(link);
      continue;
    }
    if (kind === INNER_MPLS || kind === K_PPPOE) {
      const r = kind === INNER_MPLS ? mpls(buf, o, end - o, h) : pppoe(buf, o, end - o, h);
      if (r !== TH_OK) return headerStatus(r);
      if (!push(out, h.type, h.id, 0)) return 'encapsulation-too-deep';
      o = h.inner;
      kind = h.kind;
      continue;
    }
    if (kind === K_MACSEC) {
      out.tunnel = TUNNEL_MACSEC;
      out.tunnelId = -1;
      return 'encrypted-tunnel';
    }
    let v = kind === K_IP4 ? 4 : kind === K_IP6 ? 6 : 0;
    if (v === 0) {
      if (o >= end) return 'truncated';
      v = buf[o]! >>> 4;
    }
    const fr = out.encapDepth === 0 ? frags : cfg.innerFrags;
    let st: DecodeStatus;
    if (v === 4) st = decodeIPv4(buf, o, end, out, fr, cfg.key, tsSec);
    else if (v === 6) st = decodeIPv6(buf, o, end, out, fr, cfg.key, tsSec);
    else return out.encapDepth === 0 ? 'not-ip' : 'malformed';
    if (st === 'ok') {
      if (out.protocol !== 17) return st;
      const next = udpPayload(out, cfg);
      if (next <= 0) return next === 0 ? 'ok' : 'encrypted-tunnel';
      if (!push(out, h.type, h.id, out.ipVersion)) return 'encapsulation-too-deep';
    } else if (st === 'not-tcp-udp') {
      const proto = out.protocol;
      const po = out.payloadOffset;
      const plen = out.payloadLength;
      if (proto === 50) {
        out.tunnel = TUNNEL_ESP;
        out.tunnelId = plen >= 4 ? u32be(out.data, po) : -1;
        return 'encrypted-tunnel';
      }
      if (proto === 4 || proto === 41) {
        h.type = ENCAP_IPIP;
        h.id = -1;
        h.inner = po;
        h.kind = proto === 4 ? K_IP4 : K_IP6;
      } else if (proto === 47) {
        const r = gre(out.data, po, plen, h, false);
        if (r !== TH_OK) return headerStatus(r);
      } else return st;
      if (!push(out, h.type, h.id, out.ipVersion)) return 'encapsulation-too-deep';
    } else return st;
    // Go on inside: the inner packet's bytes may be in the reassembly buffer.
    buf = out.data;
    end = out.payloadOffset + out.payloadLength;
    o = h.inner;
    kind = h.kind;
    out.srcPort = 0;
    out.dstPort = 0;
  }
  return 'encapsulation-too-deep';
}

/**
 * A decoded UDP datagram: is it a tunnel to go into (returns the inner kind, with `cfg.th` filled), an encrypted
 * tunnel (-1, `out.tunnel` set), or a datagram for the flow table (0)? Configured ports are decoded when the
 * tunnel header checks out; elsewhere VXLAN, Teredo and WireGuard are recognised only when the whole datagram has
 * their shape (VXLAN: the inner Ethernet frame carries an IP header whose length fills it exactly).
 */
function udpPayload(out: DecodedPacket, cfg: DecodeConfig): number {
  const ports = cfg.udpPorts;
  const sp = ports[out.srcPort]!;
  const dp = ports[out.dstPort]!;
  if (sp === UDP_NEVER || dp === UDP_NEVER) return 0;
  const buf = out.data;
  const o = out.payloadOffset;
  const len = out.payloadLength;
  const h = cfg.th;
  const p = dp !== 0 ? dp : sp;
  const wireEnd = o + out.payloadWireLength;
  if (p === UDP_VXLAN) return vxlan(buf, o, len, h) === TH_OK && plausible(buf, h, o + len, wireEnd) ? h.kind : 0;
  if (p === UDP_GENEVE) return geneve(buf, o, len, h) === TH_OK && plausible(buf, h, o + len, wireEnd) ? h.kind : 0;
  if (p === UDP_GRE) return gre(buf, o, len, h, true) === TH_OK ? h.kind : 0;
  if (p === UDP_GTPU) return gtpu(buf, o, len, h) === TH_OK ? h.kind : 0;
  if (p === UDP_NATT) {
    const n = natT(buf, o, len);
    if (n === NATT_KEEPALIVE || n === NATT_ESP) {
      out.tunnel = TUNNEL_ESP;
      out.tunnelId = n === NATT_ESP ? u32be(buf, o) : -1;
      return -1;
    }
    if (n === NATT_IKE) return 0;
  }
  if (len < 32 || len !== out.payloadWireLength) return 0;
  const b0 = buf[o]!;
  // Teredo: an IPv6 packet, possibly after its authentication / origin headers, fills the datagram.
  if ((b0 >>> 4 === 6 || b0 === 0) && teredo(buf, o, len, h, p === UDP_TEREDO) === TH_OK) return h.kind;
  if (b0 >= 1 && b0 <= 4) {
    const idx = wireguard(buf, o, len);
    if (idx >= 0) {
      out.tunnel = TUNNEL_WIREGUARD;
      out.tunnelId = idx;
      return -1;
    }
  }
  if (b0 === 0x08 && vxlan(buf, o, len, h) === TH_OK && innerFillsFrame(buf, h.inner, o + len)) return h.kind;
  return 0;
}

/**
 * On a tunnel port, the inner packet must look like one (an ONC-RPC datagram whose XID starts 0x08 is not VXLAN):
 * an Ethernet frame with an IP, VLAN, MPLS or ARP ethertype, and an IP header with a valid version and length that
 * fits in what the datagram announces. Bytes cut by snaplen are not held against it.
 */
function plausible(buf: Buffer, h: TunnelHeader, end: number, wireEnd: number): boolean {
  let o = h.inner;
  if (h.kind === INNER_ETHERNET) {
    if (o + 14 > end) return o + 14 <= wireEnd;
    const t = u16be(buf, o + 12);
    if (t === 0x0806 || t === 0x8100 || t === 0x88a8 || t === 0x8847 || t === 0x8848) return true;
    if (t !== 0x0800 && t !== 0x86dd) return false;
    o += 14;
  } else if (h.kind !== INNER_IP) return true;
  if (o >= end) return o < wireEnd;
  const v = buf[o]! >>> 4;
  if (v === 4) {
    if (o + 4 > end) return true;
    return (buf[o]! & 0x0f) >= 5 && u16be(buf, o + 2) <= wireEnd - o;
  }
  if (v === 6) return o + 6 > end || u16be(buf, o + 4) + 40 <= wireEnd - o;
  return false;
}

/** An Ethernet frame at buf[o, end) whose IPv4/IPv6 header is valid and whose IP length fills it exactly. */
function innerFillsFrame(buf: Buffer, o: number, end: number): boolean {
  if (o + 14 + 20 > end) return false;
  const t = u16be(buf, o + 12);
  const ip = o + 14;
  // A frame shorter than Ethernet's minimum (60 bytes without FCS) is padded: the IP length is then shorter.
  const padded = end - o === 60;
  if (t === 0x0800) {
    const ihl = (buf[ip]! & 0x0f) * 4;
    const total = u16be(buf, ip + 2);
    return buf[ip]! >>> 4 === 4 && ihl >= 20 && (total === end - ip || (padded && total >= ihl && total < end - ip));
  }
  if (t === 0x86dd) return ip + 40 <= end && buf[ip]! >>> 4 === 6 && u16be(buf, ip + 4) + 40 === end - ip;
  return false;
}
