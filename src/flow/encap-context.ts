/**
 * Encapsulation contexts: each distinct path of tunnels a packet came through (types and the identifiers that
 * name a virtual network: VXLAN/GENEVE VNI, GRE key, ERSPAN session, PPPoE session) is interned to a small
 * integer that becomes part of the flow key. Identifiers that differ per direction (MPLS labels, GTP TEIDs) and
 * the outer addresses are not part of it, so both directions of a tunnelled flow meet in one flow; the outer
 * addresses of the context's first packet are kept for the report. Numbers only on the per-packet path; a new
 * context allocates once. Capped: past MAX_CONTEXTS, new paths share one overflow context (counted).
 */
import type { DecodedPacket } from '../decode/types.js';
import {
  ENCAP_ERSPAN,
  ENCAP_GENEVE,
  ENCAP_GRE,
  ENCAP_GRE_UDP,
  ENCAP_GTPU,
  ENCAP_MPLS,
  ENCAP_NAMES,
  ENCAP_PPPOE,
  ENCAP_VXLAN,
  ENCAP_VXLAN_GPE,
} from '../decode/types.js';
import type { ViaHop } from '../report/schema.js';
import { addrToString } from './address.js';

export const MAX_CONTEXTS = 4096;

/** The identifier of a level as it enters the context key (-1 when it does not separate flows). */
function keyId(type: number, id: number): number {
  if (type === ENCAP_MPLS || type === ENCAP_GTPU) return -1;
  return id;
}

function hashPath(p: DecodedPacket): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < p.encapDepth; i++) {
    const t = p.encapType[i]!;
    h = Math.imul(h ^ t, 0x01000193);
    h = Math.imul(h ^ (keyId(t, p.encapId[i]!) | 0), 0x01000193);
  }
  return h | 0;
}

interface Context {
  types: number[];
  ids: number[];
  via: ViaHop[];
}

function idField(type: number): 'vni' | 'key' | 'session' | 'label' | 'teid' | null {
  if (type === ENCAP_VXLAN || type === ENCAP_VXLAN_GPE || type === ENCAP_GENEVE) return 'vni';
  if (type === ENCAP_GRE || type === ENCAP_GRE_UDP) return 'key';
  if (type === ENCAP_ERSPAN || type === ENCAP_PPPOE) return 'session';
  if (type === ENCAP_MPLS) return 'label';
  if (type === ENCAP_GTPU) return 'teid';
  return null;
}

/** The `via` of a packet's encapsulation levels (outer first). */
export function viaOf(p: DecodedPacket): ViaHop[] {
  const via: ViaHop[] = [];
  for (let i = 0; i < p.encapDepth; i++) {
    const t = p.encapType[i]!;
    const hop: ViaHop = { type: ENCAP_NAMES[t] ?? String(t) };
    const f = idField(t);
    const id = p.encapId[i]!;
    if (f !== null && id >= 0) hop[f] = id;
    const v = p.encapIpVersion[i]!;
    if (v === 4 || v === 6) {
      const a = p.encapAddr;
      const k = i * 8;
      hop.outer = {
        src: addrToString(v, a[k]!, a[k + 1]!, a[k + 2]!, a[k + 3]!),
        dst: addrToString(v, a[k + 4]!, a[k + 5]!, a[k + 6]!, a[k + 7]!),
      };
    }
    via.push(hop);
  }
  return via;
}

export class EncapContexts {
  /** Hash -> context id, linear probing on the hash value on collision. */
  private readonly byHash = new Map<number, number>();
  private readonly contexts: Context[] = [{ types: [], ids: [], via: [] }];
  /** Packets whose path arrived after the cap and were put in the overflow context. */
  overflowed = 0;
  private overflowId = -1;

  get size(): number {
    return this.contexts.length - 1;
  }

  /** The context id of the packet's encapsulation path (0 when it has none). */
  intern(p: DecodedPacket): number {
    if (p.encapDepth === 0) return 0;
    let h = hashPath(p);
    for (;;) {
      const id = this.byHash.get(h);
      if (id === undefined) break;
      if (this.matches(this.contexts[id]!, p)) return id;
      h = (h + 1) | 0;
    }
    if (this.contexts.length > MAX_CONTEXTS) {
      this.overflowed++;
      if (this.overflowId < 0) {
        this.overflowId = this.contexts.length;
        this.contexts.push({ types: [], ids: [], via: [{ type: 'overflow' }] });
      }
      return this.overflowId;
    }
    const c: Context = { types: [], ids: [], via: viaOf(p) };
    for (let i = 0; i < p.encapDepth; i++) {
      const t = p.encapType[i]!;
      c.types.push(t);
      c.ids.push(keyId(t, p.encapId[i]!));
    }
    const id = this.contexts.length;
    this.contexts.push(c);
    this.byHash.set(h, id);
    return id;
  }

  /** The report path of a context (empty for 0). */
  via(ctx: number): ViaHop[] {
    return this.contexts[ctx]?.via ?? [];
  }

  private matches(c: Context, p: DecodedPacket): boolean {
    if (c.types.length !== p.encapDepth) return false;
    for (let i = 0; i < p.encapDepth; i++) {
      const t = p.encapType[i]!;
      if (c.types[i] !== t || c.ids[i] !== keyId(t, p.encapId[i]!)) return false;
    }
    return true;
  }
}
