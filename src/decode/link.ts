/**
 * Link layer: find where the IP header starts for each supported LINKTYPE, and the outermost VLAN id.
 * Pure: reads buf[off, end) only, never throws.
 */
import { u16be } from './bytes.js';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW_OLD12 = 12;
export const LINKTYPE_RAW_OLD14 = 14;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_MPLS = 0x8847;
export const ETHERTYPE_MPLS_MC = 0x8848;
export const ETHERTYPE_PPPOE_SESSION = 0x8864;
export const ETHERTYPE_MACSEC = 0x88e5;
/** VLAN tags we step over (802.1Q, QinQ and deeper stacks); more than this many is treated as not IP. */
export const MAX_VLAN_TAGS = 8;

export const LINK_OK = 0;
export const LINK_NOT_IP = 1;
export const LINK_TRUNCATED = 2;
export const LINK_UNKNOWN = 3;

/** Reused result of link decoding. */
export interface LinkInfo {
  /** Offset of the IP header in the buffer. */
  netOffset: number;
  /** 4 or 6 when the link layer says which; 0 when it is to be read from the version nibble. */
  ipVersion: 0 | 4 | 6;
  /** Outermost VLAN id, -1 when untagged. */
  vlan: number;
  /**
   * The ethertype of what starts at netOffset when it is not IP but a layer decoded further (MPLS, PPPoE session,
   * MACsec); 0 for IP or when the link type has no ethertype. After LINK_NOT_IP: the ethertype that stopped decoding
   * (a VLAN TPID when the tag stack was too deep; 0 when the link type has none, e.g. a BSD loopback family).
   */
  etherType: number;
}

export function newLinkInfo(): LinkInfo {
  return { netOffset: 0, ipVersion: 0, vlan: -1, etherType: 0 };
}

function isVlanTpid(t: number): boolean {
  return t === 0x8100 || t === 0x88a8 || t === 0x9100;
}

/** Steps over VLAN tags starting with the ethertype at buf[typeOff]; sets the IP version from the final type. */
function ethertype(buf: Buffer, typeOff: number, end: number, info: LinkInfo): number {
  let o = typeOff;
  if (o + 2 > end) return LINK_TRUNCATED;
  let type = u16be(buf, o);
  for (let n = 0; isVlanTpid(type); n++) {
    if (n === MAX_VLAN_TAGS) {
      info.etherType = type;
      return LINK_NOT_IP;
    }
    if (o + 6 > end) return LINK_TRUNCATED;
    if (info.vlan < 0) info.vlan = u16be(buf, o + 2) & 0x0fff;
    o += 4;
    type = u16be(buf, o);
  }
  // An 802.3 frame (a length, not a type) with LLC/SNAP and a zero OUI carries an ethertype after 8 more bytes.
  if (
    type < 0x0600 &&
    o + 10 <= end &&
    buf[o + 2] === 0xaa &&
    buf[o + 3] === 0xaa &&
    buf[o + 4] === 0x03 &&
    buf[o + 5] === 0 &&
    buf[o + 6] === 0 &&
    buf[o + 7] === 0
  ) {
    o += 8;
    type = u16be(buf, o);
  }
  info.netOffset = o + 2;
  return ethertypeVersion(type, info);
}

/** BSD loopback address family: AF_INET 2; AF_INET6 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (Darwin). */
function familyVersion(f: number): 0 | 4 | 6 {
  if (f === 2) return 4;
  if (f === 24 || f === 28 || f === 30) return 6;
  return 0;
}

function nullLoop(buf: Buffer, off: number, end: number, info: LinkInfo): number {
  if (off + 4 > end) return LINK_TRUNCATED;
  // The family is in the writer's byte order (NULL) or network order (LOOP); accept both for both.
  let v = familyVersion(buf.readUInt32LE(off));
  if (v === 0) v = familyVersion(buf.readUInt32BE(off));
  if (v === 0) return LINK_NOT_IP;
  info.netOffset = off + 4;
  info.ipVersion = v;
  return LINK_OK;
}

/** Decode the link header of one packet in buf[off, end). Returns a LINK_* code and fills `info`. */
export function decodeLink(linkType: number, buf: Buffer, off: number, end: number, info: LinkInfo): number {
  info.vlan = -1;
  info.ipVersion = 0;
  info.etherType = 0;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      if (off + 14 > end) return LINK_TRUNCATED;
      return ethertype(buf, off + 12, end, info);
    case LINKTYPE_LINUX_SLL:
      if (off + 16 > end) return LINK_TRUNCATED;
      return ethertype(buf, off + 14, end, info);
    case LINKTYPE_LINUX_SLL2:
      if (off + 20 > end) return LINK_TRUNCATED;
      // SLL2 puts the protocol first, then 18 more header bytes; a VLAN tag (TCI, inner type) follows them.
      if (isVlanTpid(u16be(buf, off))) {
        if (off + 24 > end) return LINK_TRUNCATED;
        info.vlan = u16be(buf, off + 20) & 0x0fff;
        return ethertype(buf, off + 22, end, info);
      }
      info.netOffset = off + 20;
      return ethertypeVersion(u16be(buf, off), info);
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP:
      return nullLoop(buf, off, end, info);
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_OLD12:
    case LINKTYPE_RAW_OLD14:
      info.netOffset = off;
      return LINK_OK;
    case LINKTYPE_IPV4:
      info.netOffset = off;
      info.ipVersion = 4;
      return LINK_OK;
    case LINKTYPE_IPV6:
      info.netOffset = off;
      info.ipVersion = 6;
      return LINK_OK;
    default:
      return LINK_UNKNOWN;
  }
}

function ethertypeVersion(type: number, info: LinkInfo): number {
  if (type === ETHERTYPE_IPV4) info.ipVersion = 4;
  else if (type === ETHERTYPE_IPV6) info.ipVersion = 6;
  else if (
    type === ETHERTYPE_MPLS ||
    type === ETHERTYPE_MPLS_MC ||
    type === ETHERTYPE_PPPOE_SESSION ||
    type === ETHERTYPE_MACSEC
  )
    info.etherType = type;
  else {
    info.etherType = type;
    return LINK_NOT_IP;
  }
  return LINK_OK;
}
