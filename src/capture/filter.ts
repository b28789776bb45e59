/**
 * `--filter` for capture files: libpcap's own BPF compiler (pcap_open_dead + pcap_compile, one program per link
 * type met) run over each packet in place with pcap_offline_filter, so a file keeps exactly the packets tcpdump
 * would keep for the same expression. The readers stay ours; only the decision comes from libpcap.
 */
import { type BpfFilterHandle, type LibpcapAddon, linkTypeToDlt, loadLibpcap } from './libpcap.js';
import type { PacketRecord } from './types.js';

/** The largest snaplen libpcap knows: the compiled program must not cut packets short. */
const MAX_SNAPLEN = 262144;

/** Why a filter cannot be used at all (addon missing, expression invalid): a usage error. */
export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

function addonOrThrow(): LibpcapAddon {
  const a = loadLibpcap();
  if (typeof a === 'string') throw new FilterError(`--filter: ${a}`);
  return a;
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

/** Checks an expression the way tcpdump would on an Ethernet capture; throws FilterError with pcap's message. */
export function checkFilter(expression: string): void {
  const addon = addonOrThrow();
  try {
    new addon.BpfFilter(1, MAX_SNAPLEN, expression);
  } catch (e) {
    throw new FilterError(message(e));
  }
}

export class PacketFilter {
  matched = 0;
  rejected = 0;
  /** The first link type the expression does not compile for (its packets are rejected and counted). */
  failure: { linkType: number; offset: number; message: string } | null = null;
  private readonly addon: LibpcapAddon;
  private readonly byLink = new Map<number, BpfFilterHandle | null>();
  private lastLink = -1;
  private last: BpfFilterHandle | null = null;

  constructor(readonly expression: string) {
    this.addon = addonOrThrow();
  }

  /** True when the packet passes the filter. */
  accepts(rec: PacketRecord): boolean {
    if (rec.linkType !== this.lastLink) {
      this.lastLink = rec.linkType;
      this.last = this.compiled(rec);
    }
    const f = this.last;
    if (f?.match(rec.data, rec.offset, rec.caplen, rec.origLen)) {
      this.matched++;
      return true;
    }
    this.rejected++;
    return false;
  }

  private compiled(rec: PacketRecord): BpfFilterHandle | null {
    const known = this.byLink.get(rec.linkType);
    if (known !== undefined) return known;
    let f: BpfFilterHandle | null = null;
    try {
      f = new this.addon.BpfFilter(linkTypeToDlt(rec.linkType), MAX_SNAPLEN, this.expression);
    } catch (e) {
      this.failure ??= {
        linkType: rec.linkType,
        offset: rec.fileOffset,
        message: `--filter does not apply to link type ${rec.linkType}: ${message(e)}`,
      };
    }
    this.byLink.set(rec.linkType, f);
    return f;
  }
}
