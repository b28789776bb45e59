/** Reader of the Linux mount table (`/proc/mounts` format): keeps nfs and nfs4 lines only. Pure. */
import type { MountEntry } from './types.js';

const NFS_TYPES = new Set(['nfs', 'nfs4']);
const MAX_LINES = 100_000;

/** Decodes the kernel's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash). */
export function decodeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** Splits `host:/path` (or `[v6]:/path`) into its host and path. */
export function splitDevice(device: string): { server: string; export: string } {
  if (device.startsWith('[')) {
    const end = device.indexOf(']');
    if (end > 0) {
      const rest = device.slice(end + 1);
      return { server: device.slice(1, end), export: rest.startsWith(':') ? rest.slice(1) : rest };
    }
  }
  const colon = device.indexOf(':');
  if (colon < 0) return { server: '', export: device };
  return { server: device.slice(0, colon), export: device.slice(colon + 1) };
}

/** Parses `a,b=c` mount options into a record (flags map to `true`). */
export function parseMountOptions(text: string): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const part of text.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) out[part] = true;
    else out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

export function parseMountTable(text: string, file: string): MountEntry[] {
  const out: MountEntry[] = [];
  const lines = text.split('\n');
  const n = Math.min(lines.length, MAX_LINES);
  for (let i = 0; i < n; i++) {
    const fields = lines[i].trim().split(/\s+/);
    if (fields.length < 4 || !NFS_TYPES.has(fields[2])) continue;
    const device = decodeOctal(fields[0]);
    out.push({
      device,
      ...splitDevice(device),
      mountPoint: decodeOctal(fields[1]),
      fsType: fields[2],
      options: parseMountOptions(decodeOctal(fields[3])),
      src: { file, line: i + 1 },
    });
  }
  return out;
}

/** The option value as a string, or undefined when absent or a bare flag. */
export function optString(opts: Record<string, string | true>, key: string): string | undefined {
  const v = opts[key];
  return typeof v === 'string' ? v : undefined;
}
