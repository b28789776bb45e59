/** Readers of AZNFS-mount state: the NFSv4.1 map `mountmapv4` (`ip;conf;log;pid;cksum;status;timeout`). Pure. */
import type { AznfsMapEntry } from './types.js';

export const AZNFS_MAP_V4 = '/opt/microsoft/aznfs/data/mountmapv4';
export const AZNFS_STUNNEL_DIR = '/etc/stunnel/microsoft/aznfs/nfsv4_fileShare';

const MAX_LINES = 10_000;

export function parseMountMapV4(text: string, file: string): Omit<AznfsMapEntry, 'pidStatus'>[] {
  const out: Omit<AznfsMapEntry, 'pidStatus'>[] = [];
  const lines = text.split('\n');
  const n = Math.min(lines.length, MAX_LINES);
  for (let i = 0; i < n; i++) {
    const f = lines[i].trim().split(';');
    if (f.length < 6 || f[0] === '') continue;
    out.push({
      ip: f[0],
      conf: f[1],
      log: f[2],
      pidFile: f[3],
      checksum: f[4],
      status: f[5],
      timeout: f[6] ?? '',
      src: { file, line: i + 1 },
    });
  }
  return out;
}

/** Parses a pid file's first number. */
export function parsePidFile(text: string): number | undefined {
  const m = /^\s*(\d{1,10})\s*$/m.exec(text);
  return m ? Number(m[1]) : undefined;
}
