/**
 * Tunnel headers: where the inner packet starts and what it is, for each encapsulation decoded (VXLAN and
 * VXLAN-GPE, GENEVE with options, GRE per RFC 2784/2890 with ERSPAN I/II/III and transparent Ethernet bridging,
 * GRE-in-UDP, MPLS label stacks with or without a pseudowire control word, PPPoE session, Teredo, GTP-U), and the
 * formats of encrypted tunnels (WireGuard messages, ESP in UDP). Pure: reads buf[o, o + len) only, never throws.
 */
import { u16be, u32be } from './bytes.js';
import {
  ENCAP_ERSPAN,
  ENCAP_GENEVE,
  ENCAP_GRE,
  ENCAP_GRE_UDP,
  ENCAP_GTPU,
  ENCAP_MPLS,
  ENCAP_PPPOE,
  ENCAP_TEREDO,
  ENCAP_VXLAN,
  ENCAP_VXLAN_GPE,
} from './types.js';

/** What follows a tunnel header. */
export const INNER_ETHERNET = 1;
/** An IP header, version from its first nibble. */
export const INNER_IP = 2;
export const INNER_MPLS = 3;

export const TH_OK = 0;
/** Not this tunnel's header (bad flags or version): the packet is left as it is. */
export const TH_NOT = 1;
export const TH_TRUNCATED = 2;
/** This tunnel, but a variant or payload not decoded. */
export const TH_UNSUPPORTED = 3;

/** Reused result of a tunnel header parse. */
export interface TunnelHeader {
  /** Offset of the inner packet. */
  inner: number;
  kind: number;
  /** ENCAP_* of the header parsed. */
  type: number;
  /** Its identifier (VNI, GRE key, ERSPAN session, top label, PPPoE session, TEID); -1 when none. */
  id: number;
}

export function newTunnelHeader(): TunnelHeader {
  return { inner: 0, kind: 0, type: 0, id: -1 };
}

const TEB = 0x6558;

function innerOfEthertype(t: number): number {
  if (t === 0x0800 || t === 0x86dd) return INNER_IP;
  if (t === TEB) return INNER_ETHERNET;
  if (t === 0x8847 || t === 0x8848) return INNER_MPLS;
  return 0;
}

/** VXLAN (RFC 7348) and VXLAN-GPE: 8 bytes, I flag set; GPE's P flag names the next protocol in byte 3. */
export function vxlan(buf: Buffer, o: number, len: number, h: TunnelHeader): number {
  if (len < 8) return TH_TRUNCATED;
  const flags = buf[o]!;
  if ((flags & 0x08) === 0) return TH_NOT;
  h.id = (u32be(buf, o + 4) >>> 8) >>> 0;
  h.inner = o + 8;
  if ((flags & 0x04) !== 0) {
    h.type = ENCAP_VXLAN_GPE;
    const next = buf[o + 3]!;
    if (next === 1 || next === 2) h.kind = INNER_IP;
    else if (next === 3) h.kind = INNER_ETHERNET;
    else if (next === 5) h.kind = INNER_MPLS;
    else return TH_UNSUPPORTED;
    return TH_OK;
  }
  // Plain VXLAN: reserved bytes are zero (checked so that other UDP on these ports is not taken for VXLAN).
  if ((flags & 0xf7) !== 0 || buf[o + 7] !== 0) return TH_NOT;
  h.type = ENCAP_VXLAN;
  h.kind = INNER_ETHERNET;
  return TH_OK;
}

/** GENEVE (RFC 8926): version 0, options length in 4-byte words, protocol type. */
export function geneve(buf: Buffer, o: number, len: number, h: TunnelHeader): number {
  if (len < 8) return TH_TRUNCATED;
  const b0 = buf[o]!;
  if (b0 >>> 6 !== 0) return TH_NOT;
  const hlen = 8 + (b0 & 0x3f) * 4;
  if (len < hlen) return TH_TRUNCATED;
  const kind = innerOfEthertype(u16be(buf, o + 2));
  if (kind === 0) return TH_UNSUPPORTED;
  h.type = ENCAP_GENEVE;
  h.id = (u32be(buf, o + 4) >>> 8) >>> 0;
  h.inner = o + hlen;
  h.kind = kind;
  return TH_OK;
}

/**
 * GRE (RFC 2784 with RFC 2890 key and sequence number) and ERSPAN on it: type I (0x88BE without sequence number,
 * no header), type II (0x88BE, 8 bytes) and type III (0x22EB, 12 bytes, plus 8 when the platform subheader is
 * present). `inUdp` for GRE-in-UDP (RFC 8086).
 */
export function gre(buf: Buffer, o: number, len: number, h: TunnelHeader, inUdp: boolean): number {
  if (len < 4) return TH_TRUNCATED;
  const flags = u16be(buf, o);
  // Version 1 (PPTP) and the RFC 1701 routing/strict-source-route/recursion fields are not decoded.
  if ((flags & 0x0007) !== 0 || (flags & 0x4000) !== 0) return TH_UNSUPPORTED;
  const proto = u16be(buf, o + 2);
  let p = o + 4;
  if ((flags & 0x8000) !== 0) p += 4;
  h.id = -1;
  if ((flags & 0x2000) !== 0) {
    if (p + 4 > o + len) return TH_TRUNCATED;
    h.id = u32be(buf, p);
    p += 4;
  }
  const seq = (flags & 0x1000) !== 0;
  if (seq) p += 4;
  if (p > o + len) return TH_TRUNCATED;
  h.type = inUdp ? ENCAP_GRE_UDP : ENCAP_GRE;
  h.inner = p;
  if (proto === 0x88be || proto === 0x22eb) {
    if (proto === 0x88be && !seq) {
      // ERSPAN type I: the mirrored frame follows the GRE header.
      h.type = ENCAP_ERSPAN;
      h.kind = INNER_ETHERNET;
      return TH_OK;
    }
    const need = proto === 0x88be ? 8 : 12;
    if (p + need > o + len) return TH_TRUNCATED;
    const ver = buf[p]! >>> 4;
    if ((proto === 0x88be && ver !== 1) || (proto === 0x22eb && ver !== 2)) return TH_UNSUPPORTED;
    h.id = u16be(buf, p + 2) & 0x03ff;
    let inner = p + need;
    if (proto === 0x22eb) {
      // Frame type (bits 10-14 of the last word) 0 is Ethernet; the O flag adds an 8-byte platform subheader.
      const w = u16be(buf, p + 10);
      if (((w >>> 10) & 0x1f) !== 0) return TH_UNSUPPORTED;
      if ((w & 1) !== 0) inner += 8;
      if (inner > o + len) return TH_TRUNCATED;
    }
    h.type = ENCAP_ERSPAN;
    h.inner = inner;
    h.kind = INNER_ETHERNET;
    return TH_OK;
  }
  const kind = innerOfEthertype(proto);
  if (kind === 0) return TH_UNSUPPORTED;
  h.kind = kind;
  return TH_OK;
}

/** Labels followed before giving up. */
export const MAX_MPLS_LABELS = 8;

/**
 * MPLS label stack: steps to the bottom-of-stack entry; what follows is IPv4/IPv6 by its first nibble, or a
 * pseudowire control word (first nibble 0, RFC 4385) and then an Ethernet frame. `h.id` is the top label.
 */
export function mpls(buf: Buffer, o: number, len: number, h: TunnelHeader): number {
  const end = o + len;
  let p = o;
  h.type = ENCAP_MPLS;
  for (let n = 0; ; n++) {
    if (n === MAX_MPLS_LABELS) return TH_UNSUPPORTED;
    if (p + 4 > end) return TH_TRUNCATED;
    if (n === 0) h.id = u32be(buf, p) >>> 12;
    const bos = (buf[p + 2]! & 1) !== 0;
    p += 4;
    if (bos) break;
  }
  if (p >= end) return TH_TRUNCATED;
  const nib = buf[p]! >>> 4;
  if (nib === 4 || nib === 6) {
    h.inner = p;
    h.kind = INNER_IP;
    return TH_OK;
  }
  if (nib === 0) {
    // Control word, then the pseudowire's Ethernet frame (without control word, Ethernet would start with a MAC
    // address whose first nibble is arbitrary: only the control-word form is decoded).
    h.inner = p + 4;
    h.kind = INNER_ETHERNET;
    return h.inner + 14 > end ? TH_TRUNCATED : TH_OK;
  }
  return TH_UNSUPPORTED;
}

/** PPPoE session stage (RFC 2516): version/type 0x11, code 0, then PPP protocol 0x0021 (IPv4) or 0x0057 (IPv6). */
export function pppoe(buf: Buffer, o: number, len: number, h: TunnelHeader): number {
  if (len < 8) return TH_TRUNCATED;
  if (buf[o] !== 0x11 || buf[o + 1] !== 0) return TH_NOT;
  const ppp = u16be(buf, o + 6);
  if (ppp !== 0x0021 && ppp !== 0x0057) return TH_UNSUPPORTED;
  h.type = ENCAP_PPPOE;
  h.id = u16be(buf, o + 2);
  h.inner = o + 8;
  h.kind = INNER_IP;
  return TH_OK;
}

/** Is buf[o, o + len) exactly one IPv6 packet (version 6, payload length matching)? */
function wholeIPv6(buf: Buffer, o: number, len: number): boolean {
  return len >= 40 && buf[o]! >>> 4 === 6 && 40 + u16be(buf, o + 4) === len;
}

/** Does either address of the IPv6 header at buf[o] lie in the Teredo prefix 2001:0000::/32? */
function teredoAddress(buf: Buffer, o: number): boolean {
  return u32be(buf, o + 8) === 0x20010000 || u32be(buf, o + 24) === 0x20010000;
}

/**
 * Teredo (RFC 4380): optional authentication (0x0001) and origin indication (0x0000) headers, then an IPv6
 * packet that must fill the datagram exactly (the check that keeps other UDP from being taken for Teredo). Off
 * the Teredo port (`onPort` false), one address must also be a Teredo address (2001:0::/32).
 */
export function teredo(buf: Buffer, o: number, len: number, h: TunnelHeader, onPort: boolean): number {
  let p = o;
  const end = o + len;
  if (p + 2 <= end && u16be(buf, p) === 0x0001) {
    if (p + 4 > end) return TH_NOT;
    p += 4 + buf[p + 2]! + buf[p + 3]! + 9;
  }
  if (p + 8 <= end && u16be(buf, p) === 0x0000) p += 8;
  if (p > end || !wholeIPv6(buf, p, end - p)) return TH_NOT;
  if (!onPort && !teredoAddress(buf, p)) return TH_NOT;
  h.type = ENCAP_TEREDO;
  h.id = -1;
  h.inner = p;
  h.kind = INNER_IP;
  return TH_OK;
}

/** GTP-U (3GPP TS 29.281) G-PDU: version 1, PT 1, message type 255, optional fields and extension headers. */
export function gtpu(buf: Buffer, o: number, len: number, h: TunnelHeader): number {
  if (len < 8) return TH_TRUNCATED;
  const flags = buf[o]!;
  if (flags >>> 5 !== 1 || (flags & 0x10) === 0) return TH_NOT;
  if (buf[o + 1] !== 0xff) return TH_UNSUPPORTED;
  h.type = ENCAP_GTPU;
  h.id = u32be(buf, o + 4);
  const end = o + len;
  let p = o + 8;
  if ((flags & 0x07) !== 0) {
    if (p + 4 > end) return TH_TRUNCATED;
    let next = buf[p + 3]!;
    p += 4;
    for (let n = 0; next !== 0; n++) {
      if (n === 8) return TH_UNSUPPORTED;
      if (p + 1 > end) return TH_TRUNCATED;
      const elen = buf[p]! * 4;
      if (elen === 0) return TH_UNSUPPORTED;
      if (p + elen > end) return TH_TRUNCATED;
      next = buf[p + elen - 1]!;
      p += elen;
    }
  }
  if (p >= end) return TH_TRUNCATED;
  h.inner = p;
  h.kind = INNER_IP;
  return TH_OK;
}

/**
 * A WireGuard message (by its format: type 1-4, three zero bytes, and the length each type has): handshake
 * initiation 148, response 92, cookie reply 64, transport data 32 + a multiple of 16. Returns the receiver index
 * (sender index for an initiation), or -1 when the bytes are not one.
 */
export function wireguard(buf: Buffer, o: number, len: number): number {
  if (len < 32) return -1;
  const t = buf[o]!;
  if (buf[o + 1] !== 0 || buf[o + 2] !== 0 || buf[o + 3] !== 0) return -1;
  const idx = buf.readUInt32LE(o + 4);
  if (t === 1) return len === 148 ? idx : -1;
  if (t === 2) return len === 92 ? buf.readUInt32LE(o + 8) : -1;
  if (t === 3) return len === 64 ? idx : -1;
  if (t === 4) return (len - 32) % 16 === 0 ? idx : -1;
  return -1;
}

/** UDP 4500 (RFC 3948): keepalive (one 0xFF byte), IKE (non-ESP marker: four zero bytes), else ESP. */
export const NATT_KEEPALIVE = 1;
export const NATT_IKE = 2;
export const NATT_ESP = 3;

export function natT(buf: Buffer, o: number, len: number): number {
  if (len === 1 && buf[o] === 0xff) return NATT_KEEPALIVE;
  if (len < 8) return 0;
  if (u32be(buf, o) === 0) return NATT_IKE;
  return NATT_ESP;
}
