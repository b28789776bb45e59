/**
 * Builds Ethernet + IPv4/IPv6 + TCP/UDP frames for the generator into one reused scratch buffer. IPv4 header
 * checksums are computed; TCP/UDP checksums are left zero (tshark and nDPI do not check them by default).
 */
export interface Host {
  mac: Buffer;
  /** 4 bytes (IPv4) or 16 bytes (IPv6). */
  ip: Buffer;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

const MAX_FRAME = 65536 + 128;

/** The outer ends of the VXLAN mirror session (a traffic-mirroring source and its collector). */
const VTEP_SRC: Host = { ip: Buffer.from([192, 0, 2, 1]), mac: Buffer.from([2, 0, 0xc0, 0, 2, 1]) };
const VTEP_DST: Host = { ip: Buffer.from([192, 0, 2, 2]), mac: Buffer.from([2, 0, 0xc0, 0, 2, 2]) };
export const VXLAN_PORT = 4789;
const VXLAN_SRC_PORT = 49152;

export class FrameBuilder {
  readonly buf = Buffer.alloc(MAX_FRAME);
  /** The last frame of `buf` wrapped by vxlan(). */
  readonly encap = Buffer.alloc(MAX_FRAME + 64);
  private ipId = 1;

  /** Writes Ethernet + IP headers for a transport segment of `l4Len` bytes; returns the transport header offset. */
  private ip(src: Host, dst: Host, proto: number, l4Len: number, b = this.buf): number {
    dst.mac.copy(b, 0);
    src.mac.copy(b, 6);
    if (src.ip.length === 4) {
      b.writeUInt16BE(0x0800, 12);
      b[14] = 0x45;
      b[15] = 0;
      b.writeUInt16BE(20 + l4Len, 16);
      b.writeUInt16BE(this.ipId, 18);
      this.ipId = (this.ipId + 1) & 0xffff;
      b.writeUInt16BE(0x4000, 20);
      b[22] = 64;
      b[23] = proto;
      b.writeUInt16BE(0, 24);
      src.ip.copy(b, 26);
      dst.ip.copy(b, 30);
      let sum = 0;
      for (let i = 14; i < 34; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
      b.writeUInt16BE(~sum & 0xffff, 24);
      return 34;
    }
    b.writeUInt16BE(0x86dd, 12);
    b.writeUInt32BE(0x60000000, 14);
    b.writeUInt16BE(l4Len, 18);
    b[20] = proto;
    b[21] = 64;
    src.ip.copy(b, 22);
    dst.ip.copy(b, 38);
    return 54;
  }

  /** A TCP segment; the SYN and SYN/ACK carry an MSS option. Returns the frame length. */
  tcp(
    src: Host,
    dst: Host,
    sport: number,
    dport: number,
    seq: number,
    ack: number,
    flags: number,
    payload: Buffer | null,
    pOff: number,
    pLen: number,
    mss: number,
  ): number {
    const hdr = flags & TCP_SYN ? 24 : 20;
    const t = this.ip(src, dst, 6, hdr + pLen);
    const b = this.buf;
    b.writeUInt16BE(sport, t);
    b.writeUInt16BE(dport, t + 2);
    b.writeUInt32BE(seq >>> 0, t + 4);
    b.writeUInt32BE(flags & TCP_ACK ? ack >>> 0 : 0, t + 8);
    b[t + 12] = (hdr / 4) << 4;
    b[t + 13] = flags;
    b.writeUInt16BE(64240, t + 14);
    b.writeUInt32BE(0, t + 16);
    if (hdr === 24) {
      b[t + 20] = 2;
      b[t + 21] = 4;
      b.writeUInt16BE(mss, t + 22);
    }
    if (payload && pLen > 0) payload.copy(b, t + hdr, pOff, pOff + pLen);
    return t + hdr + pLen;
  }

  /**
   * Wraps the `len`-byte frame in `buf` into `encap`: outer Ethernet, IPv4, UDP to 4789 and a VXLAN header
   * (RFC 7348: flags 0x08, 24-bit network identifier). Returns the outer frame's length.
   */
  vxlan(len: number, vni: number): number {
    const e = this.encap;
    const t = this.ip(VTEP_SRC, VTEP_DST, 17, 8 + 8 + len, e);
    e.writeUInt16BE(VXLAN_SRC_PORT, t);
    e.writeUInt16BE(VXLAN_PORT, t + 2);
    e.writeUInt16BE(16 + len, t + 4);
    e.writeUInt16BE(0, t + 6);
    e.writeUInt32BE(0x08000000, t + 8);
    e.writeUInt32BE(((vni & 0xffffff) << 8) >>> 0, t + 12);
    this.buf.copy(e, t + 16, 0, len);
    return t + 16 + len;
  }

  /** A UDP datagram. Returns the frame length. */
  udp(src: Host, dst: Host, sport: number, dport: number, payload: Buffer): number {
    const t = this.ip(src, dst, 17, 8 + payload.length);
    const b = this.buf;
    b.writeUInt16BE(sport, t);
    b.writeUInt16BE(dport, t + 2);
    b.writeUInt16BE(8 + payload.length, t + 4);
    b.writeUInt16BE(0, t + 6);
    payload.copy(b, t + 8);
    return t + 8 + payload.length;
  }
}
