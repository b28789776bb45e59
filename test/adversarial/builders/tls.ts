/** Builders of crafted TLS/DTLS bytes for unit tests (not a test file itself). */

export function u16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}
export function u24(v: number): number[] {
  return [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}
export function vec8(b: number[]): number[] {
  return [b.length, ...b];
}
export function vec16(b: number[]): number[] {
  return [...u16(b.length), ...b];
}
export function ext(type: number, body: number[]): number[] {
  return [...u16(type), ...vec16(body)];
}
export function asciiBytes(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

export const HRR_RANDOM = [
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
  0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

export interface ChOpts {
  version?: number;
  sessionId?: number[];
  suites?: number[];
  sni?: string;
  alpn?: string[];
  versions?: number[];
  keyShare?: number[];
  psk?: boolean;
  cookie?: number[];
  dtls?: boolean;
  extraExt?: number[];
}

export function clientHelloBody(o: ChOpts = {}): number[] {
  const exts: number[] = [];
  if (o.sni !== undefined) {
    const name = asciiBytes(o.sni);
    exts.push(...ext(0, vec16([0, ...vec16(name)])));
  }
  if (o.alpn) exts.push(...ext(16, vec16(o.alpn.flatMap((p) => vec8(asciiBytes(p))))));
  if (o.versions) exts.push(...ext(43, vec8(o.versions.flatMap(u16))));
  if (o.keyShare) exts.push(...ext(51, vec16(o.keyShare.flatMap((g) => [...u16(g), ...vec16([1, 2, 3, 4])]))));
  if (o.extraExt) exts.push(...o.extraExt);
  if (o.psk) exts.push(...ext(41, [0, 0]));
  return [
    ...u16(o.version ?? 0x0303),
    ...new Array(32).fill(7),
    ...vec8(o.sessionId ?? []),
    ...(o.dtls ? vec8(o.cookie ?? []) : []),
    ...vec16((o.suites ?? [0x1301, 0x1302, 0xc02f]).flatMap(u16)),
    ...vec8([0]),
    ...vec16(exts),
  ];
}

export interface ShOpts {
  version?: number;
  sessionId?: number[];
  suite?: number;
  selected?: number;
  keyShare?: number;
  psk?: boolean;
  hrr?: boolean;
}

export function serverHelloBody(o: ShOpts = {}): number[] {
  const exts: number[] = [];
  if (o.selected !== undefined) exts.push(...ext(43, u16(o.selected)));
  if (o.keyShare !== undefined) exts.push(...ext(51, [...u16(o.keyShare), ...vec16([9, 9])]));
  if (o.psk) exts.push(...ext(41, u16(0)));
  return [
    ...u16(o.version ?? 0x0303),
    ...(o.hrr ? HRR_RANDOM : new Array(32).fill(5)),
    ...vec8(o.sessionId ?? []),
    ...u16(o.suite ?? 0x1302),
    0,
    ...vec16(exts),
  ];
}

/** TLS handshake message: type, 24-bit length, body. */
export function hsMsg(type: number, body: number[]): number[] {
  return [type, ...u24(body.length), ...body];
}

/** TLS record. */
export function record(type: number, body: number[], version = 0x0303): number[] {
  return [type, ...u16(version), ...u16(body.length), ...body];
}

/** DTLS handshake fragment. */
export function dtlsHs(
  type: number,
  seq: number,
  body: number[],
  fragOff = 0,
  fragLen = body.length - fragOff,
): number[] {
  return [
    type,
    ...u24(body.length),
    ...u16(seq),
    ...u24(fragOff),
    ...u24(fragLen),
    ...body.slice(fragOff, fragOff + fragLen),
  ];
}

/** DTLS classic record. */
export function dtlsRecord(type: number, body: number[], version = 0xfefd, epoch = 0, seq = 0): number[] {
  return [
    type,
    ...u16(version),
    ...u16(epoch),
    0,
    0,
    ...u16(seq >>> 16),
    ...u16(seq & 0xffff),
    ...u16(body.length),
    ...body,
  ];
}

export function bytes(...parts: number[][]): Uint8Array {
  return Uint8Array.from(parts.flat());
}
