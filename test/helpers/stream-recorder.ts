import type { StreamSink } from '../../src/flow/tcp-stream.js';

/** A StreamSink that writes what it was given as `frame:text` and `frame:gapN` lines, for asserting reassembly. */
export class Recorder implements StreamSink {
  out: string[] = [];
  data(d: Uint8Array, off: number, len: number, frame: number): void {
    this.out.push(`${frame}:${Buffer.from(d.subarray(off, off + len)).toString()}`);
  }
  gap(len: number, frame: number): void {
    this.out.push(`${frame}:gap${len}`);
  }
}

/** A Buffer of a string's bytes. */
export const b = (s: string): Buffer => Buffer.from(s);
