/**
 * Interfaces between the flow table (which reassembles bytes) and the protocol analyzers (which read them).
 * Analyzers are per-flow state machines over pure decoders in src/protocol; they never throw on bad bytes:
 * malformed input sets a flag/evidence entry on the analyzer and deep parsing stops.
 */
import type { EvidenceFact } from './facts.js';

/** 0 = client to server, 1 = server to client. */
export type Dir = 0 | 1;
export const TO_SERVER: Dir = 0;
export const TO_CLIENT: Dir = 1;

/**
 * One entry of evidence: which frame showed what, as a typed fact (src/report/evidence-text.ts makes its text).
 * Never contains payload bytes.
 */
export interface Evidence {
  frame: number;
  dir?: 'to-server' | 'to-client';
  fact: EvidenceFact;
}

/** Bounded evidence list: keeps the first `cap` entries and counts the rest. */
export class EvidenceLog {
  readonly items: Evidence[] = [];
  dropped = 0;
  constructor(readonly cap = 16) {}
  add(frame: number, dir: Dir | undefined, fact: EvidenceFact): void {
    if (this.items.length >= this.cap) {
      this.dropped++;
      return;
    }
    const e: Evidence = { frame, fact };
    if (dir !== undefined) e.dir = dir === 0 ? 'to-server' : 'to-client';
    this.items.push(e);
  }
}

/**
 * A TCP stream analyzer. The flow table calls onData with in-order bytes of one direction (one call per
 * contiguous run, normally one TCP segment's new bytes), and onGap when bytes are known to be missing
 * (lost segment, snaplen cut, buffer cap). `data` is only valid during the call.
 *
 * onData returns the number of bytes it consumed. Returning less than `length` means "the rest of this
 * direction is not mine": the caller hands the remainder (and later bytes) to another analyzer. Used by RPC for the
 * RFC 9289 STARTTLS upgrade.
 */
export interface StreamAnalyzer {
  onData(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): number;
  onGap(dir: Dir, length: number, frame: number): void;
  /** True once nothing more can change the verdict (the flow may stop deep parsing and only count bytes). */
  readonly finished: boolean;
}

/** A UDP analyzer: one call per datagram (after IP reassembly). */
export interface DatagramAnalyzer {
  onDatagram(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void;
  readonly finished: boolean;
}
