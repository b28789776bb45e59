/**
 * Capture arguments to capture files: a file is itself; a directory is searched recursively for captures,
 * recognised by content (pcap, pcapng or gzip magic), never by name; an argument with glob characters (`*`, `?`,
 * `**`) that the shell did not expand (quoted in a CI file) is matched here. Sorted, without duplicates; a glob or
 * directory that yields nothing is a usage error, a missing plain file is left to the reader (exit 3).
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const MAGICS = [
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0x3c, 0x4d],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0x0a, 0x0d, 0x0d, 0x0a],
];

/** Does the file start like a capture (or a gzip stream, which the reader opens and checks)? */
export function looksLikeCapture(file: string): boolean {
  const b = Buffer.alloc(4);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    if (readSync(fd, b, 0, 4, 0) < 4) return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (b[0] === 0x1f && b[1] === 0x8b) return true;
  return MAGICS.some((m) => m.every((v, i) => b[i] === v));
}

/** Every regular file under dir, depth first, sorted; symbolic links are not followed. */
function walk(dir: string, out: string[], depth = 0): void {
  if (depth > 32) return;
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const n of names) {
    const p = join(dir, n);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) walk(p, out, depth + 1);
    else if (st.isFile()) out.push(p);
  }
}

/** A glob as a regular expression over '/'-separated relative paths: `**` any depth, `*` and `?` within a name. */
export function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export class InputError extends Error {}

export function expandInputs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (a === '-') {
      out.push(a);
      continue;
    }
    const st = statSync(a, { throwIfNoEntry: false });
    if (st?.isDirectory()) {
      const files: string[] = [];
      walk(a, files);
      const caps = files.filter(looksLikeCapture);
      if (caps.length === 0) throw new InputError(`${a}: no pcap, pcapng or gzip capture in this directory`);
      out.push(...caps);
    } else if (!st && /[*?]/.test(a)) {
      // The fixed directory part of the glob, then a walk matched against the rest.
      const parts = a.split('/');
      const fixed: string[] = [];
      while (parts.length > 1 && !/[*?]/.test(parts[0] as string)) fixed.push(parts.shift() as string);
      const root = fixed.length > 0 ? fixed.join('/') || '/' : '.';
      const re = globRegex(parts.join('/'));
      const files: string[] = [];
      walk(root, files);
      const hits = files.filter((f) => re.test(relative(root, f).split(sep).join('/')));
      if (hits.length === 0) throw new InputError(`${a}: no file matches`);
      out.push(...hits);
    } else out.push(a);
  }
  return [...new Set(out)];
}
