/**
 * Encrypted network-layer tunnels (IPsec ESP, ESP in UDP, WireGuard, MACsec): packets whose contents cannot be
 * decoded are gathered per tunnel (type, encapsulation context, the unordered pair of endpoints) with counters and
 * the SPIs / receiver indexes seen. Numeric keys on the per-packet path; an entry allocates once. Capped.
 */
import { type DecodedPacket, TUNNEL_MACSEC, TUNNEL_NAMES } from '../decode/types.js';
import type { EncryptedTunnelResult, ViaHop } from '../report/schema.js';
import { addrToString } from './address.js';

export const MAX_TUNNELS = 1024;
const MAX_IDS = 16;

class Entry {
  next: Entry | null = null;
  readonly ids: number[] = [];
  packets = 0;
  bytes = 0;
  constructor(
    readonly type: number,
    readonly ctx: number,
    readonly w: Uint32Array,
    readonly firstFrame: number,
    readonly result: EncryptedTunnelResult,
  ) {}
}

/** The endpoint words of a packet in canonical order (lower side first), ports as words 8 and 9. */
function canon(p: DecodedPacket, w: Uint32Array): void {
  const sFirst =
    p.src0 !== p.dst0
      ? p.src0 < p.dst0
      : p.src1 !== p.dst1
        ? p.src1 < p.dst1
        : p.src2 !== p.dst2
          ? p.src2 < p.dst2
          : p.src3 !== p.dst3
            ? p.src3 < p.dst3
            : p.srcPort <= p.dstPort;
  if (sFirst) {
    w[0] = p.src0;
    w[1] = p.src1;
    w[2] = p.src2;
    w[3] = p.src3;
    w[4] = p.dst0;
    w[5] = p.dst1;
    w[6] = p.dst2;
    w[7] = p.dst3;
    w[8] = p.srcPort;
    w[9] = p.dstPort;
  } else {
    w[0] = p.dst0;
    w[1] = p.dst1;
    w[2] = p.dst2;
    w[3] = p.dst3;
    w[4] = p.src0;
    w[5] = p.src1;
    w[6] = p.src2;
    w[7] = p.src3;
    w[8] = p.dstPort;
    w[9] = p.srcPort;
  }
}

export class EncryptedTunnels {
  private readonly byHash = new Map<number, Entry>();
  private readonly entries: Entry[] = [];
  private readonly scratch = new Uint32Array(10);
  /** Packets of tunnels beyond the cap (counted, not listed). */
  overflowPackets = 0;

  get count(): number {
    return this.entries.length;
  }

  /** Account one packet decoded as 'encrypted-tunnel'. `via` is called only when a new tunnel is listed. */
  add(p: DecodedPacket, frame: number, wireLen: number, via: (ctx: number) => ViaHop[]): void {
    const w = this.scratch;
    const type = p.tunnel;
    if (type === TUNNEL_MACSEC) w.fill(0);
    else canon(p, w);
    let h = Math.imul(type ^ (p.ctx << 4), 0x9e3779b1);
    for (let i = 0; i < 10; i++) h = Math.imul(h ^ w[i]!, 0x01000193);
    h |= 0;
    let e = this.byHash.get(h) ?? null;
    while (e !== null && !(e.type === type && e.ctx === p.ctx && same(e.w, w))) e = e.next;
    if (e === null) {
      if (this.entries.length >= MAX_TUNNELS) {
        this.overflowPackets++;
        return;
      }
      e = this.create(p, type, w, frame, via(p.ctx));
      e.next = this.byHash.get(h) ?? null;
      this.byHash.set(h, e);
    }
    e.packets++;
    e.bytes += wireLen;
    const id = p.tunnelId;
    if (id >= 0 && e.ids.length < MAX_IDS && !e.ids.includes(id)) e.ids.push(id);
  }

  results(): EncryptedTunnelResult[] {
    return this.entries.map((e) => {
      const r = e.result;
      r.packets = e.packets;
      r.bytes = e.bytes;
      r.ids = [...e.ids];
      return r;
    });
  }

  private create(p: DecodedPacket, type: number, w: Uint32Array, frame: number, via: ViaHop[]): Entry {
    const name = TUNNEL_NAMES[type] as EncryptedTunnelResult['type'];
    const r: EncryptedTunnelResult = { type: name, ids: [], packets: 0, bytes: 0, firstFrame: frame };
    if (type !== TUNNEL_MACSEC) {
      const v = p.ipVersion;
      r.a = { ip: addrToString(v, w[0]!, w[1]!, w[2]!, w[3]!), port: w[8]! };
      r.b = { ip: addrToString(v, w[4]!, w[5]!, w[6]!, w[7]!), port: w[9]! };
    }
    if (via.length > 0) r.via = via;
    const e = new Entry(type, p.ctx, Uint32Array.from(w), frame, r);
    this.entries.push(e);
    return e;
  }
}

function same(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < 10; i++) if (a[i] !== b[i]) return false;
  return true;
}
