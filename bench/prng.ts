/**
 * Seeded pseudo-random numbers for the benchmark generator (sfc32 seeded through splitmix32): the same seed gives
 * the same capture byte for byte on every machine.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }

  /** Uniform integer in [lo, hi] (both included). */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Fills `buf` with random bytes. */
  fill(buf: Uint8Array): Uint8Array {
    let i = 0;
    for (; i + 4 <= buf.length; i += 4) {
      const v = this.u32();
      buf[i] = v;
      buf[i + 1] = v >>> 8;
      buf[i + 2] = v >>> 16;
      buf[i + 3] = v >>> 24;
    }
    for (; i < buf.length; i++) buf[i] = this.u32();
    return buf;
  }

  bytes(n: number): Buffer {
    return this.fill(Buffer.allocUnsafe(n)) as Buffer;
  }
}

/**
 * A block of seeded random bytes to slice payloads from (application data, file contents): building a 1 GiB
 * capture byte by byte from the PRNG would be needlessly slow, and slices of a large pool look just as random to a
 * classifier.
 */
export class RandomPool {
  readonly pool: Buffer;
  constructor(
    private readonly rng: Prng,
    size = 4 << 20,
  ) {
    this.pool = rng.bytes(size);
  }

  /** A view (no copy) of `n` random bytes; n must be <= the pool size. */
  slice(n: number): Buffer {
    const start = this.rng.int(this.pool.length - n + 1);
    return this.pool.subarray(start, start + n);
  }
}
