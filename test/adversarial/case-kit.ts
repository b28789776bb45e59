/**
 * What a corpus case is: how it is built (frames into a Trace), what it claims tshark sees in it (the oracle), and
 * what wireseal must say about it (class, verdict, finding codes, exit code).
 */
import { type Endpoint, TcpConn, Trace, UdpConn } from './builders/net.js';
import { Noise } from './builders/sessions.js';

/** What wireseal must report: the NFS flow's class and verdict (null when no flow is listed), findings, exit code. */
export interface Expected {
  class: string | null;
  verdict: string | null;
  /** Finding codes, sorted, each once. */
  findings: string[];
  exit: number;
}

/**
 * One oracle claim, exhaustive over the capture: with `decodeAs` (tshark's -d for the server port), `field` has a
 * non-empty value in exactly the frames listed, each exactly as tshark prints it (repeated occurrences joined by
 * commas). For fields without a value (tcp.analysis flags) `filter` lists the frames a display filter matches.
 */
/** tshark's -d for the server port: read its bytes as TLS, DTLS or ONC-RPC. */
export type Dissector = 'tls' | 'dtls' | 'rpc';

export type Claim =
  | { field: string; decodeAs?: Dissector; values: Record<string, string> }
  | { filter: string; decodeAs?: Dissector; frames: number[] };

export interface CaseInfo {
  id: string;
  issue: 10 | 11;
  /** The rule under test (the issue's words). */
  rule: string;
  /** What the capture contains, frame by frame where it matters. */
  contains: string;
  /** The adversarial case this one is the legitimate twin of (or the twin's id of an adversarial case). */
  twin?: string;
  expected: Expected;
  /**
   * Set when main does not give the expected outcome yet (the rule has not landed, or a bug): the case is written
   * with the outcome its rule requires and is left out of the asserted set until it does.
   */
  pending?: string;
  /** Application-data bodies that are plaintext by construction (counts toward the detection rate). */
  plaintextInRecords?: boolean;
}

export interface BuiltCase extends CaseInfo {
  file: string;
  claims: Claim[];
}

export const CLIENT: Endpoint = { ip: '198.51.100.10', port: 871 };
export const SERVER: Endpoint = { ip: '198.51.100.21', port: 2049 };
export const CLIENT6: Endpoint = { ip: '2001:db8:100::10', port: 871 };
export const SERVER6: Endpoint = { ip: '2001:db8:100::21', port: 2049 };

/** The build context of one case: its frames, its ciphertext source, its claims. */
export class Kit {
  readonly trace = new Trace();
  readonly noise: Noise;
  private readonly fieldClaims = new Map<
    string,
    { field: string; decodeAs?: Dissector; values: Map<number, string> }
  >();
  private readonly filterClaims: { filter: string; decodeAs?: Dissector; frames: number[] }[] = [];

  constructor(seed: number) {
    this.noise = new Noise(seed);
  }

  tcp(client: Endpoint = CLIENT, server: Endpoint = SERVER): TcpConn {
    return new TcpConn(this.trace, client, server);
  }

  udp(client: Endpoint = CLIENT, server: Endpoint = SERVER): UdpConn {
    return new UdpConn(this.trace, client, server);
  }

  /** Claims tshark reads `value` for `field` in `frame` (and the field stays empty in frames never claimed). */
  see(field: string, frame: number, value: string, decodeAs?: Dissector): void {
    const key = `${decodeAs ?? ''}|${field}`;
    let c = this.fieldClaims.get(key);
    if (c === undefined) {
      c = decodeAs === undefined ? { field, values: new Map() } : { field, decodeAs, values: new Map() };
      this.fieldClaims.set(key, c);
    }
    c.values.set(frame, value);
  }

  /** Claims a field is empty in every frame (registers it with no values). */
  never(field: string, decodeAs?: Dissector): void {
    const key = `${decodeAs ?? ''}|${field}`;
    if (!this.fieldClaims.has(key))
      this.fieldClaims.set(
        key,
        decodeAs === undefined ? { field, values: new Map() } : { field, decodeAs, values: new Map() },
      );
  }

  /**
   * Drops the claims read with `decodeAs` (tshark 4.0's TLS dissector gives up on a conversation whose first bytes
   * were ONC-RPC calls; RFC 9289's switch is not dissected).
   */
  forget(decodeAs: Dissector): void {
    for (const [key, c] of this.fieldClaims) if (c.decodeAs === decodeAs) this.fieldClaims.delete(key);
  }

  /** Claims the display filter matches exactly `frames`. */
  match(filter: string, frames: number[], decodeAs?: Dissector): void {
    this.filterClaims.push(decodeAs === undefined ? { filter, frames } : { filter, decodeAs, frames });
  }

  claims(): Claim[] {
    const out: Claim[] = [];
    for (const c of this.fieldClaims.values()) {
      const values: Record<string, string> = {};
      for (const [f, v] of [...c.values].sort((a, b) => a[0] - b[0])) values[String(f)] = v;
      out.push(
        c.decodeAs === undefined ? { field: c.field, values } : { field: c.field, decodeAs: c.decodeAs, values },
      );
    }
    return [...out, ...this.filterClaims];
  }
}

export interface CaseDef extends CaseInfo {
  build(k: Kit): void;
}

export function expected(cls: string | null, verdict: string | null, findings: string[], exit: number): Expected {
  return { class: cls, verdict, findings: [...new Set(findings)].sort(), exit };
}
