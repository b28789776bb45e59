/**
 * Big-endian reads by byte arithmetic, for the per-packet path (Buffer.readUInt* validate their arguments on
 * every call). The caller checks bounds first: these read exactly the bytes named and never throw.
 */

export function u16be(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

export function u32be(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
