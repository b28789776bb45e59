/** Formatting of the numeric address words kept by the decoder and flow table. */

export function ipv4ToString(w: number): string {
  return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
}

/** RFC 5952 text form of an IPv6 address given as four 32-bit words. */
export function ipv6ToString(w0: number, w1: number, w2: number, w3: number): string {
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

export function addrToString(version: 4 | 6, w0: number, w1: number, w2: number, w3: number): string {
  return version === 4 ? ipv4ToString(w0) : ipv6ToString(w0, w1, w2, w3);
}

export function isLoopback(version: 4 | 6, w0: number, w1: number, w2: number, w3: number): boolean {
  if (version === 4) return w0 >>> 24 === 127;
  return w0 === 0 && w1 === 0 && w2 === 0 && w3 === 1;
}
