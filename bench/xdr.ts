/** A small XDR (RFC 4506) encoder for the generator's RPC messages: append fields, then take the bytes. */
export class Xdr {
  private readonly parts: Buffer[] = [];
  private cur = Buffer.allocUnsafe(512);
  private pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.cur.length) return;
    this.parts.push(this.cur.subarray(0, this.pos));
    this.cur = Buffer.allocUnsafe(Math.max(512, n));
    this.pos = 0;
  }

  u32(v: number): this {
    this.room(4);
    this.cur.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  u64(v: number): this {
    this.room(8);
    this.cur.writeUInt32BE(Math.floor(v / 4294967296) >>> 0, this.pos);
    this.cur.writeUInt32BE(v >>> 0, this.pos + 4);
    this.pos += 8;
    return this;
  }

  bool(v: boolean): this {
    return this.u32(v ? 1 : 0);
  }

  /** Fixed-length opaque: the bytes then zero padding to 4. */
  fixed(b: Uint8Array): this {
    const pad = (4 - (b.length & 3)) & 3;
    if (b.length > 4096) {
      this.parts.push(this.cur.subarray(0, this.pos));
      this.parts.push(Buffer.from(b.buffer, b.byteOffset, b.length));
      this.cur = Buffer.allocUnsafe(512);
      this.pos = 0;
    } else {
      this.room(b.length);
      this.cur.set(b, this.pos);
      this.pos += b.length;
    }
    this.room(pad);
    this.cur.fill(0, this.pos, this.pos + pad);
    this.pos += pad;
    return this;
  }

  /** Variable-length opaque: length word, bytes, padding. */
  opaque(b: Uint8Array): this {
    return this.u32(b.length).fixed(b);
  }

  string(s: string): this {
    return this.opaque(Buffer.from(s, 'utf8'));
  }

  /** A bitmap4 / uint32 array. */
  words(ws: readonly number[]): this {
    this.u32(ws.length);
    for (const w of ws) this.u32(w);
    return this;
  }

  get length(): number {
    let n = this.pos;
    for (const p of this.parts) n += p.length;
    return n;
  }

  toBuffer(): Buffer {
    return Buffer.concat([...this.parts, this.cur.subarray(0, this.pos)]);
  }
}
