/**
 * Terminal safety for every printed string: control characters (C0, DEL, C1) and Unicode bidirectional overrides
 * are shown as escapes, so a mount point or SNI carrying ESC sequences cannot drive the reader's terminal.
 */

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(c: string): string {
  const n = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  if (n < 0x100) return `\\x${n.toString(16).padStart(2, '0')}`;
  return `\\u${n.toString(16).padStart(4, '0')}`;
}

/** The string with every control character escaped (`\x1b`, `\n`, `\u202e`...); printable text unchanged. */
export function printable(s: string): string {
  return s.replace(UNSAFE, escapeOne);
}

/** True when the string would be changed by printable(). */
export function hasUnsafe(s: string): boolean {
  UNSAFE.lastIndex = 0;
  const r = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return r;
}
