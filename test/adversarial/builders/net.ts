/**
 * Packets for the adversarial corpus, built from the specs: Ethernet II, IPv4 (RFC 791, header checksum), IPv6
 * (RFC 8200), UDP (RFC 768) and TCP (RFC 9293) with their pseudo-header checksums. A `Trace` collects frames with
 * deterministic timestamps (one millisecond apart); `TcpConn` keeps both sides' sequence and acknowledgement numbers
 * through a three-way handshake, data, gaps (bytes sent but not captured), retransmissions, overlaps and FIN.
 */
import { pcapFile } from './pcap.js';

export interface Endpoint {
  /** Dotted IPv4 ("198.51.100.10") or full or compressed IPv6 ("2001:db8::10"). */
  ip: string;
  port: number;
}

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** The 4 or 16 bytes of an address. */
export function ipBytes(ip: string): Buffer {
  if (!ip.includes(':')) {
    const parts = ip.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`bad IPv4 address ${ip}`);
    return Buffer.from(parts);
  }
  const [head = '', tail] = ip.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  if (all.length !== 8) throw new Error(`bad IPv6 address ${ip}`);
  const b = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) b.writeUInt16BE(all[i]!, i * 2);
  return b;
}

/** A locally administered MAC derived from the address's last bytes (stable across runs). */
function macFor(ip: Buffer): Buffer {
  return Buffer.from([0x02, 0x00, ip[ip.length - 4]!, ip[ip.length - 3]!, ip[ip.length - 2]!, ip[ip.length - 1]!]);
}

/** One's-complement sum of 16-bit words (RFC 1071), folded, not yet complemented. */
function onesSum(b: Buffer, sum: number): number {
  let s = sum;
  for (let i = 0; i + 1 < b.length; i += 2) s += b.readUInt16BE(i);
  if (b.length % 2 === 1) s += b[b.length - 1]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function checksum(...parts: Buffer[]): number {
  let s = 0;
  for (const p of parts) s = onesSum(p, s);
  return ~s & 0xffff;
}

/** Pseudo-header for the TCP/UDP checksum (IPv4: RFC 793/768; IPv6: RFC 8200 section 8.1). */
function pseudoHeader(src: Buffer, dst: Buffer, proto: number, l4Len: number): Buffer {
  if (src.length === 4) {
    const p = Buffer.alloc(12);
    src.copy(p, 0);
    dst.copy(p, 4);
    p[9] = proto;
    p.writeUInt16BE(l4Len, 10);
    return p;
  }
  const p = Buffer.alloc(40);
  src.copy(p, 0);
  dst.copy(p, 16);
  p.writeUInt32BE(l4Len, 32);
  p[39] = proto;
  return p;
}

/** Ethernet II + IPv4/IPv6 around a transport segment whose checksum field sits at `csumAt`. */
function ipFrame(src: Buffer, dst: Buffer, proto: number, l4: Buffer, csumAt: number, ipId: number): Buffer {
  l4.writeUInt16BE(0, csumAt);
  let c = checksum(pseudoHeader(src, dst, proto, l4.length), l4);
  if (proto === PROTO_UDP && c === 0) c = 0xffff;
  l4.writeUInt16BE(c, csumAt);
  const eth = Buffer.alloc(14);
  macFor(dst).copy(eth, 0);
  macFor(src).copy(eth, 6);
  if (src.length === 4) {
    eth.writeUInt16BE(ETH_IPV4, 12);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + l4.length, 2);
    ip.writeUInt16BE(ipId & 0xffff, 4);
    ip.writeUInt16BE(0x4000, 6); // don't fragment
    ip[8] = 64;
    ip[9] = proto;
    src.copy(ip, 12);
    dst.copy(ip, 16);
    ip.writeUInt16BE(checksum(ip), 10);
    return Buffer.concat([eth, ip, l4]);
  }
  eth.writeUInt16BE(ETH_IPV6, 12);
  const ip = Buffer.alloc(40);
  ip.writeUInt32BE(0x60000000, 0);
  ip.writeUInt16BE(l4.length, 4);
  ip[6] = proto;
  ip[7] = 64;
  src.copy(ip, 8);
  dst.copy(ip, 24);
  return Buffer.concat([eth, ip, l4]);
}

/** Frames in capture order, each 1 ms after the previous one. Frame numbers start at 1, as tshark counts them. */
export class Trace {
  private readonly frames: Buffer[] = [];
  private ipId = 1;

  /** The frame number the next packet will get. */
  get nextFrame(): number {
    return this.frames.length + 1;
  }

  get count(): number {
    return this.frames.length;
  }

  add(frame: Buffer): number {
    this.frames.push(frame);
    return this.frames.length;
  }

  ip(src: string, dst: string, proto: number, l4: Buffer, csumAt: number): number {
    const s = ipBytes(src);
    const d = ipBytes(dst);
    if (s.length !== d.length) throw new Error('mixed IPv4/IPv6 endpoints');
    return this.add(ipFrame(s, d, proto, l4, csumAt, this.ipId++));
  }

  /** A classic little-endian microsecond pcap, Ethernet link type, timestamps from a fixed start. */
  pcap(): Buffer {
    const start = 1_767_225_600; // 2026-01-01T00:00:00Z
    return pcapFile(
      this.frames.map((data, i) => ({ data, sec: start + Math.floor(i / 1000), frac: (i % 1000) * 1000 })),
      { snaplen: 262144 },
    );
  }
}

/** Which side sends: the client (who sent the SYN) or the server. */
export type Side = 'c' | 's';

export interface SegmentOpts {
  /** Split the bytes into segments of at most this many bytes (default 1448). */
  mss?: number;
  /** TCP flags of every segment (default PSH|ACK). */
  flags?: number;
}

/**
 * One TCP connection. `send` advances the sender's sequence number and is acknowledged by the next segment the
 * other side sends; `lose` advances it without capturing the bytes (a capture gap); `resend` emits bytes at an
 * earlier sequence number (a retransmission, or an overlap when the bytes differ).
 */
export class TcpConn {
  private readonly nxt: Record<Side, number>;
  private readonly isn: Record<Side, number>;

  constructor(
    private readonly trace: Trace,
    readonly client: Endpoint,
    readonly server: Endpoint,
    isn: { c: number; s: number } = { c: 0x1000_0000, s: 0x5000_0000 },
  ) {
    this.isn = { ...isn };
    this.nxt = { c: isn.c, s: isn.s };
  }

  private ends(side: Side): [Endpoint, Endpoint] {
    return side === 'c' ? [this.client, this.server] : [this.server, this.client];
  }

  private segment(side: Side, seq: number, flags: number, payload: Uint8Array, mssOption = false): number {
    const [src, dst] = this.ends(side);
    const other: Side = side === 'c' ? 's' : 'c';
    const hdr = mssOption ? 24 : 20;
    const t = Buffer.alloc(hdr + payload.length);
    t.writeUInt16BE(src.port, 0);
    t.writeUInt16BE(dst.port, 2);
    t.writeUInt32BE(seq >>> 0, 4);
    t.writeUInt32BE(flags & TCP_ACK ? this.nxt[other] >>> 0 : 0, 8);
    t[12] = (hdr / 4) << 4;
    t[13] = flags;
    t.writeUInt16BE(64240, 14);
    if (mssOption) {
      t[20] = 2;
      t[21] = 4;
      t.writeUInt16BE(1460, 22);
    }
    t.set(payload, hdr);
    return this.trace.ip(src.ip, dst.ip, PROTO_TCP, t, 16);
  }

  /** SYN, SYN/ACK, ACK. */
  handshake(): this {
    this.segment('c', this.nxt.c, TCP_SYN, new Uint8Array(0), true);
    this.nxt.c = (this.nxt.c + 1) >>> 0;
    this.segment('s', this.nxt.s, TCP_SYN | TCP_ACK, new Uint8Array(0), true);
    this.nxt.s = (this.nxt.s + 1) >>> 0;
    this.segment('c', this.nxt.c, TCP_ACK, new Uint8Array(0));
    return this;
  }

  /**
   * Data from `side`, in segments; returns the frame number of the last segment (where tshark shows what the
   * reassembled bytes are).
   */
  send(side: Side, bytes: Uint8Array, o: SegmentOpts = {}): number {
    const mss = o.mss ?? 1448;
    let last = 0;
    for (let at = 0; at < bytes.length; at += mss) {
      const part = bytes.subarray(at, Math.min(bytes.length, at + mss));
      last = this.segment(side, this.nxt[side], o.flags ?? TCP_PSH | TCP_ACK, part);
      this.nxt[side] = (this.nxt[side] + part.length) >>> 0;
    }
    return last;
  }

  /** A bare ACK from `side`. */
  ack(side: Side): number {
    return this.segment(side, this.nxt[side], TCP_ACK, new Uint8Array(0));
  }

  /** `n` bytes sent by `side` that the capture did not see. */
  lose(side: Side, n: number): void {
    this.nxt[side] = (this.nxt[side] + n) >>> 0;
  }

  /** The sequence offset (bytes after the SYN) the next byte from `side` will have. */
  offset(side: Side): number {
    return (this.nxt[side] - this.isn[side] - 1) >>> 0;
  }

  /** Bytes at an earlier offset of `side`'s stream (a retransmission; an overlap conflict when they differ). */
  resend(side: Side, offset: number, bytes: Uint8Array): number {
    return this.segment(side, (this.isn[side] + 1 + offset) >>> 0, TCP_PSH | TCP_ACK, bytes);
  }

  /** FIN/ACK from `side`. */
  fin(side: Side): number {
    const f = this.segment(side, this.nxt[side], TCP_FIN | TCP_ACK, new Uint8Array(0));
    this.nxt[side] = (this.nxt[side] + 1) >>> 0;
    return f;
  }

  /** Both sides close: FIN from `first`, FIN from the other, last ACK. */
  close(first: Side = 'c'): void {
    const other: Side = first === 'c' ? 's' : 'c';
    this.fin(first);
    this.fin(other);
    this.ack(first);
  }
}

/** One UDP 5-tuple: datagrams either way. */
export class UdpConn {
  constructor(
    private readonly trace: Trace,
    readonly client: Endpoint,
    readonly server: Endpoint,
  ) {}

  send(side: Side, payload: Uint8Array): number {
    const [src, dst] = side === 'c' ? [this.client, this.server] : [this.server, this.client];
    const u = Buffer.alloc(8 + payload.length);
    u.writeUInt16BE(src.port, 0);
    u.writeUInt16BE(dst.port, 2);
    u.writeUInt16BE(8 + payload.length, 4);
    u.set(payload, 8);
    return this.trace.ip(src.ip, dst.ip, PROTO_UDP, u, 6);
  }
}
