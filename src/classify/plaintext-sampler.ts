/**
 * PLAINTEXT-IN-RECORDS: are the bodies of a TLS/DTLS flow's application-data records ciphertext? A valid record
 * stream proves nothing if the bodies are plain RPC (a NULL-like cipher, a broken or hostile peer, a crafted
 * capture). Per direction, bounded, cheap:
 *
 * - The first SKIP_BYTES (8) of every body are ignored: the TLS 1.2 / DTLS 1.2 AES-GCM and AES-CCM explicit nonce is
 *   plaintext by design (often a counter). CBC IVs and everything after are ciphertext; DTLS sequence numbers are in
 *   the record header, never in the body.
 * - Every record: the first HEAD_LEN bytes of the body are kept (a fixed per-direction buffer) and checked for an
 *   ONC-RPC message (with or without a TCP record mark, at body offset 0 or 8) and with the window checks of
 *   src/protocol/byte-randomness.ts (zero-heavy or all-text bytes at offset 8).
 * - A histogram sample: up to PER_RECORD bytes of each body after the skip, until SAMPLE_MAX bytes per direction;
 *   judged by the chi-square test once full (or at the end, from MIN_HISTOGRAM_BYTES on). The histogram (512 bytes
 *   per direction) is allocated on the first body byte and released as soon as it is judged.
 *
 * The first hit is kept (kind, direction, frame); later records are not inspected any more.
 */
import {
  CHI_Z_LIMIT,
  checkWindow,
  chiSquareUniform,
  chiSquareZ,
  MIN_HISTOGRAM_BYTES,
  WINDOW_LEN,
} from '../protocol/byte-randomness.js';
import { probeRpcMessage, probeRpcRecord } from '../protocol/rpc.js';
import type { Dir } from './analyzer.js';
import type { PlaintextKind } from './facts.js';

/** Body bytes ignored at the start of each record (AEAD explicit nonce). */
export const SKIP_BYTES = 8;
/** Body bytes kept per record for the structure checks: the skip, then the window or an RPC header. */
export const HEAD_LEN = SKIP_BYTES + 44;
/** Histogram bytes taken from one record. */
export const PER_RECORD = 64;
/** Histogram bytes per direction: 4096 (Uint16 bins cannot overflow). */
export const SAMPLE_MAX = 4096;

export type { PlaintextKind };

export interface PlaintextHit {
  kind: PlaintextKind;
  dir: Dir;
  frame: number;
  /** For 'skewed': the chi-square normal score. */
  z?: number;
}

class DirSample {
  readonly head = new Uint8Array(HEAD_LEN);
  headLen = 0;
  /** Bytes of the current body seen or skipped so far. */
  pos = 0;
  /** A gap fell inside the head: the head is not contiguous, skip its checks. */
  headBroken = false;
  inRecord = false;
  hist: Uint16Array | null = null;
  histN = 0;
  histDone = false;
  records = 0;
  /** Body bytes that went into the histogram, over the whole flow (for the report). */
  sampled = 0;
  lastFrame = 0;
}

export class PlaintextSampler {
  private readonly dirs: [DirSample, DirSample] = [new DirSample(), new DirSample()];
  hit: PlaintextHit | null = null;

  /** Nothing more to learn: a hit, or both histograms judged. */
  get settled(): boolean {
    return this.hit !== null || (this.dirs[0].histDone && this.dirs[1].histDone);
  }

  /** Records whose head was checked, both directions. */
  get recordsChecked(): number {
    return this.dirs[0].records + this.dirs[1].records;
  }

  /** Bytes that went into the histograms, both directions. */
  get bytesSampled(): number {
    return this.dirs[0].sampled + this.dirs[1].sampled;
  }

  /** A new application-data record begins in `dir`. */
  begin(dir: Dir): void {
    const s = this.dirs[dir];
    s.inRecord = this.hit === null;
    s.pos = 0;
    s.headLen = 0;
    s.headBroken = false;
  }

  /** Body bytes of the current record (in order; a record may come in several runs). */
  body(dir: Dir, data: Uint8Array, offset: number, length: number): void {
    const s = this.dirs[dir];
    if (!s.inRecord) return;
    const start = s.pos;
    s.pos += length;
    if (start < HEAD_LEN && !s.headBroken) {
      const take = Math.min(HEAD_LEN - start, length);
      s.head.set(data.subarray(offset, offset + take), start);
      s.headLen = start + take;
    }
    if (s.histDone) return;
    const from = Math.max(start, SKIP_BYTES);
    const to = Math.min(s.pos, SKIP_BYTES + PER_RECORD);
    if (to <= from) return;
    if (s.hist === null) s.hist = new Uint16Array(256);
    const h = s.hist;
    const n = Math.min(to - from, SAMPLE_MAX - s.histN);
    const base = offset + (from - start);
    for (let i = base; i < base + n; i++) h[data[i]!]++;
    s.histN += n;
    s.sampled += n;
  }

  /** Bytes of the current body the capture did not show. */
  skip(dir: Dir, length: number): void {
    const s = this.dirs[dir];
    if (!s.inRecord) return;
    if (s.pos < HEAD_LEN) s.headBroken = true;
    s.pos += length;
  }

  /** The current record of `dir` ended (frame: where its last byte was seen). */
  end(dir: Dir, frame: number): void {
    const s = this.dirs[dir];
    if (!s.inRecord) return;
    s.inRecord = false;
    s.records++;
    s.lastFrame = frame;
    if (!s.headBroken) {
      const kind = headKind(s.head, s.headLen);
      if (kind !== null) {
        this.hit = { kind, dir, frame };
        return;
      }
    }
    if (!s.histDone && s.histN >= SAMPLE_MAX) this.judge(s, dir, frame);
  }

  /** The first hit, after judging histograms that did not fill up (call when the flow's bytes are all in). */
  result(): PlaintextHit | null {
    for (const dir of [0, 1] as const) {
      const s = this.dirs[dir];
      if (!s.histDone && s.histN >= MIN_HISTOGRAM_BYTES) this.judge(s, dir, s.lastFrame);
    }
    return this.hit;
  }

  private judge(s: DirSample, dir: Dir, frame: number): void {
    const z = chiSquareZ(chiSquareUniform(s.hist!, s.histN));
    s.histDone = true;
    s.hist = null;
    if (this.hit === null && z >= CHI_Z_LIMIT) this.hit = { kind: 'skewed', dir, frame, z };
  }
}

/** Structure checks on the first bytes of one body. */
function headKind(head: Uint8Array, len: number): PlaintextKind | null {
  for (const at of [0, SKIP_BYTES]) {
    if (len - at >= 16 && probeRpcRecord(head, at, len - at)) return 'rpc';
    if (len - at >= 24 && probeRpcMessage(head, at, len - at)) return 'rpc';
  }
  if (len > SKIP_BYTES) return checkWindow(head, SKIP_BYTES, Math.min(len - SKIP_BYTES, WINDOW_LEN));
  return null;
}
