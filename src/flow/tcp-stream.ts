/**
 * Per-direction TCP reassembly: turns segments (in capture order) into in-order byte runs for an analyzer.
 * Handles retransmissions and overlaps (trimmed), out-of-order segments (held, with a byte cap), and holes the
 * capture never filled (reported as gaps, never papered over). Only out-of-order segments are copied.
 *
 * Overlap check (TCP-OVERLAP-CONFLICT): the last RETAIN_BYTES delivered bytes of each direction are kept in a ring
 * (allocated on the first delivered byte, charged to the shared budget, returned by release()). A retransmitted or
 * overlapping segment is compared byte for byte with what was already delivered: bytes that differ are an evasion
 * attempt or corruption, and the analyzer only ever saw the first copy. Overlapping bytes older than the ring (or
 * with no ring: budget exhausted, or bytes before a gap) are counted as unchecked, never assumed equal.
 */

/** Delivered bytes retained per direction for the overlap check (a power of two). */
export const RETAIN_BYTES = 4096;
const RETAIN_MASK = RETAIN_BYTES - 1;

/** Where in-order bytes go. */
export interface StreamSink {
  data(data: Uint8Array, offset: number, length: number, frame: number): void;
  gap(length: number, frame: number): void;
}

/** A byte budget shared by many directions. */
export interface HeldBudget {
  used: number;
  max: number;
}

interface HeldSegment {
  seq: number;
  bytes: Buffer;
  frame: number;
}

/** Signed distance a - b in 32-bit sequence space. */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export class TcpDirection {
  /** Next expected sequence number (uint32); valid once `synced`. */
  nextSeq = 0;
  synced = false;
  /** Bytes the capture never showed (holes, snaplen cuts). */
  gapBytes = 0;
  gapEvents = 0;
  retransmittedBytes = 0;
  heldBytes = 0;
  finSeen = false;
  /** Overlapping bytes compared with the retained copy, those that differed, and those that could not be compared. */
  overlapChecked = 0;
  overlapConflictBytes = 0;
  overlapUnchecked = 0;
  /** Segments whose overlap disagreed, and the first one's frame (0: none). */
  overlapConflicts = 0;
  firstConflictFrame = 0;
  private held: HeldSegment[] = [];
  /** The sequence number of a FIN the stream has not reached yet (finPending). */
  private finSeq = 0;
  private finPending = false;
  /** Last delivered bytes, indexed by sequence number & RETAIN_MASK; null until the first delivery (or no budget). */
  private ring: Uint8Array | null = null;
  private ringTried = false;
  /** How many bytes before nextSeq the ring holds. */
  private retained = 0;

  constructor(
    private readonly maxHeldBytes: number,
    /** Shared by every direction of a flow table: out-of-order bytes held in all flows together. */
    private readonly budget: HeldBudget = { used: 0, max: Number.POSITIVE_INFINITY },
  ) {}

  /** A SYN fixes the initial sequence number: data starts at isn + 1. */
  syn(seq: number): void {
    if (this.synced && this.held.length === 0) return;
    this.nextSeq = (seq + 1) >>> 0;
    this.synced = true;
  }

  /**
   * A segment carrying `captured` bytes at data[offset..] whose headers announce `wireLen` bytes at `seq`.
   * Returns nothing; pushes in-order bytes and gaps to sink.
   */
  segment(
    seq: number,
    data: Uint8Array,
    offset: number,
    captured: number,
    wireLen: number,
    frame: number,
    sink: StreamSink,
  ): void {
    if (wireLen <= 0) return;
    if (!this.synced) {
      this.nextSeq = seq >>> 0;
      this.synced = true;
    }
    const rel = seqDiff(seq, this.nextSeq);
    if (rel + wireLen <= 0) {
      this.retransmittedBytes += wireLen;
      this.compare(seq, data, offset, captured, wireLen, frame);
      return;
    }
    if (rel > 0) {
      this.hold(seq, data, offset, captured, wireLen, frame, sink);
      return;
    }
    // rel <= 0: in order, possibly overlapping what we already delivered.
    const skip = -rel;
    if (skip > 0) {
      this.retransmittedBytes += skip;
      this.compare(seq, data, offset, Math.min(captured, skip), skip, frame);
    }
    this.deliver(data, offset, captured, wireLen, skip, frame, sink);
    if (this.held.length > 0) this.drain(sink);
  }

  /**
   * A FIN occupies the sequence number `finSeq` (after the segment's data). Once the stream reaches it, the next
   * byte is at finSeq + 1: bytes sent after a FIN (which a receiver would refuse, but a capture still shows) are
   * delivered as the flow's later bytes, not taken for a one-byte hole. A FIN ahead of the stream waits for it.
   */
  fin(finSeq: number): void {
    if (!this.synced) return;
    const rel = seqDiff(finSeq, this.nextSeq);
    if (rel < 0) return; // a retransmitted FIN, already consumed
    this.finSeq = finSeq >>> 0;
    this.finPending = true;
    if (rel === 0) this.consumeFin();
  }

  /** The stream moved: consume a FIN it reached; one it jumped over (inside a hole) is forgotten. */
  private reachFin(): void {
    const rel = seqDiff(this.nextSeq, this.finSeq);
    if (rel === 0) this.consumeFin();
    else if (rel > 0) this.finPending = false;
  }

  private consumeFin(): void {
    this.finPending = false;
    this.nextSeq = (this.nextSeq + 1) >>> 0;
    this.retained = 0; // the ring holds no byte for the FIN's sequence number
  }

  /** The peer acknowledged `ack`: bytes before it that we never saw are lost to the capture. */
  peerAck(ack: number, frame: number, sink: StreamSink): void {
    if (!this.synced || this.held.length === 0) return;
    const first = this.held[0]!;
    if (seqDiff(ack, first.seq) >= 0) {
      this.skipTo(first.seq, frame, sink);
      this.drain(sink);
    }
  }

  /** Drop held segments without delivering them (the flow needs no more bytes); returns their budget and the ring's. */
  release(): void {
    for (const h of this.held) this.budget.used -= h.bytes.length;
    this.held.length = 0;
    this.heldBytes = 0;
    if (this.ring !== null) {
      this.budget.used -= RETAIN_BYTES;
      this.ring = null;
    }
    this.retained = 0;
  }

  /**
   * `wireLen` bytes at `seq` (all before nextSeq), `captured` of them present at data[offset..]: compare them with the
   * retained copy of what was delivered.
   */
  private compare(
    seq: number,
    data: Uint8Array,
    offset: number,
    captured: number,
    wireLen: number,
    frame: number,
  ): void {
    const back = seqDiff(this.nextSeq, seq); // distance from seq to the end of the delivered stream
    const n = Math.min(captured, wireLen);
    const ring = this.ring;
    const start = ring === null ? n : Math.min(n, Math.max(0, back - this.retained));
    this.overlapUnchecked += start + (wireLen - n);
    if (ring === null || start >= n) return;
    let differ = 0;
    for (let i = start; i < n; i++) if (ring[(seq + i) & RETAIN_MASK] !== data[offset + i]) differ++;
    this.overlapChecked += n - start;
    if (differ > 0) {
      this.overlapConflictBytes += differ;
      if (this.overlapConflicts++ === 0) this.firstConflictFrame = frame;
    }
  }

  /** Keep the last bytes of a delivered run (they start at nextSeq, before it moves). */
  private retain(data: Uint8Array, offset: number, length: number): void {
    if (this.ring === null) {
      if (this.ringTried) return;
      this.ringTried = true;
      if (this.budget.used + RETAIN_BYTES > this.budget.max) return;
      this.budget.used += RETAIN_BYTES;
      this.ring = new Uint8Array(RETAIN_BYTES);
    }
    const ring = this.ring;
    const take = Math.min(length, RETAIN_BYTES);
    const from = offset + length - take;
    let pos = (this.nextSeq + length - take) & RETAIN_MASK;
    let i = 0;
    while (i < take) {
      const run = Math.min(take - i, RETAIN_BYTES - pos);
      // A plain view, not data.subarray: a Buffer's subarray builds a Buffer (species), a cost on every segment.
      ring.set(new Uint8Array(data.buffer, data.byteOffset + from + i, run), pos);
      i += run;
      pos = 0;
    }
    this.retained = Math.min(RETAIN_BYTES, this.retained + length);
  }

  /** End of flow (FIN/RST/eviction/end of capture): flush what is held, gaps included. */
  flush(sink: StreamSink): void {
    while (this.held.length > 0) {
      const first = this.held[0]!;
      if (seqDiff(first.seq, this.nextSeq) > 0) this.skipTo(first.seq, first.frame, sink);
      this.drain(sink);
    }
  }

  private deliver(
    data: Uint8Array,
    offset: number,
    captured: number,
    wireLen: number,
    skip: number,
    frame: number,
    sink: StreamSink,
  ): void {
    const avail = captured - skip;
    if (avail > 0) {
      sink.data(data, offset + skip, avail, frame);
      this.retain(data, offset + skip, avail);
    }
    const cut = wireLen - Math.max(captured, skip);
    if (cut > 0) {
      this.gapBytes += cut;
      this.gapEvents++;
      sink.gap(cut, frame);
      this.retained = 0; // the bytes after the cut are unknown
    }
    this.nextSeq = (this.nextSeq + (wireLen - skip)) >>> 0;
    if (this.finPending) this.reachFin();
  }

  private skipTo(seq: number, frame: number, sink: StreamSink): void {
    const missing = seqDiff(seq, this.nextSeq);
    if (missing <= 0) return;
    this.gapBytes += missing;
    this.gapEvents++;
    sink.gap(missing, frame);
    this.nextSeq = seq >>> 0;
    this.retained = 0;
    if (this.finPending) this.reachFin();
  }

  private drain(sink: StreamSink): void {
    while (this.held.length > 0) {
      const first = this.held[0]!;
      const rel = seqDiff(first.seq, this.nextSeq);
      if (rel > 0) return;
      this.held.shift();
      this.heldBytes -= first.bytes.length;
      this.budget.used -= first.bytes.length;
      const len = first.bytes.length;
      if (rel + len <= 0) {
        this.retransmittedBytes += len;
        this.compare(first.seq, first.bytes, 0, len, len, first.frame);
        continue;
      }
      if (rel < 0) this.compare(first.seq, first.bytes, 0, -rel, -rel, first.frame);
      this.deliver(first.bytes, 0, len, len, -rel, first.frame, sink);
    }
  }

  private hold(
    seq: number,
    data: Uint8Array,
    offset: number,
    captured: number,
    wireLen: number,
    frame: number,
    sink: StreamSink,
  ): void {
    if (
      captured < wireLen ||
      this.heldBytes + captured > this.maxHeldBytes ||
      this.budget.used + captured > this.budget.max
    ) {
      // Cannot hold it (cut by snaplen, or over the cap): deliver what is held, declare the hole before this
      // segment lost to the capture, then take the segment in order.
      this.flush(sink);
      if (seqDiff(seq, this.nextSeq) > 0) this.skipTo(seq, frame, sink);
      this.segment(seq, data, offset, captured, wireLen, frame, sink);
      return;
    }
    const bytes = Buffer.allocUnsafe(captured);
    bytes.set(data.subarray(offset, offset + captured));
    const seg: HeldSegment = { seq: seq >>> 0, bytes, frame };
    // Insert sorted by sequence (held lists are short).
    let i = this.held.length;
    while (i > 0 && seqDiff(this.held[i - 1]!.seq, seg.seq) > 0) i--;
    this.held.splice(i, 0, seg);
    this.heldBytes += captured;
    this.budget.used += captured;
  }
}
