/**
 * Is a sample of bytes plausibly ciphertext? Pure functions over byte counts and byte windows; no state, no
 * allocation. Used on samples of TLS/DTLS record bodies, whose encrypted bytes are indistinguishable from uniform
 * random bytes (AEAD output, CBC blocks, stream-cipher output alike).
 *
 * Two tests, both with false-positive rates far below anything a capture can reach:
 * - Pearson's chi-square of a 256-bin byte histogram against the uniform distribution (255 degrees of freedom),
 *   turned into a standard normal score with the Wilson-Hilferty cube-root transform. Uniform bytes give z ~ N(0,1);
 *   the flow is called non-random at z >= CHI_Z_LIMIT (8 standard deviations: p < 1e-15) and only from
 *   MIN_HISTOGRAM_BYTES sampled bytes on (below that the statistic is not judged).
 * - Per-record window checks on WINDOW_LEN bytes: ZERO_LIMIT or more zero bytes (uniform bytes: p < 1e-12), or every
 *   byte printable ASCII/whitespace (p = (98/256)^32 < 1e-13).
 */

/** Bytes a window check reads. */
export const WINDOW_LEN = 32;
/** Zero bytes in a window that uniform bytes essentially never show: P(Bin(32, 1/256) >= 8) < 1e-12. */
export const ZERO_LIMIT = 8;
/** Histogram samples below this size are not judged. */
export const MIN_HISTOGRAM_BYTES = 256;
/** Normal score of the chi-square statistic from which a sample is called non-random. */
export const CHI_Z_LIMIT = 8;

/** Pearson chi-square of `n` samples spread over the 256 bins of `hist`, against uniform. */
export function chiSquareUniform(hist: ArrayLike<number>, n: number): number {
  if (n <= 0) return 0;
  let sumSq = 0;
  for (let i = 0; i < 256; i++) {
    const c = hist[i]!;
    sumSq += c * c;
  }
  // sum (c - e)^2 / e with e = n / 256  ==  256 * sum(c^2) / n - n
  return (256 * sumSq) / n - n;
}

/** Wilson-Hilferty: chi-square with k degrees of freedom -> approximately standard normal score. */
export function chiSquareZ(chi2: number, k = 255): number {
  if (chi2 <= 0) return -Infinity;
  const a = 2 / (9 * k);
  return ((chi2 / k) ** (1 / 3) - (1 - a)) / Math.sqrt(a);
}

/** What a window of bytes looks like when it is not ciphertext; null when it could be. */
export type WindowFinding = 'zeros' | 'ascii' | null;

/** Printable ASCII 0x20-0x7e, or tab/LF/CR: what text protocols and file names are made of. */
function isTextByte(b: number): boolean {
  return (b >= 0x20 && b <= 0x7e) || b === 0x09 || b === 0x0a || b === 0x0d;
}

/**
 * Judge `len` bytes at `off` (len <= WINDOW_LEN is read). `zeros` needs at least 16 bytes, `ascii` the full window:
 * shorter windows are not judged.
 */
export function checkWindow(buf: Uint8Array, off: number, len: number): WindowFinding {
  const n = Math.min(len, WINDOW_LEN, buf.length - off);
  if (off < 0 || n < 16) return null;
  let zeros = 0;
  let text = 0;
  for (let i = off; i < off + n; i++) {
    const b = buf[i]!;
    if (b === 0) zeros++;
    else if (isTextByte(b)) text++;
  }
  if (zeros >= ZERO_LIMIT) return 'zeros';
  if (n === WINDOW_LEN && text === n) return 'ascii';
  return null;
}
