/**
 * pcapng timestamp conversion: a 64-bit count of units (10^-n or 2^-n of a second) given as two 32-bit halves,
 * into whole seconds and nanoseconds, without BigInt or allocation on the common decimal path (n <= 9).
 */

const TWO16 = 65536;
const TWO32 = 4294967296;

export interface Timestamp {
  tsSec: number;
  tsNsec: number;
}

export class TsConverter {
  /** Seconds added to every timestamp (if_tsoffset). */
  offsetSec = 0;
  /** Units per second for the fast decimal path, 0 when the slow path is used. */
  private divisor = 1e6;
  /** Nanoseconds per unit on the fast path. */
  private nsPerUnit = 1000;
  private slowUnitsPerSec = 0n;

  setResolution(n: number, binary: boolean): void {
    this.divisor = 0;
    if (binary) {
      this.slowUnitsPerSec = 1n << BigInt(n);
    } else if (n <= 9) {
      this.divisor = 10 ** n;
      this.nsPerUnit = 10 ** (9 - n);
    } else {
      this.slowUnitsPerSec = 10n ** BigInt(n);
    }
  }

  convert(high: number, low: number, out: Timestamp): void {
    const d = this.divisor;
    if (d !== 0) {
      // Long division of (high * 2^32 + low) by d in 16-bit steps keeps every intermediate below 2^53.
      const hq = Math.floor(high / d);
      const hr = high - hq * d;
      const x = hr * TWO16 + (low >>> 16);
      const q1 = Math.floor(x / d);
      const y = (x - q1 * d) * TWO16 + (low & 0xffff);
      const q2 = Math.floor(y / d);
      out.tsSec = hq * TWO32 + q1 * TWO16 + q2 + this.offsetSec;
      out.tsNsec = (y - q2 * d) * this.nsPerUnit;
      return;
    }
    this.convertSlow(high, low, out);
  }

  private convertSlow(high: number, low: number, out: Timestamp): void {
    const units = (BigInt(high) << 32n) | BigInt(low);
    const per = this.slowUnitsPerSec;
    const sec = units / per;
    const rem = units - sec * per;
    out.tsSec = Number(sec) + this.offsetSec;
    out.tsNsec = Number((rem * 1_000_000_000n) / per);
  }
}
